/* training: training sessions (doc/DESIGN.md 3.4, 3.5): the `training` command
 * creates, updates or cancels the cohort's session and invites every matched
 * person individually by iMIP (ical.h); calendar replies and plain yes/no
 * answers record each person's RSVP; a reminder goes out the day before. */
#ifndef MENTORD_TRAINING_H
#define MENTORD_TRAINING_H

#include <stdint.h>

struct buf;
struct committee_command;
struct engine;
struct msgctx;

int training_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out);
/* A pair became active: its two people are invited to a planned session. */
int training_pair_added(struct engine *e, int64_t pair, int64_t cause);
/* A message with a METHOD:REPLY calendar part. */
int training_calendar_reply(struct msgctx *c, char **error_r);
/* A plain reply to an invitation (ref_id is the event). */
int training_text_reply(struct msgctx *c, int64_t event_id, char **error_r);
/* Reminders due at e->now. */
int training_reminders(struct engine *e);
/* "accepted 3, declined 1, tentative 0, no answer 5" for the digest. */
int training_tally(struct engine *e, struct buf *out);

#endif
