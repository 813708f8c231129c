/* refusal: which SMTP refusals are about the sender or the account rather
 * than about one message (doc/DESIGN.md 6).
 *
 * A refusal of the account holds the whole queue and fails no message:
 * sending as the programme address is not allowed (Microsoft 365's 554
 * 5.2.0 ...SendAsDeniedException after DATA, 550 5.7.60), SMTP AUTH is
 * disabled (535 5.7.139), the mailbox passed its sending quota (554 5.2.0
 * ...SubmissionQuotaExceededException, Gmail's 550 5.4.5: the provider
 * blocks it for a day, and the queue waits that long), the organisation is
 * blocked (550 5.7.705, 5.7.708, 5.7.750), authentication is required
 * (530 5.7.57) or failed (any refusal of AUTH), or the server refuses our
 * MAIL FROM (but 552, which RFC 1870 makes this message's size). These are
 * recognised at any command: the marks above say what they are wherever
 * the server says them. Any other refusal of RCPT is that recipient's.
 *
 * No I/O, nothing allocated but by refusal_advice(). */
#ifndef MENTORD_REFUSAL_H
#define MENTORD_REFUSAL_H

/* The provider's block after a sending quota is passed (Microsoft 365
 * and Google: 24 hours). */
#define REFUSAL_QUOTA_HOLD (24L * 3600)

struct refusal {
	int account;        /* 1: the sender or the account, not this message */
	long hold_seconds;  /* the provider's own wait; 0: the usual backoff */
	const char *advice; /* what an administrator must do, with {user} and
	                     * {address} in it; NULL when there is nothing */
};

/* command: the command the reply answered ("AUTH", "MAIL FROM", "RCPT TO",
 * "DATA", "end of data", ...), or NULL; code: the reply code (0 when no
 * reply came); reply: the reply as the server wrote it ("554 5.2.0 ..."),
 * lines joined, or NULL. */
void refusal_classify(const char *command, long code, const char *reply, struct refusal *r);

/* r->advice with {user} ([smtp] user, or the words "[smtp] user" when NULL)
 * and {address} (the programme's address) filled in: allocated, or NULL
 * when r has no advice. */
char *refusal_advice(const struct refusal *r, const char *user, const char *address);

#endif
