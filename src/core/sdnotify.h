/* sdnotify: the service manager's readiness protocol (sd_notify(3)), spoken
 * directly: each notification is one datagram of "KEY=VALUE" lines to the
 * unix socket named by $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace). Without NOTIFY_SOCKET every call does nothing, so `once`, the
 * shell commands and a daemon run by hand are unaffected.
 *
 * What mentord sends (systemd/mentord.service, Type=notify):
 *   READY=1      the database is open and IMAP is logged in; after a
 *                reload (announced by RELOADING=1), once the new
 *                configuration is in force
 *   STATUS=...   one line for `systemctl status`: what the daemon is doing
 *   WATCHDOG=1   the main loop is alive; sent at most every third of
 *                $WATCHDOG_USEC, and only when the watchdog is meant for this
 *                process ($WATCHDOG_PID, when set)
 *   STOPPING=1   shutdown has begun
 *
 * A notification that cannot be sent is logged once and otherwise ignored:
 * the service manager's socket is never a reason to stop working. */
#ifndef MENTORD_SDNOTIFY_H
#define MENTORD_SDNOTIFY_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "bounds.h"

struct sdnotify {
	int fd;                  /* -1: nobody to notify */
	struct sockaddr_un addr;
	socklen_t addr_len;
	uint64_t watchdog_usec;  /* 0: no watchdog */
	uint64_t last_ping_usec; /* CLOCK_MONOTONIC of the last WATCHDOG=1 */
	int warned;
	char status[NOTIFY_BYTES_MAX]; /* the last STATUS= sent, to send a change only */
};

/* Reads the environment. The struct is the caller's; sdnotify_deinit closes
 * the socket. */
void sdnotify_init(struct sdnotify *n);
void sdnotify_deinit(struct sdnotify *n);

/* Sends one notification, e.g. sdnotify_send(n, "READY=1"); each argument
 * line is cut at NOTIFY_BYTES_MAX. n may be NULL (nothing happens). */
void sdnotify_send(struct sdnotify *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* STATUS=text, only when it differs from the last one sent. */
void sdnotify_status(struct sdnotify *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* WATCHDOG=1 if the watchdog is on and a third of its interval has passed
 * since the last one. Cheap enough to call for every message handled. */
void sdnotify_watchdog(struct sdnotify *n);

#endif
