/* Who may change an application (doc/DESIGN.md 7): an update, or an
 * application sent again, from an address that has not proven itself is a
 * request. The robot asks that address to confirm it by reply, showing the
 * change and the application as it would then read, and applies it only
 * on a "yes" (or "confirm TOKEN"); "no" drops it. A message the receiving
 * server vouches for (auth.h: trusted Authentication-Results, or the
 * provider's marks) changes it at once, as does a reply to a message the
 * robot sent that address alone (its keyed Message-ID, which only the
 * recipient has seen). What the address proved before counts for nothing
 * here: anyone may write in its name. A "yes" to the
 * change of a pending application confirms the application too: the
 * reply proves the address, and the person saw the whole application.
 *
 * The change travels in the confirmation's payload as the form's own
 * "Key: value" lines (English keys), read back by form_parse(). */
#ifndef MENTORD_APPLICANT_CHANGE_H
#define MENTORD_APPLICANT_CHANGE_H

struct application;
struct confirmation;
struct form;
struct msgctx;

/* Is c->m's From proven: vouched for by the receiving server, or the
 * message answers one the robot sent that address alone? 1 yes, 0 no. */
int applicant_change_vouched(struct msgctx *c);

/* Asks the sender to confirm the change f (its present bits; reapply:
 * an application sent again, which replaces every field) to the live
 * application. 0, or -1 with *error_r as notify.h says. */
int applicant_change_request(struct msgctx *c, const struct application *live,
    const struct form *f, int reapply, char **error_r);

/* The confirmed request of kind "update" (the dispatcher's `confirmed`
 * table): applicant.h's return rule. */
int applicant_change_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);

/* In applicant.c, for both files: the application as it now stands, sent
 * to its person with the template tmpl ("confirmed", "updated"), kind
 * "confirmed". 0, or -1 with *error_r as notify.h says. */
int applicant_notice(struct msgctx *c, const struct application *a, const char *tmpl,
    char **error_r);

#endif
