/* The pairs' side of the committee's commands (doc/DESIGN.md 3.4): match
 * proposes pairs for the open cohort, approve and reject settle them (an
 * approved pair is introduced and invited to a planned training; whoever a
 * settled proposal leaves without a partner hears so, once), pair and
 * unpair act by hand. A pair's status moves through roster.h only. */
#include "pairing.h"
#include "pairing_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "bounds.h"
#include "config.h"
#include "engine.h"
#include "invite.h"
#include "match.h"
#include "notify.h"
#include "roster.h"
#include "standing.h"
#include "store.h"
#include "template.h"
#include "util.h"

static int open_cohort(struct engine *e, const char *what, struct buf *out, int64_t *id_r,
    char **name_r)
{
	int r = roster_open_cohort(e, id_r, name_r);

	if (r == 0)
		buf_printf(out, "%s: no cohort is open (cohort open NAME starts one)\n", what);
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
	    " WHERE p.mentor_app = a.id AND p.status IN ('active', 'consent')) FROM applications a"
	    " WHERE a.cohort_id = ? AND a.role = 'mentor' AND a.status = 'confirmed' ORDER BY a.id",
	    app_id_row, mentors, "i", cohort) < 0 ||
	    /* carried over from a waitlist first: among equal scores, they
	     * are served first (match.h) */
	    store_query(e->st, "SELECT a.id, 1 FROM applications a WHERE a.cohort_id = ?"
	    " AND a.role = 'mentee' AND a.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM pairs p"
	    " WHERE p.mentee_app = a.id AND p.status IN ('active', 'consent'))"
	    /* back from a rematch: ahead of newcomers of an equal score too */
	    " ORDER BY NOT EXISTS (SELECT 1 FROM pairs r WHERE r.mentee_app = a.id"
	    " AND r.rematched_at IS NOT NULL), a.carried_from IS NULL, a.id", app_id_row, mentees,
	    "i", cohort) < 0)
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

/* What a mentee brings from earlier cohorts: the addresses of their
 * partners there, never to be proposed again, and the cohort whose
 * waitlist they were carried over from. */
struct history {
	char *past_partners, *carried_from, *ended_partners;
};

static int choice_row(const struct store_row *row, void *arg)
{
	struct match_person *p = arg;
	int k;

	for (k = 0; k < MATCH_CHOICES_MAX; k++)
		p->choices[k] = store_row_int(row, k);
	return 1;
}

/* The mentors she chose among the profiles (choosing.h), ranked. */
static int choices_of(struct engine *e, struct match_person *p)
{
	return store_query(e->st, "SELECT coalesce(choice1, 0), coalesce(choice2, 0),"
	    " coalesce(choice3, 0) FROM choices WHERE mentee_app = ?", choice_row, p, "i", p->id);
}

static int history_of(struct engine *e, const struct application *a, struct history *h)
{
	memset(h, 0, sizeof(*h));
	if (store_query_text(e->st, &h->past_partners, "SELECT group_concat(pp.address, ',')"
	    " FROM pairs x JOIN applications m ON m.id = x.mentor_app"
	    " JOIN applications t ON t.id = x.mentee_app"
	    " JOIN people pp ON pp.id = CASE WHEN m.person_id = ?1 THEN t.person_id ELSE m.person_id END"
	    " WHERE x.introduced_at IS NOT NULL AND x.cohort_id <> ?2"
	    " AND (m.person_id = ?1 OR t.person_id = ?1) AND pp.erased_at IS NULL", "ii",
	    a->person_id, a->cohort_id) < 0 ||
	    store_query_text(e->st, &h->carried_from, "SELECT c.name FROM applications a"
	    " JOIN applications o ON o.id = a.carried_from JOIN cohorts c ON c.id = o.cohort_id"
	    " WHERE a.id = ?", "i", a->id) < 0 ||
	    /* and the mentors of this cohort she was rematched away from, or
	     * whose pairing with her did not go ahead (consent) */
	    store_query_text(e->st, &h->ended_partners, "SELECT group_concat(pp.address, ',')"
	    " FROM pairs x JOIN applications m ON m.id = x.mentor_app JOIN people pp"
	    " ON pp.id = m.person_id WHERE x.mentee_app = ? AND (x.rematched_at IS NOT NULL"
	    " OR x.status = 'declined')", "i",
	    a->id) < 0)
		return -1;
	return 0;
}

