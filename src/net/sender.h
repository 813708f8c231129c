/* sender: delivers the committed outbound queue.
 *
 * Due rows go out oldest first over one SMTP connection, one transaction
 * per envelope recipient (smtp.h says why). A row is marked sent only after
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
 * Outcomes (attempts counts every try, backoff doubles from one minute to
 * six hours):
 *   all accepted                  -> sent
 *   a 5xx for a recipient         -> failed at once, with the server's reply
 *   4xx, or a lost connection     -> queued again after the backoff, until
 *   or timeout once offered          smtp.max_attempts, then failed
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
};

/* Returns 0 when every due row was handled (sent, scheduled for retry or
 * failed), -1 when the batch stopped early (the server unusable) or the
 * database failed. */
int sender_run(struct engine *e, struct sender_stats *stats);

/* After a reload: the rows held back because the server was unusable
 * (and those alone, not a message's own backoff) are due now, so that a
 * corrected server setting is tried at once. Returns how many, or -1 on a
 * database error (store.h logged it). */
long sender_release_held(struct engine *e);

/* Seconds until the next queued row is due (-1 if none, and always with
 * --dry-run, which never sends). */
long sender_next_due(struct engine *e);

#endif
