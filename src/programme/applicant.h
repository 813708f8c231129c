/* applicant: what applicants ask by email (doc/DESIGN.md 3.2, 3.3): apply,
 * update, status, withdraw, issue, forget me, help; and the confirmations
 * by reply that activate an application, a withdrawal or an erasure.
 *
 * Confirmation by reply, never by link (confirm.h): an application holds a
 * token; the applicant confirms by replying to our request (In-Reply-To
 * names it), by keeping [TOKEN] in the subject, or with "confirm TOKEN".
 * Only a message from the address the request went to confirms it, so a
 * forged application is never confirmed.
 *
 * Return rule of every handler here: 1 handled (the outcome says how;
 * leaving the message for a person is handling it), 0 not mine (the
 * dispatcher goes on), -1 on error with an allocated reason in *error_r, or
 * *error_r left NULL for a database error, which store.h has logged.
 * Nothing here logs. All run inside the dispatcher's transaction. */
#ifndef MENTORD_APPLICANT_H
#define MENTORD_APPLICANT_H

#include <stdint.h>

struct confirmation;
struct engine;
struct msgctx;

/* The subject keywords: arg is the rest of the subject (NULL if none), lang
 * the keyword's language ("en" or "fr"). */
int applicant_apply(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_update(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_status(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_withdraw(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_forget(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_issue(struct msgctx *c, const char *arg, const char *lang, char **error_r);
int applicant_help(struct msgctx *c, const char *arg, const char *lang, char **error_r);
/* A form in the body of a message without a keyword. */
int applicant_form(struct msgctx *c, char **error_r);

/* A message in the sender's own words that no keyword names
 * (applicant_plain.c). applicant_suggest: the closest command of a near
 * one ("staus") suggested; 0 when nothing is near. applicant_passed_on:
 * the message is left for the committee (why: the outcome's reason), and
 * the sender told so once per conversation (never again in a thread that
 * had the note or a member's message). */
int applicant_suggest(struct msgctx *c, char **error_r);
int applicant_passed_on(struct msgctx *c, const char *why, char **error_r);
/* A reply to any of our messages, holding "Key: value" lines, from someone
 * with an application: read as an update of those lines; 0 otherwise. */
int applicant_change_by_reply(struct msgctx *c, char **error_r);

/* A reply to the errors of a form kept as the confirmations row rowid
 * (kind "form"): the lines it holds completed with the form's others and
 * read as an application; 0 when it holds none. */
int applicant_draft_reply(struct msgctx *c, int64_t rowid, char **error_r);

/* A reply to our confirmation request of application app_id; 0 if there
 * is no such application. */
int applicant_reply(struct msgctx *c, int64_t app_id, char **error_r);
/* A token (as token_find() gives it); 0 if it is no application's. */
int applicant_token(struct msgctx *c, const char *token, char **error_r);
/* What a confirmed request does: withdraw (k->ref_id is the application),
 * forget me. */
int applicant_withdraw_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);
int applicant_forget_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);

/* Erases a person's personal data now (forget me, mentord forget); a live
 * application is withdrawn first, so that a partner hears. 0 or -1. */
int applicant_erase(struct engine *e, const char *address, char **error_r);

#endif
