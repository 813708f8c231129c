/* A file mentord may not read or write: the message names the file, the
 * user mentord runs as and the fix. Each case runs in a child process that,
 * started as root, becomes nobody, as the mentord user meets files that
 * root made. */
#include "testutil.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>

#include "config.h"
#include "store.h"
#include "template.h"

#define NOBODY 65534

struct fx {
	char *dir;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	assert_int_equal(chmod(f->dir, 0755), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* What mentord says of path, as it would run: as nobody when the test runs
 * as root (the files are then another user's), else as the test's user. */
typedef char *(*attempt_fn)(const char *path);

static char *as_runner(attempt_fn fn, const char *path)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *msg;

		close(fds[0]);
		if (geteuid() == 0 && (setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setgroups(0, NULL) < 0 || setresuid(NOBODY, NOBODY, NOBODY) < 0))
			_exit(3);
		msg = fn(path);
		if (msg != NULL && write(fds[1], msg, strlen(msg)) < 0)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return xstrdup(buf);
}

static char *runner_name(void)
{
	struct passwd *pw = getpwuid(geteuid() == 0 ? NOBODY : geteuid());

	assert_non_null(pw);
	return xstrdup(pw->pw_name);
}

static char *read_secret(const char *path)
{
	char *secret = NULL, *error = NULL;

	if (config_read_secret(path, &secret, &error) == 0) {
		free(secret);
		return xstrdup("read");
	}
	return error;
}

static char *open_store(const char *path)
{
	struct store *st = NULL;
	char *error = NULL;

	if (store_open(path, &st, &error) == 0) {
		store_close(&st);
		return xstrdup("opened");
	}
	return error;
}

static void test_another_users_file_says_chown(void **state)
{
	struct fx *f = *state;
	char *path = xasprintf("%s/imap.password", f->dir), *user = runner_name(), *msg, *want;

	if (geteuid() != 0)
		skip();
	tu_write(path, "s3cret\n", 0600);
	msg = as_runner(read_secret, path);
	want = xasprintf("%s: Permission denied to the user %s, whom mentord runs as (chown %s %s)",
	    path, user, user, path);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	/* once it is the user's, it is read */
	assert_int_equal(chown(path, NOBODY, (gid_t)-1), 0);
	msg = as_runner(read_secret, path);
	assert_string_equal(msg, "read");
	free(msg);
	free(user);
	free(path);
}

static void test_own_file_without_rights_says_chmod(void **state)
{
	struct fx *f = *state;
	char *path = xasprintf("%s/smtp.password", f->dir), *user = runner_name(), *msg, *want;

	tu_write(path, "s3cret\n", 0000);
	if (geteuid() == 0)
		assert_int_equal(chown(path, NOBODY, (gid_t)-1), 0);
	msg = as_runner(read_secret, path);
	want = xasprintf("%s: Permission denied to its owner %s, whom mentord runs as"
	    " (chmod u+rw %s)", path, user, path);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	free(user);
	free(path);
}

static void test_folder_not_writable_is_named(void **state)
{
	struct fx *f = *state;
	char *db = xasprintf("%s/mentord.db", f->dir), *user = runner_name(), *msg, *want;

	if (geteuid() != 0)
		assert_int_equal(chmod(f->dir, 0555), 0);
	msg = as_runner(open_store, db);
	want = xasprintf("%s: Permission denied: the user %s, whom mentord runs as, cannot write"
	    " in the folder %s (chown %s %s, or choose a folder %s owns)",
	    db, user, f->dir, user, f->dir, user);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	assert_int_equal(chmod(f->dir, 0755), 0);
	free(user);
	free(db);
}

static void test_database_of_another_user(void **state)
{
	struct fx *f = *state;
	char *db = xasprintf("%s/mentord.db", f->dir), *wal = xasprintf("%s-wal", db);
	char *key = xasprintf("%s.key", db), *user = runner_name(), *msg, *want;

	if (geteuid() != 0)
		skip();
	/* made by root, as a command run as root would leave it */
	msg = open_store(db);
	assert_string_equal(msg, "opened");
	free(msg);
	msg = as_runner(open_store, db);
	want = xasprintf("%s: Permission denied to the user %s, whom mentord runs as (chown %s %s)",
	    db, user, user, db);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	/* the database given to the user, but its folder and WAL still root's */
	assert_int_equal(chown(db, NOBODY, (gid_t)-1), 0);
	assert_int_equal(chown(key, NOBODY, (gid_t)-1), 0);
	msg = as_runner(open_store, db);
	want = xasprintf("%s: Permission denied to the user %s, whom mentord runs as (chown %s %s)",
	    wal, user, user, wal);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	free(user);
	free(key);
	free(wal);
	free(db);
}

static void test_closed_folder_on_the_way(void **state)
{
	struct fx *f = *state;
	char *sub = xasprintf("%s/private", f->dir), *path = xasprintf("%s/imap.password", sub);
	char *user = runner_name(), *msg, *want;

	assert_int_equal(mkdir(sub, 0700), 0);
	tu_write(path, "s3cret\n", 0600);
	if (geteuid() != 0)
		assert_int_equal(chmod(sub, 0600), 0);
	msg = as_runner(read_secret, path);
	want = xasprintf("%s: Permission denied: the user %s, whom mentord runs as, cannot enter"
	    " the folder %s (chmod a+x %s)", path, user, sub, sub);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	assert_int_equal(chmod(sub, 0700), 0);
	free(user);
	free(path);
	free(sub);
}

static char *render_help(const char *site)
{
	struct template_dirs dirs = { site, "/nonexistent" };
	struct vars v = { 0 };
	char *subject = NULL, *body = NULL, *error = NULL;

	if (template_render(&dirs, "en", "help", &v, &subject, &body, &error) == 0) {
		free(subject);
		free(body);
		return xstrdup("rendered");
	}
	return error;
}

static void test_site_template_it_cannot_read(void **state)
{
	struct fx *f = *state;
	char *lang = xasprintf("%s/en", f->dir), *path = xasprintf("%s/help", lang);
	char *user = runner_name(), *msg, *want;

	if (geteuid() != 0)
		skip();
	assert_int_equal(mkdir(lang, 0755), 0);
	tu_write(path, "Subject: help\n\nHello.\n", 0600);
	/* not "not found": the file is there, and the fix is named */
	msg = as_runner(render_help, f->dir);
	want = xasprintf("template en/help: %s: Permission denied to the user %s, whom mentord runs"
	    " as (chown %s %s)", path, user, user, path);
	assert_string_equal(msg, want);
	free(want);
	free(msg);
	assert_int_equal(chmod(path, 0644), 0);
	msg = as_runner(render_help, f->dir);
	assert_string_equal(msg, "rendered");
	free(msg);
	free(user);
	free(path);
	free(lang);
}

static void test_other_errors_stay_as_they_are(void **state)
{
	char *msg;

	(void)state;
	msg = file_error("/nonexistent/mentord.conf", ENOENT);
	assert_string_equal(msg, "/nonexistent/mentord.conf: No such file or directory");
	free(msg);
	msg = file_error("/x", ENOSPC);
	assert_string_equal(msg, "/x: No space left on device");
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_another_users_file_says_chown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_file_without_rights_says_chmod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder_not_writable_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_of_another_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_folder_on_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_template_it_cannot_read, setup, teardown),
		cmocka_unit_test(test_other_errors_stay_as_they_are),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
