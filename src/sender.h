/* sender: delivers the committed outbound queue.
 *
 * A row is marked sent only after the server accepted it. A temporary
 * failure (4xx, network) is retried with exponential backoff, from one
 * minute to six hours, until smtp.max_attempts; a permanent one (5xx) fails
 * the row at once. The error text is kept for `queue list` and the digest.
 * A connection failure ends the batch: the rest waits for the next cycle.
 *
 * With --dry-run nothing is sent: every queued message is written to
 * SPOOL/outbox/ID.eml and the queue is left as it was. */
#ifndef MENTORD_SENDER_H
#define MENTORD_SENDER_H

#include <stddef.h>

struct engine;

struct sender_stats {
	size_t sent, retried, failed, written;
};

/* Returns 0 when every due row was handled (sent, scheduled for retry or
 * failed), -1 when the batch stopped early or the database failed. */
int sender_run(struct engine *e, struct sender_stats *stats);

/* Seconds until the next queued row is due (-1 if none). */
long sender_next_due(struct engine *e);

#endif
