/* pace: when the sender tries a message again, when it gives up, and how
 * fast it may go (doc/DESIGN.md 6). Pure decisions over times, no I/O.
 *
 * A temporary failure (a 4xx, a lost connection, a timeout once the
 * message was offered) is retried after a backoff that doubles from
 * PACE_BACKOFF_FIRST up to PACE_BACKOFF_MAX, until smtp.queue_lifetime has
 * passed since the message was queued (or since `queue retry`). The last
 * try is made at the end of the lifetime itself, so that a server that
 * mends in the meantime is never given up on early; only a temporary
 * failure at or after that moment fails the message. */
#ifndef MENTORD_PACE_H
#define MENTORD_PACE_H

#include <stddef.h>
#include <time.h>

#define PACE_BACKOFF_FIRST 60
#define PACE_BACKOFF_MAX 3600

/* The wait after the attempts-th failed try (1 for the first). */
time_t pace_backoff(long attempts);

/* After a temporary failure at now of a row queued at queued_at, tried
 * attempts times in all (this one included): 1 and *next_r when to try
 * again, or 0 when the lifetime is over and the row fails. */
int pace_retry_at(time_t queued_at, long lifetime, long attempts, time_t now, time_t *next_r);

/* A duration for people: "5 days", "12 h", "10 min", "45 s". */
void pace_duration_str(long seconds, char *out, size_t size);

#endif
