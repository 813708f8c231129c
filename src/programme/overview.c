/* The committee's view of the programme, as plain text with aligned
 * columns: what the status screen and the weekly digest are made of. It
 * reads the tables and nothing else; cases appear by number, age and
 * status only, never by their text. Every line stays within
 * TEXT_LINE_MAX (78) characters, as mail readers show them: a name or a
 * text too long for its column is cut with an ellipsis. */
#include "overview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "config.h"
#include "engine.h"
#include "marking.h"
#include "roster.h"
#include "store.h"
#include "util.h"

#define LIST_MAX 200 /* rows in one section; the rest is counted */
#define WEEK (7 * 86400)

struct section {
	struct buf *b;
	size_t rows;
	time_t now;
};

/* Pads s to width columns, counting UTF-8 characters, so that tables stay
 * aligned in any client's fixed-width view; a longer s is cut with an
 * ellipsis. Names are data: nothing that reorders or hides what is around
 * it (a right-to-left override) reaches the committee's screen. */
static void cell(struct buf *b, const char *text, size_t width)
{
	char *shown = str_shown(text != NULL ? text : "", 0);
	const char *s = shown;
	size_t n = buf_add_fit(b, s, width);

	for (; n < width; n++)
		buf_addc(b, ' ');
	buf_adds(b, "  ");
	free(shown);
}

static void end_line(struct buf *b)
{
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	buf_addc(b, '\n');
}

/* After a list whose rows stop at LIST_MAX: what stands for an empty one,
 * or how many rows were left out. */
static void list_end(struct buf *b, size_t rows, const char *none)
{
	if (rows == 0)
		buf_printf(b, "  %s\n", none);
	else if (rows > LIST_MAX)
		buf_printf(b, "  ... and %zu more\n", rows - LIST_MAX);
}

static void date_of(time_t t, char *out, size_t size)
{
	if (t <= 0)
		str_copy(out, size, "-");
	else
		time_local_date(t, out, size);
}

static int count(struct engine *e, const char *sql, int64_t cohort, long *n_r)
{
	int64_t v = 0;

	if (store_query_int(e->st, &v, sql, "i", cohort) < 0)
		return -1;
	*n_r = (long)v;
	return 0;
}

static int application_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	char date[16];

	if (++s->rows > LIST_MAX)
		return 0;
	buf_adds(s->b, "  ");
	cell(s->b, store_row_text(row, 0), 23);
	cell(s->b, store_row_text(row, 1), 7);
	cell(s->b, store_row_text(row, 2), 18);
	cell(s->b, store_row_text(row, 3), 10);
	date_of((time_t)store_row_int(row, 4), date, sizeof(date));
	cell(s->b, date, 10);
	end_line(s->b);
	return 0;
}

/* The figures the digest and the status both say of a cohort's
 * applications. */
struct app_counts {
	long pending, mentors, mentees, paired, open;
};

static int app_counts(struct engine *e, int64_t cohort, struct app_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'pending'",
	    cohort, &c->pending) < 0 ||
	    count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'confirmed'"
	    " AND role = 'mentor'", cohort, &c->mentors) < 0 ||
	    count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'confirmed'"
	    " AND role = 'mentee'", cohort, &c->mentees) < 0 ||
	    overview_paired_mentees(e, cohort, &c->paired) < 0 ||
	    count(e, "SELECT count(*) FROM cohorts WHERE id = ? AND status = 'open'", cohort,
	    &c->open) < 0)
		return -1;
	return 0;
}

/* Check-ins reminded and not answered yet, not flagged: those reminded
 * this very run are silent too. */
#define REMINDED_SQL "SELECT count(*) FROM checkins k JOIN pairs p ON p.id = k.pair_id" \
	" WHERE p.cohort_id = ? AND p.status = 'active' AND k.answer IS NULL" \
	" AND k.nudged_at IS NOT NULL AND k.flagged_at IS NULL"

int overview_paired_mentees(struct engine *e, int64_t cohort, long *n_r)
{
	/* introduced, whether the pair goes on or ended since */
	return count(e, "SELECT count(*) FROM applications a WHERE a.cohort_id = ?"
	    " AND a.status = 'confirmed' AND a.role = 'mentee' AND EXISTS (SELECT 1 FROM pairs p"
	    " WHERE p.mentee_app = a.id AND (p.status = 'active' OR p.introduced_at IS NOT NULL))",
	    cohort, n_r);
}

int overview_applications(struct engine *e, int64_t cohort, struct buf *b)
{
	struct section s = { b, 0, e->now };
	struct app_counts c;
	long capacity = 0;

	if (app_counts(e, cohort, &c) < 0 ||
	    count(e, "SELECT coalesce(sum(capacity), 0) FROM applications WHERE cohort_id = ?"
	    " AND status = 'confirmed' AND role = 'mentor'", cohort, &capacity) < 0)
		return -1;
	/* a closed cohort's unpaired mentees wait for nothing any more */
	buf_printf(b, "Applications\n"
	    "  awaiting the applicant's confirmation  %ld\n"
	    "  confirmed mentors                      %ld (room for %ld mentees)\n"
	    "  confirmed mentees                      %ld (%ld paired, %ld %s)\n",
	    c.pending, c.mentors, capacity, c.mentees, c.paired, c.mentees - c.paired,
	    c.open ? "waiting" : "not paired");
	buf_adds(b, "\n  New and pending this week:\n  ");
	cell(b, "name", 23);
	cell(b, "role", 7);
	cell(b, "department", 18);
	cell(b, "status", 10);
	cell(b, "since", 10);
	end_line(b);
	if (store_query(e->st, "SELECT a.name, a.role, a.department, a.status, a.created_at"
	    " FROM applications a WHERE a.cohort_id = ? AND (a.status = 'pending' OR a.created_at >= ?)"
	    " ORDER BY a.created_at, a.id", application_row, &s, "it", cohort, e->now - WEEK) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	buf_addc(b, '\n');
	return 0;
}

static int proposal_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	char date[16];

	s->rows++;
	date_of((time_t)store_row_int(row, 1), date, sizeof(date));
	buf_printf(s->b, "  proposal %" PRId64 " of %s: %" PRId64 " pair(s) waiting for approve/reject\n",
	    store_row_int(row, 0), date, store_row_int(row, 2));
	return 0;
}

