#include "testutil.h"

#include <sys/socket.h>
#include <sys/un.h>

#include "bounds.h"
#include "health.h"
#include "sdnotify.h"

/* The test's own service manager: a datagram socket in a fresh folder,
 * named by NOTIFY_SOCKET. */
struct manager {
	char *dir;
	char *path;
	int fd;
};

static void manager_open(struct manager *m)
{
	struct sockaddr_un a;
	struct timeval tv = { .tv_sec = 2 };

	m->dir = tu_tmpdir();
	m->path = xasprintf("%s/notify", m->dir);
	m->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(m->fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	str_copy(a.sun_path, sizeof(a.sun_path), m->path);
	assert_int_equal(bind(m->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(setsockopt(m->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	setenv("NOTIFY_SOCKET", m->path, 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* The next datagram, or NULL when none comes (nonblocking look). */
static char *manager_next(struct manager *m, int wait)
{
	char buf[NOTIFY_BYTES_MAX * 2];
	ssize_t n = recv(m->fd, buf, sizeof(buf) - 1, wait ? 0 : MSG_DONTWAIT);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static void manager_close(struct manager *m)
{
	close(m->fd);
	unsetenv("NOTIFY_SOCKET");
	tu_rmdir(m->dir);
	free(m->path);
}

static void expect(struct manager *m, const char *text)
{
	char *got = manager_next(m, 1);

	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
}

static void expect_none(struct manager *m)
{
	char *got = manager_next(m, 0);

	if (got != NULL)
		fail_msg("unexpected notification: %s", got);
}

static void test_no_socket_no_notification(void **state)
{
	struct sdnotify n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	sdnotify_init(&n);
	assert_int_equal(n.fd, -1);
	sdnotify_send(&n, "READY=1");
	sdnotify_status(&n, "idle");
	sdnotify_watchdog(&n);
	sdnotify_send(NULL, "READY=1");
	sdnotify_deinit(&n);
	/* a relative name is not a socket address */
	setenv("NOTIFY_SOCKET", "notify", 1);
	sdnotify_init(&n);
	assert_int_equal(n.fd, -1);
	unsetenv("NOTIFY_SOCKET");
}

static void test_send_and_status_once(void **state)
{
	struct manager m;
	struct sdnotify n;

	(void)state;
	manager_open(&m);
	sdnotify_init(&n);
	sdnotify_send(&n, "READY=1\nSTATUS=%d queued", 3);
	expect(&m, "READY=1\nSTATUS=3 queued");
	sdnotify_status(&n, "idle; %d queued", 0);
	expect(&m, "STATUS=idle; 0 queued");
	/* the same status again is not sent again; a new one is */
	sdnotify_status(&n, "idle; %d queued", 0);
	expect_none(&m);
	sdnotify_status(&n, "idle; %d queued", 1);
	expect(&m, "STATUS=idle; 1 queued");
	/* a status is one line: a newline or a control character in the
	 * text cannot start another assignment */
	sdnotify_status(&n, "bad\nREADY=1\tx");
	expect(&m, "STATUS=bad READY=1 x");
	sdnotify_deinit(&n);
	manager_close(&m);
}

static void test_long_text_is_cut(void **state)
{
	struct manager m;
	struct sdnotify n;
	char *longer = xmalloc(NOTIFY_BYTES_MAX * 2);
	char *got;

	(void)state;
	memset(longer, 'x', NOTIFY_BYTES_MAX * 2 - 1);
	longer[NOTIFY_BYTES_MAX * 2 - 1] = '\0';
	manager_open(&m);
	sdnotify_init(&n);
	sdnotify_status(&n, "%s", longer);
	got = manager_next(&m, 1);
	assert_non_null(got);
	assert_int_equal(strlen(got), strlen("STATUS=") + NOTIFY_BYTES_MAX - 1);
	free(got);
	sdnotify_deinit(&n);
	manager_close(&m);
	free(longer);
}

/* As if a third of the watchdog's interval had passed: no sleeping on the
 * clock. */
static void a_third_later(struct sdnotify *n)
{
	n->last_ping_usec -= n->watchdog_usec / 3;
}

static void test_watchdog_every_third(void **state)
{
	struct manager m;
	struct sdnotify n;

	(void)state;
	manager_open(&m);
	setenv("WATCHDOG_USEC", "3000000000", 1);
	sdnotify_init(&n);
	assert_true(n.watchdog_usec == 3000000000u);
	/* right after the start: not a third of 50 minutes yet */
	sdnotify_watchdog(&n);
	expect_none(&m);
	a_third_later(&n);
	sdnotify_watchdog(&n);
	expect(&m, "WATCHDOG=1");
	sdnotify_watchdog(&n);
	expect_none(&m);
	sdnotify_deinit(&n);
	manager_close(&m);
}

static void test_watchdog_of_another_process(void **state)
{
	struct manager m;
	struct sdnotify n;
	char *pid = xasprintf("%ld", (long)getpid());

	(void)state;
	manager_open(&m);
	setenv("WATCHDOG_USEC", "3000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	sdnotify_init(&n);
	assert_true(n.watchdog_usec == 0);
	sdnotify_watchdog(&n);
	expect_none(&m);
	sdnotify_deinit(&n);
	/* ours: pinged */
	setenv("WATCHDOG_PID", pid, 1);
	sdnotify_init(&n);
	a_third_later(&n);
	sdnotify_watchdog(&n);
	expect(&m, "WATCHDOG=1");
	sdnotify_deinit(&n);
	/* nonsense is no watchdog */
	setenv("WATCHDOG_USEC", "soon", 1);
	sdnotify_init(&n);
	assert_true(n.watchdog_usec == 0);
	sdnotify_watchdog(&n);
	expect_none(&m);
	sdnotify_deinit(&n);
	manager_close(&m);
	free(pid);
}

static void test_abstract_socket(void **state)
{
	struct sockaddr_un a;
	struct sdnotify n;
	char name[64];
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ssize_t got;
	char buf[64];
	socklen_t len;

	(void)state;
	snprintf(name, sizeof(name), "@mentord-unit-%ld", (long)getpid());
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path + 1, name + 1, strlen(name) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	setenv("NOTIFY_SOCKET", name, 1);
	sdnotify_init(&n);
	sdnotify_send(&n, "STOPPING=1");
	got = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(got, strlen("STOPPING=1"));
	buf[got] = '\0';
	assert_string_equal(buf, "STOPPING=1");
	sdnotify_deinit(&n);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

static void test_manager_gone(void **state)
{
	struct manager m;
	struct sdnotify n;

	(void)state;
	manager_open(&m);
	sdnotify_init(&n);
	close(m.fd);
	unlink(m.path);
	/* nothing to reach: logged once, never fatal */
	sdnotify_send(&n, "READY=1");
	sdnotify_send(&n, "READY=1");
	assert_int_equal(n.warned, 1);
	sdnotify_deinit(&n);
	m.fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	manager_close(&m);
}

static void test_health_age(void **state)
{
	static const struct {
		long s;
		const char *text;
	} cases[] = {
		{ -5, "0 s" }, { 0, "0 s" }, { 119, "119 s" }, { 120, "2 min" },
		{ 7199, "119 min" }, { 7200, "2 h" }, { 48 * 3600 - 1, "47 h" },
		{ 48 * 3600, "2 days" }, { 400 * 86400L, "400 days" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		health_age(cases[i].s, out, sizeof(out));
		assert_string_equal(out, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_socket_no_notification),
		cmocka_unit_test(test_send_and_status_once),
		cmocka_unit_test(test_long_text_is_cut),
		cmocka_unit_test(test_watchdog_every_third),
		cmocka_unit_test(test_watchdog_of_another_process),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_manager_gone),
		cmocka_unit_test(test_health_age),
	};

	return cmocka_run_group_tests_name("sdnotify", tests, NULL, NULL);
}