/* One person of a proposal, within TEXT_LINE_MAX columns: after label,
 * the name (cut with an ellipsis to leave room for the address, which is
 * never cut) and the address, then under them the department and the
 * field, cut to the line. */
static void describe(struct buf *b, const char *label, const struct application *a)
{
	size_t col = utf8_len(label), addr = utf8_len(a->address) + 3, i;
	char *where = xasprintf("%s; %s", a->department != NULL ? a->department : "",
	    a->field != NULL ? a->field : "");

	buf_adds(b, label);
	if (col + addr + 12 <= TEXT_LINE_MAX) {
		buf_add_fit(b, a->name, TEXT_LINE_MAX - col - addr);
	} else {
		buf_add_fit(b, a->name, TEXT_LINE_MAX - col);
		buf_addc(b, '\n');
		for (i = 0; i < col - 1; i++)
			buf_addc(b, ' ');
	}
	buf_printf(b, " <%s>\n", a->address);
	for (i = 0; i < col; i++)
		buf_addc(b, ' ');
	buf_add_fit(b, where, TEXT_LINE_MAX - col);
	buf_addc(b, '\n');
	free(where);
}

/* A score as a reader writes it: "14", "14.5", "14.25". */
static void score_text(double score, char *out, size_t size)
{
	size_t n;

	snprintf(out, size, "%.2f", score);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}

/* The best score a pair can have under w (match.h: the department once,
 * two fields, three topics, the language once, preferences four times:
 * a mentor named counts twice, the gender and the department asked for
 * once each). */
static double score_max(const struct match_weights *w)
{
	return w->department + 2 * w->field + 3 * w->topics + w->language + 4 * w->preferences;
}

/* "   score   14 of 29: reasons" under a pair's names, which start at
 * column col; the reasons go on under themselves. */
