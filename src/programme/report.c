/* The edition report: the figures are read into struct report, then laid
 * out once as tables (struct table), which both the text and the CSV are
 * written from, so that the two always hold the same figures under the
 * same rule. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "match.h"
#include "store.h"
#include "util.h"

/* Below this, a count could point to a person (doc/DESIGN.md 3.7). */
#define SHOWN_MIN 3
#define CELL 12         /* a value's width: "fewer than 3" */
#define COLS_MAX 3
#define ROWS_MAX 24
#define TABLES_MAX 16
#define QUOTE_INDENT 4

/* ---- reading ---- */

int report_cohort(struct engine *e, const char *name, int64_t *id_r)
{
	int64_t id = 0;

	if (name != NULL) {
		if (store_query_int(e->st, &id, "SELECT id FROM cohorts WHERE name = ? COLLATE NOCASE"
		    " ORDER BY id DESC LIMIT 1", "s", name) < 0)
			return -1;
	} else if (store_query_int(e->st, &id, "SELECT id FROM cohorts ORDER BY status = 'open' DESC,"
	    " id DESC LIMIT 1", NULL) < 0) {
		return -1;
	}
	*id_r = id;
	return id != 0;
}

static int role_index(const char *role)
{
	return role != NULL && strcmp(role, "mentee") == 0 ? 1 : 0;
}

static int applications_row(const struct store_row *row, void *arg)
{
	struct report *r = arg;
	int i = role_index(store_row_text(row, 0));

	r->applied[i] += store_row_int(row, 1);
	r->confirmed[i] += store_row_int(row, 2);
	r->waitlisted[i] += store_row_int(row, 3);
	r->carried[i] += store_row_int(row, 4);
	return 0;
}

static int pair_row(const struct store_row *row, void *arg)
{
	struct report *r = arg;
	int same, shared;

	r->pairs++;
	if (!store_row_is_null(row, 0)) {
		same = (int)store_row_int(row, 0);
		shared = (int)store_row_int(row, 1);
	} else if (store_row_text(row, 2) != NULL && store_row_text(row, 4) != NULL) {
		/* a pair from before the figure was recorded */
		match_shares(store_row_text(row, 2), store_row_text(row, 3), store_row_text(row, 4),
		    store_row_text(row, 5), &same, &shared);
	} else {
		r->shares_unknown++;
		same = shared = 0;
	}
	r->same_department += same;
	r->shared_field += shared;
	r->met += store_row_int(row, 6);
	r->paused += store_row_int(row, 7);
	r->ended_early += store_row_int(row, 8);
	r->continuing += store_row_int(row, 9);
	r->checked_in += store_row_int(row, 10);
	return 0;
}

static int session_row(const struct store_row *row, void *arg)
{
	struct report *r = arg;
	struct report_session *s;

	if (r->n_sessions == REPORT_SESSIONS_MAX) {
		r->more_sessions++;
		return 0;
	}
	s = &r->sessions[r->n_sessions++];
	s->start = (time_t)store_row_int(row, 0);
	s->invited = (long)store_row_int(row, 1);
	s->accepted = (long)store_row_int(row, 2);
	s->declined = (long)store_row_int(row, 3);
	s->tentative = (long)store_row_int(row, 4);
	s->no_answer = s->invited - s->accepted - s->declined - s->tentative;
	return 0;
}

struct durations {
	double *v;
	size_t n;
};

static int case_row(const struct store_row *row, void *arg)
{
	struct durations *d = arg;

	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n++] = (double)store_row_int(row, 0) / 86400.0;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cases(struct engine *e, struct report *r)
{
	struct durations d = { NULL, 0 };
	int64_t opened = 0;

	if (store_query_int(e->st, &opened, "SELECT count(*) FROM cases WHERE cohort_id = ?", "i",
	    r->cohort_id) < 0 ||
	    store_query(e->st, "SELECT closed_at - opened_at FROM cases WHERE cohort_id = ?"
	    " AND status = 'closed' AND closed_at IS NOT NULL", case_row, &d, "i", r->cohort_id) < 0) {
		free(d.v);
		return -1;
	}
	r->cases_opened = (long)opened;
	r->cases_closed = (long)d.n;
	r->median_close_days = -1;
	if (d.n >= SHOWN_MIN) {
		qsort(d.v, d.n, sizeof(*d.v), cmp_double);
		r->median_close_days = d.n % 2 ? d.v[d.n / 2] : (d.v[d.n / 2 - 1] + d.v[d.n / 2]) / 2;
	}
	free(d.v);
	return 0;
}

