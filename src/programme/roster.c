#include "roster.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "engine.h"
#include "match.h"
#include "form.h"
#include "profile.h"
#include "store.h"
#include "util.h"
#include "words.h"

#define APP_COLS "a.id, a.cohort_id, a.person_id, p.address, a.role, a.name, a.department," \
	" a.field, a.language, a.topics, a.preference, a.pref_gender, a.pref_mentors, a.gender," \
	" a.capacity, a.about, a.status, a.token, a.created_at, coalesce(a.confirmed_at, 0)"
#define APP_FROM " FROM applications a JOIN people p ON p.id = a.person_id "

void roster_application_deinit(struct application *a)
{
	free(a->address);
	free(a->role);
	free(a->name);
	free(a->department);
	free(a->field);
	free(a->language);
	free(a->topics);
	free(a->preference);
	free(a->pref_gender);
	free(a->pref_mentors);
	free(a->gender);
	free(a->about);
	free(a->status);
	free(a->token);
	memset(a, 0, sizeof(*a));
}

static char *dup_col(const struct store_row *row, int col)
{
	const char *s = store_row_text(row, col);

	return s != NULL ? xstrdup(s) : NULL;
}

static int app_row(const struct store_row *row, void *arg)
{
	struct application *a = arg;

	roster_application_deinit(a);
	a->id = store_row_int(row, 0);
	a->cohort_id = store_row_int(row, 1);
	a->person_id = store_row_int(row, 2);
	a->address = dup_col(row, 3);
	a->role = dup_col(row, 4);
	a->name = dup_col(row, 5);
	a->department = dup_col(row, 6);
	a->field = dup_col(row, 7);
	a->language = dup_col(row, 8);
	a->topics = dup_col(row, 9);
	a->preference = dup_col(row, 10);
	a->pref_gender = dup_col(row, 11);
	a->pref_mentors = dup_col(row, 12);
	a->gender = dup_col(row, 13);
	a->capacity = (long)store_row_int(row, 14);
	a->about = dup_col(row, 15);
	a->status = dup_col(row, 16);
	a->token = dup_col(row, 17);
	a->created_at = (time_t)store_row_int(row, 18);
	a->confirmed_at = (time_t)store_row_int(row, 19);
	return 1;
}

int roster_person(struct engine *e, const char *address, const char *name, const char *language,
    int64_t *id_r)
{
	int64_t id = 0;

	if (store_exec(e->st, "INSERT OR IGNORE INTO people(address, name, language, created_at)"
	    " VALUES(?, ?, ?, ?)", "ssst", address, name, language, e->now) < 0)
		return -1;
	if (name != NULL && store_exec(e->st, "UPDATE people SET name = ? WHERE address = ?", "ss",
	    name, address) < 0)
		return -1;
	if (language != NULL && store_exec(e->st, "UPDATE people SET language = ? WHERE address = ?",
	    "ss", language, address) < 0)
		return -1;
	if (store_query_int(e->st, &id, "SELECT id FROM people WHERE address = ?", "s", address) < 0)
		return -1;
	*id_r = id;
	return 0;
}

char *roster_person_language(struct engine *e, const char *address)
{
	char *lang = NULL;

	if (address == NULL || store_query_text(e->st, &lang,
	    "SELECT language FROM people WHERE address = ?", "s", address) < 0)
		return NULL;
	if (lang != NULL && !words_language_known(lang))
		xfree(&lang);
	return lang;
}

struct person_arg {
	char **address, **name, **lang;
	int found;
};

static int person_row(const struct store_row *row, void *arg)
{
	struct person_arg *p = arg;

	p->found = 1;
	*p->address = dup_col(row, 0);
	if (p->name != NULL)
		*p->name = dup_col(row, 1);
	if (p->lang != NULL)
		*p->lang = dup_col(row, 2);
	return 1;
}

int roster_person_address(struct engine *e, int64_t person_id, char **address_r, char **name_r,
    char **lang_r)
{
	struct person_arg p = { address_r, name_r, lang_r, 0 };

	if (store_query(e->st, "SELECT address, name, language FROM people WHERE id = ?"
	    " AND erased_at IS NULL", person_row, &p, "i", person_id) < 0)
		return -1;
	return p.found;
}

int roster_person_bouncing(struct engine *e, const char *address, const char *info)
{
	return store_exec(e->st, "UPDATE people SET bouncing = 1, bounce_info = ? WHERE address = ?",
	    "ss", info, address);
}

struct cohort_arg {
	int64_t id;
	char *name;
	int found;
};

