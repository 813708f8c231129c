/* The edition report: the figures are read into struct report, then laid
 * out once as tables (struct table), which both the text and the CSV are
 * written from, so that the two always hold the same figures under the
 * same rule. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "engine.h"
#include "match.h"
#include "report_private.h"
#include "store.h"
#include "util.h"

/* Below this, a count could point to a person (doc/DESIGN.md 3.7). */
#define SHOWN_MIN 3
#define CELL 12         /* a value's width: "fewer than 3" */
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
	if (store_row_text(row, 0) != NULL)
		report_name_words(arg, store_row_text(row, 0));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int feedback(struct engine *e, struct report *r, int quotes)
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
	if (!quotes)
		strlist_deinit(&a.quotes);
	/* every name held of the programme's people, not only this cohort's */
	if (a.quotes.n > 0 && (store_query(e->st, "SELECT name FROM applications WHERE name IS NOT NULL",
	    name_row, &names, NULL) < 0 ||
	    store_query(e->st, "SELECT name FROM people WHERE name IS NOT NULL", name_row, &names,
	    NULL) < 0))
		goto out;
	r->quotes = xcalloc(a.quotes.n + 1, sizeof(*r->quotes));
	for (i = 0; i < a.quotes.n; i++) {
		if (report_names_someone(&names, a.quotes.v[i]))
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

/* One cohort's figures; its quotes too when quotes is set. */
static int figures(struct engine *e, int64_t cohort, struct report *r, int quotes)
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
	    cases(e, r) < 0 || feedback(e, r, quotes) < 0 ||
	    repair_figures(e, r) < 0)
		return -1;
	r->cancelled_sessions = (size_t)cancelled;
	return 0;
}

/* The editions so far, the latest REPORT_EDITIONS_MAX of them, each with
 * the figures its own report has. */
static int editions(struct engine *e, struct report *r)
{
	struct store_ids ids = { NULL, 0 };
	size_t i, first;
	int ret = -1;

	if (store_query(e->st, "SELECT id FROM cohorts WHERE id <= ? ORDER BY id", store_ids_row,
	    &ids, "i", r->cohort_id) < 0)
		return -1;
	first = ids.n > REPORT_EDITIONS_MAX ? ids.n - REPORT_EDITIONS_MAX : 0;
	r->earlier_editions = first;
	r->editions = xcalloc(ids.n - first + 1, sizeof(*r->editions));
	for (i = first; i < ids.n; i++)
		if (figures(e, ids.v[i], &r->editions[r->n_editions++], 0) < 0)
			goto out;
	ret = 0;
out:
	free(ids.v);
	return ret;
}

int report_load(struct engine *e, int64_t cohort, struct report *r)
{
	if (figures(e, cohort, r, 1) < 0 || editions(e, r) < 0) {
		report_deinit(r);
		return -1;
	}
	return 0;
}

void report_deinit(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n_quotes; i++)
		free(r->quotes[i]);
	free(r->quotes);
	for (i = 0; i < r->n_editions; i++)
		report_deinit(&r->editions[i]);
	free(r->editions);
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

static int few(long n)
{
	return n > 0 && n < SHOWN_MIN;
}

/* Secondary suppression (doc/DESIGN.md 3.7): a total of parts one of
 * which is hidden would let it be worked out, as would a mean over them
 * or a share of that total; these are hidden too. */
#define HIDE 1          /* the count itself */
#define OF_HIDDEN 2     /* the count it is a share of */

static int any_few(const long *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (few(v[i]))
			return 1;
	return 0;
}

static void hidden_count(long n, int hide, char *out, size_t size)
{
	if (hide && !few(n))
		str_copy(out, size, REPORT_HIDDEN);
	else
		report_count(n, out, size);
}

/* A share of d, shown only beside a count that is shown; d < 0: none. */
static void share(char *out, size_t size, long n, long d, int hide)
{
	if (d < 0)
		str_copy(out, size, "");
	else if (d == 0 || few(n) || hide)
		str_copy(out, size, "-");
	else
		snprintf(out, size, "%ld%%", (n * 100 + d / 2) / d);
}

static void count_row(struct table *t, const char *label, long n, long of, int hide)
{
	struct row *r = row(t, label);

	hidden_count(n, hide & HIDE, r->v[0], sizeof(r->v[0]));
	if (t->ncols > 1)
		share(r->v[1], sizeof(r->v[1]), n, of, hide != 0);
}

static void roles_row(struct table *t, const char *label, const long v[2])
{
	struct row *r = row(t, label);

	report_count(v[0], r->v[0], sizeof(r->v[0]));
	report_count(v[1], r->v[1], sizeof(r->v[1]));
	hidden_count(v[0] + v[1], any_few(v, 2), r->v[2], sizeof(r->v[2]));
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

				/* invited is the sum of the other four */
				hidden_count(v[k], k == 0 && any_few(v + 1, 4), w->v[j - i],
				    sizeof(w->v[0]));
			}
		}
	}
}

