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
#define REPORT_PDF_BYTES_MAX (4u * 1024 * 1024)

/* ---- the report ---- */

/* report-NAME.EXT, the name's other characters made '-' (compose.h's rule
 * for a file name). */
static void file_name(const char *cohort, const char *ext, char *out, size_t size)
{
	size_t i, n = 0;

	n = (size_t)snprintf(out, size, "report-");
	for (i = 0; cohort[i] != '\0' && n + 5 < size && n < 56; i++)
		out[n++] = isalnum((unsigned char)cohort[i]) || cohort[i] == '.' || cohort[i] == '_'
		    ? cohort[i] : '-';
	snprintf(out + n, size - n, ".%s", ext);
}

/* The report as a PDF in the committee's language, dated now (--now). */
static int report_pdf_of(struct engine *e, const struct report *r, struct buf *pdf)
{
	return report_pdf(r, e->cfg->programme.name, e->cfg->programme.language, e->now, pdf);
}

/* How many people were asked for their feedback, reminded, and answered:
 * the figures the report waited for, with the report's rule for a count
 * of 1 or 2, in the committee's language. */
static int feedback_counts(struct engine *e, int64_t cohort, struct vars *v)
{
	static const char *const names[] = { "feedback_asked", "feedback_nudged",
	    "feedback_answered" };
	static const char *const sql[] = {
		"SELECT count(*) FROM feedback WHERE cohort_id = ?",
		"SELECT count(nudged_at) FROM feedback WHERE cohort_id = ?",
		"SELECT count(answered_at) FROM feedback WHERE cohort_id = ?",
	};
	const char *lang = notify_language(e, NULL, NULL, 1);
	char shown[32];
	int64_t n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (store_query_int(e->st, &n, sql[i], "i", cohort) < 0)
			return -1;
		report_count((long)n, shown, sizeof(shown));
		vars_set(v, names[i], n > 0 && n < 3 && lang != NULL && strcmp(lang, "fr") == 0
		    ? "moins de 3" : shown);
	}
	return 0;
}

static int send_report(struct engine *e, int64_t cohort, int64_t cause, char *file,
    size_t file_size, char **name_r, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct report r;
	struct buf text, csv, pdf;
	char pdf_name[80];
	int ret = -1;

	buf_init(&text, REPORT_BYTES_MAX);
	buf_init(&csv, REPORT_BYTES_MAX);
	buf_init(&pdf, REPORT_PDF_BYTES_MAX);
	buf_add(&text, "", 0);
	buf_add(&csv, "", 0);
	if (report_load(e, cohort, &r) < 0)
		goto out;
	if (feedback_counts(e, cohort, &v) < 0) {
		report_deinit(&r);
		goto out;
	}
	report_text(&r, &text);
	report_csv(&r, &csv);
	if (report_pdf_of(e, &r, &pdf) < 0) {
		*error_r = xstrdup("the report's charts could not be drawn");
		report_deinit(&r);
		goto out;
	}
	file_name(r.cohort, "csv", file, file_size);
	file_name(r.cohort, "pdf", pdf_name, sizeof(pdf_name));
	vars_set(&v, "cohort", r.cohort);
	vars_set(&v, "file", file);
	vars_set(&v, "pdf", pdf_name);
	vars_set(&v, "report", text.s);
	vars_set(&v, "name", "");
	ret = notify_committee(e, &(struct notice){ .kind = "report", .vars = &v, .all_members = 1,
	    .cause = cause, .attach_type = "text/csv; charset=UTF-8", .attach_name = file,
	    .attach_body = csv.s, .file_type = "application/pdf", .file_name = pdf_name,
	    .file_data = pdf.s, .file_len = pdf.len }, error_r);
	if (ret == 0 && name_r != NULL)
		*name_r = xstrdup(r.cohort);
	report_deinit(&r);
out:
	vars_deinit(&v);
	buf_deinit(&text);
	buf_deinit(&csv);
	buf_deinit(&pdf);
	return ret;
}

int edition_report(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	char file[80], pdf[80], *name = NULL;
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
	file_name(name, "pdf", pdf, sizeof(pdf));
	buf_printf(out, "report: the report of cohort %s is sent to the committee, its figures also"
	    " in %s, its charts in %s\n", name, file, pdf);
	free(name);
	return 0;
}

int edition_report_print(struct engine *e, const char *name, enum edition_format format,
    struct buf *out)
{
	struct report r;
	int64_t cohort = 0;
	int found = report_cohort(e, name, &cohort);

	if (found <= 0)
		return found;
	if (report_load(e, cohort, &r) < 0)
		return -1;
	if (format == EDITION_PDF && report_pdf_of(e, &r, out) < 0) {
		report_deinit(&r);
		return -1;
	}
	if (format == EDITION_CSV)
		report_csv(&r, out);
	else if (format == EDITION_TEXT)
		report_text(&r, out);
	report_deinit(&r);
	return 1;
}

