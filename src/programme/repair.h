/* repair: a pairing that does not fit is ended without blame and the
 * mentee paired again (doc/DESIGN.md 3.8).
 *   rematch N   (committee) ends active pair N: both get a neutral message
 *               in their language (it happens, it is no one's fault), the
 *               mentor's place is free again, and the mentee is back among
 *               those waiting for a mentor, ahead of newcomers of an equal
 *               score; match never proposes the two again (pairs.rematched_at)
 *   the fit check  (clock) each person of an active pair is asked once,
 *               privately, whether the pairing fits: after the first
 *               check-in answer that reports a meeting ("met"), or
 *               [schedule] fit_check_weeks after the introduction, whichever
 *               comes first
 *   a reply     to it records good fit / still deciding / not a fit
 *               (fit.h), for the committee only: the partner is never
 *               told; words it cannot read are left for a person
 * The digest lists the answers, and a pair with a "not a fit" or a
 * check-in "end" as to repair (overview.h).
 * unpair (pairing.h) keeps its meaning: an end without a rematch. The
 * command follows pairing.h's rule, the clock part followup.h's, the
 * reply applicant.h's. */
#ifndef MENTORD_REPAIR_H
#define MENTORD_REPAIR_H

#include <stdint.h>
#include <time.h>

struct buf;
struct msgctx;
struct committee_command;
struct engine;

int repair_rematch(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* The fit checks due now, in a transaction of their own. */
int repair_fit_due(struct engine *e, char **error_r);
/* The earliest fit check still to come into *next (left alone when none
 * is earlier); 0 or -1. */
int repair_next_due(struct engine *e, time_t *next);
/* A reply to the fit check of row fit_id. */
int repair_fit_reply(struct msgctx *c, int64_t fit_id, char **error_r);

#endif
