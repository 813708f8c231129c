#include "edition.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "confirm.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "report.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DAY 86400
#define REPORT_BYTES_MAX (1024u * 1024)

/* ---- the report ---- */

/* report-NAME.csv, the name's other characters made '-' (compose.h's rule
 * for a file name). */
static void file_name(const char *cohort, char *out, size_t size)
{
	size_t i, n = 0;

	n = (size_t)snprintf(out, size, "report-");
	for (i = 0; cohort[i] != '\0' && n + 5 < size && n < 56; i++)
		out[n++] = isalnum((unsigned char)cohort[i]) || cohort[i] == '.' || cohort[i] == '_'
		    ? cohort[i] : '-';
	str_copy(out + n, size - n, ".csv");
}

static int send_report(struct engine *e, int64_t cohort, int64_t cause, char *file,
    size_t file_size, char **name_r, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct report r;
	struct buf text, csv;
	int ret = -1;

	buf_init(&text, REPORT_BYTES_MAX);
	buf_init(&csv, REPORT_BYTES_MAX);
	buf_add(&text, "", 0);
	buf_add(&csv, "", 0);
	if (report_load(e, cohort, &r) < 0)
		goto out;
	report_text(&r, &text);
	report_csv(&r, &csv);
	file_name(r.cohort, file, file_size);
	vars_set(&v, "cohort", r.cohort);
	vars_set(&v, "file", file);
	vars_set(&v, "report", text.s);
	vars_set(&v, "name", "");
	ret = notify_committee(e, &(struct notice){ .kind = "report", .vars = &v, .all_members = 1,
	    .cause = cause, .attach_type = "text/csv; charset=UTF-8", .attach_name = file,
	    .attach_body = csv.s }, error_r);
	if (ret == 0 && name_r != NULL)
		*name_r = xstrdup(r.cohort);
	report_deinit(&r);
out:
	vars_deinit(&v);
	buf_deinit(&text);
	buf_deinit(&csv);
	return ret;
}

int edition_report(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	char file[80], *name = NULL;
	int64_t cohort = 0;
	int r = report_cohort(e, cmd->arg1, &cohort);

	if (r < 0)
		return -1;
	if (r == 0) {
		if (cmd->arg1 != NULL)
			buf_printf(out, "report: no cohort is named %s\n", cmd->arg1);
		else
			buf_adds(out, "report: no cohort yet (cohort open NAME starts one)\n");
		return 0;
	}
	if (send_report(e, cohort, cause, file, sizeof(file), &name, error_r) < 0)
		return -1;
	buf_printf(out, "report: the report of cohort %s is sent to the committee, its figures also"
	    " in %s\n", name, file);
	free(name);
	return 0;
}

int edition_report_print(struct engine *e, const char *name, int csv, struct buf *out)
{
	struct report r;
	int64_t cohort = 0;
	int found = report_cohort(e, name, &cohort);

	if (found <= 0)
		return found;
	if (report_load(e, cohort, &r) < 0)
		return -1;
	if (csv)
		report_csv(&r, out);
	else
		report_text(&r, out);
	report_deinit(&r);
	return 1;
}

/* A cohort's feedback period ends feedback_days after its last request,
 * once every pair introduced in it was asked. */
static int due(struct engine *e, char **error_r)
{
	struct store_ids ids = { NULL, 0 };
	char key[48], file[80];
	size_t i;
	int r = 0;

	if (store_query(e->st, "SELECT c.id FROM cohorts c WHERE EXISTS (SELECT 1 FROM feedback f"
	    " WHERE f.cohort_id = c.id) AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.cohort_id = c.id"
	    " AND p.status = 'active' AND p.introduced_at IS NOT NULL AND p.feedback_at IS NULL)"
	    " AND (SELECT max(sent_at) FROM feedback f WHERE f.cohort_id = c.id) <= ? ORDER BY c.id",
	    store_ids_row, &ids, "t", e->now - e->cfg->schedule.feedback_days * DAY) < 0)
		return -1;
	for (i = 0; i < ids.n && r >= 0; i++) {
		snprintf(key, sizeof(key), "report:%" PRId64, ids.v[i]);
		r = store_job_claim(e->st, key, e->now);
		if (r == 1)
			r = send_report(e, ids.v[i], 0, file, sizeof(file), NULL, error_r);
	}
	free(ids.v);
	return r < 0 ? -1 : 0;
}