/* One figure of each edition, as that edition's own report shows it. */
static void edition_cell(const struct report *r, size_t k, char *out, size_t size)
{
	long accepted = 0, parts[REPORT_SESSIONS_MAX];
	size_t i;
	const long again[] = { r->again[AS_MENTOR], r->again[AS_MENTEE], r->again[AS_EITHER],
		r->again[0] - r->again[AS_MENTOR] - r->again[AS_MENTEE] - r->again[AS_EITHER] };

	switch (k) {
	case 0:
	case 1:
		report_count(r->applied[k], out, size);
		break;
	case 2:
		report_count(r->pairs, out, size);
		break;
	case 3:
		share(out, size, r->same_department, r->pairs, 0);
		break;
	case 4:
		share(out, size, r->shared_field, r->pairs, 0);
		break;
	case 5:
		/* each session's own count may be hidden, and then their sum */
		for (i = 0; i < r->n_sessions; i++)
			accepted += parts[i] = r->sessions[i].accepted;
		hidden_count(accepted, any_few(parts, r->n_sessions) || r->more_sessions > 0, out,
		    size);
		break;
	case 6:
		if (r->useful_mean < 0)
			str_copy(out, size, "-");
		else if (any_few(r->useful + 1, 5))
			str_copy(out, size, REPORT_HIDDEN);
		else
			snprintf(out, size, "%.1f", r->useful_mean);
		break;
	case 7:
		hidden_count(r->again[0], any_few(again, 4), out, size);
		break;
	default:
		hidden_count(r->carried[0] + r->carried[1], any_few(r->carried, 2), out, size);
		break;
	}
}

static void build_editions(const struct report *r, struct tables *ts)
{
	static const char *const labels[] = { "mentors applied", "mentees applied",
		"pairs formed", "pairs sharing a department", "pairs sharing a field",
		"training invitations accepted", "mean usefulness, of 5",
		"willing to take part again", "carried over from a waitlist" };
	size_t i, j, k;

	for (i = 0; i < r->n_editions; i += COLS_MAX) {
		struct table *t = table(ts, REPORT_EDITIONS, NULL, NULL, NULL);

		t->dated = 1;
		for (j = i; j < r->n_editions && j < i + COLS_MAX; j++)
			str_copy(t->cols[t->ncols++], sizeof(t->cols[0]), r->editions[j].cohort);
		for (k = 0; k < ARRAY_SIZE(labels); k++) {
			struct row *w = row(t, labels[k]);

			for (j = i; j < r->n_editions && j < i + COLS_MAX; j++)
				edition_cell(&r->editions[j], k, w->v[j - i], sizeof(w->v[0]));
		}
	}
}

