#include "testutil.h"

#include "config.h"
#include "pace.h"
#include "store.h"

struct fx {
	char *dir;
	struct store *st;
	struct config cfg;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *path, *err = NULL;

	f->dir = tu_tmpdir();
	path = xasprintf("%s/m.db", f->dir);
	assert_int_equal(store_open(path, &f->st, &err), 0);
	free(path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(&f->st);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* Sends a batch as the sender does: room, then a send, then the flush. */
static long send_batch(struct fx *f, time_t now, long want)
{
	struct pace p;
	long n = 0;

	assert_int_equal(pace_open(&p, f->st, &f->cfg, now), 0);
	while (n < want && pace_room(&p)) {
		pace_sent(&p);
		n++;
	}
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(pace_flush(&p), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(p.full, n < want);
	return n;
}

static void test_backoff_doubles_to_its_cap(void **state)
{
	static const time_t expected[] = { 60, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 };
	long i;

	(void)state;
	for (i = 0; i < (long)ARRAY_SIZE(expected); i++)
		assert_int_equal(pace_backoff(i), expected[i]);
	assert_int_equal(pace_backoff(1000), PACE_BACKOFF_MAX);
}

/* A row queued at 0 with a lifetime of 10 minutes, refused at every try:
 * tries at 0, 1, 3 and 7 minutes, the last at 10, then it fails. */
static void test_lifetime_ends_with_a_last_try(void **state)
{
	time_t now = 0, next = 0;
	long attempts = 0;
	time_t tries[8];
	size_t n = 0;

	(void)state;
	for (;;) {
		tries[n++] = now;
		attempts++;
		if (!pace_retry_at(0, 600, attempts, now, &next))
			break;
		assert_true(next > now);
		now = next;
		assert_true(n < ARRAY_SIZE(tries));
	}
	assert_int_equal(n, 5);
	assert_int_equal(tries[0], 0);
	assert_int_equal(tries[1], 60);
	assert_int_equal(tries[2], 180);
	assert_int_equal(tries[3], 420);
	assert_int_equal(tries[4], 600);
}

static void test_five_days(void **state)
{
	time_t now = 0, next = 0;
	long attempts = 0;

	(void)state;
	/* the default lifetime: about 125 tries, an hour apart at most */
	while (pace_retry_at(0, 5L * 86400, ++attempts, now, &next)) {
		assert_true(next - now <= PACE_BACKOFF_MAX);
		now = next;
	}
	assert_int_equal(now, 5L * 86400);
	assert_in_range(attempts, 120, 130);
	/* tried late (the daemon was stopped): past the end, it fails */
	assert_int_equal(pace_retry_at(0, 600, 1, 601, &next), 0);
}

static void test_duration_words(void **state)
{
	char s[32];

	(void)state;
	pace_duration_str(5L * 86400, s, sizeof(s));
	assert_string_equal(s, "5 days");
	pace_duration_str(86400, s, sizeof(s));
	assert_string_equal(s, "1 day");
	pace_duration_str(7200, s, sizeof(s));
	assert_string_equal(s, "2 h");
	pace_duration_str(600, s, sizeof(s));
	assert_string_equal(s, "10 min");
	pace_duration_str(90, s, sizeof(s));
	assert_string_equal(s, "90 s");
}

/* The providers' limits as the presets give them. Microsoft 365: 30 a
 * minute and 10,000 recipients a day; a queue that always has more waiting
 * sends 30 each minute until the day's 10,000, then waits until the first
 * of them is a day old. Google Workspace: 2,000 a day, at any speed. */
static void test_provider_limits(void **state)
{
	struct fx *f = *state;
	const time_t t0 = 2000000000;
	long minute, total = 0, n, wait = -1;

	f->cfg.smtp.max_per_minute = 30;
	f->cfg.smtp.max_recipients_per_day = 10000;
	for (minute = 0; minute < 24 * 60; minute++) {
		n = send_batch(f, t0 + minute * 60, 50);
		assert_true(n <= 30);
		total += n;
		if (total < 10000)
			assert_int_equal(n, 30);
	}
	assert_int_equal(total, 10000);
	/* the last minute of the day: full since minute 333, the first sends
	 * leave the window a day after t0 */
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + (24 * 60 - 1) * 60, &wait), 0);
	assert_int_equal(wait, 60);
	assert_int_equal(send_batch(f, t0 + 86400, 50), 30);

	f->cfg.smtp.max_per_minute = 0;
	f->cfg.smtp.max_recipients_per_day = 2000;
	assert_int_equal(store_exec(f->st, "DELETE FROM smtp_sends", NULL), 0);
	assert_int_equal(send_batch(f, t0, 2500), 2000);
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 3600, &wait), 0);
	assert_int_equal(wait, 86400 - 3600);
	assert_int_equal(send_batch(f, t0 + 86400, 10), 10);
}

