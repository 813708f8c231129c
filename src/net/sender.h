/* sender: delivers the committed outbound queue.
 *
 * Due rows go out answers first, then oldest first, over one SMTP
 * connection, one transaction per envelope recipient (smtp.h says why). A row is marked sent only after
 * the server accepted it for every recipient. Each acceptance is recorded
 * before the next command: in SPOOL/sent.journal, whose lines are committed
 * to the database once per batch and replayed by the next run after a
 * crash; so a crash resends at most the one message whose 250 had not been
 * recorded (its deterministic Message-ID makes that duplicate
 * recognisable). A row with several recipients keeps in envelope_to only
 * those still owed: a retry never goes to one who has it. The journal is
 * locked while sending: a second mentord (say `once` beside the daemon)
 * leaves the queue to the first.
 *
 * Outcomes (attempts counts every try; the backoff and the queue lifetime
 * are pace.h's):
 *   all accepted                  -> sent
 *   a 5xx for a recipient         -> failed at once, with the server's reply
 *   4xx, or a lost connection     -> queued again after the backoff, until
 *   or timeout once offered          smtp.queue_lifetime has passed since it
 *                                    was queued (5 days by default), then
 *                                    failed with the server's last answer
 *   421, or 4.7.x but to RCPT     -> throttling (pace.h): no attempt counted;
 *                                    the batch stops and the queue pauses
 *   a limit reached (pace.h)      -> the batch stops; the rest stays due, in
 *                                    order, until the window has room
 *   the server unusable (SMTP_DOWN: connection, TLS, greeting, EHLO, AUTH,
 *   our sender refused)           -> the batch stops; the row tried and every
 *                                    other due row wait for its backoff. It
 *                                    never fails a row by itself: a long
 *                                    outage or a bad password must not turn
 *                                    the whole queue into failures. Once
 *                                    the configuration is reloaded (a
 *                                    corrected server setting), the rows
 *                                    held back so are due at once:
 *                                    sender_release_held().
 *   the sender or the account     -> the same: held, never failed
 *   refused (refusal.h: Send As      (a quota's block waits the provider's
 *   denied, SMTP AUTH off, ...)      24 hours, and a reload does not end
 *                                    it); the reason and what an
 *                                    administrator must do are kept for
 *                                    `status --health` and the digest
 *                                    (STORE_META_SMTP_HOLD, store.h)
 *                                    until a message goes through.
 * The error text is kept for `queue list` and the digest (escaped, at most
 * SMTP_REPLY_BYTES_MAX).
 *
 * The batch runs in a child process, which loads libcurl (smtp.h) and exits
 * when the batch is done: the daemon itself never carries libcurl and what
 * it brings. The parent closes its database connection across the fork and
 * reopens it after; the child's crash is the daemon's crash as far as the
 * journal is concerned.
 *
 * With --dry-run nothing is sent: every queued message is written to
 * SPOOL/outbox/ID.eml and the queue is left as it was. */
#ifndef MENTORD_SENDER_H
#define MENTORD_SENDER_H

#include <stddef.h>

struct engine;

struct sender_stats {
	size_t sent, retried, failed, written;
	long syncs, sync_usec;   /* store_sync() in the sending process */
	int full;                /* it stopped for want of disk space */
};

/* Returns 0 when every due row was handled (sent, scheduled for retry or
 * failed), -1 when the batch stopped early (the server unusable, the disk
 * full: stats->full) or the database failed. The database is closed and
 * opened again around the sending process; if it cannot be opened again,
 * e->st is NULL after the call. Nothing is sent that could not be
 * recorded: a full disk stops the batch before the next message. */
int sender_run(struct engine *e, struct sender_stats *stats);

/* The same in two steps, so that the daemon goes on reading mail while
 * the sending process sends what the batches before committed:
 * sender_start() starts it if a row is due (*child_r stays NULL if not)
 * and returns at once, the database open again in this process;
 * sender_running() says whether it still runs; sender_finish() waits for
 * it (stopping it if e->stop is set) and adds its figures to *stats. Not
 * with --dry-run (sender_run() writes the files). */
struct sender_child;
int sender_start(struct engine *e, struct sender_child **child_r);
int sender_running(struct sender_child *child);
int sender_finish(struct engine *e, struct sender_child **child, struct sender_stats *stats);

/* After a reload: the rows held back because the server was unusable
 * (and those alone, not a message's own backoff) are due now, so that a
 * corrected server setting is tried at once. Returns how many, or -1 on a
 * database error (store.h logged it). */
long sender_release_held(struct engine *e);

/* Seconds until the next queued row is due, or until the provider's
 * limits have room for it (-1 if none, and always with --dry-run, which
 * never sends). */
long sender_next_due(struct engine *e);

#endif
