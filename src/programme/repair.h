/* repair: a pairing that does not fit is ended without blame and the
 * mentee paired again (doc/DESIGN.md 3.8).
 *   rematch N   (committee) ends active pair N: both get a neutral message
 *               in their language (it happens, it is no one's fault), the
 *               mentor's place is free again, and the mentee is back among
 *               those waiting for a mentor, ahead of newcomers of an equal
 *               score; match never proposes the two again (pairs.rematched_at)
 * unpair (pairing.h) keeps its meaning: an end without a rematch. Follows
 * pairing.h's rule for committee commands. */
#ifndef MENTORD_REPAIR_H
#define MENTORD_REPAIR_H

#include <stdint.h>

struct buf;
struct committee_command;
struct engine;

int repair_rematch(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

#endif
