/* pairing_consent: both sides agree before the introduction
 * ([matching] consent; doc/DESIGN.md 3.8).
 *
 * States of a pair (roster.h): approve moves it to consent and asks each
 * side, privately, with the other's anonymous profile. Each answers yes or
 * no (oui/non) within consent_days; a silent one is reminded once, and
 * still silent consent_days after the reminder counts as a no. Both yes:
 * the pair becomes active and is introduced as without consent. A no (or
 * silence, or a side that withdrew meanwhile): the pair is declined, the
 * other side is told only that this pairing will not go ahead, the
 * committee is told who and why, in confidence, and both are back among
 * those waiting; match never proposes the pair again (pairing.c).
 * Invariants: one consents row per person of a pair asked; an answer
 * counts only while the pair is in state consent. */
#include "pairing.h"
#include "pairing_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* The request, or its one reminder, to side i (0 mentor, 1 mentee). */
static int ask_one(struct engine *e, const struct application *me, const struct application *other,
    int is_mentee, const char *kind, int64_t row, time_t asked, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *lang = notify_language(e, me->language, NULL, 1);
	char *profile = NULL, until[16];
	int ret = -1;

	if (roster_profile(e, other, NULL, lang, 0, &profile) < 0)
		goto out;
	time_local_date(time_add_days(asked, e->cfg->matching.consent_days), until, sizeof(until));
	vars_set(&v, "profile", profile);
	vars_set(&v, "until", until);
	/* who the other side is, with its article */
	vars_set(&v, "partner_role", lang != NULL && strcmp(lang, "fr") == 0
	    ? (is_mentee ? "un mentor" : "une personne à accompagner")
	    : (is_mentee ? "a mentor" : "a mentee"));
	ret = notify_person(e, me, &(struct notice){ .kind = kind, .vars = &v, .ref_kind = "consent",
	    .ref_id = row }, error_r);
out:
	vars_deinit(&v);
	free(profile);
	return ret;
}

int pairing_consent_ask(struct engine *e, int64_t pair, const struct application *mentor,
    const struct application *mentee, int64_t cause, char **error_r)
{
	const struct application *side[2] = { mentor, mentee };
	int i;

	(void)cause;
	for (i = 0; i < 2; i++) {
		if (store_exec(e->st, "INSERT INTO consents(pair_id, person_id, asked_at) VALUES(?, ?, ?)",
		    "iit", pair, side[i]->person_id, e->now) < 0 ||
		    ask_one(e, side[i], side[1 - i], i, "consent", store_last_id(e->st), e->now,
		    error_r) < 0)
			return -1;
	}
	return 0;
}

struct pair_sides {
	int64_t mentor, mentee;
};

static int sides_row(const struct store_row *row, void *arg)
{
	struct pair_sides *p = arg;

	p->mentor = store_row_int(row, 0);
	p->mentee = store_row_int(row, 1);
	return 1;
}

/* The pair will not go ahead: why is "declined" (by the side with
 * person id cause_person) or "silence" (the sides that did not answer).
 * The other side hears only that; the committee, in confidence, who. */
