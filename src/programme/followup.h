/* followup: following the pairs (doc/DESIGN.md 3.6): check-ins and nudges,
 * their answers, end-of-programme feedback, cohort close and retention. */
#ifndef MENTORD_FOLLOWUP_H
#define MENTORD_FOLLOWUP_H

#include <stdint.h>

struct engine;
struct msgctx;

/* Check-ins, nudges, feedback requests and anonymisation due at e->now. */
int followup_due(struct engine *e);
/* An answer to a check-in (ref_id is the check-in). */
int followup_checkin_reply(struct msgctx *c, int64_t checkin_id, char **error_r);
/* An answer to a feedback request. */
int followup_feedback_reply(struct msgctx *c, int64_t pair_id, char **error_r);
/* The cohort closes: pairs end, participants are asked for feedback. */
int followup_cohort_close(struct engine *e, int64_t cohort_id, int64_t cause);

#endif
