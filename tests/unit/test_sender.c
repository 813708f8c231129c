/* sender: after a reload, the rows held back because the server was
 * unusable are due at once, and only those (a message's own backoff after
 * a 4xx stays). The sending itself is tested against real servers
 * (tests/integration/test_delivery.py). */
#include "fixture.h"

#include "sender.h"

/* A queued row with a message, due at next. */
static int64_t queued(struct fx *f, time_t next)
{
	int64_t id = 0;
	char mid[32];

	assert_int_equal(store_outbound_add(f->st, "help", "amy@example.com", 0, 0, NULL, 0,
	    f->e.now, &id), 0);
	snprintf(mid, sizeof(mid), "m%lld@example.org", (long long)id);
	assert_int_equal(store_outbound_set_message(f->st, id, mid, "s", "x", 1), 0);
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET next_attempt = ? WHERE id = ?",
	    "ti", next, id), 0);
	return id;
}

static time_t next_of(struct fx *f, int64_t id)
{
	int64_t v = 0;

	assert_int_equal(store_query_int(f->st, &v, "SELECT next_attempt FROM outbound WHERE id = ?",
	    "i", id), 0);
	return (time_t)v;
}

static void test_reload_releases_the_held_rows_only(void **state)
{
	struct fx *f = *state;
	time_t until = f->e.now + 120;
	int64_t held1 = queued(f, until), held2 = queued(f, until);
	int64_t own = queued(f, f->e.now + 480), due = queued(f, f->e.now - 5);

	/* nothing was held: nothing moves */
	assert_int_equal(sender_release_held(&f->e), 0);
	assert_int_equal(next_of(f, held1), until);
	/* what postpone() records when the server is unusable */
	assert_int_equal(store_exec(f->st, "INSERT INTO meta(key, value) VALUES('smtp_held_until', ?)",
	    "t", until), 0);
	assert_int_equal(sender_release_held(&f->e), 2);
	assert_int_equal(next_of(f, held1), f->e.now);
	assert_int_equal(next_of(f, held2), f->e.now);
	assert_int_equal(next_of(f, own), f->e.now + 480);
	assert_int_equal(next_of(f, due), f->e.now - 5);
	assert_int_equal(sender_next_due(&f->e), 0);
	/* a second reload finds nothing held */
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET next_attempt = ? WHERE id = ?", "ti",
	    until, held1), 0);
	assert_int_equal(sender_release_held(&f->e), 0);
	assert_int_equal(next_of(f, held1), until);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM meta WHERE key = 'smtp_held_until'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_releases_the_held_rows_only, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