static void score_line(struct buf *b, size_t col, double score, double max, const char *reasons)
{
	char head[64], s[24], m[24];
	size_t i;

	score_text(score, s, sizeof(s));
	score_text(max, m, sizeof(m));
	snprintf(head, sizeof(head), "%s of %s: ", s, m);
	for (i = 0; i + 8 < col; i++)
		buf_addc(b, ' ');
	buf_adds(b, "score   ");
	buf_adds(b, head);
	buf_fill(b, reasons, strlen(reasons), col + strlen(head), col + strlen(head),
	    TEXT_LINE_MAX, "\n");
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

int pairing_match(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct people_arg mentors = { NULL, 0 }, mentees = { NULL, 0 };
	struct match_person *pm = NULL, *pe = NULL;
	struct history *hist = NULL;
	struct match_weights w = { e->cfg->matching.department, e->cfg->matching.field,
		e->cfg->matching.topics, e->cfg->matching.language, e->cfg->matching.preferences };
	struct match_result res;
	struct buf list, unmatched;
	char *cohort_name = NULL, label[32];
	int64_t cohort = 0, proposal;
	size_t i, col;
	int r, ret = -1;

	(void)cmd;
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
	hist = xcalloc(mentees.n + 1, sizeof(*hist));
	for (i = 0; i < mentors.n; i++)
		to_person(&mentors.apps[i], &pm[i]);
	for (i = 0; i < mentees.n; i++) {
		to_person(&mentees.apps[i], &pe[i]);
		if (history_of(e, &mentees.apps[i], &hist[i]) < 0 || choices_of(e, &pe[i]) < 0)
			goto out;
		pe[i].past_partners = hist[i].past_partners;
		pe[i].carried_from = hist[i].carried_from;
		pe[i].ended_partners = hist[i].ended_partners;
	}
	if (match_propose(pm, mentors.n, pe, mentees.n, &w, &res) < 0) {
		buf_printf(out, "match: too many applicants for one proposal\n");
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
		    .score = (double)res.pairs[i].score / 100.0, .reasons = res.pairs[i].reasons,
		    .choice_rank = res.pairs[i].choice },
		    &pair) < 0)
			goto out;
		/* "1. mentor  ", then "   mentee  " and "   score   " under it */
		snprintf(label, sizeof(label), "%zu. mentor  ", i + 1);
		col = strlen(label);
		describe(&list, label, m);
		snprintf(label, sizeof(label), "%*smentee  ", (int)(col - 8), "");
		describe(&list, label, t);
		score_line(&list, col, (double)res.pairs[i].score / 100.0, score_max(&w),
		    res.pairs[i].reasons);
		buf_addc(&list, '\n');
	}
	for (i = 0; i < res.n_unmatched; i++) {
		const struct application *a = res.unmatched[i].is_mentor
		    ? &mentors.apps[res.unmatched[i].mentee_or_mentor]
		    : &mentees.apps[res.unmatched[i].mentee_or_mentor];

		describe(&unmatched, res.unmatched[i].is_mentor ? "- mentor  " : "- mentee  ", a);
		buf_adds(&unmatched, "          ");
		buf_fill(&unmatched, res.unmatched[i].why, strlen(res.unmatched[i].why), 10, 10,
		    TEXT_LINE_MAX, "\n");
	}
	if (send_proposal(e, proposal, cohort_name, list.s, unmatched.s, res.n_pairs, cause,
	    error_r) < 0)
		goto out;
	buf_printf(out, "match: a proposal of %zu pair%s sent to the committee; %zu without a "
	    "partner\n", res.n_pairs, res.n_pairs == 1 ? "" : "s", res.n_unmatched);
	ret = 0;
out:
	match_result_free(&res);
	for (i = 0; hist != NULL && i < mentees.n; i++) {
		free(hist[i].past_partners);
		free(hist[i].carried_from);
		free(hist[i].ended_partners);
	}
	free(hist);
	free(pm);
	free(pe);
	free_apps(&mentors);
	free_apps(&mentees);
	buf_deinit(&list);
	buf_deinit(&unmatched);
	free(cohort_name);
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
	/* both sides agreed, or nobody asks them to: the introduction */
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
    int anyway, int64_t cause, struct buf *out, const char *label, char **error_r)
{
	struct application mentor, mentee;
	int64_t other_pair = 0, other = 0, waiting = 0;
	long load = 0;
	int r, ret = -1;

	memset(&mentor, 0, sizeof(mentor));
	memset(&mentee, 0, sizeof(mentee));
	if (roster_application_by_id(e, mentor_id, &mentor) != 1 ||
	    roster_application_by_id(e, mentee_id, &mentee) != 1 ||
	    roster_mentor_load(e, mentor_id, &load) < 0)
		goto out;
	if (strcmp(mentor.status, "confirmed") != 0 || strcmp(mentee.status, "confirmed") != 0) {
		buf_printf(out, "%s: not approved: %s has withdrawn\n", label,
		    strcmp(mentor.status, "confirmed") != 0 ? mentor.name : mentee.name);
		ret = roster_pair_move(e, pair, PAIR_REJECTED, NULL) < 0 ? -1 : 0;
		goto out;
	}
	/* a pair waiting for both sides to agree holds its places */
	if (store_query_int(e->st, &waiting, "SELECT count(*) FROM pairs WHERE status = 'consent'"
	    " AND mentor_app = ?", "i", mentor_id) < 0 ||
	    store_query_int(e->st, &other, "SELECT count(*) FROM pairs WHERE status = 'consent'"
	    " AND mentee_app = ?", "i", mentee_id) < 0)
		goto out;
	load += (long)waiting;
	if (other != 0 || (r = roster_active_pair_of(e, mentee_id, &other_pair, &other)) != 0 ||
	    (load >= mentor.capacity && !anyway)) {
		buf_printf(out, "%s: not approved: %s\n", label, load >= mentor.capacity && !anyway
		    ? "the mentor is at capacity" : "the mentee is already paired");
		ret = roster_pair_move(e, pair, PAIR_REJECTED, NULL) < 0 ? -1 : 0;
		goto out;
	}
	r = roster_pair_move(e, pair, e->cfg->matching.consent ? PAIR_CONSENT : PAIR_ACTIVE, NULL);
	if (r <= 0) {
		if (r == 0)
			buf_printf(out, "%s: not approved: the pair is no longer proposed\n", label);
		ret = r;
		goto out;
	}
	if (e->cfg->matching.consent) {
		if (pairing_consent_ask(e, pair, &mentor, &mentee, cause, error_r) < 0)
			goto out;
		buf_printf(out, "%s: pair %" PRId64 " approved: %s and %s are asked to agree before"
		    " the introduction\n", label, pair, mentor.name, mentee.name);
		ret = 0;
		goto out;
	}
	if (pairing_welcome(e, pair, &mentor, &mentee, cause, error_r) < 0)
		goto out;
	buf_printf(out, "%s: pair %" PRId64 " approved: %s and %s introduced\n", label, pair, mentor.name,
	    mentee.name);
	ret = 0;
out:
	roster_application_deinit(&mentor);
	roster_application_deinit(&mentee);
	return ret;
}