struct feedback_arg {
	struct report *r;
	long useful_sum;
	struct strlist quotes;
};

static int feedback_row(const struct store_row *row, void *arg)
{
	struct feedback_arg *a = arg;
	struct report *r = a->r;
	long u = (long)store_row_int(row, 0);
	const char *meet = store_row_text(row, 1), *again = store_row_text(row, 2);
	const char *as = store_row_text(row, 3), *quote = store_row_text(row, 4);
	enum survey_meet m;
	enum survey_role k;

	r->asked++;
	r->answered += store_row_int(row, 6);
	if (u >= 1 && u <= 5) {
		r->useful[u]++;
		r->useful[0]++;
		a->useful_sum += u;
	}
	for (m = MEET_WEEKLY; meet != NULL && m < SURVEY_MEET_BANDS; m++)
		if (strcmp(meet, survey_meet_name(m)) == 0) {
			r->meetings[m]++;
			r->meetings[MEET_UNSET]++;
		}
	if (again != NULL && strcmp(again, "yes") == 0) {
		r->again[0]++;
		for (k = AS_MENTOR; as != NULL && k <= AS_EITHER; k++)
			if (strcmp(as, survey_role_name(k)) == 0)
				r->again[k]++;
	}
	if (quote != NULL && store_row_int(row, 5) == 1)
		strlist_add(&a->quotes, quote);
	return 0;
}

static int name_row(const struct store_row *row, void *arg)
{
	struct strlist *words = arg;
	const char *name = store_row_text(row, 0);
	char *f;
	struct strlist w = { NULL, 0 };
	size_t i;

	if (name == NULL)
		return 0;
	f = str_fold(name);
	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n; i++)
		if (strlen(w.v[i]) >= 3)
			strlist_add(words, w.v[i]);
	strlist_deinit(&w);
	free(f);
	return 0;
}

/* Does a quote name someone of the programme, or hold an address? Then it
 * is withheld, however its author allowed it. */
static int names_someone(const struct strlist *names, const char *quote)
{
	struct strlist w = { NULL, 0 };
	char *f;
	size_t i, j;
	int found = strchr(quote, '@') != NULL;

	f = str_fold(quote);
	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n && !found; i++)
		for (j = 0; j < names->n && !found; j++)
			found = strcmp(w.v[i], names->v[j]) == 0;
	strlist_deinit(&w);
	free(f);
	return found;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int feedback(struct engine *e, struct report *r)
{
	struct feedback_arg a;
	struct strlist names = { NULL, 0 };
	size_t i;
	int ret = -1;

	memset(&a, 0, sizeof(a));
	a.r = r;
	if (store_query(e->st, "SELECT usefulness, meetings, again, again_as, quote, quote_ok,"
	    " answered_at IS NOT NULL FROM feedback WHERE cohort_id = ?", feedback_row, &a, "i",
	    r->cohort_id) < 0)
		goto out;
	r->useful_mean = r->useful[0] >= SHOWN_MIN ? (double)a.useful_sum / (double)r->useful[0] : -1;
	/* every name held of the programme's people, not only this cohort's */
	if (a.quotes.n > 0 && (store_query(e->st, "SELECT name FROM applications WHERE name IS NOT NULL",
	    name_row, &names, NULL) < 0 ||
	    store_query(e->st, "SELECT name FROM people WHERE name IS NOT NULL", name_row, &names,
	    NULL) < 0))
		goto out;
	r->quotes = xcalloc(a.quotes.n + 1, sizeof(*r->quotes));
	for (i = 0; i < a.quotes.n; i++) {
		if (names_someone(&names, a.quotes.v[i]))
			r->quotes_withheld++;
		else
			r->quotes[r->n_quotes++] = xstrdup(a.quotes.v[i]);
	}
	/* in no order that follows the answers' */
	qsort(r->quotes, r->n_quotes, sizeof(*r->quotes), cmp_str);
	ret = 0;
out:
	strlist_deinit(&a.quotes);
	strlist_deinit(&names);
	return ret;
}