/* A cohort's feedback period ends feedback_days after its last request,
 * once every pair introduced in it was asked, and once everyone who has
 * not answered was reminded and had the reminder's own time
 * (nudge_after_days) to answer it: the report holds the answers it waited
 * for. Someone erased is never reminded, and waited for no longer. */
static int due(struct engine *e, char **error_r)
{
	struct store_ids ids = { NULL, 0 };
	char key[48], file[80];
	size_t i;
	int r = 0;

	if (store_query(e->st, "SELECT c.id FROM cohorts c WHERE EXISTS (SELECT 1 FROM feedback f"
	    " WHERE f.cohort_id = c.id) AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.cohort_id = c.id"
	    " AND p.status = 'active' AND p.introduced_at IS NOT NULL AND p.feedback_at IS NULL)"
	    " AND (SELECT max(sent_at) FROM feedback f WHERE f.cohort_id = c.id) <= ?"
	    " AND (c.anonymised_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM feedback f"
	    " JOIN people pe ON pe.id = f.person_id WHERE f.cohort_id = c.id AND f.answered_at IS NULL"
	    " AND pe.erased_at IS NULL AND (f.nudged_at IS NULL OR f.nudged_at > ?))) ORDER BY c.id",
	    store_ids_row, &ids, "tt", e->now - e->cfg->schedule.feedback_days * DAY,
	    time_add_days(e->now, -e->cfg->schedule.nudge_after_days)) < 0)
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

/* The offer to carry application a over into cohort (named cohort_name,
 * a from previous_name), under the confirmation rowid/token made at
 * offered: the first, or (reminder) the one reminder. It lapses
 * confirm_days after it was made: the text says the day. */
static int offer_send(struct engine *e, const struct application *a, const char *cohort_name,
    const char *previous_name, int64_t rowid, const char *token, time_t offered, int reminder,
    int64_t cause, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *lang = notify_language(e, a->language, NULL, 1);
	char *summary = roster_summary(a, lang), until[64];
	int ret;

	time_local_day(time_add_days(offered, e->cfg->programme.confirm_days), e->now, lang, 1,
	    until, sizeof(until));
	vars_set(&v, "cohort", cohort_name);
	vars_set(&v, "previous", previous_name);
	vars_set(&v, "role", roster_role_word(a->role, lang));
	vars_set(&v, "summary", summary);
	vars_set(&v, "token", token);
	vars_set(&v, "until", until);
	vars_set(&v, "reminder", reminder ? "1" : "");
	ret = notify_person(e, a, &(struct notice){ .kind = "carry-over", .vars = &v,
	    .cause = cause, .ref_kind = "confirmation", .ref_id = rowid }, error_r);
	vars_deinit(&v);
	free(summary);
	return ret;
}

/* The previous cohort's waitlisted applicants, never paired: each is
 * offered to carry the application over. */
static int offer(struct engine *e, struct call *k, int64_t app_id, char **error_r)
{
	struct application a;
	char token[16], payload[24];
	int64_t rowid = 0;
	int ret = -1;

	if (roster_application_by_id(e, app_id, &a) != 1)
		return -1;
	snprintf(payload, sizeof(payload), "%" PRId64, k->cohort);
	if (confirm_new_for(e, a.address, "carry-over", a.id, payload, token, &rowid) < 0)
		goto out;
	ret = offer_send(e, &a, k->name, k->previous_name, rowid, token, e->now, 0, k->cause,
	    error_r);
	if (ret == 0)
		k->waitlisted++;
out:
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
	char *form;
	int said, ret;

	if (roster_application_by_id(e, app_id, &a) != 1)
		return -1;
	lang = notify_language(e, a.language, NULL, 1);
	said = as != NULL && (strcmp(as, "mentor") == 0 || strcmp(as, "mentee") == 0);
	vars_set(&v, "cohort", k->name);
	vars_set(&v, "role", said ? roster_role_word(as, lang) : "");
	/* their last application, filled in as the form to send back, in
	 * the role they said they would take */
	if (said) {
		free(a.role);
		a.role = xstrdup(as);
	}
	form = roster_summary(&a, lang);
	vars_set(&v, "summary", form);
	free(form);
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
	enum rsvp_answer answer = confirm_answer(c);
	char *status = NULL;
	long cohort = 0;
	int64_t offered = 0;
	int r;

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
	if (store_query_int(c->e->st, &offered, "SELECT created_at FROM confirmations WHERE rowid = ?",
	    "i", k->rowid) < 0)
		return -1;
	/* the offer said until when: a later "yes" is for a person to weigh */
	if (time_add_days((time_t)offered, c->e->cfg->programme.confirm_days) <= c->e->now) {
		inbound_leave(c, "carry-over after the offer lapsed");
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

/* ---- the offer's one reminder ---- */

/* Offers still waiting, for a cohort still open, made between from and
 * to, not reminded yet. */
#define WAITING_OFFERS " FROM confirmations c JOIN cohorts co ON co.id = CAST(c.payload AS INTEGER)" \
	" WHERE c.kind = 'carry-over' AND c.done_at IS NULL AND c.reminded_at IS NULL" \
	" AND c.address <> 'erased' AND co.status = 'open'"

struct waiting {
	int64_t rowid, app, cohort;
	time_t offered;
	char *token;
};

struct waitings {
	struct waiting *v;
	size_t n;
};

static int waiting_cb(const struct store_row *row, void *arg)
{
	struct waitings *w = arg;

	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n].rowid = store_row_int(row, 0);
	w->v[w->n].app = store_row_int(row, 1);
	w->v[w->n].cohort = store_row_int(row, 2);
	w->v[w->n].offered = (time_t)store_row_int(row, 3);
	w->v[w->n].token = xstrdup(store_row_text(row, 4));
	w->n++;
	return 0;
}

static int remind(struct engine *e, const struct waiting *w, char **error_r)
{
	struct application a;
	char *cohort = NULL, *previous = NULL;
	int ret = -1;

	if (roster_application_by_id(e, w->app, &a) != 1)
		return 0; /* gone: nothing to remind of */
	if (store_exec(e->st, "UPDATE confirmations SET reminded_at = ? WHERE rowid = ?", "ti",
	    e->now, w->rowid) < 0 || roster_cohort_name(e, w->cohort, &cohort) < 0 ||
	    roster_cohort_name(e, a.cohort_id, &previous) < 0)
		goto out;
	ret = offer_send(e, &a, cohort, previous, w->rowid, w->token, w->offered, 1, 0, error_r);
out:
	free(cohort);
	free(previous);
	roster_application_deinit(&a);
	return ret;
}

/* Half-way to the day an offer lapses (confirm_days, as for an
 * application's confirmation), one reminder. */
static long reminder_days(const struct engine *e)
{
	return e->cfg->programme.confirm_days / 2;
}

static int carry_due(struct engine *e, char **error_r)
{
	struct waitings w = { NULL, 0 };
	long days = reminder_days(e);
	size_t i;
	int ret = -1;

	if (days < 1)
		return 0;
	if (store_query(e->st, "SELECT c.rowid, c.ref_id, co.id, c.created_at, c.token" WAITING_OFFERS
	    " AND c.created_at <= ? AND c.created_at > ? ORDER BY c.rowid", waiting_cb, &w, "tt",
	    time_add_days(e->now, -days), time_add_days(e->now, -e->cfg->programme.confirm_days)) < 0)
		goto out;
	for (i = 0; i < w.n; i++)
		if (remind(e, &w.v[i], error_r) < 0)
			goto out;
	ret = 0;
out:
	for (i = 0; i < w.n; i++)
		free(w.v[i].token);
	free(w.v);
	return ret;
}

int edition_carry_due(struct engine *e, char **error_r)
{
	if (store_begin(e->st) < 0)
		return -1;
	if (carry_due(e, error_r) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}

static void lower(const struct engine *e, time_t *next, int64_t from, long days)
{
	time_t t = time_add_days((time_t)from, days);

	if (from != 0 && t > e->now && (*next == 0 || t < *next))
		*next = t;
}

int edition_next_due(struct engine *e, time_t *next)
{
	const struct config *cfg = e->cfg;
	long days = reminder_days(e);
	int64_t first = 0, asked = 0, nudged = 0;

	/* a report not sent yet: the end of its feedback period, or of a
	 * reminder's time (due() says which counts) */
	if (store_query_int(e->st, &asked, "SELECT coalesce(min(f.sent_at), 0) FROM feedback f"
	    " WHERE f.sent_at > ? AND NOT EXISTS (SELECT 1 FROM jobs j"
	    " WHERE j.key = 'report:' || f.cohort_id)", "t",
	    time_add_days(e->now, -cfg->schedule.feedback_days)) < 0 ||
	    store_query_int(e->st, &nudged, "SELECT coalesce(min(f.nudged_at), 0) FROM feedback f"
	    " WHERE f.nudged_at > ? AND NOT EXISTS (SELECT 1 FROM jobs j"
	    " WHERE j.key = 'report:' || f.cohort_id)", "t",
	    time_add_days(e->now, -cfg->schedule.nudge_after_days)) < 0)
		return -1;
	lower(e, next, asked, cfg->schedule.feedback_days);
	lower(e, next, nudged, cfg->schedule.nudge_after_days);
	if (days < 1)
		return 0;
	if (store_query_int(e->st, &first, "SELECT coalesce(min(c.created_at), 0)" WAITING_OFFERS
	    " AND c.created_at > ?", "t", time_add_days(e->now, -days)) < 0)
		return -1;
	lower(e, next, first, days);
	return 0;
}