int pairing_welcome(struct engine *e, int64_t pair, const struct application *mentor,
    const struct application *mentee, int64_t cause, char **error_r)
{
	if (introduce(e, pair, mentor, mentee, cause, error_r) < 0 ||
	    invite_pair_added(e, pair, cause, error_r) < 0)
		return -1;
	return 0;
}

/* Every confirmed applicant the proposal leaves without a partner hears
 * so, once. */
static int waitlist(struct engine *e, int64_t cohort, int64_t cause, struct buf *out,
    char **error_r)
{
	struct store_ids left = { NULL, 0 };
	char *name = NULL;
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT a.id FROM applications a WHERE a.cohort_id = ?"
	    " AND a.status = 'confirmed' AND a.waitlisted_at IS NULL AND NOT EXISTS (SELECT 1"
	    " FROM pairs p WHERE p.status IN ('active', 'consent') AND (p.mentor_app = a.id"
	    " OR p.mentee_app = a.id))"
	    " ORDER BY a.id", store_ids_row, &left, "i", cohort) < 0 ||
	    roster_cohort_name(e, cohort, &name) < 0)
		goto out;
	for (i = 0; i < left.n; i++) {
		struct vars v = { { NULL }, { NULL }, 0 };
		struct application a;
		int r;

		if (roster_application_by_id(e, left.v[i], &a) != 1)
			goto out;
		vars_set(&v, "role", roster_role_word(a.role, a.language));
		vars_set(&v, "cohort", name);
		r = standing_waitlist_vars(e, &a, &v);
		if (r == 0)
			r = notify_person(e, &a, &(struct notice){ .kind = "waitlist", .vars = &v,
			    .cause = cause }, error_r);
		vars_deinit(&v);
		if (r == 0)
			r = store_exec(e->st, "UPDATE applications SET waitlisted_at = ? WHERE id = ?",
			    "ti", e->now, a.id);
		roster_application_deinit(&a);
		if (r < 0)
			goto out;
	}
	if (left.n > 0)
		buf_printf(out, "waitlist: %zu applicant(s) without a partner were told\n", left.n);
	ret = 0;
out:
	free(name);
	free(left.v);
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

