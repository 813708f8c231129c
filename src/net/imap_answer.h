/* imap_answer: what a server's status answer says, beyond OK, NO or BAD.
 *
 * RFC 3501 7.1 and RFC 5530 response codes ([ALERT], [OVERQUOTA],
 * [UNAVAILABLE], [AUTHENTICATIONFAILED], [LIMIT]...), and the providers'
 * own words that change what the robot does:
 *   Exchange Online: "Request is throttled. Suggested Backoff Time: N
 *   milliseconds" (wait that long), "* BYE Session invalidated -
 *   AccessTokenExpired" (routine: log in again with a fresh token),
 *   "User is authenticated but not connected" (too many connections);
 *   Gmail: "[ALERT] Too many simultaneous connections." Neither of the
 *   last two is about the credentials.
 * Pure: bytes in, a struct out; no allocation. */
#ifndef MENTORD_IMAP_ANSWER_H
#define MENTORD_IMAP_ANSWER_H

#include <stddef.h>

#define IMAP_ANSWER_TEXT_MAX 256
/* A suggested wait longer than this is taken as this (a day). */
#define IMAP_ANSWER_BACKOFF_MAX_MS (24L * 3600 * 1000)

enum imap_code {
	IMAP_CODE_NONE,
	IMAP_CODE_ALERT,
	IMAP_CODE_OVERQUOTA,
	IMAP_CODE_UNAVAILABLE,
	IMAP_CODE_AUTHENTICATIONFAILED,
	IMAP_CODE_AUTHORIZATIONFAILED,
	IMAP_CODE_EXPIRED,
	IMAP_CODE_LIMIT,
	IMAP_CODE_INUSE,
	IMAP_CODE_OTHER
};

struct imap_answer {
	char status[8];                  /* "OK", "NO", "BAD", "BYE", "PREAUTH" or "" */
	enum imap_code code;
	char code_name[32];              /* the code's atom, upper case; "" without one */
	char text[IMAP_ANSWER_TEXT_MAX]; /* the human text, cut if longer */
	long backoff_ms;                 /* the wait the server asks for; 0: none */
	int too_many;                    /* too many connections: not the credentials */
	int token_expired;               /* the access token of the session expired */
};

/* Reads one status answer without its tag ("NO [ALERT] text", "* BYE
 * text"); a line that is not one is read as text. Never fails. */
void imap_answer_parse(const char *line, size_t len, struct imap_answer *a);
/* The same from pieces already taken apart (a code's atom or NULL, the
 * text): for answers libetpan read. */
void imap_answer_from(struct imap_answer *a, const char *status, const char *code,
    const char *text);
/* What the code means, in a few words for a log line; NULL for none or
 * one without a meaning worth saying. */
const char *imap_answer_meaning(const struct imap_answer *a);

#endif