static int cohort_row(const struct store_row *row, void *arg)
{
	struct cohort_arg *c = arg;

	c->found = 1;
	c->id = store_row_int(row, 0);
	c->name = dup_col(row, 1);
	return 1;
}

int roster_open_cohort(struct engine *e, int64_t *id_r, char **name_r)
{
	struct cohort_arg c = { 0, NULL, 0 };

	if (store_query(e->st, "SELECT id, name FROM cohorts WHERE status = 'open' ORDER BY id DESC"
	    " LIMIT 1", cohort_row, &c, NULL) < 0)
		return -1;
	if (c.found) {
		*id_r = c.id;
		if (name_r != NULL)
			*name_r = c.name;
		else
			free(c.name);
	}
	return c.found;
}

int roster_cohort_name(struct engine *e, int64_t id, char **name_r)
{
	return store_query_text(e->st, name_r, "SELECT name FROM cohorts WHERE id = ?", "i", id);
}

int roster_cohort_new(struct engine *e, const char *name)
{
	int64_t exists = 0;

	if (store_query_int(e->st, &exists, "SELECT count(*) FROM cohorts WHERE name = ?", "s", name) < 0)
		return -1;
	if (exists)
		return 0;
	/* the next edition's date, if the committee gave one, is for the one now open */
	if (store_exec(e->st, "INSERT INTO cohorts(name, status, opened_at) VALUES(?, 'open', ?)", "st",
	    name, e->now) < 0 ||
	    store_exec(e->st, "DELETE FROM meta WHERE key = 'next_cohort'", NULL) < 0)
		return -1;
	return 1;
}

int roster_cohort_close(struct engine *e, int64_t id)
{
	return store_exec(e->st, "UPDATE cohorts SET status = 'closed', closed_at = ? WHERE id = ?",
	    "ti", e->now, id);
}

static int app_query(struct engine *e, const char *sql, struct application *a, const char *types,
    int64_t id, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (types[0] == 'i' && types[1] == 's') {
		if (store_query(e->st, sql, app_row, a, "is", id, s) < 0)
			return -1;
	} else if (types[0] == 'i') {
		if (store_query(e->st, sql, app_row, a, "i", id) < 0)
			return -1;
	} else if (store_query(e->st, sql, app_row, a, "s", s) < 0) {
		return -1;
	}
	return a->id != 0;
}

int roster_application_live(struct engine *e, int64_t cohort_id, const char *address,
    struct application *a)
{
	return app_query(e, "SELECT " APP_COLS APP_FROM "WHERE a.cohort_id = ? AND p.address = ?"
	    " AND a.status IN ('pending', 'confirmed') ORDER BY a.id DESC LIMIT 1", a, "is",
	    cohort_id, address);
}

int roster_application_by_id(struct engine *e, int64_t id, struct application *a)
{
	return app_query(e, "SELECT " APP_COLS APP_FROM "WHERE a.id = ?", a, "i", id, NULL);
}

int roster_application_by_token(struct engine *e, const char *token, struct application *a)
{
	return app_query(e, "SELECT " APP_COLS APP_FROM "WHERE a.token = ?", a, "s", 0, token);
}

int roster_application_new(struct engine *e, int64_t cohort_id, int64_t person_id,
    const struct form *f, struct application *a)
{
	char token[TOKEN_LEN + 1];
	int64_t id;

	token_new(token);
	if (store_exec(e->st, "INSERT INTO applications(cohort_id, person_id, role, name, department,"
	    " field, language, topics, preference, pref_gender, pref_mentors, gender, capacity, about,"
	    " status, token, created_at, updated_at)"
	    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
	    "iissssssssssisstt", cohort_id, person_id, form_role_name(f->role), f->name,
	    f->department, f->field, f->language, f->topics, f->preference, f->pref_gender,
	    f->pref_mentors, f->gender, (int64_t)(f->role == ROLE_MENTOR ? f->capacity : 1), f->about,
	    token, e->now, e->now) < 0)
		return -1;
	id = store_last_id(e->st);
	return roster_application_by_id(e, id, a) == 1 ? 0 : -1;
}

int roster_application_carry(struct engine *e, int64_t from_id, int64_t cohort_id,
    struct application *a)
{
	char token[TOKEN_LEN + 1];

	token_new(token);
	if (store_exec(e->st, "INSERT INTO applications(cohort_id, person_id, role, name, department,"
	    " field, language, topics, preference, pref_gender, pref_mentors, gender, capacity, about,"
	    " status, token, created_at, updated_at, confirmed_at, carried_from)"
	    " SELECT ?1, person_id, role, name, department, field, language, topics, preference,"
	    " pref_gender, pref_mentors, gender, capacity, about, 'confirmed', ?2, ?3, ?3, ?3, id"
	    " FROM applications WHERE id = ?4 AND name IS NOT NULL", "isti", cohort_id, token, e->now,
	    from_id) < 0)
		return -1;
	if (store_changes(e->st) == 0)
		return 0;
	return roster_application_by_id(e, store_last_id(e->st), a) == 1 ? 1 : -1;
}

