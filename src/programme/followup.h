/* followup: the programme's year after the introductions (doc/DESIGN.md
 * 3.6): check-ins and their one nudge, the answers to them, the feedback
 * request at the end, the reminder and expiry of unconfirmed applications,
 * cohorts opened and closed by the committee, and retention.
 *
 * Return rules: the message handlers follow applicant.h's (1 handled, 0
 * not mine, -1 with *error_r); the others return 0, or -1 with an
 * allocated reason in *error_r (NULL for a database error, which store.h
 * has logged). Nothing here logs. */
#ifndef MENTORD_FOLLOWUP_H
#define MENTORD_FOLLOWUP_H

#include <stdint.h>
#include <time.h>

struct buf;
struct committee_command;
struct engine;
struct msgctx;

/* Check-ins, nudges, feedback requests, expiry and anonymisation due at
 * e->now, in a transaction of their own; *anonymised_r counts the cohorts
 * whose personal data went. */
int followup_due(struct engine *e, long *anonymised_r, char **error_r);
/* Lowers *next (0: none yet) to the next time something above falls due. */
int followup_next_due(struct engine *e, time_t *next);
/* An answer to a check-in (ref_id is the check-in). */
int followup_checkin_reply(struct msgctx *c, int64_t checkin_id, char **error_r);
/* An answer to a feedback request. */
int followup_feedback_reply(struct msgctx *c, int64_t pair_id, char **error_r);
/* The committee's "cohort open NAME" and "cohort close" (participants are
 * asked for feedback, pairs end); each appends what it did to out. */
int followup_cohort_open(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
int followup_cohort_close(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

#endif