/* "approve all" takes every pair but those it names ("all except 9"). */
static int wanted(const struct committee_command *cmd, int64_t number)
{
	size_t i;

	for (i = 0; i < cmd->n_nums; i++)
		if (cmd->nums[i] == number)
			return !cmd->all;
	return cmd->all;
}

int pairing_decide(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
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
		buf_printf(out, "%s: no proposal is waiting (send match first)\n", what);
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
			buf_printf(out, "%s %ld: the latest proposal has no pair %ld waiting for a "
			    "decision\n", what, cmd->nums[j], cmd->nums[j]);
	}
	for (i = 0; i < pairs.n; i++) {
		char label[64];

		if (!wanted(cmd, pairs.v[i].number))
			continue;
		snprintf(label, sizeof(label), "%s %" PRId64, what, pairs.v[i].number);
		if (cmd->cmd == CCMD_REJECT) {
			if (roster_pair_move(e, pairs.v[i].id, PAIR_REJECTED, NULL) < 0)
				goto out;
			buf_printf(out, "%s: pair rejected\n", label);
		} else if (activate(e, pairs.v[i].id, pairs.v[i].mentor, pairs.v[i].mentee, 0, cause, out,
		    label, error_r) < 0) {
			goto out;
		}
	}
	if (store_query_int(e->st, &left, "SELECT count(*) FROM pairs WHERE proposal_id = ?"
	    " AND status = 'proposed'", "i", proposal) < 0)
		goto out;
	if (left == 0) {
		if (store_exec(e->st, "UPDATE proposals SET status = 'closed' WHERE id = ?", "i", proposal) < 0 ||
		    waitlist(e, cohort, cause, out, error_r) < 0)
			goto out;
		buf_adds(out, "the proposal is settled: every pair of it is decided\n");
	} else {
		buf_printf(out, "the proposal: %" PRId64 " pair%s still waiting for a decision\n", left,
		    left == 1 ? "" : "s");
	}
	ret = 0;
out:
	free(pairs.v);
	return ret;
}

static int address_cb(const struct store_row *row, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%s", b->len > 0 ? ", " : "", store_row_text(row, 0));
	return 0;
}

/* A mentor at capacity is refused before any pair is made, saying how to
 * go on: the mentors with room in the same field, and "anyway". 1 when
 * refused, 0 when she has room (or the committee said anyway), -1. */
static int at_capacity(struct engine *e, const struct committee_command *cmd,
    const struct application *mentor, struct buf *out)
{
	struct buf room;
	long load = 0;
	int ret = -1;

	if (roster_mentor_load(e, mentor->id, &load) < 0)
		return -1;
	if (load < mentor->capacity || cmd->anyway)
		return 0;
	buf_init(&room, 4096);
	if (store_query(e->st, "SELECT p.address FROM applications a JOIN people p"
	    " ON p.id = a.person_id WHERE a.cohort_id = ? AND a.role = 'mentor'"
	    " AND a.status = 'confirmed' AND a.id != ? AND lower(a.field) = lower(?)"
	    " AND (SELECT count(*) FROM pairs x WHERE x.mentor_app = a.id AND x.status = 'active')"
	    " < a.capacity ORDER BY p.address LIMIT 5", address_cb, &room, "iis",
	    mentor->cohort_id, mentor->id, mentor->field != NULL ? mentor->field : "") < 0)
		goto out;
	buf_printf(out, "pair: not paired: %s is at capacity (%ld of %ld); ", mentor->name, load,
	    mentor->capacity);
	if (room.len > 0)
		buf_printf(out, "mentors with room in the same field: %.*s; ", (int)room.len, room.s);
	else
		buf_adds(out, "no other mentor in the same field has room; ");
	buf_printf(out, "to pair anyway: pair %s %s anyway\n", cmd->arg1, cmd->arg2);
	ret = 1;
out:
	buf_deinit(&room);
	return ret;
}

