/* committee: the committee's commands (doc/DESIGN.md 3.4), one layer for both
 * ways in: a member's email and `mentord COMMAND` on the server.
 *
 * committee_exec() runs one parsed command inside the caller's transaction:
 * a table hands it to the feature that does it (pairing, training, cases,
 * followup, digest), which appends what it did, as lines of plain text, to
 * out; what changes the programme goes in the audit log. Mail it causes
 * (the proposal, introductions, waitlist notices, ...) is queued, not sent.
 * Email commands are accepted only from members, and only when the message
 * is authenticated (auth.h); otherwise the member confirms by reply first
 * (confirm.h).
 *
 * Return rules: committee_exec() and committee_exec_lines() return 0, or
 * -1 with an allocated reason in *error_r (NULL for a database error,
 * which store.h has logged); the message handlers follow applicant.h's (1
 * handled, 0 not mine, -1 with *error_r). Nothing here logs. */
#ifndef MENTORD_COMMITTEE_H
#define MENTORD_COMMITTEE_H

#include <stddef.h>
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
/* A member's reply to any other message we sent her (ref_kind: what it
 * referred to, or NULL): its lines are commands when one of them is; 0
 * when none is (a reply to our answer "not understood" is then left
 * without an answer: 1). */
int committee_reply_any(struct msgctx *c, const char *ref_kind, char **error_r);
/* A member's message that is no command (committee_help.c): left in the
 * mailbox for the committee, and, when it was written to the programme
 * alone and proven as commands are, answered once: what was understood,
 * the nearest commands, where the help is. Mail to several people, or
 * passing on a conversation, is human mail. Returns 1, or -1. */
int committee_unclear(struct msgctx *c, char **error_r);
/* The answer to "help" / "help COMMAND" (kind committee-help). */
int committee_help_answer(struct msgctx *c, const struct committee_command *cmd,
    char **error_r);
/* The committee's help in lang (template committee-commands), or one
 * command's (committee-command), allocated in *text_r; 0 or -1. */
int committee_help_text(struct engine *e, const char *lang, enum committee_cmd topic,
    char **text_r, char **error_r);
/* The commands of the dispatcher's table, in order; CCMD_NONE past the end. */
enum committee_cmd committee_command_at(size_t i);

/* The member confirmed unauthenticated commands by reply (k->payload). */
int committee_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);

#endif
