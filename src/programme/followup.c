/* The clock of a pair, from its introduction T0 to the programme's end
 * (T0 + programme_months), in calendar days of the programme's zone:
 *   check-in n is due at T0 + checkin_first_days + (n - 1) * checkin_every_days
 *   no answer after nudge_after_days: one nudge; again none: flagged
 *   at the end: a feedback request to both
 * Each check-in is a row keyed (pair, person, number): it is sent at most
 * once whatever the restarts, and a daemon that was down sends only the
 * latest check-in due, not every one it missed. */
#include "followup.h"
#include "followup_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cases.h"
#include "command.h"
#include "config.h"
#include "engine.h"
#include "erase.h"
#include "mime.h"
#include "inbound.h"
#include "notify.h"
#include "quarantine.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DAY 86400

struct pair_info {
	int64_t id, mentor, mentee;
	time_t introduced, paused_until, feedback_at;
};

struct pairs {
	struct pair_info *v;
	size_t n;
};

static int pair_cb(const struct store_row *row, void *arg)
{
	struct pairs *p = arg;

	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n].id = store_row_int(row, 0);
	p->v[p->n].mentor = store_row_int(row, 1);
	p->v[p->n].mentee = store_row_int(row, 2);
	p->v[p->n].introduced = (time_t)store_row_int(row, 3);
	p->v[p->n].paused_until = (time_t)store_row_int(row, 4);
	p->v[p->n].feedback_at = (time_t)store_row_int(row, 5);
	p->n++;
	return 0;
}

/* The active pairs in id order: with cohort_id 0, every one introduced;
 * else those of that cohort, introduced or not. */
static int active_pairs(struct engine *e, int64_t cohort_id, struct pairs *p)
{
	if (cohort_id == 0)
		return store_query(e->st, "SELECT id, mentor_app, mentee_app, introduced_at, paused,"
		    " coalesce(feedback_at, 0) FROM pairs WHERE status = 'active'"
		    " AND introduced_at IS NOT NULL ORDER BY id", pair_cb, p, NULL);
	return store_query(e->st, "SELECT id, mentor_app, mentee_app, introduced_at, paused,"
	    " coalesce(feedback_at, 0) FROM pairs WHERE status = 'active' AND cohort_id = ?"
	    " ORDER BY id", pair_cb, p, "i", cohort_id);
}

static time_t add_months(time_t t, long months)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mon += (int)months;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* asked: when the check-in a nudge reminds of was sent (0: not a nudge),
 * said as a date: "a few days ago" may be three weeks. */
static int send_checkin(struct engine *e, const struct pair_info *p, int mentor_side, long number,
    const char *tmpl, const char *kind, int64_t checkin_id, time_t asked, char **error_r)
{
	struct application me, other;
	struct vars v = { { NULL }, { NULL }, 0 };
	char day[64];
	int ret = -1;

	memset(&me, 0, sizeof(me));
	memset(&other, 0, sizeof(other));
	if (roster_application_by_id(e, mentor_side ? p->mentor : p->mentee, &me) != 1 ||
	    roster_application_by_id(e, mentor_side ? p->mentee : p->mentor, &other) != 1)
		goto out;
	vars_set(&v, "partner_name", other.name);
	vars_setf(&v, "number", "%ld", number);
	vars_set(&v, "name", me.name);
	if (asked != 0) {
		time_local_day(asked, e->now, notify_language(e, me.language, NULL, 1), 0, day,
		    sizeof(day));
		vars_set(&v, "asked", day);
	}
	ret = notify_person(e, &me, &(struct notice){ .kind = kind, .tmpl = tmpl, .vars = &v,
	    .ref_kind = "checkin", .ref_id = checkin_id }, error_r);
out:
	vars_deinit(&v);
	roster_application_deinit(&me);
	roster_application_deinit(&other);
	return ret;
}

static int person_of(struct engine *e, int64_t app, int64_t *person_r)
{
	return store_query_int(e->st, person_r, "SELECT person_id FROM applications WHERE id = ?", "i", app);
}

/* Check-in n is due this many calendar days after the introduction, at
 * the same time of day in the programme's zone (not a multiple of 86,400
 * s: 09:00 stays 09:00 across a change of the clocks). */
static time_t checkin_at(const struct config *cfg, time_t introduced, long n)
{
	return time_add_days(introduced, cfg->schedule.checkin_first_days +
	    (n - 1) * cfg->schedule.checkin_every_days);
}

