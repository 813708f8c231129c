/* quarantine: the raw copies of messages that could not be read or
 * handled (SPOOL/quarantine/, written by cycle.c), kept within bounds
 * (doc/DESIGN.md 6): [paths] quarantine_max_mb together, the oldest
 * removed first, and quarantine_days each. The message stays in the
 * mailbox; its inbound row loses the copy's path and records when it
 * went (quarantine_dropped_at), which the digest counts. */
#ifndef MENTORD_QUARANTINE_H
#define MENTORD_QUARANTINE_H

#include <time.h>

struct engine;

/* Removes the copies past either bound; keep (a path, or NULL) is never
 * removed: the copy just written. *dropped_r: how many went. 0 or -1. */
int quarantine_prune(struct engine *e, const char *keep, long *dropped_r);

/* Removes the copies of messages received at or before `before`
 * (retention). 0 or -1. */
int quarantine_drop_before(struct engine *e, time_t before);

#endif
