/* pace: when the sender tries a message again, when it gives up, and how
 * fast it may go (doc/DESIGN.md 6).
 *
 * Lifetime. A temporary failure (a 4xx, a lost connection, a timeout once
 * the message was offered) is retried after a backoff that doubles from
 * PACE_BACKOFF_FIRST up to PACE_BACKOFF_MAX, until smtp.queue_lifetime has
 * passed since the message was queued (or since `queue retry`). The last
 * try is made at the end of the lifetime itself, so that a server that
 * mends in the meantime is never given up on early; only a temporary
 * failure at or after that moment fails the message.
 *
 * Limits. Providers cap how fast a mailbox sends (Microsoft 365: 30
 * messages a minute, 10,000 recipients a day). Each SMTP transaction has
 * one recipient (smtp.h), so both limits count transactions: at most
 * smtp.max_per_minute in any 60 seconds and smtp.max_recipients_per_day
 * in any 24 hours. Each accepted transaction is a row of smtp_sends, at
 * the batch's time (the programme clock, so --now moves it too); the
 * batch stops when a window is full, and the rest waits, in its order,
 * until the window has room again. Without limits nothing is recorded.
 *
 * Throttling. A 421, or a 4.7.x answer (RFC 3463: policy) to anything but
 * RCPT, is the server asking us to slow down, not a verdict on a message:
 * the message is not charged an attempt, and the whole queue pauses, one
 * minute the first time, doubling with each throttling in a row up to
 * PACE_BACKOFF_MAX; the first message accepted ends the run. (A 4.7.x to
 * RCPT is about that recipient, greylisting for one: it is an ordinary
 * temporary failure.)
 *
 * Functions returning int give 0, or -1 on a database error (logged by
 * the store). */
#ifndef MENTORD_PACE_H
#define MENTORD_PACE_H

#include <stddef.h>
#include <time.h>

struct config;
struct store;

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

/* The limits, for one batch. */
struct pace {
	struct store *st;
	time_t now;
	long per_minute, per_day;  /* 0: no limit */
	long minute, day;          /* sends in the windows ending now */
	long unrecorded;           /* accepted, not yet in smtp_sends */
	long throttle_level;       /* throttlings in a row */
	int throttle_ended;        /* a send ended the run: forget it */
	int full;                  /* a window filled up during the batch */
};

/* Reads the windows at now (and forgets sends older than a day). */
int pace_open(struct pace *p, struct store *st, const struct config *cfg, time_t now);
/* 1 if one more transaction may go now; else 0, and p->full is set. */
int pace_room(struct pace *p);
/* One transaction accepted. */
void pace_sent(struct pace *p);
/* Writes the accepted transactions to smtp_sends, inside the caller's
 * transaction, and ends a run of throttling if any was accepted. */
int pace_flush(struct pace *p);

/* Seconds until the limits allow a send at now (0: at once). */
int pace_wait(struct store *st, const struct config *cfg, time_t now, long *wait_r);

/* The server throttled us at now: *until_r is when the queue may go on. */
int pace_throttled(struct pace *p, time_t *until_r);

#endif
