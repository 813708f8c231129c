/* pairing: the committee's commands about pairs (doc/DESIGN.md 3.4):
 *   match              proposes pairs for the open cohort (match.h), as a
 *                      numbered list to the committee; nothing to applicants
 *   approve / reject   settles pairs of the waiting proposal; an approved
 *                      pair is introduced (one message to both) and invited
 *                      to a planned training (invite.h); once the proposal
 *                      is settled, whoever it left without a partner is told
 *   pair / unpair      a pair made or ended by hand; both people are told,
 *                      the reason stays with the committee
 * With [matching] consent, an approved pair is introduced only once both
 * sides have agreed (pairing_consent.c).
 * Each appends what it did to out (one line per fact, refusals included)
 * and returns 0, or -1 with an allocated reason in *error_r (NULL for a
 * database error, which store.h has logged). Nothing here logs; all runs
 * inside the caller's transaction. */
#ifndef MENTORD_PAIRING_H
#define MENTORD_PAIRING_H

#include <stdint.h>
#include <time.h>

struct buf;
struct msgctx;
struct committee_command;
struct engine;

int pairing_match(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* approve all | approve N... | reject N... */
int pairing_decide(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
int pairing_pair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
int pairing_unpair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

/* Both sides agree before the introduction ([matching] consent;
 * pairing_consent.c has the states): a reply to the request of row
 * consent_id (applicant.h's rule); the reminders and the silences due now,
 * in a transaction of their own; the earliest still to come into *next. */
int pairing_consent_reply(struct msgctx *c, int64_t consent_id, char **error_r);
int pairing_consent_due(struct engine *e, char **error_r);
int pairing_consent_next_due(struct engine *e, time_t *next);

#endif
