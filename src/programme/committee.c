#include "committee.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cases.h"
#include "confirm.h"
#include "bounds.h"
#include "config.h"
#include "digest.h"
#include "engine.h"
#include "followup.h"
#include "log.h"
#include "match.h"
#include "mime.h"
#include "outbox.h"
#include "inbound.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "training.h"
#include "util.h"

#define COMMAND_TEXT_MAX (64u * 1024)

static void say(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct buf *out, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(out, s);
	buf_addc(out, '\n');
	free(s);
}

static int open_cohort(struct engine *e, const char *what, struct buf *out, int64_t *id_r,
    char **name_r)
{
	int r = roster_open_cohort(e, id_r, name_r);

	if (r == 0)
		say(out, "%s: no cohort is open (cohort open NAME starts one)", what);
	return r;
}

/* ---- match ---- */

struct people_arg {
	struct application *apps;
	size_t n;
};

static int app_id_row(const struct store_row *row, void *arg)
{
	struct people_arg *p = arg;

	p->apps = xrealloc(p->apps, (p->n + 1) * sizeof(*p->apps));
	memset(&p->apps[p->n], 0, sizeof(p->apps[p->n]));
	p->apps[p->n].id = store_row_int(row, 0);
	p->apps[p->n].capacity = (long)store_row_int(row, 1);
	p->n++;
	return 0;
}

static void free_apps(struct people_arg *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		roster_application_deinit(&p->apps[i]);
	free(p->apps);
	p->apps = NULL;
	p->n = 0;
}

/* Confirmed mentors with room left, and confirmed mentees without a pair. */
static int load_candidates(struct engine *e, int64_t cohort, struct people_arg *mentors,
    struct people_arg *mentees)
{
	size_t i;

	if (store_query(e->st, "SELECT a.id, a.capacity - (SELECT count(*) FROM pairs p"
	    " WHERE p.mentor_app = a.id AND p.status = 'active') FROM applications a"
	    " WHERE a.cohort_id = ? AND a.role = 'mentor' AND a.status = 'confirmed' ORDER BY a.id",
	    app_id_row, mentors, "i", cohort) < 0 ||
	    store_query(e->st, "SELECT a.id, 1 FROM applications a WHERE a.cohort_id = ?"
	    " AND a.role = 'mentee' AND a.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM pairs p"
	    " WHERE p.mentee_app = a.id AND p.status = 'active') ORDER BY a.id",
	    app_id_row, mentees, "i", cohort) < 0)
		return -1;
	for (i = 0; i < mentors->n; i++) {
		long room = mentors->apps[i].capacity;

		if (roster_application_by_id(e, mentors->apps[i].id, &mentors->apps[i]) != 1)
			return -1;
		mentors->apps[i].capacity = room;
	}
	for (i = 0; i < mentees->n; i++)
		if (roster_application_by_id(e, mentees->apps[i].id, &mentees->apps[i]) != 1)
			return -1;
	return 0;
}

static void to_person(const struct application *a, struct match_person *p)
{
	memset(p, 0, sizeof(*p));
	p->id = a->id;
	p->name = a->name;
	p->address = a->address;
	p->department = a->department != NULL ? a->department : "";
	p->fields = a->field != NULL ? a->field : "";
	p->topics = a->topics;
	p->language = a->language;
	p->gender = a->gender;
	p->capacity = a->capacity > 0 ? (int)a->capacity : 0;
	p->preference = a->preference;
	p->pref_gender = a->pref_gender;
	p->pref_mentors = a->pref_mentors;
}

static void describe(struct buf *b, const struct application *a)
{
	buf_printf(b, "%s <%s> (%s; %s)", a->name, a->address, a->department, a->field);
}

static int send_proposal(struct engine *e, int64_t proposal, const char *cohort, const char *list,
    const char *unmatched, size_t count, int64_t cause, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int ret;

	vars_set(&v, "cohort", cohort);
	vars_set(&v, "proposal", list);
	vars_set(&v, "unmatched", unmatched);
	vars_setf(&v, "count", "%zu", count);
	vars_set(&v, "name", "");
	ret = notify_committee(e, &(struct notice){ .kind = "proposal", .vars = &v,
	    .all_members = 1, .cause = cause, .ref_kind = "proposal", .ref_id = proposal },
	    error_r);
	vars_deinit(&v);
	return ret;
}

