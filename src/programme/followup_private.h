/* followup's own files: the clock (followup.c) and the feedback at the
 * end of the programme (followup_feedback.c). Return rules as in
 * followup.h. */
#ifndef MENTORD_FOLLOWUP_PRIVATE_H
#define MENTORD_FOLLOWUP_PRIVATE_H

#include <stdint.h>

struct engine;

/* Asks the mentor and the mentee of a pair for feedback: one feedback row
 * each (sent once, whatever the restarts) and the request that refers to
 * it. */
int followup_ask_feedback(struct engine *e, int64_t pair, int64_t mentor_app, int64_t mentee_app,
    int64_t cause, char **error_r);
/* One reminder to each person asked who has not answered after
 * nudge_after_days; never a second one, never after an answer. */
int followup_feedback_nudges(struct engine *e, char **error_r);

#endif
