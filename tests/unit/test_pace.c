#include "testutil.h"

#include "pace.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_to_its_cap),
		cmocka_unit_test(test_lifetime_ends_with_a_last_try),
		cmocka_unit_test(test_five_days),
		cmocka_unit_test(test_duration_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
