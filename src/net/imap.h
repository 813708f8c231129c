/* imap: the committee's mailbox, over IMAP (the only user of libetpan's IMAP
 * client).
 *
 * Every failure here is temporary from the robot's point of view: the caller
 * closes the session and reconnects later with backoff. Functions return 0
 * on success and -1 on error with an allocated message in *error_r (the
 * caller frees it and logs it; it names the host and, where the server
 * answered, quotes its escaped words; it never holds a secret).
 *
 * Every network operation (connect, TLS handshake, each read and write) is
 * bounded by imap.timeout_seconds, and a caught signal (SIGTERM, SIGINT,
 * SIGHUP under `run`) ends a wait at once; after such a failure the
 * session only fails, and imap_close() does not wait for the server.
 *
 * Security: tls and starttls verify the certificate chain against the
 * system's store plus imap.ca_file, and the host name (DNS or IP) against
 * the certificate; starttls is refused when the server does not offer it or
 * sends anything between its answer and the handshake; security none is
 * refused unless the host name and the address connected to are loopback.
 *
 * UID lists given to these functions may be in any order and hold
 * duplicates; they are sent as compressed sets (1:5,9), cut into several
 * commands when long. Messages are fetched with BODY.PEEK[], so reading
 * never marks a message \Seen. */
#ifndef MENTORD_IMAP_H
#define MENTORD_IMAP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct imap;

/* The keyword set on messages the robot has handled. */
#define IMAP_DONE_KEYWORD "$MentordDone"

/* Connects, negotiates TLS as configured (certificates verified), and logs
 * in: auth plain is SASL PLAIN (LOGIN when the server or the SASL library
 * lacks PLAIN, said at debug level), login is the LOGIN command, xoauth2
 * and oauthbearer (RFC 7628) send a bearer token: with [oauth2], one from
 * oauth2_get(), renewed and tried once more if the server refuses it;
 * without, the token read from password_file. */
int imap_open(const struct config *cfg, struct imap **imap_r, char **error_r);
void imap_close(struct imap **imap);

/* Selects the mailbox; fails if the server gives no UIDVALIDITY. */
int imap_select(struct imap *imap, const char *mailbox, uint32_t *uidvalidity_r, char **error_r);
/* UIDs greater than after, ascending, without duplicates; *uids_r is
 * allocated (also when *n_r is 0) and the caller frees it. */
int imap_search_after(struct imap *imap, uint32_t after, uint32_t **uids_r, size_t *n_r,
    char **error_r);
/* UIDs of the messages that arrived on or after the day of since (SINCE,
 * by INTERNALDATE), ascending; allocated as for imap_search_after(). */
int imap_search_since(struct imap *imap, time_t since, uint32_t **uids_r, size_t *n_r,
    char **error_r);
/* Sizes of the given messages (RFC822.SIZE), in the order of uids; 0 for a
 * message that has gone. */
int imap_sizes(struct imap *imap, const uint32_t *uids, size_t n, uint32_t *sizes_r, char **error_r);

/* Fetches whole messages. fn is called once per message in ascending UID
 * order (a message that has gone is skipped); data is valid only during the
 * call. A non-zero return from fn stops the fetch and is returned, with
 * *error_r left untouched. */
typedef int (*imap_message_fn)(uint32_t uid, const char *data, size_t len, void *arg);
int imap_fetch(struct imap *imap, const uint32_t *uids, size_t n, imap_message_fn fn, void *arg,
    char **error_r);

/* What the server asked of the robot when a session last failed, kept
 * for the caller (one process has one session at a time): wait_ms, the
 * wait it suggested (Exchange: "Request is throttled. Suggested Backoff
 * Time: N milliseconds"), in place of the usual backoff; routine: the
 * session ended as the provider ends every one (Exchange's "* BYE Session
 * invalidated - AccessTokenExpired"), so log in again at once and say so
 * as news, not as a failure. imap_hint_clear() forgets it. Every [ALERT]
 * is logged as a warning in the server's words, once while it stays the
 * same. A login refused because of too many connections (Gmail's "[ALERT]
 * Too many simultaneous connections", Exchange's "User is authenticated
 * but not connected") or for throttling is not blamed on the token: it
 * is not renewed, and the message says so. */
struct imap_hint {
	long wait_ms;
	int routine;
};
void imap_hint_get(struct imap_hint *h);
void imap_hint_clear(void);

/* A session logged in with an access token ends when the token expires.
 * Seconds until the session should be replaced by one with a fresh token
 * (0: now), or -1 if it has no token. The margin is IMAP_TOKEN_MARGIN_S,
 * or a quarter of the token's life if shorter (oauth2_get() then gives a
 * new one). */
#define IMAP_TOKEN_MARGIN_S 120
long imap_token_left(struct imap *imap);

/* Does the selected mailbox keep keywords (PERMANENTFLAGS with \*, read at
 * every SELECT)? Where not, imap_flag() refuses without sending a thing:
 * Exchange answers a keyword STORE or SEARCH with BAD. */
int imap_keywords(struct imap *imap);
/* Is the connection still good after a failed command (the server said NO
 * or BAD), so that the session may go on? */
int imap_usable(struct imap *imap);

/* Adds the keyword to the messages (silently); -1 without sending it where
 * the mailbox keeps no keywords. */
int imap_flag(struct imap *imap, const uint32_t *uids, size_t n, const char *keyword,
    char **error_r);
/* Moves messages (MOVE where offered, else COPY + \Deleted + UID EXPUNGE of
 * exactly these; without UIDPLUS the originals stay marked \Deleted, since
 * a plain EXPUNGE would remove what people marked \Deleted too). Flags set
 * before the move go with the messages. */
int imap_move(struct imap *imap, const uint32_t *uids, size_t n, const char *mailbox,
    char **error_r);
/* Creates the mailbox if it does not exist. */
int imap_ensure_mailbox(struct imap *imap, const char *mailbox, char **error_r);

/* IDLE (RFC 2177). imap_can_idle() says whether the server offers it.
 * imap_idle() needs a selected mailbox; it waits until the server says
 * anything (1: news, also when they came with the "+" or are already
 * buffered), or timeout_ms has passed (0; at most 29 minutes, RFC 2177 3),
 * and leaves IDLE (DONE, its answer within timeout_seconds) before it
 * returns; -1 on error. If *wake is or becomes non-zero, or a caught
 * signal arrives, it returns 0 at once and the session is given up
 * (broken: closed without LOGOUT), since the caller stops or reloads.
 * Waiting uses no CPU and no timer: nothing wakes the process but the
 * server, the deadline or a signal. */
int imap_can_idle(struct imap *imap);
int imap_idle(struct imap *imap, int timeout_ms, volatile sig_atomic_t *wake, char **error_r);
/* NOOP: the server answers within timeout_seconds, or the connection is
 * taken for dead (-1). After an IDLE without news, before the next. */
int imap_noop(struct imap *imap, char **error_r);

/* Logs in, selects imap.mailbox and logs out again, for check-config
 * --connect; *info_r (allocated) says how: TLS protocol and cipher, the
 * mechanism, the mailbox, and whether IDLE, MOVE and UIDPLUS are offered. */
int imap_check(const struct config *cfg, char **info_r, char **error_r);

#endif
