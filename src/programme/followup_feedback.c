/* The feedback at the end of the programme (doc/DESIGN.md 3.6): one row
 * of the feedback table for each person asked, the request that refers to
 * it, one reminder to whoever has not answered, and the answers read by
 * survey.h into the row, for the edition report to count. The committee
 * reads every answer too, with what the robot understood of it and what it
 * could not read, kept as written. An automatic reply never reaches here
 * (classify.h): an out-of-office is no answer. */
#include "followup.h"
#include "followup_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "util.h"

#define DAY 86400

/* asked: when the request a nudge reminds of was sent (0: the request
 * itself), said as a date. */
static int ask_one(struct engine *e, int64_t app, const char *kind, int64_t feedback_id,
    time_t asked, int64_t cause, char **error_r)
{
	struct application a;
	struct vars v = { { NULL }, { NULL }, 0 };
	char *cohort = NULL, day[64];
	int ret = -1;

	if (roster_application_by_id(e, app, &a) != 1)
		return -1;
	if (roster_cohort_name(e, a.cohort_id, &cohort) < 0)
		goto out;
	vars_set(&v, "cohort", cohort);
	vars_set(&v, "name", a.name);
	if (asked != 0) {
		time_local_day(asked, e->now, notify_language(e, a.language, NULL, 1), 0, day,
		    sizeof(day));
		vars_set(&v, "asked", day);
	}
	ret = notify_person(e, &a, &(struct notice){ .kind = kind, .vars = &v, .cause = cause,
	    .ref_kind = "feedback", .ref_id = feedback_id }, error_r);
out:
	vars_deinit(&v);
	free(cohort);
	roster_application_deinit(&a);
	return ret;
}

int followup_ask_feedback(struct engine *e, int64_t pair, int64_t mentor_app, int64_t mentee_app,
    int64_t cause, char **error_r)
{
	int64_t apps[2] = { mentor_app, mentee_app };
	int i;

	if (store_exec(e->st, "UPDATE pairs SET feedback_at = ? WHERE id = ?", "ti", e->now, pair) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if (store_exec(e->st, "INSERT OR IGNORE INTO feedback(cohort_id, pair_id, person_id, role,"
		    " sent_at) SELECT a.cohort_id, ?, a.person_id, a.role, ? FROM applications a WHERE a.id = ?",
		    "iti", pair, e->now, apps[i]) < 0)
			return -1;
		if (store_changes(e->st) == 0)
			continue; /* asked before */
		if (ask_one(e, apps[i], "feedback", store_last_id(e->st), 0, cause, error_r) < 0)
			return -1;
	}
	return 0;
}

struct nudge_row {
	int64_t id, app;
	time_t sent;
};

struct nudge_rows {
	struct nudge_row *v;
	size_t n;
};

static int nudge_row_cb(const struct store_row *row, void *arg)
{
	struct nudge_rows *r = arg;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n].id = store_row_int(row, 0);
	r->v[r->n].app = store_row_int(row, 1);
	r->v[r->n].sent = (time_t)store_row_int(row, 2);
	r->n++;
	return 0;
}

int followup_feedback_nudges(struct engine *e, char **error_r)
{
	struct nudge_rows r = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT f.id, a.id, f.sent_at FROM feedback f JOIN pairs p ON p.id = f.pair_id"
	    " JOIN applications a ON a.id IN (p.mentor_app, p.mentee_app) AND a.person_id = f.person_id"
	    " JOIN people pe ON pe.id = f.person_id JOIN cohorts c ON c.id = f.cohort_id"
	    " WHERE f.answered_at IS NULL AND f.nudged_at IS NULL AND f.sent_at <= ?"
	    " AND pe.erased_at IS NULL AND c.anonymised_at IS NULL ORDER BY f.id", nudge_row_cb, &r, "t",
	    e->now - e->cfg->schedule.nudge_after_days * DAY) < 0)
		return -1;
	for (i = 0; i < r.n; i++)
		if (store_exec(e->st, "UPDATE feedback SET nudged_at = ? WHERE id = ?", "ti", e->now,
		    r.v[i].id) < 0 ||
		    ask_one(e, r.v[i].app, "feedback-nudge", r.v[i].id, r.v[i].sent, 0, error_r) < 0)
			goto out;
	ret = 0;
out:
	free(r.v);
	return ret;
}

/* ---- answers ---- */

struct feedback_row {
	int64_t id, person;
	char *address;
};

static int feedback_cb(const struct store_row *row, void *arg)
{
	struct feedback_row *f = arg;
	const char *a = store_row_text(row, 1);

	f->id = store_row_int(row, 0);
	f->address = a != NULL ? xstrdup(a) : NULL;
	f->person = store_row_int(row, 2);
	return 1;
}

/* s's answers into the row; what was not understood is added to what
 * the committee reads, and so are the words of the reply (up to
 * FEEDBACK_TEXT_BYTES_MAX in all). */