struct cohort_arg {
	struct report *r;
	int found;
};

static int cohort_row(const struct store_row *row, void *arg)
{
	struct cohort_arg *a = arg;

	a->r->cohort = xstrdup(store_row_text(row, 0));
	a->r->opened = (time_t)store_row_int(row, 1);
	a->r->closed = (time_t)store_row_int(row, 2);
	a->r->anonymised = (time_t)store_row_int(row, 3);
	a->found = 1;
	return 1;
}

static int repair_row(const struct store_row *row, void *arg)
{
	long *v = arg;
	int i;

	for (i = 0; i < 4; i++)
		v[i] = (long)store_row_int(row, i);
	return 1;
}

/* Choices honoured, consents declined, fit answers and rematches: what a
 * pair and a fit row keep after retention. */
static int repair_figures(struct engine *e, struct report *r)
{
	long more[4] = { 0, 0, 0, 0 };

	if (store_query(e->st, "SELECT coalesce(sum(p.choice_rank IS NULL OR p.choice_rank = 0), 0),"
	    " coalesce(sum(p.choice_rank = 1), 0), coalesce(sum(p.choice_rank = 2), 0),"
	    " coalesce(sum(p.choice_rank = 3), 0) FROM pairs p WHERE p.cohort_id = ?"
	    " AND p.introduced_at IS NOT NULL AND (p.choice_rank > 0 OR EXISTS (SELECT 1 FROM choices c"
	    " WHERE c.mentee_app = p.mentee_app AND c.choice1 > 0))", repair_row, r->chosen, "i",
	    r->cohort_id) < 0 ||
	    store_query(e->st, "SELECT count(*), coalesce(sum(f.answer = 'good'), 0),"
	    " coalesce(sum(f.answer = 'unsure'), 0), coalesce(sum(f.answer = 'not'), 0) FROM fits f"
	    " JOIN pairs p ON p.id = f.pair_id WHERE p.cohort_id = ?", repair_row, r->fit, "i",
	    r->cohort_id) < 0 ||
	    store_query(e->st, "SELECT coalesce(sum(status = 'declined'), 0),"
	    " coalesce(sum(rematched_at IS NOT NULL), 0), 0, 0 FROM pairs WHERE cohort_id = ?",
	    repair_row, more, "i", r->cohort_id) < 0)
		return -1;
	r->consents_declined = more[0];
	r->rematches = more[1];
	return 0;
}