int edition_due(struct engine *e, char **error_r)
{
	if (store_begin(e->st) < 0)
		return -1;
	if (due(e, error_r) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}

/* ---- the call for participants ---- */

struct call {
	int64_t cohort, previous;
	char *name, *previous_name;
	int64_t cause;
	size_t willing, waitlisted;
};

/* The previous cohort's waitlisted applicants, never paired: each is
 * offered to carry the application over. */
static int offer(struct engine *e, struct call *k, int64_t app_id, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	char token[16], payload[24], *summary = NULL;
	const char *lang;
	int64_t rowid = 0;
	int ret = -1;

	if (roster_application_by_id(e, app_id, &a) != 1)
		return -1;
	lang = notify_language(e, a.language, NULL, 1);
	snprintf(payload, sizeof(payload), "%" PRId64, k->cohort);
	if (confirm_new_for(e, a.address, "carry-over", a.id, payload, token, &rowid) < 0)
		goto out;
	summary = roster_summary(&a, lang);
	vars_set(&v, "cohort", k->name);
	vars_set(&v, "previous", k->previous_name);
	vars_set(&v, "role", roster_role_word(a.role, lang));
	vars_set(&v, "summary", summary);
	vars_set(&v, "token", token);
	ret = notify_person(e, &a, &(struct notice){ .kind = "carry-over", .vars = &v,
	    .cause = k->cause, .ref_kind = "confirmation", .ref_id = rowid }, error_r);
	if (ret == 0)
		k->waitlisted++;
out:
	vars_deinit(&v);
	free(summary);
	roster_application_deinit(&a);
	return ret;
}

/* Someone who said they would take part again, written to about the
 * application of the feedback they gave. */
static int call_one(struct engine *e, struct call *k, int64_t app_id, const char *as,
    char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	const char *lang;
	int ret;

	if (roster_application_by_id(e, app_id, &a) != 1)
		return -1;
	lang = notify_language(e, a.language, NULL, 1);
	vars_set(&v, "cohort", k->name);
	vars_set(&v, "role", as != NULL && (strcmp(as, "mentor") == 0 || strcmp(as, "mentee") == 0)
	    ? roster_role_word(as, lang) : "");
	ret = notify_person(e, &a, &(struct notice){ .kind = "announcement", .vars = &v,
	    .cause = k->cause }, error_r);
	if (ret == 0)
		k->willing++;
	vars_deinit(&v);
	roster_application_deinit(&a);
	return ret;
}

/* People to write to: an application of theirs and, for the willing,
 * the role they said. */
struct callee {
	int64_t app, person;
	char *as;
};

struct callees {
	struct callee *v;
	size_t n;
};

static int callee_cb(const struct store_row *row, void *arg)
{
	struct callees *w = arg;
	const char *as = store_row_text(row, 2);

	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n].app = store_row_int(row, 0);
	w->v[w->n].person = store_row_int(row, 1);
	w->v[w->n].as = as != NULL ? xstrdup(as) : NULL;
	w->n++;
	return 0;
}

static void callees_free(struct callees *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].as);
	free(w->v);
}

static int among(const struct callees *w, int64_t person)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].person == person)
			return 1;
	return 0;
}

/* Whom to write to, each person once: the waitlist (with the offer), then
 * the willing who are not on it; never an erased, anonymised or bouncing
 * address, nor someone who applied to the new cohort already. */
static int call(struct engine *e, struct call *k, char **error_r)
{
	struct callees waitlisted = { NULL, 0 }, willing = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (k->previous != 0 && store_query(e->st, "SELECT a.id, a.person_id, NULL FROM applications a"
	    " JOIN people p ON p.id = a.person_id"
	    " WHERE a.cohort_id = ?1 AND a.waitlisted_at IS NOT NULL AND a.status = 'confirmed'"
	    " AND a.name IS NOT NULL AND p.erased_at IS NULL AND p.bouncing = 0"
	    " AND NOT EXISTS (SELECT 1 FROM pairs x WHERE x.introduced_at IS NOT NULL"
	    " AND (x.mentor_app = a.id OR x.mentee_app = a.id))"
	    " AND NOT EXISTS (SELECT 1 FROM applications n WHERE n.cohort_id = ?2"
	    " AND n.person_id = a.person_id) ORDER BY a.id", callee_cb, &waitlisted, "ii",
	    k->previous, k->cohort) < 0)
		goto out;
	/* the latest feedback of each person willing to return */
	if (store_query(e->st, "SELECT a.id, f.person_id, f.again_as FROM feedback f"
	    " JOIN pairs x ON x.id = f.pair_id"
	    " JOIN applications a ON a.id IN (x.mentor_app, x.mentee_app) AND a.person_id = f.person_id"
	    " JOIN people p ON p.id = f.person_id JOIN cohorts c ON c.id = f.cohort_id"
	    " WHERE f.again = 'yes' AND f.cohort_id <> ?1 AND c.anonymised_at IS NULL"
	    " AND p.erased_at IS NULL AND p.bouncing = 0 AND a.name IS NOT NULL"
	    " AND f.id = (SELECT max(g.id) FROM feedback g WHERE g.person_id = f.person_id"
	    " AND g.again = 'yes')"
	    " AND NOT EXISTS (SELECT 1 FROM applications n WHERE n.cohort_id = ?1"
	    " AND n.person_id = f.person_id) ORDER BY f.person_id", callee_cb, &willing, "i",
	    k->cohort) < 0)
		goto out;
	for (i = 0; i < waitlisted.n; i++)
		if (offer(e, k, waitlisted.v[i].app, error_r) < 0)
			goto out;
	for (i = 0; i < willing.n; i++)
		if (!among(&waitlisted, willing.v[i].person) &&
		    call_one(e, k, willing.v[i].app, willing.v[i].as, error_r) < 0)
			goto out;
	ret = 0;
out:
	callees_free(&willing);
	callees_free(&waitlisted);
	return ret;
}

