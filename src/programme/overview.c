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

int overview_applications(struct engine *e, int64_t cohort, struct buf *b)
{
	struct section s = { b, 0, e->now };
	long pending = 0, mentors = 0, mentees = 0, paired = 0, capacity = 0;

	if (count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'pending'",
	    cohort, &pending) < 0 ||
	    count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'confirmed'"
	    " AND role = 'mentor'", cohort, &mentors) < 0 ||
	    count(e, "SELECT count(*) FROM applications WHERE cohort_id = ? AND status = 'confirmed'"
	    " AND role = 'mentee'", cohort, &mentees) < 0 ||
	    count(e, "SELECT coalesce(sum(capacity), 0) FROM applications WHERE cohort_id = ?"
	    " AND status = 'confirmed' AND role = 'mentor'", cohort, &capacity) < 0 ||
	    count(e, "SELECT count(*) FROM pairs WHERE cohort_id = ? AND status = 'active'", cohort,
	    &paired) < 0)
		return -1;
	buf_printf(b, "Applications\n"
	    "  awaiting the applicant's confirmation  %ld\n"
	    "  confirmed mentors                      %ld (room for %ld mentees)\n"
	    "  confirmed mentees                      %ld (%ld paired, %ld waiting)\n",
	    pending, mentors, capacity, mentees, paired, mentees - paired);
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

	buf_adds(b, "Check-ins\n");
	if (store_query(e->st, "SELECT k.answer, count(*) FROM checkins k JOIN pairs p ON p.id = k.pair_id"
	    " WHERE p.cohort_id = ? AND k.answered_at >= ? GROUP BY k.answer ORDER BY k.answer",
	    answer_row, &s, "it", cohort, e->now - WEEK) < 0)
		return -1;
	buf_adds(b, s.rows ? "\n" : "  answers this week: none\n");
	s.rows = 0;
	if (store_query(e->st, "SELECT k.pair_id, k.number, coalesce(a.name, 'a participant'),"
	    " date(k.sent_at, 'unixepoch') FROM checkins k JOIN pairs p ON p.id = k.pair_id"
	    " JOIN applications a ON a.person_id = k.person_id AND (a.id = p.mentor_app OR a.id = p.mentee_app)"
	    " WHERE p.cohort_id = ? AND p.status = 'active' AND k.answer IS NULL AND k.flagged_at IS NOT NULL"
	    " ORDER BY k.pair_id, k.number", silent_row, &s, "i", cohort) < 0)
		return -1;
	list_end(b, s.rows, "silences: none");
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
 * (outbox.h): a flood of forged mail shows here. */
static int waiting(struct engine *e, struct buf *b)
{
	int64_t n = 0, next = 0;
	char when[32];

	if (store_query_int(e->st, &n, "SELECT count(*) FROM outbound WHERE unproven = 1"
	    " AND status = 'queued' AND next_attempt > ?", "t", e->now) < 0 ||
	    store_query_int(e->st, &next, "SELECT coalesce(max(next_attempt), 0) FROM outbound"
	    " WHERE unproven = 1 AND status = 'queued'", NULL) < 0)
		return -1;
	if (n == 0)
		return 0;
	time_local_str((time_t)next, when, sizeof(when));
	buf_printf(b, "\nAnswers to unproven senders waiting for the hourly limit\n"
	    "(max_unproven_per_hour = %ld): %lld, the last going at %s\n",
	    e->cfg->programme.max_unproven_per_hour, (long long)n, when);
	return 0;
}

int overview_problems(struct engine *e, struct buf *b)
{
	struct section s = { b, 0, e->now };

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
	if (waiting(e, b) < 0)
		return -1;
	s.rows = 0;
	buf_adds(b, "\nQuarantined messages (kept in the mailbox and in the spool)\n");
	if (store_query(e->st, "SELECT received_at, sender, outcome FROM inbound WHERE class = 'quarantined'"
	    " AND received_at >= ? ORDER BY id", line_row, &s, "t", e->now - WEEK) < 0)
		return -1;
	list_end(b, s.rows, "(none this week)");
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
	    overview_pairs(e, cohort, b) < 0)
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