int roster_application_update(struct engine *e, int64_t id, const struct form *f)
{
	static const struct {
		unsigned bit;
		const char *sql;
		size_t offset;
	} cols[] = {
		{ FK_NAME, "UPDATE applications SET name = ? WHERE id = ?", offsetof(struct form, name) },
		{ FK_DEPARTMENT, "UPDATE applications SET department = ? WHERE id = ?", offsetof(struct form, department) },
		{ FK_FIELD, "UPDATE applications SET field = ? WHERE id = ?", offsetof(struct form, field) },
		{ FK_LANGUAGE, "UPDATE applications SET language = ? WHERE id = ?", offsetof(struct form, language) },
		{ FK_TOPICS, "UPDATE applications SET topics = ? WHERE id = ?", offsetof(struct form, topics) },
		{ FK_ABOUT, "UPDATE applications SET about = ? WHERE id = ?", offsetof(struct form, about) },
		{ FK_GENDER, "UPDATE applications SET gender = ? WHERE id = ?", offsetof(struct form, gender) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cols); i++) {
		const char *v = *(char *const *)((const char *)f + cols[i].offset);

		if ((f->present & cols[i].bit) && store_exec(e->st, cols[i].sql, "si", v, id) < 0)
			return -1;
	}
	if ((f->present & FK_PREFERENCE) && store_exec(e->st, "UPDATE applications SET preference = ?,"
	    " pref_gender = ?, pref_mentors = ? WHERE id = ?", "sssi", f->preference, f->pref_gender,
	    f->pref_mentors, id) < 0)
		return -1;
	if ((f->present & FK_CAPACITY) && store_exec(e->st, "UPDATE applications SET capacity = ?"
	    " WHERE id = ? AND role = 'mentor'", "ii", (int64_t)f->capacity, id) < 0)
		return -1;
	return store_exec(e->st, "UPDATE applications SET updated_at = ? WHERE id = ?", "ti", e->now, id);
}

int roster_application_set_status(struct engine *e, int64_t id, const char *status)
{
	if (strcmp(status, "confirmed") == 0)
		return store_exec(e->st, "UPDATE applications SET status = 'confirmed', confirmed_at = ?,"
		    " updated_at = ? WHERE id = ?", "tti", e->now, e->now, id);
	return store_exec(e->st, "UPDATE applications SET status = ?, updated_at = ?,"
	    " ended_at = CASE WHEN ? IN ('withdrawn', 'expired') THEN ? ELSE ended_at END WHERE id = ?",
	    "ststi", status, e->now, status, e->now, id);
}

int roster_applications_expire(struct engine *e, int64_t cohort_id, time_t before)
{
	if (cohort_id != 0)
		return store_exec(e->st, "UPDATE applications SET status = 'expired' WHERE status = 'pending'"
		    " AND cohort_id = ?", "i", cohort_id);
	return store_exec(e->st, "UPDATE applications SET status = 'expired', ended_at = ?"
	    " WHERE status = 'pending' AND " ROSTER_CONFIRM_CLOCK_SQL " <= ?", "tt", e->now, before);
}

const char *roster_role_word(const char *role, const char *lang)
{
	int fr = lang != NULL && strcmp(lang, "fr") == 0;

	if (role != NULL && strcmp(role, "mentor") == 0)
		return "mentor";
	return fr ? "mentoré·e" : "mentee";
}

/* "Key: value"; the lines of a value that has several (About) go on
 * indented under it, so that the summary reads back as the same form
 * (doc/DESIGN.md 3.3). */
static void line(struct buf *b, const char *key, const char *value)
{
	size_t indent = utf8_len(key) + 1, i;
	const char *p;

	if (value == NULL || value[0] == '\0')
		return;
	buf_printf(b, "%s ", key);
	for (p = value; *p != '\0'; p++) {
		buf_addc(b, *p);
		if (*p == '\n' && p[1] != '\n' && p[1] != '\0')
			for (i = 0; i < indent; i++)
				buf_addc(b, ' ');
	}
	buf_addc(b, '\n');
}

/* A language as a word in the reader's language, as the form reads it
 * back (form.c): "English", "français"; a code it does not know as it is. */
