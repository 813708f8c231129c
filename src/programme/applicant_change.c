/* A change to an application asked by an address that has not proven
 * itself: a request confirmed by reply (applicant_change.h). */
#include "applicant_change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "confirm.h"
#include "engine.h"
#include "form.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define MODE_UPDATE "update"
#define MODE_APPLY "apply"

/* An application sent again replaces every field (applicant.c apply()). */
#define EVERY_FIELD (FK_NAME | FK_DEPARTMENT | FK_FIELD | FK_LANGUAGE | FK_TOPICS | \
	FK_PREFERENCE | FK_CAPACITY | FK_ABOUT | FK_GENDER)

int applicant_change_vouched(struct msgctx *c)
{
	return c->replied || inbound_sender_proven(c->e, c->m);
}

/* The fields f gives, one "Key: value" line each, keys in lang. */
static char *lines_of(const struct form *f, const char *lang)
{
	int fr = lang != NULL && strcmp(lang, "fr") == 0;
	struct buf b, pref;
	char cap[32];

	buf_init(&b, 64 * 1024);
	buf_add(&b, "", 0);
	buf_init(&pref, 16 * 1024);
	buf_add(&pref, "", 0);
	if (f->present & FK_ROLE)
		roster_summary_line(&b, fr ? "Rôle :" : "Role:", form_role_name(f->role));
	if (f->present & FK_NAME)
		roster_summary_line(&b, fr ? "Nom :" : "Name:", f->name);
	if (f->present & FK_DEPARTMENT)
		roster_summary_line(&b, fr ? "Département :" : "Department:", f->department);
	if (f->present & FK_FIELD)
		roster_summary_line(&b, fr ? "Domaine :" : "Field:", f->field);
	if (f->present & FK_LANGUAGE)
		roster_summary_line(&b, fr ? "Langue :" : "Language:", f->language);
	if (f->present & FK_TOPICS)
		roster_summary_line(&b, fr ? "Sujets :" : "Topics:", f->topics);
	if (f->present & FK_PREFERENCE) {
		const char *items[] = { f->preference, f->pref_gender, f->pref_mentors };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(items); i++)
			if (items[i] != NULL && items[i][0] != '\0')
				buf_printf(&pref, "%s%s", pref.len > 0 ? ", " : "", items[i]);
		roster_summary_line(&b, fr ? "Préférence :" : "Preference:", pref.s);
	}
	if ((f->present & FK_CAPACITY) && f->role != ROLE_MENTEE) {
		snprintf(cap, sizeof(cap), "%ld", f->capacity);
		roster_summary_line(&b, fr ? "Capacité :" : "Capacity:", cap);
	}
	if (f->present & FK_GENDER)
		roster_summary_line(&b, fr ? "Genre :" : "Gender:", f->gender);
	if (f->present & FK_ABOUT)
		roster_summary_line(&b, fr ? "À propos :" : "About:", f->about);
	buf_deinit(&pref);
	return buf_steal(&b);
}

/* The application as it would read with the change: made, read and
 * undone inside a savepoint of the caller's transaction. */
static int preview(struct engine *e, int64_t id, const struct form *f, const char *lang,
    char **summary_r)
{
	struct application a;
	int r;

	*summary_r = NULL;
	if (store_exec(e->st, "SAVEPOINT change_preview", NULL) < 0)
		return -1;
	r = roster_application_update(e, id, f) < 0 || roster_application_by_id(e, id, &a) != 1
	    ? -1 : 0;
	if (r == 0) {
		*summary_r = roster_summary(&a, lang);
		roster_application_deinit(&a);
	}
	if (store_exec(e->st, "ROLLBACK TO change_preview", NULL) < 0 ||
	    store_exec(e->st, "RELEASE change_preview", NULL) < 0)
		r = -1;
	return r;
}