static int cmd_match(struct engine *e, int64_t cause, struct buf *out)
{
	struct people_arg mentors = { NULL, 0 }, mentees = { NULL, 0 };
	struct match_person *pm = NULL, *pe = NULL;
	struct match_weights w = { e->cfg->matching.department, e->cfg->matching.field,
		e->cfg->matching.topics, e->cfg->matching.language, e->cfg->matching.preferences };
	struct match_result res;
	struct buf list, unmatched;
	char *cohort_name = NULL, *err = NULL;
	int64_t cohort = 0, proposal;
	size_t i;
	int r, ret = -1;

	memset(&res, 0, sizeof(res));
	buf_init(&list, 4u * 1024 * 1024);
	buf_init(&unmatched, 4u * 1024 * 1024);
	buf_add(&list, "", 0);
	buf_add(&unmatched, "", 0);
	r = open_cohort(e, "match", out, &cohort, &cohort_name);
	if (r <= 0) {
		ret = r;
		goto out;
	}
	/* a new proposal replaces any earlier one still waiting */
	if (roster_pairs_move(e, cohort, 0, PAIR_REJECTED, NULL) < 0 ||
	    store_exec(e->st, "UPDATE proposals SET status = 'closed' WHERE status = 'open'"
	    " AND cohort_id = ?", "i", cohort) < 0 ||
	    load_candidates(e, cohort, &mentors, &mentees) < 0)
		goto out;
	pm = xcalloc(mentors.n + 1, sizeof(*pm));
	pe = xcalloc(mentees.n + 1, sizeof(*pe));
	for (i = 0; i < mentors.n; i++)
		to_person(&mentors.apps[i], &pm[i]);
	for (i = 0; i < mentees.n; i++)
		to_person(&mentees.apps[i], &pe[i]);
	if (match_propose(pm, mentors.n, pe, mentees.n, &w, &res) < 0) {
		say(out, "match: too many applicants for one proposal");
		ret = 0;
		goto out;
	}
	if (store_exec(e->st, "INSERT INTO proposals(cohort_id, created_at) VALUES(?, ?)", "it",
	    cohort, e->now) < 0)
		goto out;
	proposal = store_last_id(e->st);
	for (i = 0; i < res.n_pairs; i++) {
		const struct application *m = &mentors.apps[res.pairs[i].mentor];
		const struct application *t = &mentees.apps[res.pairs[i].mentee];
		int64_t pair = 0;

		if (roster_pair_new(e, &(struct pair_proposal){ .cohort_id = cohort, .mentor_app = m->id,
		    .mentee_app = t->id, .proposal_id = proposal, .number = (int64_t)(i + 1),
		    .score = (double)res.pairs[i].score / 100.0, .reasons = res.pairs[i].reasons },
		    &pair) < 0)
			goto out;
		buf_printf(&list, "%zu. mentor ", i + 1);
		describe(&list, m);
		buf_adds(&list, "\n   mentee ");
		describe(&list, t);
		buf_printf(&list, "\n   score %.2f: %s\n\n", (double)res.pairs[i].score / 100.0,
		    res.pairs[i].reasons);
	}
	for (i = 0; i < res.n_unmatched; i++) {
		const struct application *a = res.unmatched[i].is_mentor
		    ? &mentors.apps[res.unmatched[i].mentee_or_mentor]
		    : &mentees.apps[res.unmatched[i].mentee_or_mentor];

		buf_printf(&unmatched, "- %s ", res.unmatched[i].is_mentor ? "mentor" : "mentee");
		describe(&unmatched, a);
		buf_printf(&unmatched, ": %s\n", res.unmatched[i].why);
	}
	if (send_proposal(e, proposal, cohort_name, list.s, unmatched.s, res.n_pairs, cause, &err) < 0) {
		say(out, "match: %s", err);
		goto out;
	}
	say(out, "match: proposal %" PRId64 " of %zu pair(s) sent to the committee; %zu without a partner",
	    proposal, res.n_pairs, res.n_unmatched);
	ret = 0;
out:
	match_result_free(&res);
	free(pm);
	free(pe);
	free_apps(&mentors);
	free_apps(&mentees);
	buf_deinit(&list);
	buf_deinit(&unmatched);
	free(cohort_name);
	free(err);
	return ret;
}