/* The latest check-in due at now (0 if none yet). */
static long checkin_latest(const struct config *cfg, time_t introduced, time_t now)
{
	time_t first = checkin_at(cfg, introduced, 1);
	long n;

	if (now < first)
		return 0;
	n = 1 + (long)((now - first) / (cfg->schedule.checkin_every_days * DAY));
	while (n > 1 && checkin_at(cfg, introduced, n) > now)
		n--;
	while (checkin_at(cfg, introduced, n + 1) <= now)
		n++;
	return n;
}

static int checkins_due(struct engine *e, const struct pair_info *p, char **error_r)
{
	const struct config *cfg = e->cfg;
	time_t end = add_months(p->introduced, cfg->schedule.programme_months);
	long n;
	int side;

	if (p->paused_until > e->now)
		return 0;
	/* only the latest check-in due is sent */
	n = checkin_latest(cfg, p->introduced, e->now);
	if (n == 0 || checkin_at(cfg, p->introduced, n) >= end)
		return 0;
	for (side = 1; side >= 0; side--) {
		int64_t person = 0, id;

		if (person_of(e, side ? p->mentor : p->mentee, &person) < 0)
			return -1;
		if (store_exec(e->st, "INSERT OR IGNORE INTO checkins(pair_id, person_id, number, sent_at)"
		    " VALUES(?, ?, ?, ?)", "iiit", p->id, person, (int64_t)n, e->now) < 0)
			return -1;
		if (store_changes(e->st) == 0)
			continue;
		id = store_last_id(e->st);
		if (send_checkin(e, p, side, n, n == 1 ? "checkin-first" : "checkin", "checkin", id,
		    0, error_r) < 0)
			return -1;
	}
	return 0;
}

struct nudge {
	int64_t id, pair, person;
	long number;
	time_t sent;
};

struct nudges {
	struct nudge *v;
	size_t n;
};

static int nudge_cb(const struct store_row *row, void *arg)
{
	struct nudges *n = arg;

	n->v = xrealloc(n->v, (n->n + 1) * sizeof(*n->v));
	n->v[n->n].id = store_row_int(row, 0);
	n->v[n->n].pair = store_row_int(row, 1);
	n->v[n->n].person = store_row_int(row, 2);
	n->v[n->n].number = (long)store_row_int(row, 3);
	n->v[n->n].sent = (time_t)store_row_int(row, 4);
	n->n++;
	return 0;
}

static int nudges(struct engine *e, char **error_r)
{
	struct nudges n = { NULL, 0 };
	time_t limit = time_add_days(e->now, -e->cfg->schedule.nudge_after_days);
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT k.id, k.pair_id, k.person_id, k.number, k.sent_at FROM checkins k"
	    " JOIN pairs p ON p.id = k.pair_id WHERE p.status = 'active' AND k.answer IS NULL"
	    " AND k.nudged_at IS NULL AND k.sent_at <= ? ORDER BY k.id", nudge_cb, &n, "t", limit) < 0)
		goto out;
	for (i = 0; i < n.n; i++) {
		struct pairs p = { NULL, 0 };
		int64_t mentor_person = 0;
		int r;

		if (store_query(e->st, "SELECT id, mentor_app, mentee_app, introduced_at, paused, 0"
		    " FROM pairs WHERE id = ?", pair_cb, &p, "i", n.v[i].pair) < 0 || p.n == 0 ||
		    person_of(e, p.v[0].mentor, &mentor_person) < 0) {
			free(p.v);
			goto out;
		}
		r = store_exec(e->st, "UPDATE checkins SET nudged_at = ? WHERE id = ?", "ti", e->now, n.v[i].id);
		if (r == 0)
			r = send_checkin(e, &p.v[0], mentor_person == n.v[i].person, n.v[i].number,
			    "checkin-nudge", "checkin-nudge", n.v[i].id, n.v[i].sent, error_r);
		free(p.v);
		if (r < 0)
			goto out;
	}
	/* still silent a nudge period later: flagged for the digest */
	if (store_exec(e->st, "UPDATE checkins SET flagged_at = ? WHERE answer IS NULL AND flagged_at IS NULL"
	    " AND nudged_at IS NOT NULL AND nudged_at <= ?", "tt", e->now, limit) < 0)
		goto out;
	ret = 0;
out:
	free(n.v);
	return ret;
}

/* What the edition report counts is made sure of before the fields it
 * comes from go: whether each pair shares a department and a field. */
