/* Log lines: the journal's priority prefix always; the time in ISO 8601
 * only where stderr is not the journal (JOURNAL_STREAM names stderr). */
#include "testutil.h"

#include <fcntl.h>
#include <regex.h>

#include "log.h"

struct fx {
	char *dir;
	char *path;
	int saved;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	int fd;

	f->dir = tu_tmpdir();
	f->path = xasprintf("%s/stderr", f->dir);
	fflush(stderr);
	f->saved = dup(2);
	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && f->saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fflush(stderr);
	dup2(f->saved, 2);
	close(f->saved);
	unsetenv("JOURNAL_STREAM");
	log_init();
	free(f->path);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* Logs one line under JOURNAL_STREAM = js (NULL: unset) and returns it. */
static char *logged(struct fx *f, const char *js)
{
	char *data = NULL;
	size_t len = 0;

	if (js != NULL)
		setenv("JOURNAL_STREAM", js, 1);
	else
		unsetenv("JOURNAL_STREAM");
	log_init();
	assert_int_equal(ftruncate(2, 0), 0);
	assert_true(lseek(2, 0, SEEK_SET) == 0);
	log_info("handled UID %d", 7);
	fflush(stderr);
	assert_int_equal(file_read(f->path, 4096, &data, &len), 0);
	return data;
}

static char *stderr_id(void)
{
	struct stat st;

	assert_int_equal(fstat(2, &st), 0);
	return xasprintf("%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

static void assert_stamped(const char *line)
{
	regex_t re;

	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	    "[+-][0-9]{2}:[0-9]{2} <6>handled UID 7\n$", REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, line, 0, NULL, 0) != 0)
		fail_msg("not a stamped line: %s", line);
	regfree(&re);
}

static void test_outside_the_journal_a_line_has_its_time(void **state)
{
	char *line = logged(*state, NULL);

	assert_stamped(line);
	free(line);
}

static void test_in_the_journal_a_line_stays_as_it_was(void **state)
{
	char *id = stderr_id(), *line = logged(*state, id);

	assert_string_equal(line, "<6>handled UID 7\n");
	free(line);
	free(id);
}

static void test_a_journal_stream_of_another_file_is_not_stderr(void **state)
{
	struct stat st;
	char *other, *line;

	/* a child of a service, its stderr sent elsewhere, inherits the variable */
	assert_int_equal(stat("/", &st), 0);
	other = xasprintf("%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	line = logged(*state, other);
	assert_stamped(line);
	free(line);
	free(other);
	line = logged(*state, "garbage");
	assert_stamped(line);
	free(line);
	line = logged(*state, "");
	assert_stamped(line);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outside_the_journal_a_line_has_its_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_the_journal_a_line_stays_as_it_was, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_journal_stream_of_another_file_is_not_stderr, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
