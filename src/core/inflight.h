/* inflight: the message the daemon is working on, written down before the
 * work starts, so that a message during which the process died (out of
 * memory, a crash) is known at the next start. Without it, such a message
 * is fetched and tried again at every start, and kills the daemon every
 * time: one poison message would stop the robot for good.
 *
 * The file (SPOOL/working, mode 0600) holds two fixed-size records,
 * "UIDVALIDITY UID COUNT" each: the mark of the message being handled now,
 * and the message that earlier processes died on, with how many did. A
 * mark found at start means the last process died on that message. The
 * two are kept apart because the messages before it in the same batch are
 * handled again first (their transaction was lost), and must not wipe the
 * count. Both are written with one pwrite(2) before a message is handled
 * and the mark is cleared after, without fsync: like the database (WAL,
 * synchronous NORMAL), the file survives a crash of the process, which is
 * what it is for, not a crash of the machine. */
#ifndef MENTORD_INFLIGHT_H
#define MENTORD_INFLIGHT_H

#include <stdint.h>

/* Processes that died while handling one message, after which the message
 * is quarantined instead of being tried again. */
#define INFLIGHT_DEATHS_MAX 2

struct inflight;

/* Opens (and creates) the file and reads what the last process left: a
 * mark still there counts one death for that message. 0, or -1 with an
 * allocated reason. */
int inflight_open(const char *path, struct inflight **f_r, char **error_r);
void inflight_close(struct inflight **f);

/* Marks (uidvalidity, uid) as being worked on. *died_r is how many earlier
 * processes died while working on it (0 for a message not seen so). 0, or
 * -1 when the mark cannot be written (errno). */
int inflight_begin(struct inflight *f, uint32_t uidvalidity, uint32_t uid, int *died_r);
/* The work on the marked message ended (handled or quarantined). */
int inflight_end(struct inflight *f);

#endif