/* ---- introductions, approvals ---- */

static void person_vars(struct vars *v, const char *prefix, const struct application *a)
{
	static const char *const mentor_names[] = { "mentor_name", "mentor_address",
		"mentor_department", "mentor_field", "mentor_topics", "mentor_about" };
	static const char *const mentee_names[] = { "mentee_name", "mentee_address",
		"mentee_department", "mentee_field", "mentee_topics", "mentee_about" };
	const char *const *n = strcmp(prefix, "mentor") == 0 ? mentor_names : mentee_names;

	vars_set(v, n[0], a->name);
	vars_set(v, n[1], a->address);
	vars_set(v, n[2], a->department);
	vars_set(v, n[3], a->field);
	vars_set(v, n[4], a->topics != NULL ? a->topics : "");
	vars_set(v, n[5], a->about != NULL ? a->about : "");
}

static int introduce(struct engine *e, int64_t pair, const struct application *mentor,
    const struct application *mentee, int64_t cause, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *cohort = NULL;
	int ret = -1;

	if (roster_cohort_name(e, mentor->cohort_id, &cohort) < 0)
		return -1;
	person_vars(&v, "mentor", mentor);
	person_vars(&v, "mentee", mentee);
	vars_set(&v, "cohort", cohort);
	vars_setf(&v, "name", "%s, %s", mentor->name, mentee->name);
	ret = notify_pair(e, mentor, mentee, &(struct notice){ .kind = "introduction", .vars = &v,
	    .cause = cause, .ref_kind = "pair", .ref_id = pair }, error_r);
	vars_deinit(&v);
	free(cohort);
	return ret;
}

static int activate(struct engine *e, int64_t pair, int64_t mentor_id, int64_t mentee_id,
    int64_t cause, struct buf *out, const char *label)
{
	struct application mentor, mentee;
	int64_t other_pair = 0, other = 0;
	long load = 0;
	char *err = NULL;
	int r, ret = -1;

	memset(&mentor, 0, sizeof(mentor));
	memset(&mentee, 0, sizeof(mentee));
	if (roster_application_by_id(e, mentor_id, &mentor) != 1 ||
	    roster_application_by_id(e, mentee_id, &mentee) != 1 ||
	    roster_mentor_load(e, mentor_id, &load) < 0)
		goto out;
	if (strcmp(mentor.status, "confirmed") != 0 || strcmp(mentee.status, "confirmed") != 0) {
		say(out, "%s: not approved: %s has withdrawn", label,
		    strcmp(mentor.status, "confirmed") != 0 ? mentor.name : mentee.name);
		ret = roster_pair_move(e, pair, PAIR_REJECTED, NULL) < 0 ? -1 : 0;
		goto out;
	}
	if (roster_active_pair_of(e, mentee_id, &other_pair, &other) != 0 || load >= mentor.capacity) {
		say(out, "%s: not approved: %s", label, load >= mentor.capacity
		    ? "the mentor is at capacity" : "the mentee is already paired");
		ret = roster_pair_move(e, pair, PAIR_REJECTED, NULL) < 0 ? -1 : 0;
		goto out;
	}
	r = roster_pair_move(e, pair, PAIR_ACTIVE, NULL);
	if (r <= 0) {
		if (r == 0)
			say(out, "%s: not approved: the pair is no longer proposed", label);
		ret = r;
		goto out;
	}
	if (introduce(e, pair, &mentor, &mentee, cause, &err) < 0) {
		log_err("introduction of pair %lld: %s", (long long)pair, err);
		goto out;
	}
	if (training_pair_added(e, pair, cause) < 0)
		goto out;
	say(out, "%s: pair %" PRId64 " approved: %s and %s introduced", label, pair, mentor.name,
	    mentee.name);
	ret = 0;
out:
	free(err);
	roster_application_deinit(&mentor);
	roster_application_deinit(&mentee);
	return ret;
}