struct named {
	struct buf list;   /* "address (Name)", ... */
	char *address;     /* the first one's */
	size_t n;
};

static int named_cb(const struct store_row *row, void *arg)
{
	struct named *x = arg;

	if (x->n++ == 0)
		x->address = xstrdup(store_row_text(row, 0));
	if (x->n <= 5)
		buf_printf(&x->list, "%s%s (%s)", x->n > 1 ? ", " : "", store_row_text(row, 0),
		    store_row_text(row, 1));
	return 0;
}

/* The address of the one confirmed applicant of the role in the cohort
 * whose name is name, else whose name holds it ("Olga"): 1 with
 * *address_r, 0 with why not in out (no one, or the candidates), -1. */
static int address_by_name(struct engine *e, int64_t cohort, const char *role, const char *name,
    char **address_r, struct buf *out)
{
	static const char *const sql[] = {
		"SELECT p.address, a.name FROM applications a JOIN people p ON p.id = a.person_id"
		" WHERE a.cohort_id = ? AND a.role = ? AND a.status = 'confirmed'"
		" AND lower(a.name) = lower(?) ORDER BY p.address",
		"SELECT p.address, a.name FROM applications a JOIN people p ON p.id = a.person_id"
		" WHERE a.cohort_id = ? AND a.role = ? AND a.status = 'confirmed'"
		" AND instr(lower(a.name), lower(?)) > 0 ORDER BY p.address",
	};
	struct named x;
	size_t i;
	int ret = -1;

	memset(&x, 0, sizeof(x));
	buf_init(&x.list, 4096);
	for (i = 0; i < ARRAY_SIZE(sql) && x.n == 0; i++)
		if (store_query(e->st, sql[i], named_cb, &x, "iss", cohort, role, name) < 0)
			goto out;
	ret = x.n == 1;
	if (x.n == 0)
		buf_printf(out, "pair: no confirmed %s named \"%s\" in this cohort\n", role, name);
	else if (x.n > 1)
		buf_printf(out, "pair: \"%s\" could be %zu %ss: %.*s%s; write the address instead,"
		    " like pair ADDRESS ADDRESS\n", name, x.n, role, (int)x.list.len, x.list.s,
		    x.n > 5 ? ", ..." : "");
	if (ret == 1) {
		*address_r = x.address;
		x.address = NULL;
	}
out:
	free(x.address);
	buf_deinit(&x.list);
	return ret;
}

/* "pair Olga Ivanova with Nadia Benali": the two found by name, then
 * paired as by their addresses. */
static int pair_by_names(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	struct committee_command m = *cmd;
	char *mentor = NULL, *mentee = NULL;
	int r;

	if ((r = address_by_name(e, cohort, "mentor", cmd->arg1, &mentor, out)) == 1 &&
	    (r = address_by_name(e, cohort, "mentee", cmd->arg2, &mentee, out)) == 1) {
		m.by_name = 0;
		m.arg1 = mentor;
		m.arg2 = mentee;
		r = pairing_pair(e, &m, cause, out, error_r);
	}
	free(mentor);
	free(mentee);
	return r;
}