static int decline(struct engine *e, int64_t pair, int64_t cause_person, const char *why,
    int64_t cause, char **error_r)
{
	struct pair_sides p = { 0, 0 };
	struct application a[2];
	struct vars v = { { NULL }, { NULL }, 0 };
	struct buf who;
	int i, r, ret = -1;

	memset(a, 0, sizeof(a));
	buf_init(&who, 4096);
	buf_add(&who, "", 0);
	if (roster_pair_move(e, pair, PAIR_DECLINED, NULL) != 1 ||
	    store_query(e->st, "SELECT mentor_app, mentee_app FROM pairs WHERE id = ?", sides_row, &p,
	    "i", pair) < 0 ||
	    roster_application_by_id(e, p.mentor, &a[0]) != 1 ||
	    roster_application_by_id(e, p.mentee, &a[1]) != 1)
		goto out;
	for (i = 0; i < 2; i++) {
		int64_t said_yes = 0;

		if (store_query_int(e->st, &said_yes, "SELECT count(*) FROM consents WHERE pair_id = ?"
		    " AND person_id = ? AND answer = 'yes'", "ii", pair, a[i].person_id) < 0)
			goto out;
		/* a cause of the end: named to the committee, not written to */
		if (strcmp(why, "declined") == 0 ? a[i].person_id == cause_person
		    : !said_yes || strcmp(a[i].status, "confirmed") != 0) {
			buf_printf(&who, "%s%s (%s)", who.len > 0 ? ", " : "", a[i].name,
			    i == 0 ? "mentor" : "mentee");
			continue;
		}
		if (strcmp(a[i].status, "confirmed") != 0)
			continue;
		r = notify_person(e, &a[i], &(struct notice){ .kind = "consent-closed", .vars = &v,
		    .cause = cause }, error_r);
		vars_deinit(&v);
		if (r < 0)
			goto out;
	}
	vars_setf(&v, "pair", "%" PRId64, pair);
	vars_setf(&v, "pair_names", "%s (mentor) and %s (mentee)", a[0].name, a[1].name);
	vars_set(&v, "who", who.s);
	vars_set(&v, "declined", strcmp(why, "declined") == 0 ? "1" : "");
	vars_set(&v, "name", "");
	ret = notify_committee(e, &(struct notice){ .kind = "consent-declined", .vars = &v,
	    .cause = cause }, error_r);
out:
	vars_deinit(&v);
	buf_deinit(&who);
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

/* Both said yes: the introduction, if both are still taking part. */
static int agreed(struct msgctx *c, int64_t pair, char **error_r)
{
	struct pair_sides p = { 0, 0 };
	struct application a[2];
	int64_t yes = 0;
	int ret = -1;

	memset(a, 0, sizeof(a));
	if (store_query_int(c->e->st, &yes, "SELECT count(*) FROM consents WHERE pair_id = ?"
	    " AND answer = 'yes'", "i", pair) < 0)
		return -1;
	if (yes < 2)
		return 0;
	if (store_query(c->e->st, "SELECT mentor_app, mentee_app FROM pairs WHERE id = ?", sides_row,
	    &p, "i", pair) < 0 ||
	    roster_application_by_id(c->e, p.mentor, &a[0]) != 1 ||
	    roster_application_by_id(c->e, p.mentee, &a[1]) != 1)
		goto out;
	if (strcmp(a[0].status, "confirmed") != 0 || strcmp(a[1].status, "confirmed") != 0) {
		ret = decline(c->e, pair, 0, "silence", c->inbound_id, error_r);
		goto out;
	}
	if (roster_pair_move(c->e, pair, PAIR_ACTIVE, NULL) != 1 ||
	    pairing_welcome(c->e, pair, &a[0], &a[1], c->inbound_id, error_r) < 0)
		goto out;
	inbound_outcome(c, "consent: both agreed; pair %" PRId64 " introduced", pair);
	ret = 0;
out:
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

struct consent_row {
	int64_t pair, person;
	char *address, *status;
};

static int consent_row_cb(const struct store_row *row, void *arg)
{
	struct consent_row *k = arg;

	k->pair = store_row_int(row, 0);
	k->person = store_row_int(row, 1);
	k->address = store_row_text(row, 2) != NULL ? xstrdup(store_row_text(row, 2)) : NULL;
	k->status = store_row_text(row, 3) != NULL ? xstrdup(store_row_text(row, 3)) : NULL;
	return 1;
}

int pairing_consent_reply(struct msgctx *c, int64_t consent_id, char **error_r)
{
	struct consent_row k = { 0, 0, NULL, NULL };
	enum rsvp_answer a;
	int ret = -1;

	if (store_query(c->e->st, "SELECT s.pair_id, s.person_id, pe.address, p.status FROM consents s"
	    " JOIN people pe ON pe.id = s.person_id JOIN pairs p ON p.id = s.pair_id WHERE s.id = ?",
	    consent_row_cb, &k, "i", consent_id) < 0)
		return -1;
	if (k.address == NULL || !str_eq_ci(k.address, c->m->from_addr)) {
		inbound_leave(c, "consent answer from another address");
		ret = 0;
		goto out;
	}
	a = command_rsvp_answer(c->text);
	if (a != RSVP_YES && a != RSVP_NO) {
		inbound_leave(c, "consent answer in words");
		ret = 1;
		goto out;
	}
	if (strcmp(k.status, "consent") != 0) {
		inbound_leave(c, "consent answer after the pairing was settled");
		ret = 1;
		goto out;
	}
	if (store_exec(c->e->st, "UPDATE consents SET answer = ?, answered_at = ? WHERE id = ?", "sti",
	    a == RSVP_YES ? "yes" : "no", c->e->now, consent_id) < 0)
		goto out;
	if (a == RSVP_NO) {
		if (decline(c->e, k.pair, k.person, "declined", c->inbound_id, error_r) < 0)
			goto out;
		inbound_outcome(c, "consent: declined; pair %" PRId64 " will not go ahead", k.pair);
	} else {
		inbound_outcome(c, "consent: yes");
		if (agreed(c, k.pair, error_r) < 0)
			goto out;
	}
	ret = 1;
out:
	free(k.address);
	free(k.status);
	return ret;
}

/* ---- the clock: one reminder, then silence counts as a no ---- */

struct waiting {
	int64_t id, pair, mentor, mentee, person;
	time_t asked;
};

struct waitings {
	struct waiting *v;
	size_t n;
};

static int waiting_row(const struct store_row *row, void *arg)
{
	struct waitings *w = arg;

	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n].id = store_row_int(row, 0);
	w->v[w->n].pair = store_row_int(row, 1);
	w->v[w->n].mentor = store_row_int(row, 2);
	w->v[w->n].mentee = store_row_int(row, 3);
	w->v[w->n].person = store_row_int(row, 4);
	w->v[w->n].asked = (time_t)store_row_int(row, 5);
	w->n++;
	return 0;
}

/* a closed cohort asks nobody any more */
#define WAITING_SQL "SELECT s.id, s.pair_id, p.mentor_app, p.mentee_app, s.person_id, s.asked_at" \
	" FROM consents s JOIN pairs p ON p.id = s.pair_id JOIN cohorts c ON c.id = p.cohort_id" \
	" WHERE p.status = 'consent' AND c.status = 'open' AND s.answer IS NULL"

static int nudge(struct engine *e, const struct waiting *w, char **error_r)
{
	struct application a[2];
	int me, ret = -1;

	memset(a, 0, sizeof(a));
	if (roster_application_by_id(e, w->mentor, &a[0]) != 1 ||
	    roster_application_by_id(e, w->mentee, &a[1]) != 1)
		goto out;
	me = a[1].person_id == w->person;
	if (ask_one(e, &a[me], &a[1 - me], me, "consent-nudge", w->id, w->asked, error_r) < 0 ||
	    store_exec(e->st, "UPDATE consents SET nudged_at = ? WHERE id = ?", "ti", e->now, w->id) < 0)
		goto out;
	ret = 0;
out:
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

static int consent_due(struct engine *e, char **error_r)
{
	struct waitings nudges = { NULL, 0 }, silent = { NULL, 0 };
	time_t cutoff = time_add_days(e->now, -e->cfg->matching.consent_days);
	size_t i;
	int64_t last = 0;
	int ret = -1;

	if (store_query(e->st, WAITING_SQL " AND s.nudged_at IS NULL AND s.asked_at <= ? ORDER BY s.id",
	    waiting_row, &nudges, "t", cutoff) < 0 ||
	    store_query(e->st, WAITING_SQL " AND s.nudged_at <= ? ORDER BY s.pair_id, s.id",
	    waiting_row, &silent, "t", cutoff) < 0)
		goto out;
	for (i = 0; i < nudges.n; i++)
		if (nudge(e, &nudges.v[i], error_r) < 0)
			goto out;
	for (i = 0; i < silent.n; i++) {
		if (silent.v[i].pair == last)
			continue;
		last = silent.v[i].pair;
		if (decline(e, silent.v[i].pair, 0, "silence", 0, error_r) < 0)
			goto out;
	}
	ret = 0;
out:
	free(nudges.v);
	free(silent.v);
	return ret;
}

int pairing_consent_due(struct engine *e, char **error_r)
{
	return roster_transaction(e, consent_due, error_r);
}

int pairing_consent_next_due(struct engine *e, time_t *next)
{
	return roster_next_due(e, "SELECT coalesce(min(coalesce(s.nudged_at, s.asked_at)), 0)"
	    " FROM consents s JOIN pairs p ON p.id = s.pair_id WHERE p.status = 'consent'"
	    " AND s.answer IS NULL", e->cfg->matching.consent_days, next);
}
