/* committee: the committee's commands (doc/DESIGN.md 3.4), one layer for both
 * ways in: a member's email and `mentord COMMAND` on the server.
 *
 * committee_exec() runs one parsed command inside the caller's transaction
 * and appends what it did, as lines of plain text, to out. Mail it causes
 * (the proposal, introductions, waitlist notices, ...) is queued, not sent.
 * Email commands are accepted only from members, and only when the message
 * is authenticated (auth.h); otherwise the member confirms by reply first. */
#ifndef MENTORD_COMMITTEE_H
#define MENTORD_COMMITTEE_H

#include <stdint.h>

#include "command.h"

struct buf;
struct confirmation;
struct engine;
struct msgctx;

int committee_exec(struct engine *e, const char *actor, const struct committee_command *cmd,
    int64_t cause_inbound, struct buf *out, char **error_r);
/* Runs every command line of text (blank lines skipped), reporting each. */
int committee_exec_lines(struct engine *e, const char *actor, const char *text,
    int64_t cause_inbound, struct buf *out, char **error_r);

/* A member's command message (the subject is a command or "commands");
 * 0 when the subject is no committee command. */
int committee_message(struct msgctx *c, char **error_r);
/* A member's reply to one of our proposals: the body's lines are commands. */
int committee_reply(struct msgctx *c, int64_t proposal_id, char **error_r);
/* The member confirmed unauthenticated commands by reply (k->payload). */
int committee_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);

#endif