int pairing_pair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct application mentor, mentee;
	int64_t cohort = 0, pair = 0, other = 0;
	int r, ret = -1;

	memset(&mentor, 0, sizeof(mentor));
	memset(&mentee, 0, sizeof(mentee));
	r = open_cohort(e, "pair", out, &cohort, NULL);
	if (r <= 0)
		return r;
	if (cmd->by_name)
		return pair_by_names(e, cohort, cmd, cause, out, error_r);
	if (roster_application_live(e, cohort, cmd->arg1, &mentor) < 0 ||
	    roster_application_live(e, cohort, cmd->arg2, &mentee) < 0)
		goto out;
	if (mentor.id == 0 || strcmp(mentor.role, "mentor") != 0 || strcmp(mentor.status, "confirmed") != 0) {
		buf_printf(out, "pair: %s has no confirmed mentor application in this cohort\n", cmd->arg1);
		ret = 0;
		goto out;
	}
	if (mentee.id == 0 || strcmp(mentee.role, "mentee") != 0 || strcmp(mentee.status, "confirmed") != 0) {
		buf_printf(out, "pair: %s has no confirmed mentee application in this cohort\n", cmd->arg2);
		ret = 0;
		goto out;
	}
	if ((r = roster_active_pair_of(e, mentee.id, &pair, &other)) != 0) {
		if (r > 0)
			buf_printf(out, "pair: not paired: %s is in pair %" PRId64 " already; to give"
			    " them another mentor, end that pair first (unpair %" PRId64 " REASON)\n",
			    mentee.name, pair, pair);
		ret = r < 0 ? -1 : 0;
		goto out;
	}
	if ((r = at_capacity(e, cmd, &mentor, out)) != 0) {
		ret = r < 0 ? -1 : 0;
		goto out;
	}
	if (roster_pair_new(e, &(struct pair_proposal){ .cohort_id = cohort, .mentor_app = mentor.id,
	    .mentee_app = mentee.id, .reasons = "paired by the committee" }, &pair) < 0)
		goto out;
	ret = activate(e, pair, mentor.id, mentee.id, cmd->anyway, cause, out, "pair", error_r);
out:
	roster_application_deinit(&mentor);
	roster_application_deinit(&mentee);
	return ret;
}

/* Whether the two people of an ended pair are still invited to a
 * training session to come: ending a pair does not withdraw them. */
static int still_invited(struct engine *e, const struct application *x,
    const struct application *y, struct buf *out)
{
	int64_t n = 0, session = 0;

	if (store_query_int(e->st, &n, "SELECT count(DISTINCT r.person_id) FROM rsvps r JOIN events e"
	    " ON e.id = r.event_id WHERE r.person_id IN (?, ?) AND e.status = 'scheduled'"
	    " AND e.start_at >= ?", "iit", x->person_id, y->person_id, e->now) < 0 ||
	    store_query_int(e->st, &session, "SELECT max(e.id) FROM rsvps r JOIN events e"
	    " ON e.id = r.event_id WHERE r.person_id IN (?, ?) AND e.status = 'scheduled'"
	    " AND e.start_at >= ?", "iit", x->person_id, y->person_id, e->now) < 0)
		return -1;
	if (n == 0)
		buf_adds(out, "neither of them is invited to a training session to come\n");
	else
		buf_printf(out, "%s still invited to training session %" PRId64 " (\"training "
		    "answers %" PRId64 "\" lists who is)\n", n == 2 ? "both are" : "one of them is",
		    session, session);
	return 0;
}

int pairing_unpair(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct pairs_arg pairs = { NULL, 0 };
	struct application a[2];
	int i, ret = -1;

	memset(a, 0, sizeof(a));
	if (cmd->n_nums != 1 || store_query(e->st, "SELECT id, mentor_app, mentee_app, 0 FROM pairs"
	    " WHERE id = ? AND status = 'active'", pair_row_cb, &pairs, "i", (int64_t)cmd->nums[0]) < 0)
		goto out;
	if (pairs.n == 0) {
		buf_printf(out, "unpair %ld: no such active pair\n", cmd->n_nums ? cmd->nums[0] : 0L);
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
		    .tmpl = "pair-ended", .vars = &v, .cause = cause }, error_r);
		vars_deinit(&v);
		if (r < 0)
			goto out;
	}
	buf_printf(out, "unpair %" PRId64 ": %s and %s are no longer paired; both were told, each"
	    " in their language, that their pair has ended (pair numbers are never reused)\n",
	    pairs.v[0].id, a[0].name, a[1].name);
	if (still_invited(e, &a[0], &a[1], out) < 0)
		goto out;
	ret = 0;
out:
	free(pairs.v);
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