static int record(struct engine *e, int64_t id, const struct survey *s, const char *unclear,
    const char *text)
{
	return store_exec(e->st, "UPDATE feedback SET answered_at = coalesce(answered_at, ?1),"
	    " usefulness = coalesce(nullif(?2, 0), usefulness), meetings = coalesce(?3, meetings),"
	    " continuing = coalesce(?4, continuing),"
	    " again_as = CASE WHEN ?5 IS NULL THEN again_as ELSE ?6 END, again = coalesce(?5, again),"
	    " quote = coalesce(?7, quote), quote_ok = CASE WHEN ?8 IS NULL THEN quote_ok ELSE ?8 = 'yes' END,"
	    " unclear = CASE WHEN ?9 IS NULL THEN unclear ELSE coalesce(unclear || char(10), '') || ?9 END,"
	    " text = CASE WHEN length(coalesce(text, '')) + length(?10) > ?11 THEN text"
	    " ELSE coalesce(text || char(10) || char(10), '') || ?10 END WHERE id = ?12", "tissssssssii",
	    e->now, (int64_t)s->usefulness, survey_meet_name(s->meetings),
	    survey_answer_name(s->continuing), survey_answer_name(s->again),
	    survey_role_name(s->again_as), s->quote, survey_answer_name(s->quote_ok), unclear, text,
	    (int64_t)FEEDBACK_TEXT_BYTES_MAX, id);
}

/* What the robot understood, a line a question, in the committee's words. */
static void recorded_lines(const struct survey *s, struct buf *b)
{
	if (s->usefulness > 0)
		buf_printf(b, "  1. usefulness: %d of 5\n", s->usefulness);
	if (s->meetings != MEET_UNSET)
		buf_printf(b, "  2. how often they met: %s\n", survey_meet_name(s->meetings));
	if (s->continuing != SURVEY_UNSET)
		buf_printf(b, "  3. meeting after the programme: %s\n", survey_answer_name(s->continuing));
	if (s->again != SURVEY_UNSET)
		buf_printf(b, "  4. taking part again: %s%s%s\n", survey_answer_name(s->again),
		    s->again_as != AS_UNSET ? ", as " : "",
		    s->again_as != AS_UNSET ? survey_role_name(s->again_as) : "");
	if (s->quote != NULL)
		buf_adds(b, "  5. a sentence to quote: given\n");
	if (s->quote_ok != SURVEY_UNSET)
		buf_printf(b, "  6. quoting it without a name: %s\n",
		    s->quote_ok == SURVEY_YES ? "allowed" : "not allowed");
}

static void unclear_lines(const struct survey *s, struct buf *b)
{
	int q;

	for (q = 0; q < SURVEY_QUESTIONS; q++)
		if (s->unclear[q] != NULL)
			buf_printf(b, "%d. %s\n", q + 1, s->unclear[q]);
}

/* The committee reads the answer, with what was recorded of it. The
 * notice is the person's (person_id): their erasure and retention reach
 * its words too. */
static int pass_on(struct msgctx *c, int64_t person, const char *recorded, const char *unclear,
    char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int ret;

	vars_set(&v, "who", c->m->from_name != NULL ? c->m->from_name : c->m->from_addr);
	vars_set(&v, "recorded", recorded);
	vars_set(&v, "unclear", unclear);
	vars_set(&v, "text", c->text);
	ret = notify_committee(c->e, &(struct notice){ .kind = "feedback",
	    .tmpl = "feedback-received", .vars = &v, .reply_to = c->m->from_addr, .all_members = 1,
	    .cause = c->inbound_id, .person_id = person }, error_r);
	vars_deinit(&v);
	return ret;
}

int followup_feedback_reply(struct msgctx *c, int64_t feedback_id, char **error_r)
{
	struct feedback_row f = { 0, 0, NULL };
	struct survey s;
	struct buf recorded, unclear;
	char *text = NULL;
	size_t n = strlen(c->text);
	int r, ret = -1, unread;

	memset(&s, 0, sizeof(s));
	buf_init(&recorded, 64 * 1024);
	buf_init(&unclear, 64 * 1024);
	buf_add(&recorded, "", 0);
	buf_add(&unclear, "", 0);
	if (store_query(c->e->st, "SELECT f.id, p.address, f.person_id FROM feedback f JOIN people p"
	    " ON p.id = f.person_id AND p.erased_at IS NULL WHERE f.id = ?", feedback_cb, &f, "i",
	    feedback_id) < 0)
		goto out;
	if (f.address == NULL || c->m->from_addr == NULL || !str_eq_ci(f.address, c->m->from_addr)) {
		inbound_leave(c, "feedback answer from another address");
		ret = 0;
		goto out;
	}
	/* at most max_notices_per_sender a day reach the committee */
	r = notify_committee_from(c, error_r);
	if (r <= 0) {
		ret = r;
		goto out;
	}
	survey_parse(c->text, &s);
	recorded_lines(&s, &recorded);
	unclear_lines(&s, &unclear);
	for (r = 0, unread = 0; r < SURVEY_QUESTIONS; r++)
		unread += s.unclear[r] != NULL;
	if (n > FEEDBACK_TEXT_BYTES_MAX) {
		n = FEEDBACK_TEXT_BYTES_MAX;
		while (n > 0 && ((unsigned char)c->text[n] & 0xc0) == 0x80)
			n--;
	}
	text = xstrndup(c->text, n);
	if (unclear.len > 0 && unclear.s[unclear.len - 1] == '\n')
		unclear.s[--unclear.len] = '\0';
	if (record(c->e, f.id, &s, unclear.len > 0 ? unclear.s : NULL, text) < 0 ||
	    pass_on(c, f.person, recorded.s, unclear.s, error_r) < 0)
		goto out;
	if (s.answered == 0)
		inbound_outcome(c, "feedback answer in words; passed to the committee");
	else
		inbound_outcome(c, "feedback answer: %d of %d question(s) answered, %d unclear; passed"
		    " to the committee", s.answered, SURVEY_QUESTIONS, unread);
	ret = 0;
out:
	survey_deinit(&s);
	buf_deinit(&recorded);
	buf_deinit(&unclear);
	free(text);
	free(f.address);
	return ret < 0 ? -1 : 1;
}