static int pair_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	char date[16], id[24];

	if (++s->rows > LIST_MAX)
		return 0;
	snprintf(id, sizeof(id), "%" PRId64, store_row_int(row, 0));
	buf_adds(s->b, "  ");
	cell(s->b, id, 4);
	cell(s->b, store_row_text(row, 1), 20);
	cell(s->b, store_row_text(row, 2), 20);
	date_of((time_t)store_row_int(row, 3), date, sizeof(date));
	cell(s->b, date, 10);
	cell(s->b, store_row_text(row, 4) != NULL ? store_row_text(row, 4) : "-", 14);
	end_line(s->b);
	return 0;
}

int overview_pairs(struct engine *e, int64_t cohort, struct buf *b)
{
	struct section s = { b, 0, e->now };

	buf_adds(b, "Proposals awaiting approval\n");
	if (store_query(e->st, "SELECT p.id, p.created_at, (SELECT count(*) FROM pairs x"
	    " WHERE x.proposal_id = p.id AND x.status = 'proposed') FROM proposals p"
	    " WHERE p.cohort_id = ? AND p.status = 'open' ORDER BY p.id", proposal_row, &s, "i", cohort) < 0)
		return -1;
	if (s.rows == 0)
		buf_adds(b, "  (none)\n");
	s.rows = 0;
	buf_adds(b, "\nPairs\n  ");
	cell(b, "pair", 4);
	cell(b, "mentor", 20);
	cell(b, "mentee", 20);
	cell(b, "since", 10);
	cell(b, "last check-in", 14);
	end_line(b);
	if (store_query(e->st, "SELECT p.id, m.name, t.name, p.introduced_at,"
	    " (SELECT k.answer FROM checkins k WHERE k.pair_id = p.id AND k.answer IS NOT NULL"
	    " ORDER BY k.answered_at DESC LIMIT 1)"
	    " FROM pairs p JOIN applications m ON m.id = p.mentor_app JOIN applications t"
	    " ON t.id = p.mentee_app WHERE p.cohort_id = ? AND p.status = 'active' ORDER BY p.id",
	    pair_row, &s, "i", cohort) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	buf_addc(b, '\n');
	return 0;
}

static int choice_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	const char *why = store_row_text(row, 2);
	char *chosen;

	if (++s->rows > LIST_MAX)
		return 0;
	buf_adds(s->b, "  ");
	cell(s->b, store_row_text(row, 0), 20);
	chosen = str_shown(store_row_text(row, 1) != NULL ? store_row_text(row, 1) : "(not yet)", 0);
	buf_fill(s->b, chosen, strlen(chosen), 24, 24, TEXT_LINE_MAX, "\n");
	free(chosen);
	if (why != NULL) {
		buf_adds(s->b, "                        why: ");
		buf_add_fit(s->b, why, TEXT_LINE_MAX - 29);
		buf_addc(s->b, '\n');
	}
	return 0;
}

