/* imap: the committee's mailbox, over IMAP (the only user of libetpan's IMAP
 * client).
 *
 * Every failure here is temporary from the robot's point of view: the caller
 * closes the session and reconnects later with backoff. Functions return 0
 * on success and -1 on error with an allocated message in *error_r.
 * Every network operation is bounded by imap.timeout_seconds. Messages are
 * fetched with BODY.PEEK[], so reading never marks a message \Seen. */
#ifndef MENTORD_IMAP_H
#define MENTORD_IMAP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct imap;

/* The keyword set on messages the robot has handled. */
#define IMAP_DONE_KEYWORD "$MentordDone"

/* Connects, negotiates TLS as configured (certificates verified), and logs
 * in. Plaintext authentication is refused unless the host is loopback. */
int imap_open(const struct config *cfg, struct imap **imap_r, char **error_r);
void imap_close(struct imap **imap);

/* Selects the mailbox. */
int imap_select(struct imap *imap, const char *mailbox, uint32_t *uidvalidity_r, char **error_r);
/* UIDs greater than after, ascending. */
int imap_search_after(struct imap *imap, uint32_t after, uint32_t **uids_r, size_t *n_r,
    char **error_r);
/* Sizes of the given messages (RFC822.SIZE), in the order of uids; 0 for a
 * message that has gone. */
int imap_sizes(struct imap *imap, const uint32_t *uids, size_t n, uint32_t *sizes_r, char **error_r);

/* Fetches whole messages. fn is called once per message in UID order; a
 * non-zero return from fn stops the fetch (and is returned). */
typedef int (*imap_message_fn)(uint32_t uid, const char *data, size_t len, void *arg);
int imap_fetch(struct imap *imap, const uint32_t *uids, size_t n, imap_message_fn fn, void *arg,
    char **error_r);

/* Adds the keyword to the messages (silently). */
int imap_flag(struct imap *imap, const uint32_t *uids, size_t n, const char *keyword,
    char **error_r);
/* Moves messages (MOVE where offered, else COPY + \Deleted + UID EXPUNGE). */
int imap_move(struct imap *imap, const uint32_t *uids, size_t n, const char *mailbox,
    char **error_r);
/* Creates the mailbox if it does not exist. */
int imap_ensure_mailbox(struct imap *imap, const char *mailbox, char **error_r);

/* IDLE (RFC 2177). imap_can_idle() says whether the server offers it.
 * imap_idle() waits until the server reports a change (1), timeout_ms has
 * passed (0), or *stop became non-zero (0), and always leaves IDLE before it
 * returns; -1 on error. */
int imap_can_idle(struct imap *imap);
int imap_idle(struct imap *imap, int timeout_ms, volatile sig_atomic_t *stop, char **error_r);

/* Logs in and out again, for check-config --connect; *info_r says what the
 * server offers. */
int imap_check(const struct config *cfg, char **info_r, char **error_r);

#endif