int edition_announce(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct call k;
	char key[48];
	int r, ret = -1;

	if (!cmd->announce)
		return 0;
	memset(&k, 0, sizeof(k));
	k.cause = cause;
	r = roster_open_cohort(e, &k.cohort, &k.name);
	if (r < 0)
		return -1;
	if (r == 0 || cmd->arg1 == NULL || strcmp(k.name, cmd->arg1) != 0) {
		buf_printf(out, "announce: cohort %s is not the open one; nothing was sent\n",
		    cmd->arg1 != NULL ? cmd->arg1 : "?");
		ret = 0;
		goto out;
	}
	snprintf(key, sizeof(key), "announce:%" PRId64, k.cohort);
	r = store_job_claim(e->st, key, e->now);
	if (r <= 0) {
		if (r == 0)
			buf_printf(out, "announce: the call for cohort %s went out before; nothing was sent"
			    " again\n", k.name);
		ret = r;
		goto out;
	}
	if (store_query_int(e->st, &k.previous, "SELECT coalesce(max(id), 0) FROM cohorts WHERE id < ?",
	    "i", k.cohort) < 0 ||
	    (k.previous != 0 && roster_cohort_name(e, k.previous, &k.previous_name) < 0))
		goto out;
	if (k.previous_name == NULL)
		k.previous_name = xstrdup("");
	if (call(e, &k, error_r) < 0)
		goto out;
	buf_printf(out, "announce: the call for cohort %s went to %zu past participant(s) willing to"
	    " take part again", k.name, k.willing);
	if (k.previous != 0)
		buf_printf(out, " and to %zu waitlisted applicant(s) of cohort %s, offered to carry their"
		    " application over", k.waitlisted, k.previous_name);
	buf_adds(out, "\n");
	ret = 0;
out:
	free(k.name);
	free(k.previous_name);
	return ret;
}

/* ---- the carry-over ---- */

static int carry(struct msgctx *c, int64_t old_app, int64_t cohort, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a, live;
	char *name = NULL, *summary = NULL;
	const char *lang;
	int r, ret = -1;

	memset(&a, 0, sizeof(a));
	memset(&live, 0, sizeof(live));
	r = roster_application_live(c->e, cohort, c->m->from_addr, &live);
	if (r != 0) {
		if (r == 1)
			inbound_outcome(c, "carry-over: an application to the cohort exists already");
		roster_application_deinit(&live);
		return r < 0 ? -1 : 1;
	}
	r = roster_application_carry(c->e, old_app, cohort, &a);
	if (r <= 0) {
		if (r == 0)
			inbound_leave(c, "carry-over of an application no longer held");
		return r < 0 ? -1 : 1;
	}
	if (roster_cohort_name(c->e, cohort, &name) < 0)
		goto out;
	lang = notify_language(c->e, a.language, NULL, 1);
	summary = roster_summary(&a, lang);
	vars_set(&v, "role", roster_role_word(a.role, lang));
	vars_set(&v, "cohort", name);
	vars_set(&v, "summary", summary);
	vars_set(&v, "name", a.name);
	vars_set(&v, "profile", "");
	if (notify_answer(c, &(struct notice){ .kind = "confirmed", .lang = lang, .vars = &v,
	    .person_id = a.person_id, .ref_kind = "application", .ref_id = a.id }, error_r) < 0)
		goto out;
	inbound_outcome(c, "application carried over to cohort %s", name);
	ret = 1;
out:
	vars_deinit(&v);
	free(summary);
	free(name);
	roster_application_deinit(&a);
	return ret;
}

int edition_carry_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	enum rsvp_answer answer = command_rsvp_answer(c->text);
	const char *lang = NULL;
	char *arg = NULL, *status = NULL;
	long cohort = 0;
	int r;

	/* "confirm TOKEN" in the subject says yes too */
	if (command_applicant(c->m->subject, &arg, &lang) == ACMD_CONFIRM)
		answer = RSVP_YES;
	free(arg);
	if (answer == RSVP_NO) {
		inbound_outcome(c, "carry-over declined");
		return 1;
	}
	if (answer != RSVP_YES) {
		if (confirm_reopen(c->e, k->rowid) < 0)
			return -1;
		inbound_leave(c, "answer to a carry-over offer in words");
		return 1;
	}
	if (k->payload == NULL || str_to_long(k->payload, 1, LONG_MAX, &cohort) < 0) {
		inbound_leave(c, "carry-over offer without its cohort");
		return 1;
	}
	if (store_query_text(c->e->st, &status, "SELECT status FROM cohorts WHERE id = ?", "i",
	    (int64_t)cohort) < 0)
		return -1;
	r = status != NULL && strcmp(status, "open") == 0;
	free(status);
	if (!r) {
		inbound_leave(c, "carry-over after the cohort closed");
		return 1;
	}
	return carry(c, k->ref_id, (int64_t)cohort, error_r);
}
