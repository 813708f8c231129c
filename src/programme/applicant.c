/* The applicants' side of the programme (doc/DESIGN.md 3.2, 3.3). Each
 * exported handler follows applicant.h's return rule; the static ones
 * return 0 or -1 and leave the outcome to say what they did. */
#include "applicant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_change.h"
#include "bounds.h"
#include "cases.h"
#include "config.h"
#include "confirm.h"
#include "engine.h"
#include "erase.h"
#include "form.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* 1 handled, or -1 */
static int handled(int r)
{
	return r < 0 ? -1 : 1;
}

/* Someone who has an application is shown it, never the blank form:
 * "applied" and "summary" of v. 0, or -1 on a database error. */
static int application_of_sender(struct msgctx *c, const char *lang, struct vars *v)
{
	struct application a;
	int64_t cohort = 0;
	char *summary;
	int r;

	memset(&a, 0, sizeof(a));
	r = roster_open_cohort(c->e, &cohort, NULL);
	if (r == 1)
		r = roster_application_live(c->e, cohort, c->m->from_addr, &a);
	if (r == 1) {
		summary = roster_summary(&a, lang);
		vars_set(v, "applied", "1");
		vars_set(v, "summary", summary);
		free(summary);
	} else {
		vars_set(v, "applied", "");
		vars_set(v, "summary", "");
	}
	roster_application_deinit(&a);
	return r < 0 ? -1 : 0;
}

/* draft: the confirmations row keeping the form read (0: none), which a
 * reply to these errors completes (applicant_draft_reply). */
static int send_form_errors_draft(struct msgctx *c, const struct strlist *errors,
    const char *lang, int64_t draft, char **error_r);

static int send_form_errors(struct msgctx *c, const struct strlist *errors, const char *lang,
    char **error_r)
{
	return send_form_errors_draft(c, errors, lang, 0, error_r);
}

static int send_form_errors_draft(struct msgctx *c, const struct strlist *errors,
    const char *lang, int64_t draft, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct buf b;
	size_t i;
	int ret;

	buf_init(&b, 64 * 1024);
	buf_add(&b, "", 0);
	for (i = 0; i < errors->n; i++)
		buf_printf(&b, "  - %s\n", errors->v[i]);
	vars_set(&v, "errors", b.s);
	buf_deinit(&b);
	if (application_of_sender(c, lang, &v) < 0) {
		vars_deinit(&v);
		return -1;
	}
	ret = notify_answer(c, &(struct notice){ .kind = "form-errors", .lang = lang, .vars = &v,
	    .ref_kind = draft != 0 ? "form" : NULL, .ref_id = draft }, error_r);
	vars_deinit(&v);
	inbound_outcome(c, "form with errors answered; nothing stored");
	return ret;
}

/* How the department of the form being handled was read against
 * [matching] departments, for the next message about its application;
 * NULL when there is nothing to say. One message is handled at a time. */
static char *dept_note;

static void read_department(struct msgctx *c, struct form *f, const char *lang)
{
	const char *list = c->e->cfg->matching.departments;
	int fr = lang != NULL && strcmp(lang, "fr") == 0;
	char *dept = NULL, *shown;
	int r;

	xfree(&dept_note);
	if (list == NULL || *list == '\0' || !(f->present & FK_DEPARTMENT) || f->department == NULL)
		return;
	r = form_department(list, f->department, &dept);
	shown = str_shown(f->department, 0);
	if (r == 1 && strcmp(dept, f->department) != 0) {
		dept_note = xasprintf(fr ? "D\xc3\xa9partement : %s (vous avez \xc3\xa9" "crit"
		    " \xc2\xab %s \xc2\xbb)" : "Department: %s (you wrote '%s')", dept, shown);
		free(f->department);
		f->department = dept;
		dept = NULL;
	} else if (r == 0) {
		dept_note = xasprintf(fr ? "D\xc3\xa9partement : \xc2\xab %s \xc2\xbb n'est pas"
		    " dans la liste du programme ; gard\xc3\xa9 tel quel." : "Department: '%s' is"
		    " not one of the programme's list; kept as written.", shown);
	} else if (r < 0) {
		dept_note = xasprintf(fr ? "D\xc3\xa9partement : \xc2\xab %s \xc2\xbb peut"
		    " \xc3\xaatre %s ; gard\xc3\xa9 tel quel, r\xc3\xa9pondez avec celui que"
		    " vous voulez dire." : "Department: '%s' could be %s; kept as written: reply"
		    " with the one you mean.", shown, dept);
	}
	free(shown);
	free(dept);
}