int applicant_change_request(struct msgctx *c, const struct application *live,
    const struct form *f, int reapply, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *lang = notify_language(c->e, live->language, NULL, 1);
	char token[16], *payload = NULL, *change = NULL, *summary = NULL, *cohort = NULL;
	char *fields = lines_of(f, "en");
	int64_t rowid = 0;
	int ret = -1;

	/* the role line makes the payload a form whatever it changes
	 * (form.h: a Role line, or two keys) */
	if (f->present & FK_ROLE)
		payload = xasprintf("%s\n%s", reapply ? MODE_APPLY : MODE_UPDATE, fields);
	else
		payload = xasprintf("%s\nRole: %s\n%s", reapply ? MODE_APPLY : MODE_UPDATE,
		    live->role, fields);
	change = lines_of(f, lang);
	if (preview(c->e, live->id, f, lang, &summary) < 0 ||
	    roster_cohort_name(c->e, live->cohort_id, &cohort) < 0 ||
	    confirm_new(c, "update", live->id, payload, token, &rowid) < 0)
		goto out;
	/* the name the application has, never the one asked for */
	vars_set(&v, "name", live->name);
	vars_set(&v, "token", token);
	vars_set(&v, "role", roster_role_word(live->role, lang));
	vars_set(&v, "cohort", cohort);
	vars_set(&v, "change", change);
	vars_set(&v, "summary", summary);
	ret = notify_answer(c, &(struct notice){ .kind = "confirm-request", .tmpl = "confirm-update",
	    .lang = lang, .vars = &v, .ref_kind = "confirmation", .ref_id = rowid,
	    .person_id = live->person_id }, error_r);
	inbound_outcome(c, "change to application #%lld asked; confirmation requested",
	    (long long)live->id);
out:
	vars_deinit(&v);
	free(fields);
	free(payload);
	free(change);
	free(summary);
	free(cohort);
	return ret;
}

/* The change a confirmation holds, read back into f; *reapply_r says
 * whether it replaces every field. 1, or 0 if it holds none. */
static int change_of(const struct confirmation *k, struct form *f, int *reapply_r)
{
	const char *nl = k->payload != NULL ? strchr(k->payload, '\n') : NULL;

	if (nl == NULL)
		return 0;
	*reapply_r = strncmp(k->payload, MODE_APPLY "\n", sizeof(MODE_APPLY)) == 0;
	form_parse(nl + 1, FORM_UPDATE, f);
	if (f->errors.n > 0 || f->present == 0)
		return 0;
	if (*reapply_r)
		f->present |= EVERY_FIELD;
	return 1;
}

int applicant_change_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	enum rsvp_answer answer = confirm_answer(c);
	struct application a;
	struct form f;
	int64_t person = 0;
	int reapply = 0, pending, ret = -1;

	if (answer == RSVP_NO) {
		inbound_outcome(c, "change to an application declined");
		return 1;
	}
	if (answer != RSVP_YES) {
		if (confirm_reopen(c->e, k->rowid) < 0)
			return -1;
		inbound_leave(c, "answer to a change request in words");
		return 1;
	}
	if (roster_application_by_id(c->e, k->ref_id, &a) != 1)
		return -1;
	form_init(&f);
	pending = strcmp(a.status, "pending") == 0;
	if (!pending && strcmp(a.status, "confirmed") != 0) {
		inbound_leave(c, "change to an application no longer open");
		ret = 0;
		goto out;
	}
	if (!change_of(k, &f, &reapply) ||
	    ((f.present & FK_ROLE) && strcmp(form_role_name(f.role), a.role) != 0)) {
		inbound_leave(c, "change request that cannot be applied");
		ret = 0;
		goto out;
	}
	if (roster_person(c->e, a.address, reapply ? f.name : NULL,
	    (f.present & FK_LANGUAGE) ? f.language : NULL, &person) < 0 ||
	    roster_application_update(c->e, a.id, &f) < 0 ||
	    (pending && roster_application_set_status(c->e, a.id, "confirmed") < 0))
		goto out;
	roster_application_deinit(&a);
	if (roster_application_by_id(c->e, k->ref_id, &a) != 1)
		goto out;
	ret = applicant_notice(c, &a, pending ? "confirmed" : "updated", error_r);
	inbound_outcome(c, "change to application #%lld confirmed%s", (long long)a.id,
	    pending ? ", and the application with it" : "");
out:
	form_deinit(&f);
	roster_application_deinit(&a);
	return ret < 0 ? -1 : 1;
}
