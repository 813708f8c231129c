/* choosing: anonymous profiles out, ranked choices in (choosing.h). */
#include "choosing.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "choice.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* ---- profiles ---- */

struct listing {
	struct engine *e;
	struct strlist words;
	struct buf en, fr;
	long count;
	int failed;
};

static int mentor_row(const struct store_row *row, void *arg)
{
	struct listing *l = arg;
	struct application a;
	char *en = NULL, *fr = NULL;

	memset(&a, 0, sizeof(a));
	if (roster_application_by_id(l->e, store_row_int(row, 1), &a) != 1 ||
	    roster_profile(l->e, &a, &l->words, "en", (long)store_row_int(row, 0), &en) < 0 ||
	    roster_profile(l->e, &a, &l->words, "fr", (long)store_row_int(row, 0), &fr) < 0) {
		l->failed = 1;
	} else {
		buf_printf(&l->en, "%s%s", l->count > 0 ? "\n" : "", en);
		buf_printf(&l->fr, "%s%s", l->count > 0 ? "\n" : "", fr);
		l->count++;
	}
	free(en);
	free(fr);
	roster_application_deinit(&a);
	return l->failed;
}

/* Mentors of the cohort get a number once; those with room are listed. */
static int list_mentors(struct engine *e, int64_t cohort, struct listing *l)
{
	if (store_exec(e->st, "INSERT INTO profiles(cohort_id, number, mentor_app)"
	    " SELECT ?1, (SELECT coalesce(max(number), 0) FROM profiles WHERE cohort_id = ?1)"
	    " + row_number() OVER (ORDER BY a.id), a.id FROM applications a WHERE a.cohort_id = ?1"
	    " AND a.role = 'mentor' AND a.status = 'confirmed'"
	    " AND a.id NOT IN (SELECT mentor_app FROM profiles)", "i", cohort) < 0 ||
	    roster_name_words(e, &l->words) < 0)
		return -1;
	if (store_query(e->st, "SELECT p.number, a.id FROM profiles p JOIN applications a"
	    " ON a.id = p.mentor_app WHERE p.cohort_id = ? AND a.status = 'confirmed'"
	    " AND a.capacity > (SELECT count(*) FROM pairs x WHERE x.mentor_app = a.id"
	    " AND x.status IN ('active', 'consent')) ORDER BY p.number", mentor_row, l, "i", cohort) < 0 ||
	    l->failed)
		return -1;
	return 0;
}

static void until_date(struct engine *e, time_t asked, char *out, size_t size)
{
	time_local_date(time_add_days(asked, e->cfg->matching.choices_days), out, size);
}

static int send_profiles(struct engine *e, const struct listing *l, const char *cohort_name,
    int64_t app_id, int64_t cause, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	const char *lang;
	char until[16];
	int ret = -1;

	memset(&a, 0, sizeof(a));
	if (roster_application_by_id(e, app_id, &a) != 1)
		goto out;
	lang = notify_language(e, a.language, NULL, 1);
	until_date(e, e->now, until, sizeof(until));
	vars_set(&v, "cohort", cohort_name);
	vars_set(&v, "profiles", lang != NULL && strcmp(lang, "fr") == 0 ? l->fr.s : l->en.s);
	vars_setf(&v, "count", "%ld", l->count);
	vars_set(&v, "until", until);
	if (notify_person(e, &a, &(struct notice){ .kind = "profiles", .vars = &v, .cause = cause,
	    .ref_kind = "profiles", .ref_id = a.id }, error_r) < 0 ||
	    store_exec(e->st, "INSERT INTO choices(mentee_app, asked_at) VALUES(?, ?)"
	    " ON CONFLICT(mentee_app) DO UPDATE SET asked_at = excluded.asked_at", "it", a.id,
	    e->now) < 0)
		goto out;
	ret = 0;
out:
	vars_deinit(&v);
	roster_application_deinit(&a);
	return ret;
}