int report_load(struct engine *e, int64_t cohort, struct report *r)
{
	struct cohort_arg c = { r, 0 };
	int64_t cancelled = 0;

	memset(r, 0, sizeof(*r));
	r->cohort_id = cohort;
	if (store_query(e->st, "SELECT name, opened_at, coalesce(closed_at, 0), coalesce(anonymised_at, 0)"
	    " FROM cohorts WHERE id = ?", cohort_row, &c, "i", cohort) < 0)
		return -1;
	if (!c.found)
		r->cohort = xstrdup("?");
	if (store_query(e->st, "SELECT role, count(*), sum(confirmed_at IS NOT NULL),"
	    " sum(waitlisted_at IS NOT NULL), sum(carried_from IS NOT NULL) FROM applications"
	    " WHERE cohort_id = ? GROUP BY role", applications_row, r, "i", cohort) < 0 ||
	    store_query(e->st, "SELECT p.same_department, p.shared_field, m.department, m.field,"
	    " t.department, t.field,"
	    " EXISTS (SELECT 1 FROM checkins k WHERE k.pair_id = p.id AND k.answer = 'met'),"
	    " EXISTS (SELECT 1 FROM checkins k WHERE k.pair_id = p.id AND k.answer = 'pause'),"
	    " p.status = 'ended' AND p.ended_at < coalesce(c.closed_at, p.ended_at + 1),"
	    " EXISTS (SELECT 1 FROM feedback f WHERE f.pair_id = p.id AND f.continuing = 'yes'),"
	    " EXISTS (SELECT 1 FROM checkins k WHERE k.pair_id = p.id AND k.answer IS NOT NULL)"
	    " FROM pairs p JOIN cohorts c ON c.id = p.cohort_id"
	    " JOIN applications m ON m.id = p.mentor_app JOIN applications t ON t.id = p.mentee_app"
	    " WHERE p.cohort_id = ? AND p.introduced_at IS NOT NULL", pair_row, r, "i", cohort) < 0 ||
	    store_query(e->st, "SELECT e.start_at, count(r.person_id),"
	    " coalesce(sum(r.partstat = 'ACCEPTED'), 0), coalesce(sum(r.partstat = 'DECLINED'), 0),"
	    " coalesce(sum(r.partstat = 'TENTATIVE'), 0) FROM events e LEFT JOIN rsvps r"
	    " ON r.event_id = e.id WHERE e.cohort_id = ? AND e.status <> 'cancelled' GROUP BY e.id"
	    " ORDER BY e.start_at, e.id", session_row, r, "i", cohort) < 0 ||
	    store_query_int(e->st, &cancelled, "SELECT count(*) FROM events"
	    " WHERE cohort_id = ? AND status = 'cancelled'", "i", cohort) < 0 ||
	    cases(e, r) < 0 || feedback(e, r) < 0 || repair_figures(e, r) < 0)
		return -1;
	r->cancelled_sessions = (size_t)cancelled;
	return 0;
}

void report_deinit(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n_quotes; i++)
		free(r->quotes[i]);
	free(r->quotes);
	free(r->cohort);
	memset(r, 0, sizeof(*r));
}

/* ---- the tables ---- */

const char *report_count(long n, char *out, size_t size)
{
	if (n > 0 && n < SHOWN_MIN)
		str_copy(out, size, "fewer than 3");
	else
		snprintf(out, size, "%ld", n);
	return out;
}

struct row {
	char label[48];
	char v[COLS_MAX][24];
};

struct table {
	const char *title;   /* also the CSV section */
	char cols[COLS_MAX][24];
	size_t ncols;
	int dated;           /* a column a session: its date names each figure */
	struct row rows[ROWS_MAX];
	size_t nrows;
};

struct tables {
	struct table t[TABLES_MAX];
	size_t n;
};

static struct table *table(struct tables *ts, const char *title, const char *c1, const char *c2,
    const char *c3)
{
	struct table *t = &ts->t[ts->n++];
	const char *c[COLS_MAX] = { c1, c2, c3 };
	size_t i;

	if (ts->n > TABLES_MAX)
		fatal("report: too many tables");
	memset(t, 0, sizeof(*t));
	t->title = title;
	for (i = 0; i < COLS_MAX && c[i] != NULL; i++)
		str_copy(t->cols[t->ncols++], sizeof(t->cols[0]), c[i]);
	return t;
}

static struct row *row(struct table *t, const char *label)
{
	struct row *r;

	if (t->nrows == ROWS_MAX)
		fatal("report: too many rows");
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	str_copy(r->label, sizeof(r->label), label);
	return r;
}

/* A share of d, shown only beside a count that is shown; d < 0: none. */
static void share(char *out, size_t size, long n, long d)
{
	if (d < 0)
		str_copy(out, size, "");
	else if (d == 0 || (n > 0 && n < SHOWN_MIN))
		str_copy(out, size, "-");
	else
		snprintf(out, size, "%ld%%", (n * 100 + d / 2) / d);
}

