#include "sdnotify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* $WATCHDOG_USEC, if the watchdog is this process's: $WATCHDOG_PID unset
 * or our pid (sd_watchdog_enabled(3)). */
static uint64_t watchdog_of_env(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	long n = 0;

	if (usec == NULL || str_to_long(usec, 1, 1L << 52, &n) < 0)
		return 0;
	if (pid != NULL) {
		long p = 0;

		if (str_to_long(pid, 1, 1L << 30, &p) < 0 || (pid_t)p != getpid())
			return 0;
	}
	return (uint64_t)n;
}

void sdnotify_init(struct sdnotify *n)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t len;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(n->addr.sun_path)) {
		log_warn("NOTIFY_SOCKET is too long; the service manager will not hear from mentord");
		return;
	}
	n->addr.sun_family = AF_UNIX;
	memcpy(n->addr.sun_path, path, len);
	/* "@name": the abstract namespace, a leading NUL and no terminator */
	if (path[0] == '@')
		n->addr.sun_path[0] = '\0';
	n->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0) {
		log_warn("notify: socket: %s", strerror(errno));
		return;
	}
	n->watchdog_usec = watchdog_of_env();
	n->last_ping_usec = monotonic_usec();
}

void sdnotify_deinit(struct sdnotify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

static void send_text(struct sdnotify *n, const char *text, size_t len)
{
	ssize_t r;

	do
		r = sendto(n->fd, text, len, MSG_NOSIGNAL, (const struct sockaddr *)&n->addr, n->addr_len);
	while (r < 0 && errno == EINTR);
	if (r < 0 && !n->warned) {
		/* once: a service manager gone away must not fill the log */
		log_warn("notify: cannot reach the service manager: %s", strerror(errno));
		n->warned = 1;
	} else if (r >= 0) {
		n->warned = 0;
	}
}

/* Formats into buf, truncating at NOTIFY_BYTES_MAX - 1; a control character
 * inside a line would end it early, so each becomes a space. */
static size_t format_text(char *buf, const char *fmt, va_list ap)
{
	int r = vsnprintf(buf, NOTIFY_BYTES_MAX, fmt, ap);
	size_t len, i;

	if (r < 0)
		return 0;
	len = (size_t)r < NOTIFY_BYTES_MAX ? (size_t)r : NOTIFY_BYTES_MAX - 1;
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
			buf[i] = ' ';
	return len;
}

void sdnotify_send(struct sdnotify *n, const char *fmt, ...)
{
	char buf[NOTIFY_BYTES_MAX];
	va_list ap;
	size_t len;

	if (n == NULL || n->fd < 0)
		return;
	va_start(ap, fmt);
	len = format_text(buf, fmt, ap);
	va_end(ap);
	send_text(n, buf, len);
}

void sdnotify_status(struct sdnotify *n, const char *fmt, ...)
{
	char buf[NOTIFY_BYTES_MAX], line[NOTIFY_BYTES_MAX + 8];
	va_list ap;
	size_t len, i;

	if (n == NULL || n->fd < 0)
		return;
	va_start(ap, fmt);
	len = format_text(buf, fmt, ap);
	va_end(ap);
	/* one line: STATUS= ends at a newline */
	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	if (strcmp(buf, n->status) == 0)
		return;
	memcpy(n->status, buf, len + 1);
	len = (size_t)snprintf(line, sizeof(line), "STATUS=%s", buf);
	send_text(n, line, len);
}

void sdnotify_watchdog(struct sdnotify *n)
{
	uint64_t now;

	if (n == NULL || n->fd < 0 || n->watchdog_usec == 0)
		return;
	now = monotonic_usec();
	if (now - n->last_ping_usec < n->watchdog_usec / 3)
		return;
	n->last_ping_usec = now;
	send_text(n, "WATCHDOG=1", strlen("WATCHDOG=1"));
}