static void test_window_of_a_minute(void **state)
{
	struct fx *f = *state;
	const time_t t0 = 2000000000;
	long wait = -1;

	f->cfg.smtp.max_per_minute = 30;
	assert_int_equal(send_batch(f, t0, 20), 20);
	assert_int_equal(send_batch(f, t0 + 30, 20), 10);
	/* full: room again when the first twenty leave the window */
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 30, &wait), 0);
	assert_int_equal(wait, 30);
	assert_int_equal(send_batch(f, t0 + 59, 5), 0);
	assert_int_equal(send_batch(f, t0 + 60, 30), 20);
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 60, &wait), 0);
	assert_int_equal(wait, 30);
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 95, &wait), 0);
	assert_int_equal(wait, 0);
	/* a clock set back does not count sends "in the future" */
	assert_int_equal(send_batch(f, t0 - 3600, 30), 30);
}

static void test_window_of_a_day_and_no_limit(void **state)
{
	struct fx *f = *state;
	const time_t t0 = 2000000000;
	long wait = -1;
	int64_t rows = -1;

	f->cfg.smtp.max_recipients_per_day = 3;
	assert_int_equal(send_batch(f, t0, 2), 2);
	assert_int_equal(send_batch(f, t0 + 3600, 2), 1);
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 7200, &wait), 0);
	assert_int_equal(wait, 86400 - 7200);
	assert_int_equal(send_batch(f, t0 + 86400, 5), 2);
	/* older than a day: forgotten */
	assert_int_equal(store_query_int(f->st, &rows, "SELECT count(*) FROM smtp_sends", NULL), 0);
	assert_int_equal(rows, 3);
	/* without limits nothing is counted or recorded */
	f->cfg.smtp.max_recipients_per_day = 0;
	assert_int_equal(send_batch(f, t0 + 86400, 1000), 1000);
	assert_int_equal(store_query_int(f->st, &rows, "SELECT count(*) FROM smtp_sends", NULL), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(pace_wait(f->st, &f->cfg, t0 + 86400, &wait), 0);
	assert_int_equal(wait, 0);
}

static void test_throttling_doubles_until_a_send(void **state)
{
	struct fx *f = *state;
	const time_t t0 = 2000000000;
	struct pace p;
	time_t until = 0;

	assert_int_equal(pace_open(&p, f->st, &f->cfg, t0), 0);
	assert_int_equal(pace_throttled(&p, &until), 0);
	assert_int_equal(until, t0 + 60);
	assert_int_equal(pace_open(&p, f->st, &f->cfg, t0 + 60), 0);
	assert_int_equal(pace_throttled(&p, &until), 0);
	assert_int_equal(until, t0 + 60 + 120);
	/* a send, then a throttling in the same batch: a run of one */
	assert_int_equal(pace_open(&p, f->st, &f->cfg, t0 + 180), 0);
	assert_int_equal(p.throttle_level, 2);
	pace_sent(&p);
	assert_int_equal(pace_throttled(&p, &until), 0);
	assert_int_equal(until, t0 + 180 + 60);
	assert_int_equal(pace_flush(&p), 0);
	assert_int_equal(pace_open(&p, f->st, &f->cfg, t0 + 240), 0);
	assert_int_equal(p.throttle_level, 1);
	pace_sent(&p);
	assert_int_equal(pace_flush(&p), 0);
	assert_int_equal(pace_open(&p, f->st, &f->cfg, t0 + 300), 0);
	assert_int_equal(p.throttle_level, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_to_its_cap),
		cmocka_unit_test(test_lifetime_ends_with_a_last_try),
		cmocka_unit_test(test_five_days),
		cmocka_unit_test(test_duration_words),
		cmocka_unit_test_setup_teardown(test_window_of_a_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_of_a_day_and_no_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttling_doubles_until_a_send, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