void report_build(const struct report *r, struct tables *ts)
{
	static const char *const useful[] = { "", "usefulness 1, not useful", "usefulness 2",
		"usefulness 3", "usefulness 4", "usefulness 5, very useful" };
	static const char *const bands[] = { "", "met weekly or more", "every two weeks",
		"about monthly", "less often", "never met" };
	struct table *t;
	struct row *w;
	long again[4];
	int i, hide;

	memset(ts, 0, sizeof(*ts));
	t = table(ts, "Applications", "mentors", "mentees", "total");
	roles_row(t, "volunteered or applied", r->applied);
	roles_row(t, "confirmed", r->confirmed);
	roles_row(t, "carried over from a waitlist", r->carried);
	roles_row(t, "waitlisted", r->waitlisted);

	t = table(ts, "Pairs", "pairs", "share", NULL);
	count_row(t, "pairs formed", r->pairs, -1, 0);
	count_row(t, "sharing a department", r->same_department, r->pairs, 0);
	count_row(t, "sharing a field", r->shared_field, r->pairs, 0);
	if (r->shares_unknown > 0)
		count_row(t, "department and field erased", r->shares_unknown, r->pairs, 0);
	count_row(t, "answering a check-in", r->checked_in, r->pairs, 0);
	count_row(t, "reported having met, at a check-in", r->met, r->pairs, 0);
	count_row(t, "took a pause", r->paused, r->pairs, 0);
	count_row(t, "ended early", r->ended_early, r->pairs, 0);
	count_row(t, "going on after the programme", r->continuing, r->pairs, 0);

	build_training(r, ts);

	t = table(ts, "Choice, consent and repair", "pairs", "share", NULL);
	count_row(t, "at the mentee's 1st choice", r->chosen[1], r->pairs, 0);
	count_row(t, "at her 2nd choice", r->chosen[2], r->pairs, 0);
	count_row(t, "at her 3rd choice", r->chosen[3], r->pairs, 0);
	count_row(t, "she chose, none given", r->chosen[0], r->pairs, 0);
	count_row(t, "did not go ahead (consent)", r->consents_declined, -1, 0);
	count_row(t, "fit check: people asked", r->fit[0], -1, 0);
	count_row(t, "fit check: good fit", r->fit[1], r->fit[0], 0);
	count_row(t, "fit check: still deciding", r->fit[2], r->fit[0], 0);
	count_row(t, "fit check: not a fit", r->fit[3], r->fit[0], 0);
	count_row(t, "ended by a rematch", r->rematches, -1, 0);

	t = table(ts, "Cases", "cases", NULL, NULL);
	count_row(t, "opened", r->cases_opened, -1, 0);
	count_row(t, "closed", r->cases_closed, -1, 0);
	w = row(t, "median days to close");
	if (r->median_close_days >= 0)
		snprintf(w->v[0], sizeof(w->v[0]), "%.1f", r->median_close_days);
	else
		str_copy(w->v[0], sizeof(w->v[0]), "-");

	t = table(ts, "Feedback", "people", "share", NULL);
	count_row(t, "asked", r->asked, -1, 0);
	count_row(t, "answered", r->answered, r->asked, 0);
	/* the bands add up to those who rated, and make the mean */
	hide = any_few(r->useful + 1, 5);
	count_row(t, "rated the usefulness", r->useful[0], r->answered, hide ? HIDE : 0);
	for (i = 5; i >= 1; i--)
		count_row(t, useful[i], r->useful[i], r->useful[0], hide ? OF_HIDDEN : 0);
	w = row(t, "mean usefulness, of 5");
	if (hide && r->useful_mean >= 0)
		str_copy(w->v[0], sizeof(w->v[0]), REPORT_HIDDEN);
	else if (r->useful_mean >= 0)
		snprintf(w->v[0], sizeof(w->v[0]), "%.1f", r->useful_mean);
	else
		str_copy(w->v[0], sizeof(w->v[0]), "-");
	str_copy(w->v[1], sizeof(w->v[1]), "");
	hide = any_few(r->meetings + MEET_WEEKLY, SURVEY_MEET_BANDS - MEET_WEEKLY);
	count_row(t, "said how often they met", r->meetings[MEET_UNSET], r->answered,
	    hide ? HIDE : 0);
	for (i = MEET_WEEKLY; i < SURVEY_MEET_BANDS; i++)
		count_row(t, bands[i], r->meetings[i], r->meetings[MEET_UNSET], hide ? OF_HIDDEN : 0);
	again[0] = r->again[AS_MENTOR];
	again[1] = r->again[AS_MENTEE];
	again[2] = r->again[AS_EITHER];
	again[3] = r->again[0] - again[0] - again[1] - again[2];
	hide = any_few(again, 4);
	count_row(t, "willing to take part again", r->again[0], r->answered, hide ? HIDE : 0);
	count_row(t, "as a mentor", again[0], r->again[0], hide ? OF_HIDDEN : 0);
	count_row(t, "as a mentee", again[1], r->again[0], hide ? OF_HIDDEN : 0);
	count_row(t, "in either role", again[2], r->again[0], hide ? OF_HIDDEN : 0);
	count_row(t, "role not said", again[3], r->again[0], hide ? OF_HIDDEN : 0);

	t = table(ts, "Quotes", "quotes", NULL, NULL);
	count_row(t, "allowed by their authors, shown", (long)r->n_quotes, -1, 0);
	count_row(t, "allowed, withheld: naming someone", r->quotes_withheld, -1, 0);

	build_editions(r, ts);
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
		char col[sizeof(t->cols[0])];

		/* a long cohort name is cut to its column */
		str_copy(col, sizeof(col), t->cols[j]);
		col[utf8_offset(col, CELL)] = '\0';
		buf_adds(b, "  ");
		pad(b, col, CELL, 1);
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

	report_build(r, &ts);
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
	buf_adds(b, ".\n\nSo that no figure points to a person, a count of 1 or 2 is written\n"
	    "\"fewer than 3\" and given no percentage, and a total or a mean that would\n"
	    "let one be worked out is written \"" REPORT_HIDDEN "\".\n\n");
	for (i = 0; i < ts.n; i++)
		if (strcmp(ts.t[i].title, "Quotes") != 0 && strcmp(ts.t[i].title, REPORT_EDITIONS) != 0)
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
	buf_adds(b, "\nThe programme across editions, each as its own report shows it\n\n");
	for (i = 0; i < ts.n; i++)
		if (strcmp(ts.t[i].title, REPORT_EDITIONS) == 0)
			table_text(&ts.t[i], b);
	if (r->earlier_editions > 0)
		buf_printf(b, "Earlier editions not shown: %zu.\n", r->earlier_editions);
	while (b->len > 1 && b->s[b->len - 1] == '\n' && b->s[b->len - 2] == '\n')
		b->s[--b->len] = '\0';
}

/* ---- CSV ---- */

static void csv_line(struct buf *b, const char *section, const char *figure, const char *value)
{
	csv_cell(b, section);
	buf_addc(b, ',');
	csv_cell(b, figure);
	buf_addc(b, ',');
	csv_cell(b, value);
	buf_adds(b, "\r\n");
}

void report_csv(const struct report *r, struct buf *b)
{
	struct tables ts;
	char date[16], figure[96];
	size_t i, j, k;

	report_build(r, &ts);
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