static void count_row(struct table *t, const char *label, long n, long of)
{
	struct row *r = row(t, label);

	report_count(n, r->v[0], sizeof(r->v[0]));
	if (t->ncols > 1)
		share(r->v[1], sizeof(r->v[1]), n, of);
}

static void roles_row(struct table *t, const char *label, const long v[2])
{
	struct row *r = row(t, label);

	report_count(v[0], r->v[0], sizeof(r->v[0]));
	report_count(v[1], r->v[1], sizeof(r->v[1]));
	report_count(v[0] + v[1], r->v[2], sizeof(r->v[2]));
}

static void build_training(const struct report *r, struct tables *ts)
{
	static const char *const labels[] = { "invited", "accepted", "declined", "tentative",
		"did not answer" };
	size_t i, j, k;

	if (r->n_sessions == 0)
		row(table(ts, "Training", NULL, NULL, NULL), "no training session");
	for (i = 0; i < r->n_sessions; i += COLS_MAX) {
		struct table *t = table(ts, "Training", NULL, NULL, NULL);

		t->dated = 1;
		for (j = i; j < r->n_sessions && j < i + COLS_MAX; j++)
			time_local_date(r->sessions[j].start, t->cols[t->ncols++], sizeof(t->cols[0]));
		for (k = 0; k < ARRAY_SIZE(labels); k++) {
			struct row *w = row(t, labels[k]);

			for (j = i; j < r->n_sessions && j < i + COLS_MAX; j++) {
				const struct report_session *s = &r->sessions[j];
				const long v[] = { s->invited, s->accepted, s->declined, s->tentative,
					s->no_answer };

				report_count(v[k], w->v[j - i], sizeof(w->v[0]));
			}
		}
	}
}

static void build(const struct report *r, struct tables *ts)
{
	static const char *const useful[] = { "", "usefulness 1, not useful", "usefulness 2",
		"usefulness 3", "usefulness 4", "usefulness 5, very useful" };
	static const char *const bands[] = { "", "met weekly or more", "every two weeks",
		"about monthly", "less often", "never met" };
	struct table *t;
	struct row *w;
	int i;

	memset(ts, 0, sizeof(*ts));
	t = table(ts, "Applications", "mentors", "mentees", "total");
	roles_row(t, "volunteered or applied", r->applied);
	roles_row(t, "confirmed", r->confirmed);
	roles_row(t, "carried over from a waitlist", r->carried);
	roles_row(t, "waitlisted", r->waitlisted);

	t = table(ts, "Pairs", "pairs", "share", NULL);
	count_row(t, "pairs formed", r->pairs, -1);
	count_row(t, "sharing a department", r->same_department, r->pairs);
	count_row(t, "sharing a field", r->shared_field, r->pairs);
	if (r->shares_unknown > 0)
		count_row(t, "department and field erased", r->shares_unknown, r->pairs);
	count_row(t, "answering a check-in", r->checked_in, r->pairs);
	count_row(t, "reported having met, at a check-in", r->met, r->pairs);
	count_row(t, "took a pause", r->paused, r->pairs);
	count_row(t, "ended early", r->ended_early, r->pairs);
	count_row(t, "going on after the programme", r->continuing, r->pairs);

	build_training(r, ts);

	t = table(ts, "Choice, consent and repair", "pairs", "share", NULL);
	count_row(t, "at the mentee's 1st choice", r->chosen[1], r->pairs);
	count_row(t, "at her 2nd choice", r->chosen[2], r->pairs);
	count_row(t, "at her 3rd choice", r->chosen[3], r->pairs);
	count_row(t, "she chose, none given", r->chosen[0], r->pairs);
	count_row(t, "did not go ahead (consent)", r->consents_declined, -1);
	count_row(t, "fit check: people asked", r->fit[0], -1);
	count_row(t, "fit check: good fit", r->fit[1], r->fit[0]);
	count_row(t, "fit check: still deciding", r->fit[2], r->fit[0]);
	count_row(t, "fit check: not a fit", r->fit[3], r->fit[0]);
	count_row(t, "ended by a rematch", r->rematches, -1);

	t = table(ts, "Cases", "cases", NULL, NULL);
	count_row(t, "opened", r->cases_opened, -1);
	count_row(t, "closed", r->cases_closed, -1);
	w = row(t, "median days to close");
	if (r->median_close_days >= 0)
		snprintf(w->v[0], sizeof(w->v[0]), "%.1f", r->median_close_days);
	else
		str_copy(w->v[0], sizeof(w->v[0]), "-");

	t = table(ts, "Feedback", "people", "share", NULL);
	count_row(t, "asked", r->asked, -1);
	count_row(t, "answered", r->answered, r->asked);
	count_row(t, "rated the usefulness", r->useful[0], r->answered);
	for (i = 5; i >= 1; i--)
		count_row(t, useful[i], r->useful[i], r->useful[0]);
	w = row(t, "mean usefulness, of 5");
	if (r->useful_mean >= 0)
		snprintf(w->v[0], sizeof(w->v[0]), "%.1f", r->useful_mean);
	else
		str_copy(w->v[0], sizeof(w->v[0]), "-");
	str_copy(w->v[1], sizeof(w->v[1]), "");
	count_row(t, "said how often they met", r->meetings[MEET_UNSET], r->answered);
	for (i = MEET_WEEKLY; i < SURVEY_MEET_BANDS; i++)
		count_row(t, bands[i], r->meetings[i], r->meetings[MEET_UNSET]);
	count_row(t, "willing to take part again", r->again[0], r->answered);
	count_row(t, "as a mentor", r->again[AS_MENTOR], r->again[0]);
	count_row(t, "as a mentee", r->again[AS_MENTEE], r->again[0]);
	count_row(t, "in either role", r->again[AS_EITHER], r->again[0]);
	count_row(t, "role not said", r->again[0] - r->again[AS_MENTOR] - r->again[AS_MENTEE] -
	    r->again[AS_EITHER], r->again[0]);

	t = table(ts, "Quotes", "quotes", NULL, NULL);
	count_row(t, "allowed by their authors, shown", (long)r->n_quotes, -1);
	count_row(t, "allowed, withheld: naming someone", r->quotes_withheld, -1);
}