int overview_choices(struct engine *e, int64_t cohort, struct buf *b)
{
	struct section s = { b, 0, e->now };
	long asked = 0, chose = 0;

	if (count(e, "SELECT count(*) FROM choices c JOIN applications a ON a.id = c.mentee_app"
	    " WHERE a.cohort_id = ?", cohort, &asked) < 0 ||
	    count(e, "SELECT count(*) FROM choices c JOIN applications a ON a.id = c.mentee_app"
	    " WHERE a.cohort_id = ? AND c.chosen_at IS NOT NULL", cohort, &chose) < 0)
		return -1;
	if (asked == 0)
		return 0;
	buf_printf(b, "Mentees' choices (profiles sent to %ld, %ld chose)\n", asked, chose);
	if (store_query(e->st, "SELECT t.name, nullif(ltrim(CASE WHEN c.choice1 > 0 THEN '1. '"
	    " || coalesce(m1.name, '?') ELSE '' END || CASE WHEN c.choice2 > 0 THEN ', 2. '"
	    " || coalesce(m2.name, '?') ELSE '' END || CASE WHEN c.choice3 > 0 THEN ', 3. '"
	    " || coalesce(m3.name, '?') ELSE '' END, ', '), ''), c.motivation FROM choices c"
	    " JOIN applications t ON t.id = c.mentee_app LEFT JOIN applications m1 ON m1.id = c.choice1"
	    " LEFT JOIN applications m2 ON m2.id = c.choice2 LEFT JOIN applications m3"
	    " ON m3.id = c.choice3 WHERE t.cohort_id = ? AND t.status = 'confirmed'"
	    " ORDER BY c.chosen_at IS NULL, t.name, t.id", choice_row, &s, "i", cohort) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	buf_addc(b, '\n');
	return 0;
}

/* A row of a pair's table: its number, then three texts in these widths. */
struct pair_table {
	struct section s;
	size_t width[3];
};

static int pair_table_row(const struct store_row *row, void *arg)
{
	struct pair_table *p = arg;
	char id[24];
	int i;

	if (++p->s.rows > LIST_MAX)
		return 0;
	snprintf(id, sizeof(id), "%" PRId64, store_row_int(row, 0));
	buf_adds(p->s.b, "  ");
	cell(p->s.b, id, 4);
	for (i = 0; i < 3; i++)
		cell(p->s.b, store_row_text(row, i + 1), p->width[i]);
	end_line(p->s.b);
	return 0;
}

/* What one side of pair p answered to the fit check, as words. */
#define FIT_SAYS(who) "coalesce((SELECT CASE f.answer WHEN 'good' THEN 'good fit' WHEN 'unsure'" \
	" THEN 'still deciding' WHEN 'not' THEN 'not a fit' END FROM fits f WHERE f.pair_id = p.id" \
	" AND f.person_id = " who ".person_id), '(no answer)')"

/* The fit check's answers, pair by pair (confidential: the committee's). */
static int fit_answers(struct engine *e, int64_t cohort, struct buf *b)
{
	struct pair_table s = { { b, 0, e->now }, { 20, 15, 15 } };
	long asked = 0;

	if (count(e, "SELECT count(DISTINCT f.pair_id) FROM fits f JOIN pairs p ON p.id = f.pair_id"
	    " WHERE p.cohort_id = ? AND p.status = 'active'", cohort, &asked) < 0)
		return -1;
	if (asked == 0)
		return 0;
	buf_adds(b, "Fit check (confidential)\n  ");
	cell(b, "pair", 4);
	cell(b, "mentor", 20);
	cell(b, "mentor says", 15);
	cell(b, "mentee says", 15);
	end_line(b);
	if (store_query(e->st, "SELECT p.id, m.name, " FIT_SAYS("m") ", " FIT_SAYS("t")
	    " FROM pairs p JOIN applications m ON m.id = p.mentor_app JOIN applications t"
	    " ON t.id = p.mentee_app WHERE p.cohort_id = ? AND p.status = 'active'"
	    " AND EXISTS (SELECT 1 FROM fits f WHERE f.pair_id = p.id) ORDER BY p.id", pair_table_row,
	    &s, "i", cohort) < 0)
		return -1;
	list_end(b, s.s.rows, "(none)");
	buf_addc(b, '\n');
	return 0;
}

int overview_repair(struct engine *e, int64_t cohort, struct buf *b)
{
	struct pair_table s = { { b, 0, e->now }, { 20, 20, 22 } };
	struct buf rows;
	int ret = -1;

	buf_init(&rows, 4u * 1024 * 1024);
	buf_add(&rows, "", 0);
	s.s.b = &rows;
	if (store_query(e->st, "SELECT p.id, m.name, t.name, ltrim(CASE WHEN EXISTS (SELECT 1"
	    " FROM checkins k WHERE k.pair_id = p.id AND k.answer = 'end') THEN 'check-in: end'"
	    " ELSE '' END || coalesce('; not a fit: ' || (SELECT group_concat(CASE WHEN f.person_id"
	    " = t.person_id THEN 'mentee' ELSE 'mentor' END, ', ') FROM fits f WHERE f.pair_id = p.id"
	    " AND f.answer = 'not'), ''), '; ') AS why FROM pairs p"
	    " JOIN applications m ON m.id = p.mentor_app JOIN applications t ON t.id = p.mentee_app"
	    " WHERE p.cohort_id = ? AND p.status = 'active' AND why <> '' ORDER BY p.id",
	    pair_table_row, &s, "i", cohort) < 0)
		goto out;
	if (s.s.rows > 0) {
		buf_adds(b, "To repair (rematch N pairs again without blame; unpair N REASON ends)\n  ");
		cell(b, "pair", 4);
		cell(b, "mentor", 20);
		cell(b, "mentee", 20);
		cell(b, "why", 22);
		end_line(b);
		buf_adds(b, rows.s);
		list_end(b, s.s.rows, "(none)");
		buf_addc(b, '\n');
	}
	ret = fit_answers(e, cohort, b);
out:
	buf_deinit(&rows);
	return ret;
}

static int answer_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;

	buf_printf(s->b, "%s%s %" PRId64, s->rows++ ? ", " : "  answers this week: ",
	    store_row_text(row, 0), store_row_int(row, 1));
	return 0;
}

static int silent_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;

	char head[64], tail[32];

	if (++s->rows > LIST_MAX)
		return 0;
	snprintf(head, sizeof(head), "  pair %" PRId64 ", check-in %" PRId64 ": no answer from ",
	    store_row_int(row, 0), store_row_int(row, 1));
	snprintf(tail, sizeof(tail), " since %s", store_row_text(row, 3));
	buf_adds(s->b, head);
	buf_add_fit(s->b, store_row_text(row, 2), TEXT_LINE_MAX - strlen(head) - strlen(tail));
	buf_adds(s->b, tail);
	buf_addc(s->b, '\n');
	return 0;
}