int choosing_profiles(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct listing l;
	struct store_ids mentees = { NULL, 0 };
	char *cohort_name = NULL;
	int64_t cohort = 0;
	size_t i;
	int r, ret = -1;

	(void)cmd;
	memset(&l, 0, sizeof(l));
	l.e = e;
	buf_init(&l.en, 4u * 1024 * 1024);
	buf_init(&l.fr, 4u * 1024 * 1024);
	buf_add(&l.en, "", 0);
	buf_add(&l.fr, "", 0);
	r = roster_open_cohort(e, &cohort, &cohort_name);
	if (r <= 0) {
		if (r == 0)
			buf_printf(out, "profiles: no cohort is open (cohort open NAME starts one)\n");
		ret = r;
		goto out;
	}
	if (list_mentors(e, cohort, &l) < 0)
		goto out;
	if (l.count == 0) {
		buf_printf(out, "profiles: no mentor has room; nothing was sent\n");
		ret = 0;
		goto out;
	}
	if (store_query(e->st, "SELECT a.id FROM applications a WHERE a.cohort_id = ?"
	    " AND a.role = 'mentee' AND a.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM pairs p"
	    " WHERE p.mentee_app = a.id AND p.status IN ('active', 'consent')) AND NOT EXISTS"
	    " (SELECT 1 FROM choices c WHERE c.mentee_app = a.id) ORDER BY a.id", store_ids_row, &mentees,
	    "i", cohort) < 0)
		goto out;
	for (i = 0; i < mentees.n; i++)
		if (send_profiles(e, &l, cohort_name, mentees.v[i], cause, error_r) < 0)
			goto out;
	if (mentees.n == 0)
		buf_printf(out, "profiles: every mentee without a partner has had the profiles already\n");
	else
		buf_printf(out, "profiles: %ld mentor profile(s) sent to %zu mentee(s); they may choose"
		    " until %ld days from now\n", l.count, mentees.n, e->cfg->matching.choices_days);
	ret = 0;
out:
	free(mentees.v);
	free(cohort_name);
	strlist_deinit(&l.words);
	buf_deinit(&l.en);
	buf_deinit(&l.fr);
	return ret;
}

/* ---- a mentee's reply ---- */

struct asked {
	int64_t app, cohort, person;
	char *address, *language, *status, *name;
	time_t asked_at;
	int paired;
};

static int asked_row(const struct store_row *row, void *arg)
{
	struct asked *k = arg;

	k->app = store_row_int(row, 0);
	k->cohort = store_row_int(row, 1);
	k->address = xstrdup(store_row_text(row, 2) != NULL ? store_row_text(row, 2) : "");
	k->language = store_row_text(row, 3) != NULL ? xstrdup(store_row_text(row, 3)) : NULL;
	k->status = xstrdup(store_row_text(row, 4) != NULL ? store_row_text(row, 4) : "");
	k->asked_at = (time_t)store_row_int(row, 5);
	k->paired = store_row_int(row, 6) != 0;
	k->person = store_row_int(row, 7);
	k->name = store_row_text(row, 8) != NULL ? xstrdup(store_row_text(row, 8)) : NULL;
	return 1;
}

/* Why a choice line was refused, in the mentee's language. */
static char *refusal(const struct choice_reply *r, int fr)
{
	switch (r->error) {
	case CHOICE_EMPTY:
		return xstrdup(fr ? "nous n'avons trouvé aucun numéro de profil."
		    : "we found no profile number.");
	case CHOICE_WORDS:
		return xstrdup(fr ? "la ligne de votre choix contient des mots que nous ne savons pas"
		    " lire comme des numéros de profil."
		    : "the line of your choice holds words we cannot read as profile numbers.");
	case CHOICE_TOO_MANY:
		return xstrdup(fr ? "vous pouvez choisir jusqu'à trois profils."
		    : "you may choose up to three profiles.");
	case CHOICE_REPEAT:
		return xasprintf(fr ? "le profil %ld est nommé deux fois." : "profile %ld is named twice.",
		    r->bad);
	case CHOICE_RANGE:
	default:
		return xasprintf(fr ? "il n'y a pas de profil %ld." : "there is no profile %ld.", r->bad);
	}
}

static int answer(struct msgctx *c, const struct asked *k, const char *lang, const char *what,
    const char *text, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char until[16];
	int ret;

	until_date(c->e, k->asked_at, until, sizeof(until));
	vars_set(&v, "name", k->name);
	vars_set(&v, "recorded", strcmp(what, "recorded") == 0 ? text : "");
	vars_set(&v, "problem", strcmp(what, "problem") == 0 ? text : "");
	vars_set(&v, "closed", strcmp(what, "closed") == 0 ? until : "");
	vars_set(&v, "until", until);
	ret = notify_answer(c, &(struct notice){ .kind = "choices", .lang = lang, .vars = &v,
	    .person_id = k->person, .ref_kind = "profiles", .ref_id = k->app }, error_r);
	vars_deinit(&v);
	return ret;
}