/* A message about an application, in its language: the confirmation
 * request (with the token, answered by reply) or a notice. */
static int send_application(struct msgctx *c, const struct application *a, const char *kind,
    const char *tmpl, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *lang = notify_language(c->e, a->language, NULL, 1);
	int request = strcmp(kind, "confirm-request") == 0;
	char *cohort = NULL, *summary = roster_summary(a, lang), *profile = NULL;
	int ret = -1;

	if (dept_note != NULL) {
		char *with = xasprintf("%s\n\n%s", summary, dept_note);

		free(summary);
		summary = with;
		xfree(&dept_note);
	}
	if (roster_cohort_name(c->e, a->cohort_id, &cohort) < 0)
		goto out;
	vars_set(&v, "name", a->name);
	if (request)
		vars_set(&v, "token", a->token);
	vars_set(&v, "role", roster_role_word(a->role, lang));
	vars_set(&v, "cohort", cohort);
	vars_set(&v, "summary", summary);
	/* a mentor sees her anonymous profile before the mentees do */
	if (!request && strcmp(a->role, "mentor") == 0) {
		if (roster_profile(c->e, a, NULL, lang, 0, &profile) < 0)
			goto out;
	}
	vars_set(&v, "profile", profile);
	ret = notify_answer(c, &(struct notice){ .kind = kind, .tmpl = tmpl, .lang = lang,
	    .vars = &v, .ref_kind = request ? "application" : NULL, .ref_id = request ? a->id : 0,
	    .person_id = a->person_id }, error_r);
out:
	vars_deinit(&v);
	free(cohort);
	free(summary);
	free(profile);
	return ret;
}

static int send_confirm_request(struct msgctx *c, const struct application *a, char **error_r)
{
	return send_application(c, a, "confirm-request", NULL, error_r);
}

int applicant_notice(struct msgctx *c, const struct application *a, const char *tmpl,
    char **error_r)
{
	return send_application(c, a, "confirmed", tmpl, error_r);
}

static int no_cohort(struct msgctx *c, const char *lang, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *next = NULL;
	int ret;

	/* the committee may record when the next edition opens */
	if (store_query_text(c->e->st, &next, "SELECT value FROM meta WHERE key = 'next_cohort'", NULL) < 0)
		return -1;
	vars_set(&v, "next", next != NULL ? next : "");
	free(next);
	ret = notify_answer(c, &(struct notice){ .kind = "status", .tmpl = "no-cohort",
	    .lang = lang, .vars = &v }, error_r);
	vars_deinit(&v);
	inbound_outcome(c, "application while no cohort is open; told so");
	return ret;
}

static int both_roles(struct msgctx *c, const struct application *live, const char *lang,
    char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *cohort = NULL;
	int ret;

	if (roster_cohort_name(c->e, live->cohort_id, &cohort) < 0)
		return -1;
	vars_set(&v, "role", roster_role_word(live->role, lang));
	vars_set(&v, "cohort", cohort);
	free(cohort);
	ret = notify_answer(c, &(struct notice){ .kind = "form-errors", .tmpl = "both-roles",
	    .lang = lang, .vars = &v, .person_id = live->person_id }, error_r);
	vars_deinit(&v);
	inbound_outcome(c, "second role refused");
	return ret;
}

/* A form with errors from someone without an application is kept, so
 * that a reply with the lines corrected completes it. */