static int waitlist_row(const struct store_row *row, void *arg)
{
	struct people_arg *p = arg;

	p->apps = xrealloc(p->apps, (p->n + 1) * sizeof(*p->apps));
	memset(&p->apps[p->n], 0, sizeof(p->apps[p->n]));
	p->apps[p->n].id = store_row_int(row, 0);
	p->n++;
	return 0;
}

/* Every confirmed applicant the proposal leaves without a partner hears
 * so, once. */
static int waitlist(struct engine *e, int64_t cohort, int64_t cause, struct buf *out)
{
	struct people_arg left = { NULL, 0 };
	char *name = NULL, *err = NULL;
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT a.id FROM applications a WHERE a.cohort_id = ?"
	    " AND a.status = 'confirmed' AND a.waitlisted_at IS NULL AND NOT EXISTS (SELECT 1"
	    " FROM pairs p WHERE p.status = 'active' AND (p.mentor_app = a.id OR p.mentee_app = a.id))"
	    " ORDER BY a.id", waitlist_row, &left, "i", cohort) < 0 ||
	    roster_cohort_name(e, cohort, &name) < 0)
		goto out;
	for (i = 0; i < left.n; i++) {
		struct vars v = { { NULL }, { NULL }, 0 };
		struct application a;
		int r;

		if (roster_application_by_id(e, left.apps[i].id, &a) != 1)
			goto out;
		vars_set(&v, "role", roster_role_word(a.role, a.language));
		vars_set(&v, "cohort", name);
		r = notify_person(e, &a, &(struct notice){ .kind = "waitlist", .vars = &v,
		    .cause = cause }, &err);
		vars_deinit(&v);
		if (r == 0)
			r = store_exec(e->st, "UPDATE applications SET waitlisted_at = ? WHERE id = ?",
			    "ti", e->now, a.id);
		roster_application_deinit(&a);
		if (r < 0)
			goto out;
	}
	if (left.n > 0)
		say(out, "waitlist: %zu applicant(s) without a partner were told", left.n);
	ret = 0;
out:
	if (err != NULL)
		log_err("waitlist: %s", err);
	free(err);
	free(name);
	free_apps(&left);
	return ret;
}

struct pair_row {
	int64_t id, mentor, mentee, number;
};

struct pairs_arg {
	struct pair_row *v;
	size_t n;
};

static int pair_row_cb(const struct store_row *row, void *arg)
{
	struct pairs_arg *p = arg;

	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n].id = store_row_int(row, 0);
	p->v[p->n].mentor = store_row_int(row, 1);
	p->v[p->n].mentee = store_row_int(row, 2);
	p->v[p->n].number = store_row_int(row, 3);
	p->n++;
	return 0;
}

static int wanted(const struct committee_command *cmd, int64_t number)
{
	size_t i;

	if (cmd->all)
		return 1;
	for (i = 0; i < cmd->n_nums; i++)
		if (cmd->nums[i] == number)
			return 1;
	return 0;
}

static int cmd_decide(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out)
{
	const char *what = cmd->cmd == CCMD_APPROVE ? "approve" : "reject";
	struct pairs_arg pairs = { NULL, 0 };
	int64_t cohort = 0, proposal = 0, left = 0;
	size_t i, j;
	int r, ret = -1;

	r = open_cohort(e, what, out, &cohort, NULL);
	if (r <= 0)
		return r;
	if (store_query_int(e->st, &proposal, "SELECT id FROM proposals WHERE cohort_id = ?"
	    " AND status = 'open' ORDER BY id DESC LIMIT 1", "i", cohort) < 0)
		return -1;
	if (proposal == 0) {
		say(out, "%s: no proposal is waiting (send match first)", what);
		return 0;
	}
	if (store_query(e->st, "SELECT id, mentor_app, mentee_app, number FROM pairs"
	    " WHERE proposal_id = ? AND status = 'proposed' ORDER BY number", pair_row_cb, &pairs,
	    "i", proposal) < 0)
		goto out;
	for (j = 0; j < cmd->n_nums; j++) {
		int known = 0;

		for (i = 0; i < pairs.n; i++)
			known |= pairs.v[i].number == cmd->nums[j];
		if (!known)
			say(out, "%s %ld: no such pair waiting in proposal %" PRId64, what, cmd->nums[j], proposal);
	}
	for (i = 0; i < pairs.n; i++) {
		char label[64];

		if (!wanted(cmd, pairs.v[i].number))
			continue;
		snprintf(label, sizeof(label), "%s %" PRId64, what, pairs.v[i].number);
		if (cmd->cmd == CCMD_REJECT) {
			if (roster_pair_move(e, pairs.v[i].id, PAIR_REJECTED, NULL) < 0)
				goto out;
			say(out, "%s: pair rejected", label);
		} else if (activate(e, pairs.v[i].id, pairs.v[i].mentor, pairs.v[i].mentee, cause, out,
		    label) < 0) {
			goto out;
		}
	}
	if (store_query_int(e->st, &left, "SELECT count(*) FROM pairs WHERE proposal_id = ?"
	    " AND status = 'proposed'", "i", proposal) < 0)
		goto out;
	if (left == 0) {
		if (store_exec(e->st, "UPDATE proposals SET status = 'closed' WHERE id = ?", "i", proposal) < 0 ||
		    waitlist(e, cohort, cause, out) < 0)
			goto out;
		say(out, "proposal %" PRId64 " is settled", proposal);
	} else {
		say(out, "proposal %" PRId64 ": %" PRId64 " pair(s) still waiting for a decision", proposal, left);
	}
	ret = 0;
out:
	free(pairs.v);
	return ret;
}