static int keep_counts(struct engine *e)
{
	struct store_ids pairs = { NULL, 0 };
	size_t i;
	int ret = 0;

	if (store_query(e->st, "SELECT id FROM pairs WHERE same_department IS NULL AND cohort_id IN"
	    " (SELECT id FROM temp.expired)", store_ids_row, &pairs, NULL) < 0)
		return -1;
	for (i = 0; i < pairs.n && ret == 0; i++)
		ret = roster_pair_shares(e, pairs.v[i]);
	free(pairs.v);
	return ret;
}

/* People with nothing in a cohort still held are erased from everything
 * (erase.h). */
static int forget_people(struct engine *e, char **error_r)
{
	struct store_ids ids = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT id FROM people WHERE erased_at IS NULL"
	    " AND EXISTS (SELECT 1 FROM applications a WHERE a.person_id = people.id)"
	    " AND NOT EXISTS (SELECT 1 FROM applications a JOIN cohorts c ON c.id = a.cohort_id"
	    " WHERE a.person_id = people.id AND c.anonymised_at IS NULL"
	    " AND c.id NOT IN (SELECT id FROM temp.expired)) ORDER BY id", store_ids_row, &ids, NULL) < 0)
		return -1;
	for (i = 0; i < ids.n; i++)
		if (erase_person(e, ids.v[i], error_r) < 0)
			goto out;
	ret = 0;
out:
	free(ids.v);
	return ret;
}

/* Personal data of cohorts closed retention_days ago is removed; the counts
 * (applications, pairs and what they shared, training answers, check-in
 * answers, cases by date, feedback answers as figures) stay for the
 * edition report. Free text goes: case text, pairs' reasons, feedback
 * words, quotes and unclear answers. */
static int retention(struct engine *e, long *anonymised_r, char **error_r)
{
	time_t limit = time_add_days(e->now, -e->cfg->programme.retention_days);
	int64_t closed = 0;

	if (store_exec(e->st, "CREATE TEMP TABLE IF NOT EXISTS expired(id INTEGER PRIMARY KEY)", NULL) < 0 ||
	    store_exec(e->st, "DELETE FROM temp.expired", NULL) < 0 ||
	    store_exec(e->st, "INSERT INTO temp.expired SELECT id FROM cohorts WHERE status = 'closed'"
	    " AND closed_at <= ? AND anonymised_at IS NULL", "t", limit) < 0 ||
	    keep_counts(e) < 0)
		return -1;
	/* first, while their names and case texts are there to be found */
	if (store_query_int(e->st, &closed, "SELECT coalesce(max(closed_at), 0) FROM cohorts"
	    " WHERE id IN (SELECT id FROM temp.expired)", NULL) < 0 ||
	    (closed > 0 && quarantine_drop_before(e, (time_t)closed) < 0) ||
	    forget_people(e, error_r) < 0 ||
	    store_exec(e->st, "UPDATE cases SET text = NULL WHERE pair_id IN (SELECT id FROM pairs"
	    " WHERE cohort_id IN (SELECT id FROM temp.expired))", NULL) < 0 ||
	    store_exec(e->st, "UPDATE cases SET text = NULL WHERE cohort_id IN (SELECT id FROM temp.expired)",
	    NULL) < 0 ||
	    store_exec(e->st, "UPDATE feedback SET quote = NULL, unclear = NULL, text = NULL"
	    " WHERE cohort_id IN (SELECT id FROM temp.expired)", NULL) < 0 ||
	    /* an offer to carry an expired application over names its address,
	     * a change asked to one holds its fields */
	    store_exec(e->st, "UPDATE confirmations SET address = 'erased', payload = NULL"
	    " WHERE kind IN ('carry-over', 'update') AND ref_id IN (SELECT id FROM applications"
	    " WHERE cohort_id IN (SELECT id FROM temp.expired))", NULL) < 0 ||
	    store_exec(e->st, "UPDATE pairs SET reasons = NULL, end_reason = NULL"
	    " WHERE cohort_id IN (SELECT id FROM temp.expired)", NULL) < 0 ||
	    store_exec(e->st, "UPDATE choices SET motivation = NULL WHERE mentee_app IN (SELECT id"
	    " FROM applications WHERE cohort_id IN (SELECT id FROM temp.expired))", NULL) < 0 ||
	    store_exec(e->st, "UPDATE applications SET name = NULL, department = NULL, field = NULL,"
	    " topics = NULL, about = NULL, pref_mentors = NULL, gender = NULL, pref_gender = NULL"
	    " WHERE cohort_id IN (SELECT id FROM temp.expired)", NULL) < 0 ||
	    store_exec(e->st, "UPDATE cohorts SET status = 'anonymised', anonymised_at = ?"
	    " WHERE id IN (SELECT id FROM temp.expired)", "t", e->now) < 0)
		return -1;
	*anonymised_r += store_changes(e->st);
	return 0;
}