static int form_errors_kept(struct msgctx *c, const struct form *f, const char *lang,
    char **error_r)
{
	struct application live;
	char token[16];
	int64_t cohort = 0, rowid = 0;
	int r;

	memset(&live, 0, sizeof(live));
	r = roster_open_cohort(c->e, &cohort, NULL);
	if (r == 1)
		r = roster_application_live(c->e, cohort, c->m->from_addr, &live);
	roster_application_deinit(&live);
	if (r < 0)
		return -1;
	if (r == 0 && confirm_new(c, "form", 0, c->text, token, &rowid) < 0)
		return -1;
	return send_form_errors_draft(c, &f->errors, lang, rowid, error_r);
}

/* An application form, new or applying again (which is an update). */
static int apply(struct msgctx *c, const char *kw_lang, int explicit, char **error_r)
{
	struct form f;
	struct application live, a;
	const char *lang;
	int64_t cohort = 0, person = 0;
	int found, r, ret = -1;

	form_init(&f);
	memset(&live, 0, sizeof(live));
	memset(&a, 0, sizeof(a));
	found = form_parse(c->text, FORM_NEW, &f);
	lang = notify_language(c->e, NULL, found ? f.written_lang : kw_lang, 0);
	if (!found && explicit) {
		struct strlist errs = { NULL, 0 };

		strlist_add(&errs, lang != NULL && strcmp(lang, "fr") == 0
		    ? "Le formulaire de candidature est introuvable dans votre message."
		    : "No application form was found in your message.");
		ret = send_form_errors(c, &errs, lang, error_r);
		strlist_deinit(&errs);
		goto out;
	}
	if (f.errors.n > 0) {
		ret = form_errors_kept(c, &f, lang, error_r);
		goto out;
	}
	read_department(c, &f, lang);
	r = roster_open_cohort(c->e, &cohort, NULL);
	if (r < 0)
		goto out;
	if (r == 0) {
		ret = no_cohort(c, lang, error_r);
		goto out;
	}
	r = roster_application_live(c->e, cohort, c->m->from_addr, &live);
	if (r < 0)
		goto out;
	if (r == 1 && strcmp(live.role, form_role_name(f.role)) != 0) {
		ret = both_roles(c, &live, lang, error_r);
		goto out;
	}
	if (r == 1) {
		/* applying again updates the open application: from a message
		 * nobody vouches for, once the address confirms the change
		 * (applicant_change.h) */
		f.present |= FK_NAME | FK_DEPARTMENT | FK_FIELD | FK_LANGUAGE | FK_TOPICS |
		    FK_PREFERENCE | FK_CAPACITY | FK_ABOUT | FK_GENDER;
		if ((r = applicant_change_vouched(c)) != 1) {
			if (r == 0)
				ret = applicant_change_request(c, &live, &f, 1, error_r);
			goto out;
		}
	}
	if (roster_person(c->e, c->m->from_addr, f.name, f.language, &person) < 0)
		goto out;
	if (r == 1) {
		if (roster_application_update(c->e, live.id, &f) < 0 ||
		    roster_application_by_id(c->e, live.id, &a) != 1)
			goto out;
		ret = strcmp(a.status, "pending") == 0 ? send_confirm_request(c, &a, error_r)
		    : applicant_notice(c, &a, "updated", error_r);
		inbound_outcome(c, "application sent again: updated");
		goto out;
	}
	if (roster_application_new(c->e, cohort, person, &f, &a) < 0)
		goto out;
	ret = send_confirm_request(c, &a, error_r);
	inbound_outcome(c, "application #%lld recorded, confirmation asked", (long long)a.id);
out:
	xfree(&dept_note);
	form_deinit(&f);
	roster_application_deinit(&live);
	roster_application_deinit(&a);
	return ret;
}

