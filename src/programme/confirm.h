/* confirm: confirmations by reply (doc/DESIGN.md 7), for applicants and
 * committee members alike. Whatever must not happen on a forged From waits
 * here for the person it concerns: a withdrawal, an erasure, a member's
 * commands that the receiving server did not authenticate.
 *
 * A request is a row of the confirmations table: its kind, the address
 * asked, what it refers to (ref_id, payload) and a token. The person
 * confirms by replying to our message (its ref_kind is "confirmation" and
 * ref_id the row), by keeping [TOKEN] in the subject, or with "confirm
 * TOKEN". Only a message from the address asked settles it, once; links
 * are never used, so that a link scanner cannot confirm anything.
 *
 * An application's own confirmation (the token on the application row)
 * follows the same rules through confirm_gate(). What a confirmed request
 * then does is the feature's: the dispatcher routes it by kind. */
#ifndef MENTORD_CONFIRM_H
#define MENTORD_CONFIRM_H

#include <stdint.h>

#include "command.h"

struct engine;
struct msgctx;

struct confirmation {
	int64_t rowid, ref_id;
	char *token, *kind, *address, *payload;
	int done;
};

/* Records a request from the sender of c->m: kind ("withdraw", "forget",
 * "commands"), ref_id (0: none) and payload (NULL: none). The token
 * (TOKEN_LEN characters) goes in the message that asks. 0 or -1. */
int confirm_new(struct msgctx *c, const char *kind, int64_t ref_id, const char *payload,
    char token_r[16], int64_t *rowid_r);
/* The same for a request the robot makes by itself, to address (an offer
 * to carry an application over: kind "carry-over"). */
int confirm_new_for(struct engine *e, const char *address, const char *kind, int64_t ref_id,
    const char *payload, char token_r[16], int64_t *rowid_r);
/* A request that has served (a form completed by a second message):
 * settled, and its payload gone. 0 or -1. */
int confirm_close(struct engine *e, int64_t rowid);
/* A request settled by a reply that said neither yes nor no waits again
 * for its answer. 0 or -1. */
int confirm_reopen(struct engine *e, int64_t rowid);

/* 1 and k filled, 0 if there is no such request, -1 on a database error. */
int confirm_by_id(struct engine *e, int64_t rowid, struct confirmation *k);
int confirm_by_token(struct engine *e, const char *token, struct confirmation *k);
void confirm_deinit(struct confirmation *k);

enum confirm_state {
	CONFIRM_WAITING,  /* not confirmed yet */
	CONFIRM_DONE,     /* confirmed before */
	CONFIRM_CLOSED,   /* settled otherwise (withdrawn, expired) */
};

/* May c->m settle a request sent to address, in state st? 1: yes, the
 * sender is the one asked and the request waits. 0: no, and the message's
 * outcome says why: from another address, or settled already (left for a
 * person, unless it is a short repeat of a confirmation: "already
 * confirmed"). The sender has then shown the address is theirs
 * (outbox_proven). -1 on a database error. */
int confirm_gate(struct msgctx *c, const char *address, enum confirm_state st);

/* Settles a waiting request k for c->m: the gate, then the row is marked
 * done. 1: go on and do what it asked; 0: not to be done (see the gate);
 * -1 on a database error. */
int confirm_settle(struct msgctx *c, const struct confirmation *k);

/* A reply says more than "yes" (more than a few words): it is handled and
 * also left for a person to read. */
int confirm_substantial(const char *text);

/* Answers a reference that matches nothing waiting ("nothing to
 * confirm"). 0, or -1 with *error_r as notify.h says. */
int confirm_nothing(struct msgctx *c, char **error_r);

/* The answer a reply to a request gives: "yes" / "no" in the person's
 * words (command.h), and "confirm TOKEN" in the subject says yes too. */
enum rsvp_answer confirm_answer(const struct msgctx *c);

#endif