static const char *language_word(const char *code, int fr)
{
	static const struct {
		const char *code, *en, *fr;
	} words[] = {
		{ "en", "English", "anglais" },
		{ "fr", "French", "fran\xc3\xa7" "ais" },
	};
	size_t i;

	for (i = 0; code != NULL && i < ARRAY_SIZE(words); i++)
		if (strcmp(code, words[i].code) == 0)
			return fr ? words[i].fr : words[i].en;
	return code;
}

void roster_summary_line(struct buf *b, const char *key, const char *value)
{
	line(b, key, value);
}

char *roster_summary(const struct application *a, const char *lang)
{
	int fr = lang != NULL && strcmp(lang, "fr") == 0;
	struct buf b;
	char cap[32];

	buf_init(&b, 64 * 1024);
	buf_add(&b, "", 0);
	line(&b, fr ? "Rôle :" : "Role:", roster_role_word(a->role, lang));
	line(&b, fr ? "Nom :" : "Name:", a->name);
	line(&b, fr ? "Département :" : "Department:", a->department);
	line(&b, fr ? "Domaine :" : "Field:", a->field);
	line(&b, fr ? "Langue :" : "Language:", language_word(a->language, fr));
	line(&b, fr ? "Sujets :" : "Topics:", a->topics);
	line(&b, fr ? "Préférence :" : "Preference:", a->preference);
	if (a->role != NULL && strcmp(a->role, "mentor") == 0) {
		snprintf(cap, sizeof(cap), "%ld", a->capacity);
		line(&b, fr ? "Capacité :" : "Capacity:", cap);
	}
	line(&b, fr ? "Genre :" : "Gender:", a->gender);
	line(&b, fr ? "À propos :" : "About:", a->about);
	return buf_steal(&b);
}

struct pair_arg {
	int64_t pair, partner;
	int found;
};

static int pair_row(const struct store_row *row, void *arg)
{
	struct pair_arg *p = arg;

	p->found = 1;
	p->pair = store_row_int(row, 0);
	p->partner = store_row_int(row, 1);
	return 1;
}

int roster_active_pair_of(struct engine *e, int64_t app_id, int64_t *pair_r, int64_t *partner_r)
{
	struct pair_arg p = { 0, 0, 0 };

	if (store_query(e->st, "SELECT id, CASE WHEN mentor_app = ?1 THEN mentee_app ELSE mentor_app END"
	    " FROM pairs WHERE status = 'active' AND (mentor_app = ?1 OR mentee_app = ?1)"
	    " ORDER BY id LIMIT 1", pair_row, &p, "i", app_id) < 0)
		return -1;
	if (p.found) {
		*pair_r = p.pair;
		*partner_r = p.partner;
	}
	return p.found;
}

int roster_mentor_load(struct engine *e, int64_t app_id, long *n_r)
{
	int64_t n = 0;

	if (store_query_int(e->st, &n, "SELECT count(*) FROM pairs WHERE status = 'active'"
	    " AND mentor_app = ?", "i", app_id) < 0)
		return -1;
	*n_r = (long)n;
	return 0;
}

int roster_pair_new(struct engine *e, const struct pair_proposal *p, int64_t *id_r)
{
	if (store_exec(e->st, "INSERT INTO pairs(cohort_id, mentor_app, mentee_app, proposal_id, number,"
	    " status, score, reasons, created_at, choice_rank) VALUES(?, ?, ?, nullif(?, 0), nullif(?, 0),"
	    " 'proposed', ?, ?, ?, ?)", "iiiiidsti", p->cohort_id, p->mentor_app, p->mentee_app,
	    p->proposal_id, p->number, p->score, p->reasons, e->now, (int64_t)p->choice_rank) < 0)
		return -1;
	*id_r = store_last_id(e->st);
	return roster_pair_shares(e, *id_r);
}

struct shares_arg {
	char *v[4];
	int found;
};

static int shares_row(const struct store_row *row, void *arg)
{
	struct shares_arg *a = arg;
	int i;

	for (i = 0; i < 4; i++)
		a->v[i] = store_row_text(row, i) != NULL ? xstrdup(store_row_text(row, i)) : NULL;
	a->found = 1;
	return 1;
}