int applicant_update(struct msgctx *c, const char *arg, const char *kw_lang, char **error_r)
{
	struct form f;
	struct application live, a;
	int64_t cohort = 0, person = 0;
	int r, ret = -1;

	(void)arg;
	form_init(&f);
	memset(&live, 0, sizeof(live));
	memset(&a, 0, sizeof(a));
	form_parse(c->text, FORM_CHANGE, &f);
	if (f.present == 0 && f.errors.n == 0)
		strlist_add(&f.errors, kw_lang != NULL && strcmp(kw_lang, "fr") == 0
		    ? "Aucune ligne « Clé : valeur » à modifier n'a été trouvée."
		    : "No \"Key: value\" line to change was found.");
	r = roster_open_cohort(c->e, &cohort, NULL);
	if (r == 1)
		r = roster_application_live(c->e, cohort, c->m->from_addr, &live);
	if (r < 0)
		goto out;
	if (r == 0) {
		ret = applicant_status(c, NULL, kw_lang, error_r);
		inbound_outcome(c, "update without an application; status sent");
		goto out;
	}
	if (f.errors.n > 0) {
		ret = send_form_errors(c, &f.errors, notify_language(c->e, live.language, f.written_lang, 0), error_r);
		goto out;
	}
	if ((f.present & FK_ROLE) && strcmp(form_role_name(f.role), live.role) != 0) {
		ret = both_roles(c, &live, notify_language(c->e, live.language, f.written_lang, 0), error_r);
		goto out;
	}
	read_department(c, &f, notify_language(c->e, live.language, f.written_lang, 0));
	/* from a message nobody vouches for, a request confirmed by reply */
	r = applicant_change_vouched(c);
	if (r != 1) {
		if (r == 0)
			ret = applicant_change_request(c, &live, &f, 0, error_r);
		goto out;
	}
	if (roster_application_update(c->e, live.id, &f) < 0 ||
	    roster_application_by_id(c->e, live.id, &a) != 1)
		goto out;
	if ((f.present & FK_LANGUAGE) &&
	    roster_person(c->e, a.address, NULL, a.language, &person) < 0)
		goto out;
	ret = strcmp(a.status, "pending") == 0 ? send_confirm_request(c, &a, error_r)
	    : applicant_notice(c, &a, "updated", error_r);
	inbound_outcome(c, "application updated");
out:
	xfree(&dept_note);
	form_deinit(&f);
	roster_application_deinit(&live);
	roster_application_deinit(&a);
	return handled(ret);
}

/* What a status adds: the application as it stands ("summary"), when the
 * cohort opened ("opened"), when the next is expected ("next", as the
 * committee recorded it), and whether she was waitlisted. 0 or -1. */
static int status_more(struct msgctx *c, const struct application *a, const char *lang,
    int *waitlisted_r, struct vars *v)
{
	char *summary = a->id ? roster_summary(a, lang) : NULL, *next = NULL, opened[16] = "";
	int64_t w = 0, at = 0;
	int ret = -1;

	*waitlisted_r = 0;
	if (a->id && (store_query_int(c->e->st, &w, "SELECT waitlisted_at IS NOT NULL FROM"
	    " applications WHERE id = ?", "i", a->id) < 0 ||
	    store_query_int(c->e->st, &at, "SELECT opened_at FROM cohorts WHERE id = ?", "i",
	    a->cohort_id) < 0))
		goto out;
	if (store_query_text(c->e->st, &next, "SELECT value FROM meta WHERE key = 'next_cohort'",
	    NULL) < 0)
		goto out;
	if (at > 0)
		time_local_date((time_t)at, opened, sizeof(opened));
	*waitlisted_r = w != 0;
	vars_set(v, "summary", summary);
	vars_set(v, "opened", opened);
	vars_set(v, "next", next);
	ret = 0;
out:
	free(summary);
	free(next);
	return ret;
}