int overview_checkins(struct engine *e, int64_t cohort, struct buf *b)
{
	struct section s = { b, 0, e->now };
	long reminded = 0;

	buf_adds(b, "Check-ins\n");
	if (store_query(e->st, "SELECT k.answer, count(*) FROM checkins k JOIN pairs p ON p.id = k.pair_id"
	    " WHERE p.cohort_id = ? AND k.answered_at >= ? GROUP BY k.answer ORDER BY k.answer",
	    answer_row, &s, "it", cohort, e->now - WEEK) < 0)
		return -1;
	buf_adds(b, s.rows ? "\n" : "  answers this week: none\n");
	/* those reminded this very run are silent too, not yet flagged */
	if (count(e, REMINDED_SQL, cohort, &reminded) < 0)
		return -1;
	if (reminded > 0)
		buf_printf(b, "  reminded once, no answer yet: %ld\n", reminded);
	s.rows = 0;
	if (store_query(e->st, "SELECT k.pair_id, k.number, coalesce(a.name, 'a participant'),"
	    " date(k.sent_at, 'unixepoch') FROM checkins k JOIN pairs p ON p.id = k.pair_id"
	    " JOIN applications a ON a.person_id = k.person_id AND (a.id = p.mentor_app OR a.id = p.mentee_app)"
	    " WHERE p.cohort_id = ? AND p.status = 'active' AND k.answer IS NULL AND k.flagged_at IS NOT NULL"
	    " ORDER BY k.pair_id, k.number", silent_row, &s, "i", cohort) < 0)
		return -1;
	list_end(b, s.rows, "still silent after the reminder: none");
	buf_addc(b, '\n');
	return 0;
}

static int case_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	char id[24], opened[16], age[24];
	time_t t = (time_t)store_row_int(row, 1);

	if (++s->rows > LIST_MAX)
		return 0;
	snprintf(id, sizeof(id), "%" PRId64, store_row_int(row, 0));
	date_of(t, opened, sizeof(opened));
	snprintf(age, sizeof(age), "%ld d", (long)((s->now - t) / 86400));
	buf_adds(s->b, "  ");
	cell(s->b, id, 6);
	cell(s->b, opened, 10);
	cell(s->b, age, 6);
	cell(s->b, store_row_text(row, 2), 8);
	end_line(s->b);
	return 0;
}

/* Cases by number, age and status only: their text never leaves the
 * immediate notice. */
int overview_cases(struct engine *e, struct buf *b)
{
	struct section s = { b, 0, e->now };

	buf_adds(b, "Open cases (the text is in each case's notice)\n  ");
	cell(b, "case", 6);
	cell(b, "opened", 10);
	cell(b, "age", 6);
	cell(b, "status", 8);
	end_line(b);
	if (store_query(e->st, "SELECT id, opened_at, status FROM cases WHERE status = 'open'"
	    " ORDER BY id", case_row, &s, NULL) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	buf_addc(b, '\n');
	return 0;
}

static int line_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	char date[16];

	if (++s->rows > LIST_MAX)
		return 0;
	date_of((time_t)store_row_int(row, 0), date, sizeof(date));
	buf_adds(s->b, "  ");
	cell(s->b, date, 10);
	cell(s->b, store_row_text(row, 1) != NULL ? store_row_text(row, 1) : "-", 28);
	/* what is left of the line: 2 + 12 + 30 columns are taken */
	{
		char *shown = str_shown(store_row_text(row, 2) != NULL ? store_row_text(row, 2) : "", 0);

		buf_add_fit(s->b, shown, TEXT_LINE_MAX - 44);
		free(shown);
	}
	end_line(s->b);
	return 0;
}

/* A failed message: its number, kind and recipient on one line, the
 * server's last answer whole below it, wrapped under itself (an answer is
 * what tells the committee why, so it is never cut). */
static int failed_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	const char *answer = store_row_text(row, 3) != NULL ? store_row_text(row, 3) : "?";
	char date[16];

	if (++s->rows > LIST_MAX)
		return 0;
	date_of((time_t)store_row_int(row, 0), date, sizeof(date));
	buf_adds(s->b, "  ");
	cell(s->b, date, 10);
	cell(s->b, store_row_text(row, 1), 28);
	buf_adds(s->b, "to ");
	buf_add_fit(s->b, store_row_text(row, 2), TEXT_LINE_MAX - 47);
	end_line(s->b);
	buf_adds(s->b, "              ");
	buf_fill(s->b, answer, strlen(answer), 14, 14, TEXT_LINE_MAX, "\n");
	return 0;
}

/* Answers to addresses not proven wait when over the hourly limit
 * (outbox.h): a flood of forged mail shows here, with the oldest wait, and
 * each pending application whose confirmation request has not gone, with
 * why (doc/DESIGN.md 7). */
