/* pairing: the committee's commands about pairs (doc/DESIGN.md 3.4):
 *   match              proposes pairs for the open cohort (match.h), as a
 *                      numbered list to the committee; nothing to applicants
 *   approve / reject   settles pairs of the waiting proposal; an approved
 *                      pair is introduced (one message to both) and invited
 *                      to a planned training (invite.h); once the proposal
 *                      is settled, whoever it left without a partner is told
 *   pair / unpair      a pair made or ended by hand; both people are told,
 *                      the reason stays with the committee
 * Each appends what it did to out (one line per fact, refusals included)
 * and returns 0, or -1 with an allocated reason in *error_r (NULL for a
 * database error, which store.h has logged). Nothing here logs; all runs
 * inside the caller's transaction. */
#ifndef MENTORD_PAIRING_H
#define MENTORD_PAIRING_H

#include <stdint.h>

struct buf;
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

#endif