int applicant_status(struct msgctx *c, const char *arg, const char *kw_lang, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a, partner;
	char *cohort = NULL, *plang = roster_person_language(c->e, c->m->from_addr);
	const char *lang = notify_language(c->e, plang, kw_lang, 0);
	int64_t cohort_id = 0, pair = 0, partner_id = 0;
	int r, matched = 0, waitlisted = 0, ret = -1;

	(void)arg;
	memset(&a, 0, sizeof(a));
	memset(&partner, 0, sizeof(partner));
	r = roster_open_cohort(c->e, &cohort_id, &cohort);
	if (r == 1)
		r = roster_application_live(c->e, cohort_id, c->m->from_addr, &a);
	if (r < 0)
		goto out;
	if (r == 1 && strcmp(a.status, "confirmed") == 0) {
		r = roster_active_pair_of(c->e, a.id, &pair, &partner_id);
		if (r < 0 || (r == 1 && roster_application_by_id(c->e, partner_id, &partner) < 0))
			goto out;
		matched = r == 1;
	}
	if (status_more(c, &a, lang, &waitlisted, &v) < 0)
		goto out;
	vars_set(&v, "role", a.id ? roster_role_word(a.role, lang) : "");
	vars_set(&v, "cohort", cohort != NULL ? cohort : "");
	vars_set(&v, "st_none", a.id == 0 ? "1" : "");
	vars_set(&v, "st_pending", a.id && strcmp(a.status, "pending") == 0 ? "1" : "");
	vars_set(&v, "st_confirmed", a.id && strcmp(a.status, "confirmed") == 0 && !matched &&
	    !waitlisted ? "1" : "");
	vars_set(&v, "st_waitlisted", a.id && strcmp(a.status, "confirmed") == 0 && !matched &&
	    waitlisted ? "1" : "");
	vars_set(&v, "st_matched", matched ? "1" : "");
	vars_set(&v, "st_withdrawn", "");
	vars_set(&v, "partner_name", matched ? partner.name : "");
	vars_set(&v, "partner_address", matched ? partner.address : "");
	vars_set(&v, "token", a.id ? a.token : "");
	if (a.name != NULL)
		vars_set(&v, "name", a.name);
	ret = notify_answer(c, &(struct notice){ .kind = "status", .lang = lang, .vars = &v,
	    .ref_kind = a.id && strcmp(a.status, "pending") == 0 ? "application" : NULL,
	    .ref_id = a.id, .person_id = a.person_id }, error_r);
	inbound_outcome(c, "status sent");
out:
	vars_deinit(&v);
	roster_application_deinit(&a);
	roster_application_deinit(&partner);
	free(cohort);
	free(plang);
	return handled(ret);
}

int applicant_withdraw(struct msgctx *c, const char *arg, const char *kw_lang, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	char token[16], *cohort = NULL;
	int64_t cohort_id = 0, rowid = 0;
	const char *lang;
	int r, ret = -1;

	(void)arg;
	memset(&a, 0, sizeof(a));
	r = roster_open_cohort(c->e, &cohort_id, &cohort);
	if (r == 1)
		r = roster_application_live(c->e, cohort_id, c->m->from_addr, &a);
	if (r < 0)
		goto out;
	if (r == 0) {
		ret = applicant_status(c, NULL, kw_lang, error_r);
		inbound_outcome(c, "withdrawal without an application; status sent");
		goto out;
	}
	lang = notify_language(c->e, a.language, kw_lang, 0);
	if (confirm_new(c, "withdraw", a.id, NULL, token, &rowid) < 0)
		goto out;
	vars_set(&v, "token", token);
	vars_set(&v, "cohort", cohort);
	vars_set(&v, "name", a.name);
	ret = notify_answer(c, &(struct notice){ .kind = "confirm-request",
	    .tmpl = "confirm-withdraw", .lang = lang, .vars = &v, .ref_kind = "confirmation",
	    .ref_id = rowid, .person_id = a.person_id }, error_r);
	inbound_outcome(c, "withdrawal asked; confirmation requested");
out:
	vars_deinit(&v);
	roster_application_deinit(&a);
	free(cohort);
	return handled(ret);
}

