/* inflight: the mark of the message being handled, as a process that dies
 * leaves it and the next one reads it. */
#include "testutil.h"

#include "inflight.h"

static void test_deaths_are_counted(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/working", dir), *err = NULL;
	struct inflight *f = NULL;
	int died = -1, i;

	(void)state;
	assert_int_equal(inflight_open(path, &f, &err), 0);
	assert_int_equal(inflight_begin(f, 7, 42, &died), 0);
	assert_int_equal(died, 0);
	assert_int_equal(inflight_end(f), 0);
	/* handled to the end: nobody died */
	inflight_close(&f);
	assert_int_equal(inflight_open(path, &f, &err), 0);
	assert_int_equal(inflight_begin(f, 7, 42, &died), 0);
	assert_int_equal(died, 0);
	/* the process dies here, twice */
	for (i = 1; i <= 2; i++) {
		inflight_close(&f);
		assert_int_equal(inflight_open(path, &f, &err), 0);
		/* the messages before it are handled again first */
		assert_int_equal(inflight_begin(f, 7, 41, &died), 0);
		assert_int_equal(died, 0);
		assert_int_equal(inflight_end(f), 0);
		assert_int_equal(inflight_begin(f, 7, 42, &died), 0);
		assert_int_equal(died, i);
	}
	assert_true(died >= INFLIGHT_DEATHS_MAX);
	/* another UIDVALIDITY is another message (and this process died too) */
	inflight_close(&f);
	assert_int_equal(inflight_open(path, &f, &err), 0);
	assert_int_equal(inflight_begin(f, 8, 42, &died), 0);
	assert_int_equal(died, 0);
	inflight_close(&f);
	/* a file that is not ours reads as no mark */
	tu_write(path, "garbage that is long enough to fill both records of the file, "
	    "and then some more\n", 0600);
	assert_int_equal(inflight_open(path, &f, &err), 0);
	assert_int_equal(inflight_begin(f, 0, 0, &died), 0);
	assert_int_equal(died, 0);
	inflight_close(&f);
	free(path);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deaths_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