static int cmd_pair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out)
{
	struct application mentor, mentee;
	int64_t cohort = 0, pair = 0;
	int r, ret = -1;

	memset(&mentor, 0, sizeof(mentor));
	memset(&mentee, 0, sizeof(mentee));
	r = open_cohort(e, "pair", out, &cohort, NULL);
	if (r <= 0)
		return r;
	if (roster_application_live(e, cohort, cmd->arg1, &mentor) < 0 ||
	    roster_application_live(e, cohort, cmd->arg2, &mentee) < 0)
		goto out;
	if (mentor.id == 0 || strcmp(mentor.role, "mentor") != 0 || strcmp(mentor.status, "confirmed") != 0) {
		say(out, "pair: %s has no confirmed mentor application in this cohort", cmd->arg1);
		ret = 0;
		goto out;
	}
	if (mentee.id == 0 || strcmp(mentee.role, "mentee") != 0 || strcmp(mentee.status, "confirmed") != 0) {
		say(out, "pair: %s has no confirmed mentee application in this cohort", cmd->arg2);
		ret = 0;
		goto out;
	}
	if (roster_pair_new(e, &(struct pair_proposal){ .cohort_id = cohort, .mentor_app = mentor.id,
	    .mentee_app = mentee.id, .reasons = "paired by the committee" }, &pair) < 0)
		goto out;
	ret = activate(e, pair, mentor.id, mentee.id, cause, out, "pair");
out:
	roster_application_deinit(&mentor);
	roster_application_deinit(&mentee);
	return ret;
}