static int waiting(struct engine *e, struct buf *b)
{
	struct section s = { b, 0, e->now };
	int64_t n = 0, next = 0, oldest = 0;
	char when[32];

	if (store_query_int(e->st, &n, "SELECT count(*) FROM outbound WHERE unproven = 1"
	    " AND status = 'queued' AND next_attempt > ?", "t", e->now) < 0 ||
	    store_query_int(e->st, &next, "SELECT coalesce(max(next_attempt), 0) FROM outbound"
	    " WHERE unproven = 1 AND status = 'queued'", NULL) < 0 ||
	    store_query_int(e->st, &oldest, "SELECT coalesce(min(created_at), 0) FROM outbound"
	    " WHERE unproven = 1 AND status = 'queued' AND next_attempt > ?", "t", e->now) < 0)
		return -1;
	if (n > 0) {
		time_local_str((time_t)next, when, sizeof(when));
		buf_printf(b, "\nAnswers to unproven senders waiting for the hourly limit\n"
		    "(max_unproven_per_hour = %ld): %lld, the last going at %s;\n"
		    "the oldest has waited %lld h\n", e->cfg->programme.max_unproven_per_hour,
		    (long long)n, when, (long long)((e->now - (time_t)oldest) / 3600));
	}
	buf_adds(b, "\nApplications whose confirmation request has not gone yet\n");
	if (store_query(e->st, "SELECT a.created_at, p.address, CASE"
	    " WHEN EXISTS(SELECT 1 FROM outbound o WHERE o.ref_kind = 'application'"
	    " AND o.ref_id = a.id AND o.kind = 'confirm-request' AND o.status = 'queued'"
	    " AND o.next_attempt > ?1) THEN 'waits for the hourly limit'"
	    " WHEN EXISTS(SELECT 1 FROM outbound o WHERE o.ref_kind = 'application'"
	    " AND o.ref_id = a.id AND o.kind = 'confirm-request' AND o.status = 'queued')"
	    " THEN 'being sent'"
	    " WHEN EXISTS(SELECT 1 FROM outbound o WHERE o.ref_kind = 'application'"
	    " AND o.ref_id = a.id AND o.kind = 'confirm-request' AND o.status = 'failed')"
	    " THEN 'could not be delivered'"
	    " ELSE 'not sent: held back by a daily limit, or dropped' END"
	    " FROM applications a JOIN people p ON p.id = a.person_id WHERE a.status = 'pending'"
	    " AND NOT EXISTS(SELECT 1 FROM outbound o WHERE o.ref_kind = 'application'"
	    " AND o.ref_id = a.id AND o.kind = 'confirm-request' AND o.sent_at IS NOT NULL)"
	    " ORDER BY a.id", line_row, &s, "t", e->now) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	return 0;
}

/* Raw copies of quarantined messages removed this week, to keep the
 * quarantine within its bounds (quarantine.h) or by retention. */
static int dropped_copies(struct engine *e, struct buf *b)
{
	int64_t n = 0;

	if (store_query_int(e->st, &n, "SELECT count(*) FROM inbound WHERE quarantine_dropped_at >= ?",
	    "t", e->now - WEEK) < 0)
		return -1;
	if (n > 0)
		buf_printf(b, "  %lld raw cop%s removed this week (quarantine_max_mb = %ld,\n"
		    "  quarantine_days = %ld, or retention); the messages stay in the mailbox\n",
		    (long long)n, n == 1 ? "y" : "ies", e->cfg->paths.quarantine_max_mb,
		    e->cfg->paths.quarantine_days);
	return 0;
}

/* The server refuses to mark handled mail (marking.h): said until it
 * works again, with what to do. */
static int not_marked(struct engine *e, struct buf *b)
{
	struct marking_state m;
	char since[32];

	if (marking_get(e->st, &m) < 0)
		return -1;
	if (m.failures >= MARKING_REPORT_AFTER) {
		time_local_str((time_t)m.since, since, sizeof(since));
		buf_printf(b, "\nThe mail server has refused to mark handled mail since %s:\n  %s\n"
		    "The robot goes on reading and answering new mail. For the administrator:\n  %s\n",
		    since, m.error != NULL ? m.error : "?", marking_advice(e->cfg->imap.processed_mailbox));
	}
	marking_state_deinit(&m);
	return 0;
}

/* The mail server refuses the programme's account (net/refusal.h): all
 * outgoing mail waits, and the reason says what an administrator must
 * do. */
static int held(struct engine *e, struct buf *b)
{
	int64_t until = 0;
	char *why = NULL, when[32];

	if (store_query_text(e->st, &why, "SELECT value FROM meta WHERE key = ?", "s",
	    STORE_META_SMTP_HOLD) < 0 || store_query_int(e->st, &until, "SELECT CAST(value AS INTEGER)"
	    " FROM meta WHERE key = ?", "s", STORE_META_SMTP_HOLD_UNTIL) < 0) {
		free(why);
		return -1;
	}
	if (why == NULL)
		return 0;
	time_local_str((time_t)until, when, sizeof(when));
	buf_printf(b, "Outgoing mail is held: the mail server refuses the programme's account\n"
	    "(nothing is lost; sending goes on by itself, tried again at %s)\n  ", when);
	buf_fill(b, why, strlen(why), 2, 2, TEXT_LINE_MAX, "\n");
	buf_adds(b, "\n");
	free(why);
	return 0;
}

int overview_problems(struct engine *e, struct buf *b)
{
	struct section s = { b, 0, e->now };

	if (held(e, b) < 0)
		return -1;
	buf_adds(b, "Bouncing addresses\n");
	if (store_query(e->st, "SELECT created_at, address, bounce_info FROM people WHERE bouncing = 1"
	    " AND erased_at IS NULL ORDER BY address", line_row, &s, NULL) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	s.rows = 0;
	buf_adds(b, "\nMessages that could not be delivered, with the server's last answer\n"
	    "(\"resend N\", N its number, sends one again)\n");
	if (store_query(e->st, "SELECT created_at, '#' || id || ' ' || kind, envelope_to, last_error"
	    " FROM outbound WHERE status = 'failed' ORDER BY id", failed_row, &s, NULL) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	if (waiting(e, b) < 0 || not_marked(e, b) < 0)
		return -1;
	s.rows = 0;
	buf_adds(b, "\nMessages the robot could not read (left in the mailbox for you)\n");
	if (store_query(e->st, "SELECT received_at, sender, outcome FROM inbound WHERE class = 'quarantined'"
	    " AND received_at >= ? ORDER BY id", line_row, &s, "t", e->now - WEEK) < 0)
		return -1;
	list_end(b, s.rows, "(none this week)");
	if (dropped_copies(e, b) < 0)
		return -1;
	s.rows = 0;
	buf_adds(b, "\nMail left for the committee this week (the robot did not answer it)\n");
	if (store_query(e->st, "SELECT received_at, sender, subject FROM inbound WHERE class = 'human'"
	    " AND received_at >= ? ORDER BY id", line_row, &s, "t", e->now - WEEK) < 0)
		return -1;
	list_end(b, s.rows, "(none)");
	return 0;
}

struct role_count {
	long mentors, mentees;
};

static int tally_roles(const struct store_row *row, void *arg)
{
	struct role_count *t = arg;
	const char *role = store_row_text(row, 0);

	if (role != NULL && strcmp(role, "mentor") == 0)
		t->mentors += (long)store_row_int(row, 1);
	else
		t->mentees += (long)store_row_int(row, 1);
	return 0;
}

/* The applications received so far, and the previous cohort's at the same
 * point of its call, counted from each cohort's opening. */
int overview_compare(struct engine *e, int64_t cohort, struct buf *b)
{
	struct role_count now = { 0, 0 }, then = { 0, 0 }, all = { 0, 0 };
	int64_t opened = 0, previous = 0, prev_opened = 0;
	char *name = NULL, *label = NULL;
	time_t since;
	int ret = -1;

	if (store_query_int(e->st, &opened, "SELECT opened_at FROM cohorts WHERE id = ?", "i", cohort) < 0 ||
	    store_query_int(e->st, &previous, "SELECT coalesce(max(id), 0) FROM cohorts WHERE id < ?",
	    "i", cohort) < 0)
		return -1;
	if (previous == 0)
		return 0;
	since = e->now - (time_t)opened;
	if (roster_cohort_name(e, previous, &name) < 0 ||
	    store_query_int(e->st, &prev_opened, "SELECT opened_at FROM cohorts WHERE id = ?", "i",
	    previous) < 0 ||
	    store_query(e->st, "SELECT role, count(*) FROM applications WHERE cohort_id = ?"
	    " AND created_at <= ? GROUP BY role", tally_roles, &now, "it", cohort, e->now) < 0 ||
	    store_query(e->st, "SELECT role, count(*) FROM applications WHERE cohort_id = ?"
	    " AND created_at <= ? GROUP BY role", tally_roles, &then, "it", previous,
	    (time_t)prev_opened + since) < 0 ||
	    store_query(e->st, "SELECT role, count(*) FROM applications WHERE cohort_id = ?"
	    " GROUP BY role", tally_roles, &all, "i", previous) < 0)
		goto out;
	label = xasprintf("cohort %s at the same point", name);
	buf_printf(b, "Compared with the previous cohort (week %ld of the call)\n  ",
	    since > 0 ? (long)(since / WEEK) + 1 : 1L);
	cell(b, "applications so far", 36);
	buf_printf(b, "%ld (mentors %ld, mentees %ld)\n  ", now.mentors + now.mentees, now.mentors,
	    now.mentees);
	cell(b, label, 36);
	buf_printf(b, "%ld (mentors %ld, mentees %ld; %ld in all)\n\n", then.mentors + then.mentees,
	    then.mentors, then.mentees, all.mentors + all.mentees);
	ret = 0;
out:
	free(label);
	free(name);
	return ret;
}

int overview_render(struct engine *e, struct buf *b)
{
	char *cohort_name = NULL;
	int64_t cohort = 0;
	int r = roster_open_cohort(e, &cohort, &cohort_name);

	if (r < 0)
		return -1;
	if (r == 0) {
		/* the last cohort, if any, for its pairs and answers */
		if (store_query_int(e->st, &cohort, "SELECT coalesce(max(id), 0) FROM cohorts", NULL) < 0 ||
		    (cohort != 0 && roster_cohort_name(e, cohort, &cohort_name) < 0))
			return -1;
		buf_adds(b, "No cohort is open");
		if (cohort) {
			buf_adds(b, " (the last one was ");
			buf_add_fit(b, cohort_name, TEXT_LINE_MAX - 39);
			buf_adds(b, ")");
		}
		buf_adds(b, ".\n\n");
	} else {
		buf_adds(b, "Cohort ");
		buf_add_fit(b, cohort_name, TEXT_LINE_MAX - 7);
		buf_adds(b, "\n\n");
	}
	free(cohort_name);
	if ((r == 1 && overview_compare(e, cohort, b) < 0) || overview_applications(e, cohort, b) < 0 ||
	    overview_pairs(e, cohort, b) < 0 || overview_choices(e, cohort, b) < 0 ||
	    overview_repair(e, cohort, b) < 0)
		return -1;
	if (overview_training(e, b) < 0 || overview_checkins(e, cohort, b) < 0 || overview_cases(e, b) < 0 ||
	    overview_problems(e, b) < 0)
		return -1;
	return 0;
}

/* A session's answers: only those for the session as it stands count
 * (training.c); a cancelled session counts none. */
struct tally {
	int64_t id, counts[5]; /* accepted, declined, tentative, no answer, stale */
	char *title;
	time_t start;
	int cancelled;
};

struct tallies {
	struct tally *v;
	size_t n;
};

static int tally_row(const struct store_row *row, void *arg)
{
	struct tallies *t = arg;
	struct tally *x;
	int i;

	if (t->n == LIST_MAX)
		return 1;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	x = &t->v[t->n++];
	x->id = store_row_int(row, 0);
	x->title = xstrdup(store_row_text(row, 1) != NULL ? store_row_text(row, 1) : "");
	x->start = (time_t)store_row_int(row, 2);
	x->cancelled = strcmp(store_row_text(row, 3), "cancelled") == 0;
	for (i = 0; i < 5; i++)
		x->counts[i] = store_row_int(row, 4 + i);
	return 0;
}

static int stale_row(const struct store_row *row, void *arg)
{
	struct section *s = arg;
	const char *p = store_row_text(row, 1);

	if (++s->rows > LIST_MAX)
		return 0;
	buf_adds(s->b, "      ");
	cell(s->b, store_row_text(row, 0), 48);
	buf_adds(s->b, strcmp(p, "ACCEPTED") == 0 ? "accepted" : strcmp(p, "DECLINED") == 0
	    ? "declined" : "tentative");
	end_line(s->b);
	return 0;
}

static int tally_show(struct engine *e, const struct tally *x, struct buf *out)
{
	struct section s = { out, 0, e->now };
	char date[32];

	time_local_str(x->start, date, sizeof(date));
	/* the title fits the line with its number and the date after it:
	 * 2 + 12 + 2 + 16 + 12 */
	buf_printf(out, "  session %" PRId64 ": ", x->id);
	buf_add_fit(out, x->title, TEXT_LINE_MAX - 44);
	buf_printf(out, ", %s%s\n", date, x->cancelled ? " (cancelled)" : "");
	if (x->cancelled) {
		buf_adds(out, "    cancelled: no answer counts\n");
		return 0;
	}
	buf_printf(out, "    accepted %" PRId64 ", declined %" PRId64 ", tentative %" PRId64
	    ", no answer %" PRId64 "\n", x->counts[0], x->counts[1], x->counts[2], x->counts[3]);
	if (x->counts[4] == 0)
		return 0;
	buf_printf(out, "    not counted, %" PRId64 " answered an earlier version only:\n",
	    x->counts[4]);
	if (store_query(e->st, "SELECT coalesce(p.name, p.address), r.partstat FROM rsvps r"
	    " JOIN events e ON e.id = r.event_id JOIN people p ON p.id = r.person_id"
	    " WHERE r.event_id = ? AND r.reply_seq < e.sequence"
	    " AND r.partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE') ORDER BY p.name, p.id",
	    stale_row, &s, "i", x->id) < 0)
		return -1;
	list_end(out, s.rows, "(none)");
	return 0;
}

/* One answer of the session: who, in its group. */
struct answers {
	struct buf *b;
	size_t rows[5];
};

static int named_row(const struct store_row *row, void *arg)
{
	struct answers *a = arg;
	int g = (int)store_row_int(row, 1);

	if (g < 0 || g > 4 || ++a->rows[g] > LIST_MAX)
		return 0;
	buf_printf(a->b, "%s%s", a->rows[g] > 1 ? ", " : "", store_row_text(row, 0));
	return 0;
}

int overview_training_answers(struct engine *e, int64_t event, struct buf *out)
{
	/* the groups of overview_training(), by the same rules */
	static const char *const groups[] = { "accepted", "declined", "tentative",
		"not answered", "answered an earlier version only, not counted" };
	static const int order[] = { 0, 1, 2, 4, 3 };
	struct answers a;
	struct buf line;
	char head[96];
	size_t i;
	int ret = -1;

	buf_init(&line, 64 * 1024);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		memset(&a, 0, sizeof(a));
		a.b = &line;
		line.len = 0;
		buf_add(&line, "", 0);
		if (store_query(e->st, "SELECT coalesce(p.name, p.address), CASE"
		    " WHEN r.partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE')"
		    " AND coalesce(r.reply_seq >= e.sequence, 0) THEN"
		    " CASE r.partstat WHEN 'ACCEPTED' THEN 0 WHEN 'DECLINED' THEN 1 ELSE 2 END"
		    " WHEN r.partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE') THEN 4 ELSE 3 END AS g"
		    " FROM rsvps r JOIN events e ON e.id = r.event_id JOIN people p ON p.id = r.person_id"
		    " WHERE r.event_id = ? AND g = ? ORDER BY p.name, p.id", named_row, &a, "ii",
		    event, (int64_t)order[i]) < 0)
			goto out;
		snprintf(head, sizeof(head), "  %s (%zu)%s", groups[order[i]], a.rows[order[i]],
		    a.rows[order[i]] > 0 ? ": " : "\n");
		buf_adds(out, head);
		if (a.rows[order[i]] > 0) {
			buf_fill(out, line.s, line.len, strlen(head), 4, TEXT_LINE_MAX, "\n");
			if (a.rows[order[i]] > LIST_MAX)
				buf_printf(out, "    ... and %zu more\n", a.rows[order[i]] - LIST_MAX);
		}
	}
	ret = 0;
out:
	buf_deinit(&line);
	return ret;
}

int overview_training(struct engine *e, struct buf *out)
{
	struct tallies t = { NULL, 0 };
	size_t i;
	int ret = -1;

	buf_adds(out, "Training\n");
	/* an answer counts when it is for the current SEQUENCE */
	if (store_query(e->st, "SELECT e.id, e.title, e.start_at, e.status,"
	    " sum(r.partstat = 'ACCEPTED' AND r.reply_seq >= e.sequence),"
	    " sum(r.partstat = 'DECLINED' AND r.reply_seq >= e.sequence),"
	    " sum(r.partstat = 'TENTATIVE' AND r.reply_seq >= e.sequence),"
	    " sum(NOT (r.partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE')"
	    " AND coalesce(r.reply_seq >= e.sequence, 0))),"
	    " sum(r.partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE') AND r.reply_seq < e.sequence)"
	    " FROM events e JOIN rsvps r ON r.event_id = e.id WHERE e.start_at >= ?"
	    " GROUP BY e.id ORDER BY e.start_at", tally_row, &t, "t", e->now - WEEK) < 0)
		goto out;
	for (i = 0; i < t.n; i++)
		if (tally_show(e, &t.v[i], out) < 0)
			goto out;
	if (t.n == 0)
		buf_adds(out, "  (no training planned)\n");
	buf_addc(out, '\n');
	ret = 0;
out:
	for (i = 0; i < t.n; i++)
		free(t.v[i].title);
	free(t.v);
	return ret;
}

/* ---- the one-screen status ---- */

static int summary_cohort(struct engine *e, struct buf *b, int64_t *cohort_r)
{
	char *name = NULL, opened[16];
	int64_t at = 0;
	int r = roster_open_cohort(e, cohort_r, &name);

	if (r < 0)
		return -1;
	if (r == 0 && (store_query_int(e->st, cohort_r, "SELECT coalesce(max(id), 0) FROM cohorts",
	    NULL) < 0 || (*cohort_r != 0 && roster_cohort_name(e, *cohort_r, &name) < 0)))
		return -1;
	if (store_query_int(e->st, &at, "SELECT coalesce(opened_at, 0) FROM cohorts WHERE id = ?", "i",
	    *cohort_r) < 0) {
		free(name);
		return -1;
	}
	date_of((time_t)at, opened, sizeof(opened));
	if (r == 1)
		buf_adds(b, "Cohort ");
	else
		buf_adds(b, *cohort_r != 0 ? "No cohort is open; the last one was " : "No cohort yet");
	if (name != NULL)
		buf_add_fit(b, name, 30);
	if (r == 1)
		buf_printf(b, ", open since %s", opened);
	buf_adds(b, ".\n\n");
	free(name);
	return 0;
}

/* Check-ins, cases and mail, a line each, as the digest lists them. */
static int summary_rest(struct engine *e, int64_t cohort, struct buf *b)
{
	int64_t answers = 0, reminded = 0, silent = 0, cases = 0, oldest = 0;
	int64_t bouncing = 0, failed = 0, unread = 0, human = 0;

	if (store_query_int(e->st, &answers, "SELECT count(*) FROM checkins k JOIN pairs p"
	    " ON p.id = k.pair_id WHERE p.cohort_id = ? AND k.answered_at >= ?", "it", cohort,
	    e->now - WEEK) < 0 ||
	    store_query_int(e->st, &reminded, REMINDED_SQL, "i", cohort) < 0 ||
	    store_query_int(e->st, &silent, "SELECT count(*) FROM checkins k JOIN pairs p"
	    " ON p.id = k.pair_id WHERE p.cohort_id = ? AND p.status = 'active' AND k.answer IS NULL"
	    " AND k.flagged_at IS NOT NULL", "i", cohort) < 0 ||
	    store_query_int(e->st, &cases, "SELECT count(*) FROM cases WHERE status = 'open'",
	    NULL) < 0 ||
	    store_query_int(e->st, &oldest, "SELECT coalesce(min(opened_at), 0) FROM cases"
	    " WHERE status = 'open'", NULL) < 0 ||
	    store_query_int(e->st, &bouncing, "SELECT count(*) FROM people WHERE bouncing = 1"
	    " AND erased_at IS NULL", NULL) < 0 ||
	    store_query_int(e->st, &failed, "SELECT count(*) FROM outbound WHERE status = 'failed'",
	    NULL) < 0 ||
	    store_query_int(e->st, &unread, "SELECT count(*) FROM inbound WHERE class = 'quarantined'"
	    " AND received_at >= ?", "t", e->now - WEEK) < 0 ||
	    store_query_int(e->st, &human, "SELECT count(*) FROM inbound WHERE class = 'human'"
	    " AND received_at >= ?", "t", e->now - WEEK) < 0)
		return -1;
	buf_printf(b, "Check-ins     answers this week %lld; reminded once, no answer yet %lld;\n"
	    "              still silent after the reminder %lld\n", (long long)answers,
	    (long long)reminded, (long long)silent);
	buf_printf(b, "Cases         open %lld", (long long)cases);
	if (cases > 0 && (e->now - (time_t)oldest) / 86400 == 0)
		buf_adds(b, ", the oldest opened today");
	else if (cases > 0)
		buf_printf(b, ", the oldest opened %ld day(s) ago",
		    (long)((e->now - (time_t)oldest) / 86400));
	buf_adds(b, "\n");
	buf_printf(b, "Mail          bouncing addresses %lld, messages not delivered %lld;\n"
	    "              this week: left for you %lld, not readable by the robot %lld\n",
	    (long long)bouncing, (long long)failed, (long long)human, (long long)unread);
	return waiting(e, b);
}

int overview_summary(struct engine *e, struct buf *b)
{
	struct app_counts c;
	long pairs = 0, proposals = 0;
	int64_t cohort = 0;

	if (summary_cohort(e, b, &cohort) < 0 || app_counts(e, cohort, &c) < 0 ||
	    count(e, "SELECT count(*) FROM pairs WHERE cohort_id = ? AND status = 'active'", cohort,
	    &pairs) < 0 ||
	    count(e, "SELECT count(*) FROM proposals WHERE cohort_id = ? AND status = 'open'", cohort,
	    &proposals) < 0)
		return -1;
	buf_printf(b, "Applications  awaiting confirmation %ld; confirmed mentors %ld, mentees %ld\n",
	    c.pending, c.mentors, c.mentees);
	buf_printf(b, "Pairs         going on %ld; mentees paired %ld, %s %ld\n", pairs, c.paired,
	    c.open ? "waiting" : "not paired", c.mentees - c.paired);
	if (proposals > 0)
		buf_printf(b, "              proposals awaiting approve or reject %ld\n", proposals);
	buf_addc(b, '\n');
	/* the sessions' answers and the comparison are short: as the digest
	 * has them */
	if ((c.open && overview_compare(e, cohort, b) < 0) || overview_training(e, b) < 0 ||
	    summary_rest(e, cohort, b) < 0)
		return -1;
	buf_adds(b, "\nThe lists are in the weekly digest (subject \"digest\" sends it now).\n");
	return 0;
}