int applicant_forget(struct msgctx *c, const char *arg, const char *kw_lang, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char token[16], *plang = roster_person_language(c->e, c->m->from_addr);
	int64_t rowid = 0;
	int ret = -1;

	(void)arg;
	if (confirm_new(c, "forget", 0, NULL, token, &rowid) < 0)
		goto out;
	vars_set(&v, "token", token);
	ret = notify_answer(c, &(struct notice){ .kind = "confirm-request",
	    .tmpl = "confirm-forget", .lang = notify_language(c->e, plang, kw_lang, 0), .vars = &v,
	    .ref_kind = "confirmation", .ref_id = rowid }, error_r);
	inbound_outcome(c, "erasure asked; confirmation requested");
out:
	vars_deinit(&v);
	free(plang);
	return handled(ret);
}

int applicant_issue(struct msgctx *c, const char *arg, const char *kw_lang, char **error_r)
{
	struct application a, partner;
	struct buf text, pair;
	char *plang = roster_person_language(c->e, c->m->from_addr), *cohort = NULL;
	int64_t person = 0, cohort_id = 0, pair_id = 0, partner_id = 0, case_id = 0;
	int r, ret = -1;

	memset(&a, 0, sizeof(a));
	memset(&partner, 0, sizeof(partner));
	buf_init(&text, CASE_TEXT_BYTES_MAX);
	buf_init(&pair, 4096);
	buf_add(&pair, "", 0);
	if (arg != NULL)
		buf_printf(&text, "%s\n\n", arg);
	buf_add(&text, c->text, strlen(c->text) < CASE_TEXT_BYTES_MAX / 2 ? strlen(c->text)
	    : CASE_TEXT_BYTES_MAX / 2);
	if (roster_person(c->e, c->m->from_addr, NULL, NULL, &person) < 0)
		goto out;
	r = roster_open_cohort(c->e, &cohort_id, &cohort);
	if (r == 1)
		r = roster_application_live(c->e, cohort_id, c->m->from_addr, &a);
	if (r == 1)
		r = roster_active_pair_of(c->e, a.id, &pair_id, &partner_id);
	if (r == 1)
		r = roster_application_by_id(c->e, partner_id, &partner);
	if (r < 0)
		goto out;
	if (partner.id)
		buf_printf(&pair, "#%lld, with %s <%s>", (long long)pair_id, partner.name, partner.address);
	if (cases_open(c, &(struct case_report){ .person_id = person, .pair_id = pair_id,
	    .text = text.s != NULL ? text.s : "", .role = a.id ? a.role : "", .pair = pair.s,
	    .lang = notify_language(c->e, plang, kw_lang, 0) }, &case_id, error_r) < 0)
		goto out;
	/* the log names the case number only: its text is confidential */
	if (case_id != 0)
		inbound_outcome(c, "case %lld opened", (long long)case_id);
	ret = 0;
out:
	roster_application_deinit(&a);
	roster_application_deinit(&partner);
	buf_deinit(&text);
	buf_deinit(&pair);
	free(plang);
	free(cohort);
	return handled(ret);
}

/* ---- the keywords ---- */

int applicant_apply(struct msgctx *c, const char *arg, const char *lang, char **error_r)
{
	(void)arg;
	return handled(apply(c, lang, 1, error_r));
}

int applicant_form(struct msgctx *c, char **error_r)
{
	return handled(apply(c, NULL, 0, error_r));
}

int applicant_help(struct msgctx *c, const char *arg, const char *lang, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *plang = roster_person_language(c->e, c->m->from_addr);
	int ret;

	(void)arg;
	(void)lang;
	/* a known person gets their language; a newcomer both, whatever the
	 * keyword's language */
	ret = notify_answer(c, &(struct notice){ .kind = "help", .vars = &v,
	    .lang = notify_language(c->e, plang, NULL, 0) }, error_r);
	vars_deinit(&v);
	free(plang);
	inbound_outcome(c, "help sent");
	return handled(ret);
}

