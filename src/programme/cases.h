/* cases: confidential issue cases (doc/DESIGN.md 3.2, 7). A case is opened
 * by an applicant's "issue" message or by a "problem" answer to a
 * check-in: the sender gets an acknowledgement with the case number, the
 * committee's notify list an immediate notice with the text; the committee
 * closes it with "close N".
 *
 * The text goes only into the case row and the committee's notice: never
 * to a partner, never into an outcome or a log line (which name the case
 * by its number), and not into the digest, which lists cases by number,
 * age and status. */
#ifndef MENTORD_CASES_H
#define MENTORD_CASES_H

#include <stdint.h>

struct buf;
struct committee_command;
struct engine;
struct msgctx;

struct case_report {
	int64_t person_id;     /* who opened it */
	int64_t pair_id;       /* the pair it is about; 0: none */
	const char *text;      /* the sender's words (bounded by the caller) */
	const char *role;      /* the sender's role, "" if none */
	const char *pair;      /* the pair as the notice shows it, "" if none */
	const char *lang;      /* the acknowledgement's, from notify_language() */
};

/* Opens a case for the sender of c->m: the row, the acknowledgement and
 * the committee's notice. 0 with *id_r; or 0 with *id_r 0 and nothing
 * done when the sender is past their notices to the committee for the day
 * (notify_committee_from: the message is left for the committee); or -1
 * (with *error_r as notify.h says). */
int cases_open(struct msgctx *c, const struct case_report *r, int64_t *id_r, char **error_r);

/* A reply to a case's acknowledgement (ref_kind "case"): its words are
 * added to the case, passed to the committee as confidentially as the
 * first report, and acknowledged ("added to case K7Q3"). The reporter's
 * reference is random (not the case's number, which the committee uses).
 * Follows applicant.h's return rule: 0 when the sender is not the
 * reporter. */
int cases_reply(struct msgctx *c, int64_t case_id, char **error_r);

/* The committee's "close N". Appends what it did to out; 0 or -1. */
int cases_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

#endif
