/* training: training sessions (doc/DESIGN.md 3.4, 3.5): the `training` command
 * creates, updates or cancels the cohort's session and invites every matched
 * person individually (invite.h); calendar replies and plain yes/no answers
 * record each person's RSVP, for the version of the session they answered
 * (an answer to an earlier version, or about a cancelled session, is stale
 * and never counted: training.c says how); a reminder goes out the day
 * before.
 *
 * Return rules: the message handlers follow applicant.h's (1 handled, 0 not
 * mine, -1 with *error_r); the command and the reminders return 0, or -1
 * with an allocated reason in *error_r (NULL for a database error, which
 * store.h has logged). Nothing here logs. */
#ifndef MENTORD_TRAINING_H
#define MENTORD_TRAINING_H

#include <stdint.h>
#include <time.h>

struct buf;
struct committee_command;
struct engine;
struct msgctx;

/* training, training update, training cancel: appends what it did to out. */
int training_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* A message with a METHOD:REPLY calendar part. */
int training_calendar_reply(struct msgctx *c, char **error_r);
/* A plain reply to an invitation (ref_id is the event). */
int training_text_reply(struct msgctx *c, int64_t event_id, char **error_r);
/* Reminders due at e->now, in a transaction of their own. */
int training_reminders(struct engine *e, char **error_r);
/* Lowers *next (0: none yet) to the next time a reminder falls due. */
int training_next_due(struct engine *e, time_t *next);

#endif