/* ---- text ---- */

static void pad(struct buf *b, const char *s, size_t width, int right)
{
	size_t n = utf8_len(s), i;

	if (!right)
		buf_adds(b, s);
	for (i = n; i < width; i++)
		buf_addc(b, ' ');
	if (right)
		buf_adds(b, s);
}

static void table_text(const struct table *t, struct buf *b)
{
	size_t label = REPORT_COLUMNS - 2 - t->ncols * (CELL + 2), i, j;

	if (label > 40)
		label = 40;
	pad(b, t->title, label + 2, 0);
	for (j = 0; j < t->ncols; j++) {
		buf_adds(b, "  ");
		pad(b, t->cols[j], CELL, 1);
	}
	buf_addc(b, '\n');
	for (i = 0; i < t->nrows; i++) {
		buf_adds(b, "  ");
		pad(b, t->rows[i].label, label, 0);
		for (j = 0; j < t->ncols; j++) {
			buf_adds(b, "  ");
			pad(b, t->rows[i].v[j], CELL, 1);
		}
		while (b->len > 0 && b->s[b->len - 1] == ' ')
			b->s[--b->len] = '\0';
		buf_addc(b, '\n');
	}
	buf_addc(b, '\n');
}

/* A quote in quotation marks, its lines cut between words. */
static void quote_text(const char *q, struct buf *b)
{
	struct strlist w = { NULL, 0 };
	size_t i, col = 0, n;

	strlist_split(&w, q, ' ');
	buf_adds(b, "  \"");
	col = 3;
	for (i = 0; i < w.n; i++) {
		n = utf8_len(w.v[i]);
		if (i > 0 && col + 1 + n + 1 > REPORT_COLUMNS) {
			buf_addc(b, '\n');
			pad(b, "", QUOTE_INDENT - 1, 0);
			col = QUOTE_INDENT - 1;
		} else if (i > 0) {
			buf_addc(b, ' ');
			col++;
		}
		buf_adds(b, w.v[i]);
		col += n;
	}
	buf_adds(b, "\"\n");
	strlist_deinit(&w);
}