/* The mentors the numbers name, in rank order; a number that names no
 * mentor of the cohort is refused as no profile. */
static int record(struct msgctx *c, const struct asked *k, struct choice_reply *r, int fr,
    struct buf *said)
{
	static const char *const ranks_en[] = { "1st", "2nd", "3rd" };
	static const char *const ranks_fr[] = { "1er", "2e", "3e" };
	int64_t mentor[CHOICE_MAX] = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (store_query_int(c->e->st, &mentor[i], "SELECT mentor_app FROM profiles"
		    " WHERE cohort_id = ? AND number = ?", "ii", k->cohort, (int64_t)r->ranked[i]) < 0)
			return -1;
		if (mentor[i] == 0) {
			r->error = CHOICE_RANGE;
			r->bad = r->ranked[i];
			return 0;
		}
		buf_printf(said, fr ? "  %s choix : profil %ld\n" : "  %s choice: profile %ld\n",
		    fr ? ranks_fr[i] : ranks_en[i], r->ranked[i]);
	}
	if (store_exec(c->e->st, "UPDATE choices SET choice1 = ?, choice2 = ?, choice3 = ?,"
	    " motivation = ?, chosen_at = ? WHERE mentee_app = ?", "iiisti", mentor[0], mentor[1],
	    mentor[2], r->motivation, c->e->now, k->app) < 0)
		return -1;
	return 1;
}

int choosing_reply(struct msgctx *c, int64_t mentee_app, char **error_r)
{
	struct asked k;
	struct choice_reply r;
	struct buf said;
	const char *lang;
	char *why = NULL;
	int64_t n_profiles = 0;
	int fr, got, ret = -1;

	memset(&k, 0, sizeof(k));
	memset(&r, 0, sizeof(r));
	buf_init(&said, 4096);
	buf_add(&said, "", 0);
	if (store_query(c->e->st, "SELECT a.id, a.cohort_id, p.address, a.language, a.status,"
	    " c.asked_at, EXISTS (SELECT 1 FROM pairs x WHERE x.mentee_app = a.id"
	    " AND x.status = 'active'), a.person_id, a.name FROM choices c JOIN applications a"
	    " ON a.id = c.mentee_app JOIN people p ON p.id = a.person_id WHERE c.mentee_app = ?",
	    asked_row, &k, "i", mentee_app) < 0 ||
	    store_query_int(c->e->st, &n_profiles, "SELECT coalesce(max(number), 0) FROM profiles"
	    " WHERE cohort_id = ?", "i", k.cohort) < 0)
		goto out;
	ret = 0;
	if (k.address == NULL || !str_eq_ci(k.address, c->m->from_addr)) {
		inbound_leave(c, "choice from another address");
		goto out;
	}
	got = choice_parse(c->text, (long)n_profiles, &r);
	if (got == 0)
		goto out; /* no choice in it: read as a fresh message */
	if (strcmp(k.status, "confirmed") != 0 || k.paired) {
		inbound_leave(c, "choice from a mentee no longer waiting for a mentor");
		ret = 1;
		goto out;
	}
	lang = notify_language(c->e, k.language, NULL, 1);
	fr = lang != NULL && strcmp(lang, "fr") == 0;
	if (c->e->now > time_add_days(k.asked_at, c->e->cfg->matching.choices_days)) {
		ret = answer(c, &k, lang, "closed", "", error_r) < 0 ? -1 : 1;
		inbound_outcome(c, "choice after the time to choose; the earlier one stands");
		goto out;
	}
	if (got == 1) {
		got = record(c, &k, &r, fr, &said);
		if (got < 0)
			goto out;
	}
	if (got == 1) {
		ret = answer(c, &k, lang, "recorded", said.s, error_r) < 0 ? -1 : 1;
		inbound_outcome(c, "choice of %zu mentor(s) recorded", r.n);
	} else {
		why = refusal(&r, fr);
		ret = answer(c, &k, lang, "problem", why, error_r) < 0 ? -1 : 1;
		inbound_outcome(c, "choice not understood; the mentee was told why");
	}
out:
	free(why);
	free(k.address);
	free(k.language);
	free(k.status);
	free(k.name);
	choice_reply_deinit(&r);
	buf_deinit(&said);
	return ret;
}