static int cmd_unpair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out)
{
	struct pairs_arg pairs = { NULL, 0 };
	struct application a[2];
	char *err = NULL;
	int i, ret = -1;

	memset(a, 0, sizeof(a));
	if (cmd->n_nums != 1 || store_query(e->st, "SELECT id, mentor_app, mentee_app, 0 FROM pairs"
	    " WHERE id = ? AND status = 'active'", pair_row_cb, &pairs, "i", (int64_t)cmd->nums[0]) < 0)
		goto out;
	if (pairs.n == 0) {
		say(out, "unpair %ld: no such active pair", cmd->n_nums ? cmd->nums[0] : 0L);
		ret = 0;
		goto out;
	}
	if (roster_pair_move(e, pairs.v[0].id, PAIR_ENDED, cmd->arg1) != 1 ||
	    roster_application_by_id(e, pairs.v[0].mentor, &a[0]) != 1 ||
	    roster_application_by_id(e, pairs.v[0].mentee, &a[1]) != 1)
		goto out;
	/* both are told politely; the reason stays with the committee */
	for (i = 0; i < 2; i++) {
		struct vars v = { { NULL }, { NULL }, 0 };
		int r;

		vars_set(&v, "partner_name", a[1 - i].name);
		r = notify_person(e, &a[i], &(struct notice){ .kind = "withdrawn",
		    .tmpl = "pair-ended", .vars = &v, .cause = cause }, &err);
		vars_deinit(&v);
		if (r < 0)
			goto out;
	}
	say(out, "unpair %" PRId64 ": %s and %s are no longer paired; both were told", pairs.v[0].id,
	    a[0].name, a[1].name);
	ret = 0;
out:
	if (err != NULL)
		log_err("unpair: %s", err);
	free(err);
	free(pairs.v);
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

static int cmd_cohort_open(struct engine *e, const struct committee_command *cmd, struct buf *out)
{
	char *name = NULL;
	int64_t id = 0, exists = 0;
	int r = roster_open_cohort(e, &id, &name);

	if (r < 0)
		return -1;
	if (r == 1) {
		say(out, "cohort open: %s is still open; close it first (cohort close)", name);
		free(name);
		return 0;
	}
	if (cmd->arg1 == NULL || cmd->arg1[0] == '\0') {
		say(out, "cohort open: a name is needed, e.g. cohort open 2027");
		return 0;
	}
	if (store_query_int(e->st, &exists, "SELECT count(*) FROM cohorts WHERE name = ?", "s", cmd->arg1) < 0)
		return -1;
	if (exists) {
		say(out, "cohort open: a cohort named %s existed already; choose another name", cmd->arg1);
		return 0;
	}
	if (store_exec(e->st, "INSERT INTO cohorts(name, status, opened_at) VALUES(?, 'open', ?)", "st",
	    cmd->arg1, e->now) < 0 ||
	    store_exec(e->st, "DELETE FROM meta WHERE key = 'next_cohort'", NULL) < 0)
		return -1;
	say(out, "cohort open: %s is open; applications go to it", cmd->arg1);
	return 0;
}

static int cmd_cohort_close(struct engine *e, int64_t cause, struct buf *out)
{
	char *name = NULL;
	int64_t id = 0;
	int r = open_cohort(e, "cohort close", out, &id, &name);

	if (r <= 0)
		return r;
	r = followup_cohort_close(e, id, cause);
	if (r == 0)
		r = store_exec(e->st, "UPDATE cohorts SET status = 'closed', closed_at = ? WHERE id = ?",
		    "ti", e->now, id);
	if (r == 0) {
		say(out, "cohort close: %s is closed; participants were asked for feedback; personal"
		    " data will be anonymised after %ld days", name, e->cfg->programme.retention_days);
	}
	free(name);
	return r;
}

int committee_exec(struct engine *e, const char *actor, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	int ret = 0;

	(void)error_r; /* the handlers fill it in the next step */
	if (cmd->error != NULL) {
		say(out, "%s", cmd->error);
		return 0;
	}
	switch (cmd->cmd) {
	case CCMD_MATCH:
		ret = cmd_match(e, cause, out);
		break;
	case CCMD_APPROVE:
	case CCMD_REJECT:
		ret = cmd_decide(e, cmd, cause, out);
		break;
	case CCMD_PAIR:
		ret = cmd_pair(e, cmd, cause, out);
		break;
	case CCMD_UNPAIR:
		ret = cmd_unpair(e, cmd, cause, out);
		break;
	case CCMD_TRAINING:
	case CCMD_TRAINING_UPDATE:
	case CCMD_TRAINING_CANCEL:
		ret = training_command(e, cmd, cause, out);
		break;
	case CCMD_CLOSE:
		ret = cases_command(e, cmd, cause, out, error_r);
		break;
	case CCMD_COHORT_OPEN:
		ret = cmd_cohort_open(e, cmd, out);
		break;
	case CCMD_COHORT_CLOSE:
		ret = cmd_cohort_close(e, cause, out);
		break;
	case CCMD_DIGEST:
		ret = digest_send(e, cause);
		if (ret == 0)
			say(out, "digest: sent to the committee");
		break;
	case CCMD_STATUS:
		ret = digest_status(e, out);
		break;
	case CCMD_COMMANDS:
	case CCMD_NONE:
		break;
	}
	if (ret == 0 && cmd->cmd != CCMD_STATUS && cmd->cmd != CCMD_NONE && cmd->cmd != CCMD_COMMANDS)
		ret = store_audit(e->st, e->now, actor, "command", out->s != NULL ? out->s : "");
	return ret;
}

int committee_exec_lines(struct engine *e, const char *actor, const char *text, int64_t cause,
    struct buf *out, char **error_r)
{
	const char *p = text, *nl;
	size_t lines = 0;

	while (*p != '\0' && lines < COMMAND_LINES_MAX) {
		struct committee_command cmd;
		char *line;
		int r;

		nl = strchr(p, '\n');
		line = str_trim(xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p)));
		p = nl != NULL ? nl + 1 : p + strlen(p);
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		lines++;
		buf_printf(out, "> %s\n", line);
		r = command_committee_parse(line, &cmd);
		if (r == 0)
			say(out, "not a command; nothing done");
		else if (committee_exec(e, actor, &cmd, cause, out, error_r) < 0)
			r = -1;
		command_committee_deinit(&cmd);
		free(line);
		if (r < 0)
			return -1;
		buf_addc(out, '\n');
	}
	if (lines == 0)
		say(out, "no command found");
	return 0;
}

