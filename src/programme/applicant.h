/* applicant: what applicants ask by email (doc/DESIGN.md 3.2, 3.3): apply,
 * confirm, update, withdraw, status, issue, forget me; and the replies that
 * confirm an application, a withdrawal or an erasure.
 *
 * Confirmation by reply, never by link: a pending request holds a token;
 * the applicant confirms by replying to our message (In-Reply-To names it),
 * by keeping [TOKEN] in the subject, or with "confirm TOKEN". Only a message
 * from the address the request went to confirms it, so a forged application
 * is never confirmed. Runs inside the dispatcher's transaction. */
#ifndef MENTORD_APPLICANT_H
#define MENTORD_APPLICANT_H

#include <stdint.h>

#include "command.h"

struct engine;
struct msgctx;

int applicant_command(struct msgctx *c, enum applicant_cmd cmd, const char *arg, const char *lang);
/* A form in the body of a message without a keyword. */
int applicant_form(struct msgctx *c, const char *lang);
/* A reply to our message with this ref (ref_kind "application" or
 * "confirmation"); 1 if handled, 0 if it was not for us to act on. */
int applicant_reply(struct msgctx *c, const char *ref_kind, int64_t ref_id);
/* A token found in the subject or given with "confirm". */
int applicant_token(struct msgctx *c, const char *token);

/* Confirmation requests (withdraw, forget, commands) waiting for a reply. */
int applicant_confirmation_new(struct msgctx *c, const char *kind, int64_t ref_id,
    const char *payload, char token_r[16], int64_t *rowid_r);

/* Erases a person's personal data now (forget me, mentord forget). */
int applicant_erase(struct engine *e, const char *address);

#endif