void report_text(const struct report *r, struct buf *b)
{
	struct tables ts;
	char opened[16], closed[16], anon[16];
	size_t i;

	build(r, &ts);
	time_local_date(r->opened, opened, sizeof(opened));
	buf_printf(b, "Cohort %s: opened %s", r->cohort, opened);
	if (r->closed > 0) {
		time_local_date(r->closed, closed, sizeof(closed));
		buf_printf(b, ", closed %s", closed);
	} else {
		buf_adds(b, ", still open");
	}
	if (r->anonymised > 0) {
		time_local_date(r->anonymised, anon, sizeof(anon));
		buf_printf(b, ",\npersonal data anonymised %s", anon);
	}
	buf_adds(b, ".\n\nCounts of 1 or 2 show as \"fewer than 3\", and a share only beside\n"
	    "a count shown, so that no figure points to a person.\n\n");
	for (i = 0; i < ts.n; i++)
		if (strcmp(ts.t[i].title, "Quotes") != 0)
			table_text(&ts.t[i], b);
	if (r->more_sessions > 0 || r->cancelled_sessions > 0)
		buf_printf(b, "Training sessions not shown: %zu more, %zu cancelled.\n\n",
		    r->more_sessions, r->cancelled_sessions);
	buf_adds(b, "Quotes, without names, as their authors allowed\n");
	if (r->anonymised > 0)
		buf_adds(b, "  removed with the personal data\n");
	else if (r->n_quotes == 0)
		buf_adds(b, "  none\n");
	for (i = 0; i < r->n_quotes; i++)
		quote_text(r->quotes[i], b);
	if (r->quotes_withheld > 0) {
		char n[24];

		buf_printf(b, "  (%s withheld: naming someone)\n",
		    report_count(r->quotes_withheld, n, sizeof(n)));
	}
}

/* ---- CSV ---- */

static void csv_field(struct buf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

static void csv_line(struct buf *b, const char *section, const char *figure, const char *value)
{
	csv_field(b, section);
	buf_addc(b, ',');
	csv_field(b, figure);
	buf_addc(b, ',');
	csv_field(b, value);
	buf_adds(b, "\r\n");
}

void report_csv(const struct report *r, struct buf *b)
{
	struct tables ts;
	char date[16], figure[96];
	size_t i, j, k;

	build(r, &ts);
	buf_adds(b, "section,figure,value\r\n");
	csv_line(b, "cohort", "name", r->cohort);
	time_local_date(r->opened, date, sizeof(date));
	csv_line(b, "cohort", "opened", date);
	if (r->closed > 0)
		time_local_date(r->closed, date, sizeof(date));
	csv_line(b, "cohort", "closed", r->closed > 0 ? date : "");
	if (r->anonymised > 0)
		time_local_date(r->anonymised, date, sizeof(date));
	csv_line(b, "cohort", "anonymised", r->anonymised > 0 ? date : "");
	for (i = 0; i < ts.n; i++) {
		const struct table *t = &ts.t[i];
		char section[32];

		str_copy(section, sizeof(section), t->title);
		str_lower_ascii(section);
		for (j = 0; j < t->nrows; j++)
			for (k = 0; k < t->ncols; k++) {
				/* a count column is the figure itself; the others name it */
				if (!t->dated && (t->ncols == 1 || (k == 0 && strcmp(t->cols[1], "share") == 0)))
					str_copy(figure, sizeof(figure), t->rows[j].label);
				else
					snprintf(figure, sizeof(figure), "%s (%s)", t->rows[j].label, t->cols[k]);
				if (t->rows[j].v[k][0] != '\0')
					csv_line(b, section, figure, t->rows[j].v[k]);
			}
	}
}