int applicant_draft_reply(struct msgctx *c, int64_t rowid, char **error_r)
{
	struct confirmation k;
	struct form f;
	char *merged, *own;
	int r;

	form_init(&f);
	r = confirm_by_id(c->e, rowid, &k);
	if (r == 1 && (k.payload == NULL || k.done || !str_eq_ci(k.address, c->m->from_addr) ||
	    form_parse(c->text, FORM_CHANGE, &f) == 0))
		r = 0;
	form_deinit(&f);
	if (r == 1) {
		/* the lines written now, in place of the same lines of the form */
		merged = form_merge(k.payload, c->text);
		own = c->text;
		c->text = merged;
		r = handled(apply(c, NULL, 1, error_r));
		c->text = own;
		free(merged);
		if (r == 1 && confirm_close(c->e, k.rowid) < 0)
			r = -1;
	}
	confirm_deinit(&k);
	return r;
}

/* ---- confirmations ---- */

static int confirm_application(struct msgctx *c, struct application *a, char **error_r)
{
	int r = confirm_gate(c, a->address, strcmp(a->status, "pending") == 0 ? CONFIRM_WAITING
	    : strcmp(a->status, "confirmed") == 0 ? CONFIRM_DONE : CONFIRM_CLOSED);

	if (r <= 0)
		return r;
	if (roster_application_set_status(c->e, a->id, "confirmed") < 0)
		return -1;
	free(a->status);
	a->status = xstrdup("confirmed");
	if (applicant_notice(c, a, "confirmed", error_r) < 0)
		return -1;
	inbound_outcome(c, "application #%lld confirmed", (long long)a->id);
	if (confirm_substantial(c->text))
		c->h->needs_flag = 0; /* confirmed, and left for a person to read */
	return 0;
}

/* Does text hold "Key: value" lines of the form? */
static int has_form_lines(const char *text)
{
	struct form f;
	int r;

	form_init(&f);
	r = form_parse(text, FORM_CHANGE, &f);
	form_deinit(&f);
	return r;
}

int applicant_reply(struct msgctx *c, int64_t app_id, char **error_r)
{
	struct application a;
	int r;

	r = roster_application_by_id(c->e, app_id, &a);
	if (r <= 0)
		return r;
	/* lines to change, not a confirmation: the update asks again */
	if (has_form_lines(c->text) && str_eq_ci(a.address, c->m->from_addr) &&
	    strcmp(a.status, "pending") == 0) {
		roster_application_deinit(&a);
		return applicant_update(c, NULL, NULL, error_r);
	}
	r = confirm_application(c, &a, error_r);
	roster_application_deinit(&a);
	return handled(r);
}

int applicant_token(struct msgctx *c, const char *token, char **error_r)
{
	struct application a;
	int r;

	r = roster_application_by_token(c->e, token, &a);
	if (r <= 0)
		return r;
	r = confirm_application(c, &a, error_r);
	roster_application_deinit(&a);
	return handled(r);
}

/* Ends what an application is part of: proposed pairs are dropped; an
 * active pair ends and the partner and the committee are told. */
static int end_participation(struct engine *e, const struct application *a, int64_t cause,
    int scrub, char **error_r);

int applicant_withdraw_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	char *cohort = NULL;
	int ret = -1;

	if (roster_application_by_id(c->e, k->ref_id, &a) != 1)
		return -1;
	if (strcmp(a.status, "pending") != 0 && strcmp(a.status, "confirmed") != 0) {
		ret = notify_answer(c, &(struct notice){ .kind = "status", .tmpl = "nothing-to-confirm",
		    .lang = notify_language(c->e, a.language, NULL, 0), .vars = &v,
		    .person_id = a.person_id }, error_r);
		goto out;
	}
	if (roster_application_set_status(c->e, a.id, "withdrawn") < 0 ||
	    end_participation(c->e, &a, c->inbound_id, 0, error_r) < 0 ||
	    roster_cohort_name(c->e, a.cohort_id, &cohort) < 0)
		goto out;
	vars_set(&v, "cohort", cohort);
	vars_set(&v, "name", a.name);
	ret = notify_answer(c, &(struct notice){ .kind = "withdrawn",
	    .lang = notify_language(c->e, a.language, NULL, 0), .vars = &v,
	    .person_id = a.person_id }, error_r);
	inbound_outcome(c, "application #%lld withdrawn", (long long)a.id);