static int reply_results(struct msgctx *c, const char *results, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int ret;

	vars_set(&v, "results", results);
	ret = notify_answer(c, &(struct notice){ .kind = "command-result",
	    .lang = notify_language(c->e, NULL, NULL, 1), .vars = &v }, error_r);
	vars_deinit(&v);
	return ret;
}

/* The command lines a member's message holds: its subject, or its body
 * when the subject is "commands"; NULL when the subject is no command. */
static char *command_lines(struct msgctx *c)
{
	struct committee_command cmd;
	char *subject = command_subject_strip(c->m->subject), *r = NULL;
	int found = command_committee_parse(subject, &cmd) == 1 && cmd.error == NULL;

	if (found && cmd.cmd == CCMD_COMMANDS) {
		r = xstrndup(c->text, strlen(c->text) < COMMAND_TEXT_MAX ? strlen(c->text) : COMMAND_TEXT_MAX);
		free(subject);
	} else if (found) {
		r = subject;
	} else {
		free(subject);
	}
	command_committee_deinit(&cmd);
	return r;
}

static int run_or_confirm(struct msgctx *c, const char *lines, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct buf out;
	char token[16];
	int64_t rowid = 0;
	int ret = -1;

	buf_init(&out, 1024 * 1024);
	buf_add(&out, "", 0);
	if (!auth_message_ok(c->m, c->e->cfg->committee.authserv_id)) {
		/* not proven to come from the member: they confirm by reply */
		if (confirm_new(c, "commands", 0, lines, token, &rowid) < 0)
			goto out;
		vars_set(&v, "token", token);
		vars_set(&v, "commands", lines);
		ret = notify_answer(c, &(struct notice){ .kind = "confirm-request",
		    .tmpl = "confirm-command", .lang = notify_language(c->e, NULL, NULL, 1),
		    .vars = &v, .ref_kind = "confirmation", .ref_id = rowid }, error_r);
		inbound_outcome(c, "committee commands held for confirmation");
		goto out;
	}
	if (committee_exec_lines(c->e, c->m->from_addr, lines, c->inbound_id, &out, error_r) < 0)
		goto out;
	ret = reply_results(c, out.s, error_r);
	inbound_outcome(c, "committee commands run");
out:
	vars_deinit(&v);
	buf_deinit(&out);
	return ret < 0 ? -1 : 1;
}

int committee_message(struct msgctx *c, char **error_r)
{
	char *lines = command_lines(c);
	int ret;

	if (lines == NULL)
		return 0;
	ret = run_or_confirm(c, lines, error_r);
	free(lines);
	return ret;
}

int committee_reply(struct msgctx *c, int64_t proposal_id, char **error_r)
{
	(void)proposal_id;
	return run_or_confirm(c, c->text, error_r);
}

int committee_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	struct buf out;
	int ret = -1;

	buf_init(&out, 1024 * 1024);
	buf_add(&out, "", 0);
	if (committee_exec_lines(c->e, c->m->from_addr, k->payload != NULL ? k->payload : "",
	    c->inbound_id, &out, error_r) == 0)
		ret = reply_results(c, out.s, error_r);
	inbound_outcome(c, "confirmed committee commands run");
	buf_deinit(&out);
	return ret < 0 ? -1 : 1;
}
