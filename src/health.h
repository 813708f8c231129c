/* health: `mentord status --health`, for monitoring.
 *
 * One line per concern, "STATE concern: text", and an exit status as
 * monitoring plugins have it: 0 all OK, 1 a WARNING, 2 a CRITICAL. The
 * concerns, in order (thresholds in bounds.h, HEALTH_*):
 *   imap        the last successful IMAP fetch (recorded by the daemon)
 *   marking     the server refuses to mark or move handled mail (marking.h)
 *   smtp        the last successful SMTP delivery, while mail is due
 *   queue       the oldest queued message
 *   failed      deliveries that failed for good
 *   quarantine  messages quarantined lately
 *   disk        free space of the database's file system
 *
 * A new concern is one function and one row of the table in health.c. */
#ifndef MENTORD_HEALTH_H
#define MENTORD_HEALTH_H

#include <stddef.h>
#include <time.h>

struct config;
struct store;

enum health_state { HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL };

/* Prints the report to stdout; returns the exit status (the worst state).
 * The database must exist already: the report never creates one. */
int health_run(const struct config *cfg, time_t now);

/* The daemon calls this after each successful fetch; it writes at most
 * every HEALTH_MARK_S (*marked_r remembers when), or always when
 * marked_r is NULL. Returns -1 on a database error. */
int health_mark_fetch(struct store *st, time_t now, time_t *marked_r);

/* "45 s", "12 min", "5 h", "3 days" */
void health_age(long seconds, char *out, size_t size);

#endif