int roster_pair_shares(struct engine *e, int64_t pair)
{
	struct shares_arg a;
	int same = 0, shared = 0, i, ret = 0;

	memset(&a, 0, sizeof(a));
	if (store_query(e->st, "SELECT m.department, m.field, t.department, t.field FROM pairs p"
	    " JOIN applications m ON m.id = p.mentor_app JOIN applications t ON t.id = p.mentee_app"
	    " WHERE p.id = ? AND p.same_department IS NULL AND m.department IS NOT NULL"
	    " AND t.department IS NOT NULL", shares_row, &a, "i", pair) < 0)
		return -1;
	if (a.found) {
		match_shares(a.v[0], a.v[1], a.v[2], a.v[3], &same, &shared);
		ret = store_exec(e->st, "UPDATE pairs SET same_department = ?, shared_field = ? WHERE id = ?",
		    "iii", (int64_t)same, (int64_t)shared, pair);
	}
	for (i = 0; i < 4; i++)
		free(a.v[i]);
	return ret;
}

/* The legal moves: the states each state a pair can go to is reached from. */
static const struct {
	enum pair_status to;
	const char *from;  /* an SQL list of states */
	const char *set;   /* binds now, and the reason for ended */
} moves[] = {
	{ PAIR_ACTIVE, "'proposed', 'consent'", "status = 'active', introduced_at = ?" },
	{ PAIR_REJECTED, "'proposed'", "status = 'rejected'" },
	{ PAIR_CONSENT, "'proposed'", "status = 'consent'" },
	{ PAIR_DECLINED, "'consent'", "status = 'declined', declined_at = ?" },
	{ PAIR_ENDED, "'active'", "status = 'ended', ended_at = ?, end_reason = ?" },
};

/* Moves the pairs in scope (an SQL condition with one parameter, id). */
static int move(struct engine *e, const char *scope, int64_t id, enum pair_status to,
    const char *reason)
{
	char *sql;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(moves) && moves[i].to != to; i++)
		;
	if (i == ARRAY_SIZE(moves))
		return 0;
	/* the statement is made of the constants above; values are bound */
	sql = xasprintf("UPDATE pairs SET %s WHERE status IN (%s) AND %s", moves[i].set,
	    moves[i].from, scope);
	if (to == PAIR_ENDED)
		r = store_exec(e->st, sql, "tsi", e->now, reason != NULL ? reason : "", id);
	else if (to == PAIR_ACTIVE || to == PAIR_DECLINED)
		r = store_exec(e->st, sql, "ti", e->now, id);
	else
		r = store_exec(e->st, sql, "i", id);
	free(sql);
	if (r < 0)
		return -1;
	return store_changes(e->st) > 0;
}

int roster_pair_move(struct engine *e, int64_t pair, enum pair_status to, const char *reason)
{
	return move(e, "id = ?", pair, to, reason);
}

int roster_pairs_move(struct engine *e, int64_t cohort_id, int64_t app_id, enum pair_status to,
    const char *reason)
{
	if (cohort_id != 0)
		return move(e, "cohort_id = ?", cohort_id, to, reason) < 0 ? -1 : 0;
	return move(e, "? IN (mentor_app, mentee_app)", app_id, to, reason) < 0 ? -1 : 0;
}

int roster_pair_pause(struct engine *e, int64_t pair, time_t until)
{
	return store_exec(e->st, "UPDATE pairs SET paused = ? WHERE id = ?", "ti", until, pair);
}

static int name_words_row(const struct store_row *row, void *arg)
{
	profile_name_words(arg, store_row_text(row, 0));
	return 0;
}

int roster_name_words(struct engine *e, struct strlist *words)
{
	return store_query(e->st, "SELECT name FROM applications WHERE name IS NOT NULL UNION"
	    " SELECT name FROM people WHERE name IS NOT NULL", name_words_row, words, NULL);
}

int roster_profile(struct engine *e, const struct application *a, const struct strlist *words,
    const char *lang, long number, char **text_r)
{
	struct strlist own = { NULL, 0 };
	struct profile_in in = { a->department, a->field, a->topics, a->about };

	*text_r = NULL;
	if (words == NULL && roster_name_words(e, &own) < 0) {
		strlist_deinit(&own);
		return -1;
	}
	*text_r = profile_render(&in, profile_fields_bits(&e->cfg->matching.profile_fields),
	    words != NULL ? words : &own, lang, number);
	strlist_deinit(&own);
	return 0;
}

int roster_transaction(struct engine *e, int (*fn)(struct engine *e, char **error_r),
    char **error_r)
{
	if (store_begin(e->st) < 0)
		return -1;
	if (fn(e, error_r) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}

int roster_next_due(struct engine *e, const char *sql, long days, time_t *next)
{
	int64_t first = 0;
	time_t t;

	if (store_query_int(e->st, &first, sql, NULL) < 0)
		return -1;
	if (first > 0) {
		t = time_add_days((time_t)first, days);
		if (t > e->now && (*next == 0 || t < *next))
			*next = t;
	}
	return 0;
}