/* Unconfirmed applications: one reminder half-way, then they expire. */
static int expiry(struct engine *e, char **error_r)
{
	long days = e->cfg->programme.confirm_days;
	struct store_ids ids = { NULL, 0 };
	char *cohort = NULL, today[16];
	size_t i;
	int ret = -1;

	/* the answers counted for unproven addresses on days gone by */
	time_local_date(e->now, today, sizeof(today));
	if (store_exec(e->st, "DELETE FROM unproven_answers WHERE day < ?", "s", today) < 0 ||
	    roster_applications_expire(e, 0, time_add_days(e->now, -days)) < 0 ||
	    store_query(e->st, "SELECT id FROM applications WHERE status = 'pending' AND reminded_at IS NULL"
	    " AND " ROSTER_CONFIRM_CLOCK_SQL " <= ? ORDER BY id", store_ids_row, &ids, "t",
	    time_add_days(e->now, -(days / 2))) < 0)
		goto out;
	for (i = 0; i < ids.n; i++) {
		struct application a;
		struct vars v = { { NULL }, { NULL }, 0 };
		int r;

		if (roster_application_by_id(e, ids.v[i], &a) != 1 ||
		    roster_cohort_name(e, a.cohort_id, &cohort) < 0)
			goto out;
		vars_set(&v, "token", a.token);
		vars_set(&v, "role", roster_role_word(a.role, a.language));
		vars_set(&v, "cohort", cohort);
		vars_setf(&v, "days", "%ld", (long)((e->now - a.created_at) / DAY));
		r = store_exec(e->st, "UPDATE applications SET reminded_at = ? WHERE id = ?", "ti", e->now, a.id);
		if (r == 0) {
			vars_set(&v, "name", a.name);
			r = notify_person(e, &a, &(struct notice){ .kind = "confirm-request",
			    .tmpl = "confirm-reminder", .vars = &v, .ref_kind = "application",
			    .ref_id = a.id }, error_r);
		}
		vars_deinit(&v);
		roster_application_deinit(&a);
		xfree(&cohort);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	free(cohort);
	free(ids.v);
	return ret;
}

static int due(struct engine *e, long *anonymised_r, char **error_r)
{
	struct pairs p = { NULL, 0 };
	long dropped = 0;
	size_t i;
	int ret = -1;

	if (active_pairs(e, 0, &p) < 0)
		return -1;
	for (i = 0; i < p.n; i++) {
		if (checkins_due(e, &p.v[i], error_r) < 0)
			goto out;
		if (p.v[i].feedback_at == 0 &&
		    add_months(p.v[i].introduced, e->cfg->schedule.programme_months) <= e->now &&
		    followup_ask_feedback(e, p.v[i].id, p.v[i].mentor, p.v[i].mentee, 0, error_r) < 0)
			goto out;
	}
	if (nudges(e, error_r) < 0 || followup_feedback_nudges(e, error_r) < 0 ||
	    expiry(e, error_r) < 0 || retention(e, anonymised_r, error_r) < 0 ||
	    quarantine_prune(e, NULL, &dropped) < 0)
		goto out;
	ret = 0;
out:
	free(p.v);
	return ret;
}

static void lower(struct engine *e, time_t *next, time_t t)
{
	if (t > e->now && (*next == 0 || t < *next))
		*next = t;
}

/* The earliest row time after since, moved on by days (0 if none). */
static int earliest(struct engine *e, time_t *next, long days, const char *sql)
{
	int64_t v = 0;

	if (store_query_int(e->st, &v, sql, "t", time_add_days(e->now, -days)) < 0)
		return -1;
	if (v != 0)
		lower(e, next, time_add_days((time_t)v, days));
	return 0;
}

/* What due() would do next, and when: the same rules, looked at ahead. */
int followup_next_due(struct engine *e, time_t *next)
{
	const struct config *cfg = e->cfg;
	struct pairs p = { NULL, 0 };
	long confirm = cfg->programme.confirm_days, nudge = cfg->schedule.nudge_after_days;
	size_t i;
	int ret = -1;

	if (active_pairs(e, 0, &p) < 0)
		return -1;
	for (i = 0; i < p.n; i++) {
		time_t end = add_months(p.v[i].introduced, cfg->schedule.programme_months), t;

		if (p.v[i].paused_until > e->now) {
			lower(e, next, p.v[i].paused_until);
		} else {
			t = checkin_at(cfg, p.v[i].introduced,
			    checkin_latest(cfg, p.v[i].introduced, e->now) + 1);
			if (t < end)
				lower(e, next, t);
		}
		if (p.v[i].feedback_at == 0)
			lower(e, next, end);
	}
	if (earliest(e, next, nudge, "SELECT coalesce(min(k.sent_at), 0) FROM checkins k"
	    " JOIN pairs p ON p.id = k.pair_id WHERE p.status = 'active' AND k.answer IS NULL"
	    " AND k.nudged_at IS NULL AND k.sent_at > ?") < 0 ||
	    earliest(e, next, nudge, "SELECT coalesce(min(nudged_at), 0) FROM checkins"
	    " WHERE answer IS NULL AND flagged_at IS NULL AND nudged_at > ?") < 0 ||
	    earliest(e, next, confirm, "SELECT coalesce(min(" ROSTER_CONFIRM_CLOCK_SQL "), 0)"
	    " FROM applications WHERE status = 'pending' AND " ROSTER_CONFIRM_CLOCK_SQL " > ?") < 0 ||
	    earliest(e, next, confirm / 2, "SELECT coalesce(min(" ROSTER_CONFIRM_CLOCK_SQL "), 0)"
	    " FROM applications WHERE status = 'pending' AND reminded_at IS NULL"
	    " AND " ROSTER_CONFIRM_CLOCK_SQL " > ?") < 0 ||
	    earliest(e, next, cfg->programme.retention_days, "SELECT coalesce(min(closed_at), 0)"
	    " FROM cohorts WHERE status = 'closed' AND anonymised_at IS NULL AND closed_at > ?") < 0)
		goto out;
	ret = 0;
out:
	free(p.v);
	return ret;
}

int followup_due(struct engine *e, long *anonymised_r, char **error_r)
{
	*anonymised_r = 0;
	if (store_begin(e->st) < 0)
		return -1;
	if (due(e, anonymised_r, error_r) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}

/* ---- answers ---- */

static int open_case(struct msgctx *c, int64_t person, int64_t pair, const char *text,
    char **error_r)
{
	char *lang = roster_person_language(c->e, c->m->from_addr), desc[64];
	int64_t id = 0;
	int ret;

	snprintf(desc, sizeof(desc), "#%" PRId64 " (from a check-in answer)", pair);
	ret = cases_open(c, &(struct case_report){ .person_id = person, .pair_id = pair, .text = text,
	    .role = "", .pair = desc, .lang = notify_language(c->e, lang, NULL, 0) }, &id, error_r);
	if (ret == 0 && id != 0)
		inbound_outcome(c, "check-in answer: problem; case %" PRId64 " opened", id);
	free(lang);
	return ret;
}

static int tell_end(struct msgctx *c, int64_t pair, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char pairs[64];
	int ret = notify_committee_from(c, error_r);

	if (ret <= 0)
		return ret;
	snprintf(pairs, sizeof(pairs), "#%" PRId64, pair);
	vars_set(&v, "who", c->m->from_name != NULL ? c->m->from_name : c->m->from_addr);
	vars_set(&v, "pair", pairs);
	ret = notify_committee(c->e, &(struct notice){ .kind = "issue-notice",
	    .tmpl = "checkin-end", .vars = &v, .reply_to = c->m->from_addr,
	    .cause = c->inbound_id }, error_r);
	vars_deinit(&v);
	return ret;
}

struct checkin_row {
	int64_t pair, person;
	char *address;
	int answered;
};

static int checkin_cb(const struct store_row *row, void *arg)
{
	struct checkin_row *k = arg;
	const char *a = store_row_text(row, 2);

	k->pair = store_row_int(row, 0);
	k->person = store_row_int(row, 1);
	k->address = a != NULL ? xstrdup(a) : NULL;
	k->answered = !store_row_is_null(row, 3);
	return 1;
}

int followup_checkin_reply(struct msgctx *c, int64_t checkin_id, char **error_r)
{
	static const char *const words[] = { "", "ok", "met", "problem", "pause", "end" };
	struct checkin_row k = { 0, 0, NULL, 0 };
	enum checkin_answer a;
	char *rest = NULL;
	int ret = -1;

	if (store_query(c->e->st, "SELECT k.pair_id, k.person_id, p.address, k.answer FROM checkins k"
	    " JOIN people p ON p.id = k.person_id WHERE k.id = ?", checkin_cb, &k, "i", checkin_id) < 0)
		return -1;
	if (k.address == NULL || !str_eq_ci(k.address, c->m->from_addr)) {
		inbound_leave(c, "check-in answer from another address");
		ret = 0;
		goto out;
	}
	a = command_checkin_answer(c->text, &rest);
	if (a == CHK_NONE) {
		/* words the robot cannot read: a person will */
		if (store_exec(c->e->st, "UPDATE checkins SET answer = coalesce(answer, 'other'),"
		    " answered_at = coalesce(answered_at, ?) WHERE id = ?", "ti", c->e->now, checkin_id) < 0)
			goto out;
		inbound_leave(c, "check-in answer in words");
		ret = 0;
		goto out;
	}
	if (store_exec(c->e->st, "UPDATE checkins SET answer = ?, answered_at = ? WHERE id = ?", "sti",
	    words[a], c->e->now, checkin_id) < 0)
		goto out;
	inbound_outcome(c, "check-in answer: %s", words[a]);
	if (a == CHK_PROBLEM) {
		ret = open_case(c, k.person, k.pair, rest != NULL && rest[0] != '\0' ? rest : c->text,
		    error_r);
		goto out;
	}
	if (a == CHK_END) {
		ret = tell_end(c, k.pair, error_r);
		goto out;
	}
	if (a == CHK_PAUSE && roster_pair_pause(c->e, k.pair,
	    time_add_days(c->e->now, c->e->cfg->schedule.checkin_every_days)) < 0)
		goto out;
	ret = 0;
out:
	free(rest);
	free(k.address);
	return ret < 0 ? -1 : 1;
}

/* The cohort closes: participants are asked for feedback, pairs end,
 * proposals and unconfirmed applications lapse. */
static int close_cohort(struct engine *e, int64_t cohort_id, int64_t cause, char **error_r)
{
	struct pairs p = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (active_pairs(e, cohort_id, &p) < 0)
		return -1;
	for (i = 0; i < p.n; i++)
		if (p.v[i].feedback_at == 0 && followup_ask_feedback(e, p.v[i].id, p.v[i].mentor,
		    p.v[i].mentee, cause, error_r) < 0)
			goto out;
	if (roster_pairs_move(e, cohort_id, 0, PAIR_ENDED, "cohort closed") < 0 ||
	    roster_pairs_move(e, cohort_id, 0, PAIR_REJECTED, NULL) < 0 ||
	    roster_applications_expire(e, cohort_id, 0) < 0 ||
	    roster_cohort_close(e, cohort_id) < 0)
		goto out;
	ret = 0;
out:
	free(p.v);
	return ret;
}

int followup_cohort_open(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	char *name = NULL;
	int64_t id = 0;
	int r = roster_open_cohort(e, &id, &name);

	(void)cause;
	(void)error_r;
	if (r < 0)
		return -1;
	if (r == 1) {
		buf_printf(out, "cohort open: %s is still open; close it first (cohort close)\n", name);
		free(name);
		return 0;
	}
	if (cmd->arg1 == NULL || cmd->arg1[0] == '\0') {
		buf_printf(out, "cohort open: a name is needed, e.g. cohort open 2027\n");
		return 0;
	}
	r = roster_cohort_new(e, cmd->arg1);
	if (r < 0)
		return -1;
	if (r == 0)
		buf_printf(out, "cohort open: a cohort named %s existed already; choose another name\n",
		    cmd->arg1);
	else
		buf_printf(out, "cohort open: %s is open; applications go to it\n", cmd->arg1);
	return 0;
}

int followup_cohort_close(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	char *name = NULL;
	int64_t id = 0;
	int r = roster_open_cohort(e, &id, &name);

	(void)cmd;
	if (r == 0)
		buf_printf(out, "cohort close: no cohort is open (cohort open NAME starts one)\n");
	if (r <= 0)
		return r;
	r = close_cohort(e, id, cause, error_r);
	if (r == 0)
		buf_printf(out, "cohort close: %s is closed; participants were asked for feedback; personal"
		    " data will be anonymised after %ld days\n", name, e->cfg->programme.retention_days);
	free(name);
	return r;
}