out:
	vars_deinit(&v);
	roster_application_deinit(&a);
	free(cohort);
	return handled(ret);
}

int applicant_forget_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *plang = roster_person_language(c->e, c->m->from_addr);
	int ret;

	(void)k;
	/* the acknowledgement is queued before the data goes, and its copy
	 * goes once it is sent */
	ret = notify_answer(c, &(struct notice){ .kind = "erased",
	    .lang = notify_language(c->e, plang, NULL, 0), .vars = &v, .scrub = 1 }, error_r);
	vars_deinit(&v);
	free(plang);
	if (ret < 0 || applicant_erase(c->e, c->m->from_addr, error_r) < 0)
		return -1;
	inbound_outcome(c, "personal data erased");
	return 1;
}

/* ---- ending, erasing ---- */

/* scrub: the one who leaves is being erased, so that the copies of these
 * notices, which name them, go once they are sent. */
static int tell_partner_and_committee(struct engine *e, const struct application *a,
    const struct application *partner, int64_t pair_id, int64_t cause, int scrub, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char pair[600];
	int ret;

	vars_set(&v, "name", partner->name);
	vars_set(&v, "partner_name", a->name);
	ret = notify_person(e, partner, &(struct notice){ .kind = "withdrawn",
	    .tmpl = "partner-withdrawn", .vars = &v, .cause = cause, .scrub = scrub }, error_r);
	vars_deinit(&v);
	if (ret < 0)
		return -1;
	snprintf(pair, sizeof(pair), "%s <%s> (pair #%lld)", partner->name, partner->address,
	    (long long)pair_id);
	vars_set(&v, "who", a->name != NULL ? a->name : a->address);
	vars_set(&v, "role", a->role);
	vars_set(&v, "pair", pair);
	ret = notify_committee(e, &(struct notice){ .kind = "withdrawn",
	    .tmpl = "committee-withdrawn", .vars = &v, .cause = cause, .scrub = scrub }, error_r);
	vars_deinit(&v);
	return ret;
}

static int end_participation(struct engine *e, const struct application *a, int64_t cause,
    int scrub, char **error_r)
{
	struct application partner;
	int64_t pair = 0, partner_id = 0;
	int r;

	if (roster_pairs_move(e, 0, a->id, PAIR_REJECTED, NULL) < 0)
		return -1;
	for (;;) {
		r = roster_active_pair_of(e, a->id, &pair, &partner_id);
		if (r <= 0)
			break;
		/* active, so it can end: anything else would loop */
		if (roster_pair_move(e, pair, PAIR_ENDED, "withdrawal") != 1 ||
		    roster_application_by_id(e, partner_id, &partner) != 1)
			return -1;
		r = tell_partner_and_committee(e, a, &partner, pair, cause, scrub, error_r);
		roster_application_deinit(&partner);
		if (r < 0)
			return -1;
	}
	return r < 0 ? -1 : 0;
}

int applicant_erase(struct engine *e, const char *address, char **error_r)
{
	struct application a;
	int64_t person = 0, cohort = 0;
	int r;

	if (store_query_int(e->st, &person, "SELECT id FROM people WHERE address = ?", "s", address) < 0)
		return -1;
	if (person == 0)
		return 0;
	/* a live application is withdrawn first, so that a partner hears */
	r = roster_open_cohort(e, &cohort, NULL);
	if (r == 1)
		r = roster_application_live(e, cohort, address, &a);
	if (r == 1) {
		r = roster_application_set_status(e, a.id, "withdrawn") < 0 ||
		    end_participation(e, &a, 0, 1, error_r) < 0 ? -1 : 0;
		roster_application_deinit(&a);
	}
	if (r < 0 || erase_person(e, person, error_r) < 0)
		return -1;
	return store_audit(e->st, e->now, "system", "erase", "a person's data was erased");
}
