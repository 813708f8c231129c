/* report: an edition's story in figures (doc/DESIGN.md 3.7), read from
 * the tables beside overview.h, identifying nobody: no name, no address,
 * no case text, no free text but the quotes their authors allowed; a
 * count of 1 or 2 is shown as "fewer than 3", a total or a mean over parts
 * one of which is so hidden as REPORT_HIDDEN (it would let the part be
 * worked out), a share only beside a count and a total shown, a mean or a
 * median only over 3 values or more. A quote naming anyone of the
 * programme, in whole words of any case or in look-alike letters, is
 * withheld. What it counts
 * survives retention (pairs keep what they shared, cases their cohort and
 * dates, feedback its figures), so an anonymised cohort still has its
 * report; only its quotes are gone with the personal data.
 *
 * report_load() reads; report_text() and report_csv() write the same
 * figures, with the same rule, as an aligned plain text of at most
 * REPORT_COLUMNS columns or as CSV (RFC 4180: CRLF, quoted fields). It
 * writes nothing to the store. Functions return 0, or -1 on a database
 * error (store.h logs it). */
#ifndef MENTORD_REPORT_H
#define MENTORD_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "survey.h"

struct buf;
struct engine;
struct strlist;

#define REPORT_COLUMNS 76
#define REPORT_HIDDEN "hidden" /* a figure that would let a hidden one be worked out */
#define REPORT_SESSIONS_MAX 12 /* training sessions shown; the rest counted */
#define REPORT_EDITIONS_MAX 12 /* editions shown across the programme; the rest counted */

struct report_session {
	time_t start;
	long invited, accepted, declined, tentative, no_answer;
};

struct report {
	int64_t cohort_id;
	char *cohort;
	time_t opened, closed, anonymised;        /* 0: not yet */
	/* applications by role: [0] mentors, [1] mentees */
	long applied[2], confirmed[2], waitlisted[2], carried[2];
	/* pairs introduced */
	long pairs, same_department, shared_field, shares_unknown;
	long checked_in, met, paused, ended_early, continuing;
	struct report_session sessions[REPORT_SESSIONS_MAX];
	size_t n_sessions, more_sessions, cancelled_sessions;
	long cases_opened, cases_closed;
	double median_close_days;                 /* < 0: not shown */
	/* feedback, people */
	long asked, answered;
	long useful[6];                           /* [1..5]; [0] all ratings */
	double useful_mean;                       /* < 0: not shown */
	long meetings[SURVEY_MEET_BANDS];         /* [MEET_UNSET]: all answers */
	long again[4];                            /* [0] all willing; then by enum survey_role */
	char **quotes;                            /* allowed, naming nobody, sorted */
	size_t n_quotes;
	long quotes_withheld;                     /* allowed, but naming someone */
	/* the programme across editions: every cohort up to this one (the
	 * latest REPORT_EDITIONS_MAX), oldest first, each with its own
	 * figures and no quotes; none in an edition's own entry */
	struct report *editions;
	size_t n_editions, earlier_editions;
	/* choice, consent and repair (doc/DESIGN.md 3.8) */
	long chosen[4];        /* pairs formed at the mentee's 1st..3rd choice; [0] she chose, none given */
	long consents_declined; /* approved pairs that did not go ahead (a no, or silence) */
	long fit[4];           /* fit answers: [1] good, [2] still deciding, [3] not a fit; [0] asked */
	long rematches;        /* pairs ended by a rematch */
};

/* The cohort of that name, or for name NULL the open one, else the
 * latest: 1 with its id, 0 if there is none. */
int report_cohort(struct engine *e, const char *name, int64_t *id_r);
int report_load(struct engine *e, int64_t cohort, struct report *r);
void report_deinit(struct report *r);
/* A count as shown: "0", "fewer than 3" or the number, in out. */
const char *report_count(long n, char *out, size_t size);
void report_text(const struct report *r, struct buf *out);
/* The report as a PDF (report_pdf.c): A4, one or two pages, in lang ("en"
 * or "fr"; else English), titled with programme (may be NULL) and the
 * cohort, the key figures on top, then charts of the same figures as the
 * text under the same rule, the allowed quotes and the programme across
 * editions. date is its creation date (the same data and date give the
 * same bytes). Appends to out; 0, or -1 when cairo fails or out is full. */
int report_pdf(const struct report *r, const char *programme, const char *lang, time_t date,
    struct buf *out);
/* The words of a person's name, to l, as report_names_someone() compares
 * them (each name word of 2 letters or more). */
void report_name_words(struct strlist *l, const char *name);
/* Does quote hold one of name_words (report_name_words()) as a whole
 * word, in any case, accents or look-alike letters (their skeletons in
 * the manner of UTS #39 are compared), or an address? 1 or 0. */
int report_names_someone(const struct strlist *name_words, const char *quote);
void report_csv(const struct report *r, struct buf *out);

#endif
