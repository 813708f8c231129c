/* edition: the programme from one year to the next (doc/DESIGN.md 3.7).
 *
 *   the edition report   report.h's figures of a cohort, mailed to every
 *                        member with the same figures as a CSV file: on
 *                        the committee's "report [NAME]", and once by
 *                        itself when a cohort's feedback period ends
 *                        (feedback_days after its last feedback request,
 *                        once every pair introduced was asked)
 *   the call             "cohort open NAME --announce": once per cohort,
 *                        to each person who said in an earlier cohort's
 *                        feedback that they would take part again, and to
 *                        the previous cohort's waitlisted applicants, who
 *                        may carry their application over by replying yes;
 *                        to nobody else, each once, in their language,
 *                        never to a person erased, anonymised or bouncing
 *   the carry-over       a "yes" to that offer (a confirmation of kind
 *                        "carry-over", confirm.h) copies the application
 *                        into the new cohort, confirmed; "no" settles it;
 *                        anything else waits again, for a person to read;
 *                        silence is a no: one reminder half-way, and the
 *                        offer lapses confirm_days after it was made
 *
 * Return rules: the committee commands append one line per fact to out
 * and return 0 or -1 (committee.h); edition_due() runs in a transaction
 * of its own and returns 0 or -1; edition_carry_confirmed() follows
 * applicant.h's (1 handled, -1 error). *error_r as followup.h says.
 * Nothing here logs. */
#ifndef MENTORD_EDITION_H
#define MENTORD_EDITION_H

#include <stdint.h>
#include <time.h>

struct buf;
struct committee_command;
struct confirmation;
struct engine;
struct msgctx;

/* The committee's "report [NAME]": the report is mailed to every member. */
int edition_report(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
enum edition_format { EDITION_TEXT, EDITION_CSV, EDITION_PDF };
/* The report of the cohort named (NULL: the open one, else the latest)
 * appended to out as text, CSV or PDF (in the committee's language); 1,
 * or 0 when there is no such cohort, or -1. For `mentord report`. */
int edition_report_print(struct engine *e, const char *name, enum edition_format format,
    struct buf *out);
/* The report of each cohort whose feedback period has ended, once. */
int edition_due(struct engine *e, char **error_r);
/* "cohort open NAME --announce", after followup_cohort_open() opened it;
 * does nothing without --announce. */
int edition_announce(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* A reply to a carry-over offer (k is the settled confirmation). A "yes"
 * after the offer lapsed (confirm_days after it was made, the day its
 * text says) is left for a person. */
int edition_carry_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r);
/* The one reminder of a carry-over offer not answered, half-way to the
 * day it lapses, while its cohort is open; a transaction of its own. */
int edition_carry_due(struct engine *e, char **error_r);
/* Lowers *next (0: nothing yet) to when edition_due() or
 * edition_carry_due() may have work. 0 or -1. */
int edition_next_due(struct engine *e, time_t *next);

#endif
