/* overview: the programme's state as the committee reads it, in plain text
 * with aligned columns (doc/DESIGN.md 3.6): the sections that the status
 * screen (`status`) and the weekly digest are made of, and that an edition
 * report can reuse. It reads the tables only, never a feature's internals,
 * and writes nothing.
 *
 * No case text ever appears: cases are listed by number, age and status.
 * A list stops at 200 rows and says how many it left out. Each function
 * appends to out and returns 0, or -1 on a database error (store.h logs
 * it). cohort is the cohort shown (0: none yet). */
#ifndef MENTORD_OVERVIEW_H
#define MENTORD_OVERVIEW_H

#include <stdint.h>

struct buf;
struct engine;

/* Everything, for the open cohort (or the last one). */
int overview_render(struct engine *e, struct buf *out);

/* The sections, in the order overview_render() shows them. */
/* An open cohort against the one before: applications so far, and the
 * previous cohort's at the same point of its call (the same time since it
 * opened); nothing when there is no earlier cohort. */
int overview_compare(struct engine *e, int64_t cohort, struct buf *out);
int overview_applications(struct engine *e, int64_t cohort, struct buf *out);
/* Confirmed mentees of the cohort who were paired (introduced, whether
 * the pair goes on or ended since). */
int overview_paired_mentees(struct engine *e, int64_t cohort, long *n_r);
/* The committee's "status": one screen (at most OVERVIEW_SUMMARY_LINES
 * lines) of the figures the digest lists in full, agreeing with it. */
#define OVERVIEW_SUMMARY_LINES 20
int overview_summary(struct engine *e, struct buf *out);
int overview_pairs(struct engine *e, int64_t cohort, struct buf *out);
/* Mentees sent the anonymous profiles (choosing.h): who has chosen which
 * mentors, in her order, and her motivation; who has not chosen yet.
 * Nothing when no profiles went in the cohort. */
int overview_choices(struct engine *e, int64_t cohort, struct buf *out);
/* Active pairs to repair: someone answered a check-in "end" or the fit
 * check "not a fit"; the committee may rematch or unpair them. Then the
 * fit check's answers of each pair asked. Nothing when there is none. */
int overview_repair(struct engine *e, int64_t cohort, struct buf *out);
/* Each session from a week ago on: accepted, declined, tentative, no
 * answer, counting only the answers for the session as it stands, and who
 * answered an earlier version only; a cancelled session counts none. */
int overview_training(struct engine *e, struct buf *out);
/* Who answered session event, by name: accepted, declined, tentative,
 * an earlier version only, not answered; each group with its count, by
 * the rules of overview_training(), so that the totals agree. */
int overview_training_answers(struct engine *e, int64_t event, struct buf *out);
int overview_checkins(struct engine *e, int64_t cohort, struct buf *out);
int overview_cases(struct engine *e, struct buf *out);
/* Bouncing addresses, undelivered and quarantined messages, human mail. */
int overview_problems(struct engine *e, struct buf *out);

#endif
