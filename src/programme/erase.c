/* erase: see erase.h. The person's own rows are found by id and address;
 * what others' rows say of them, by what they are called (their needles):
 * a stored message is decoded before it is searched, since its headers
 * and text are encoded. */
#include "erase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "mime.h"
#include "store.h"
#include "util.h"

/* Shorter names would match other words; a case text shorter than this
 * is no text to find. */
#define NAME_BYTES_MIN 3
#define TEXT_BYTES_MIN 8
#define ERASED "[erased]"

struct who {
	int64_t id;
	char *address;
	struct strlist needles; /* the address, the names, the case texts */
};

static int text_row(const struct store_row *row, void *arg)
{
	struct strlist *l = arg;
	const char *s = store_row_text(row, 0);

	if (s != NULL && !strlist_contains_ci(l, s))
		strlist_add(l, s);
	return 0;
}

static int who_load(struct engine *e, int64_t person, struct who *w)
{
	struct strlist names = { NULL, 0 }, texts = { NULL, 0 };
	size_t i;
	int ret = -1;

	memset(w, 0, sizeof(*w));
	w->id = person;
	if (store_query_text(e->st, &w->address, "SELECT address FROM people WHERE id = ?", "i",
	    person) < 0 ||
	    store_query(e->st, "SELECT name FROM people WHERE id = ? UNION SELECT name FROM applications"
	    " WHERE person_id = ?", text_row, &names, "ii", person, person) < 0 ||
	    store_query(e->st, "SELECT text FROM cases WHERE person_id = ?", text_row, &texts, "i",
	    person) < 0)
		goto out;
	if (w->address != NULL)
		strlist_add(&w->needles, w->address);
	for (i = 0; i < names.n; i++)
		if (strlen(names.v[i]) >= NAME_BYTES_MIN)
			strlist_add(&w->needles, names.v[i]);
	for (i = 0; i < texts.n; i++) {
		/* the whole text, and its first line, which a notice may show
		 * alone */
		size_t first = strcspn(texts.v[i], "\n");

		if (strlen(texts.v[i]) >= TEXT_BYTES_MIN)
			strlist_add(&w->needles, texts.v[i]);
		if (first >= TEXT_BYTES_MIN && texts.v[i][first] != '\0') {
			char *line = xstrndup(texts.v[i], first);

			strlist_add(&w->needles, line);
			free(line);
		}
	}
	ret = 0;
out:
	strlist_deinit(&names);
	strlist_deinit(&texts);
	return ret;
}

static void who_deinit(struct who *w)
{
	free(w->address);
	strlist_deinit(&w->needles);
}

static int holds_any(const char *s, const struct strlist *needles)
{
	size_t i;

	for (i = 0; s != NULL && i < needles->n; i++)
		if (strcasestr(s, needles->v[i]) != NULL)
			return 1;
	return 0;
}

/* Does a stored message speak of the person? Its raw form (addresses are
 * plain there), then its decoded headers, subject, text and calendar. */
static int copy_names(const char *data, size_t len, const struct strlist *needles)
{
	struct mime_msg *m = NULL;
	const char *err = NULL;
	size_t i;
	int r;

	if (holds_any(data, needles))
		return 1;
	if (mime_parse(data, len, &m, &err) < 0)
		return 0;
	r = holds_any(m->subject, needles) || holds_any(m->text, needles) ||
	    holds_any(m->calendar, needles);
	for (i = 0; !r && i < m->n_headers; i++)
		r = holds_any(mime_decode_words(m->arena, m->headers[i].value), needles);
	mime_free(&m);
	return r;
}

/* The copy of a message goes: data, subject, the server's answer, the dry
 * run's file; the person leaves its recipients. */
static int wipe_copy(struct engine *e, const struct who *w, int64_t id)
{
	char *path = xasprintf("%s/outbox/%lld.eml", e->cfg->paths.spool, (long long)id);

	unlink(path);
	free(path);
	return store_exec(e->st, "UPDATE outbound SET data = NULL, subject = NULL, last_error = NULL,"
	    " envelope_to = CASE WHEN instr(lower(envelope_to), lower(?1)) > 0 THEN 'erased'"
	    " ELSE envelope_to END, rcpt = replace(rcpt, ',' || lower(?1) || ',', ',')"
	    " WHERE id = ?2", "si", w->address, id);
}

static int erase_mail(struct engine *e, const struct who *w)
{
	struct store_ids ids = { NULL, 0 };
	struct store_outbound o;
	size_t i;
	int r, ret = -1;

	/* what waits for them will not go */
	if (store_exec(e->st, "UPDATE outbound SET status = 'dropped', data = NULL, subject = NULL,"
	    " last_error = NULL, envelope_to = 'erased', rcpt = NULL WHERE status = 'queued' AND scrub = 0"
	    " AND (person_id = ? OR instr(rcpt, ',' || lower(?) || ',') > 0)", "is", w->id,
	    w->address) < 0)
		return -1;
	/* every copy kept of a message sent, failed or dropped; one still
	 * queued for someone else goes once it is sent */
	if (store_query(e->st, "SELECT id FROM outbound WHERE scrub = 0 AND (data IS NOT NULL"
	    " OR subject IS NOT NULL OR last_error IS NOT NULL) ORDER BY id", store_ids_row, &ids,
	    NULL) < 0)
		return -1;
	for (i = 0; i < ids.n; i++) {
		int64_t mine = 0, queued = 0;

		if (store_query_int(e->st, &mine, "SELECT person_id = ?1 OR instr(rcpt, ',' || lower(?2)"
		    " || ',') > 0 OR instr(lower(coalesce(last_error, '')), lower(?2)) > 0"
		    " FROM outbound WHERE id = ?3", "isi", w->id, w->address, ids.v[i]) < 0)
			goto out;
		if (!mine) {
			memset(&o, 0, sizeof(o));
			r = store_outbound_get(e->st, ids.v[i], &o);
			if (r < 0)
				goto out;
			mine = r == 1 && (holds_any(o.subject, &w->needles) ||
			    (o.data != NULL && copy_names(o.data, o.len, &w->needles)));
			queued = r == 1 && o.status == OUT_QUEUED;
			store_outbound_deinit(&o);
		}
		if (mine && queued) {
			if (store_exec(e->st, "UPDATE outbound SET scrub = 1 WHERE id = ?", "i", ids.v[i]) < 0)
				goto out;
		} else if (mine && wipe_copy(e, w, ids.v[i]) < 0) {
			goto out;
		}
	}
	ret = 0;
out:
	free(ids.v);
	return ret;
}

/* s with every needle replaced by [erased], case-insensitively (ASCII);
 * NULL when nothing was found. */
static char *redacted(const char *s, const struct strlist *needles)
{
	char *r = NULL, *cur = xstrdup(s);
	size_t i;

	for (i = 0; i < needles->n; i++) {
		const char *n = needles->v[i], *p;
		size_t nl = strlen(n);
		struct buf b;

		if (nl == 0 || strcasestr(cur, n) == NULL)
			continue;
		buf_init(&b, strlen(cur) + 1 + strlen(cur) / nl * sizeof(ERASED));
		for (p = cur; *p != '\0';) {
			if (strncasecmp(p, n, nl) == 0) {
				buf_adds(&b, ERASED);
				p += nl;
			} else {
				buf_addc(&b, *p++);
			}
		}
		free(cur);
		cur = buf_steal(&b);
		r = cur;
	}
	if (r == NULL)
		free(cur);
	return r;
}

struct redact {
	struct engine *e;
	const struct strlist *needles;
	struct store_ids ids;
	struct strlist values;
};

static int redact_row(const struct store_row *row, void *arg)
{
	struct redact *a = arg;
	char *r = redacted(store_row_text(row, 1), a->needles);

	if (r != NULL) {
		store_ids_row(row, &a->ids);
		strlist_add(&a->values, r);
		free(r);
	}
	return 0;
}

/* Others' rows that name the person: the names go, the rest stays.
 * table and column are ours, never data. */
static int redact_column(struct engine *e, const struct who *w, const char *table, const char *column)
{
	struct redact a = { e, &w->needles, { NULL, 0 }, { NULL, 0 } };
	char *select = xasprintf("SELECT rowid, %s FROM %s WHERE %s IS NOT NULL", column, table, column);
	char *update = xasprintf("UPDATE %s SET %s = ? WHERE rowid = ?", table, column);
	size_t i;
	int ret = -1;

	if (store_query(e->st, select, redact_row, &a, NULL) < 0)
		goto out;
	for (i = 0; i < a.ids.n; i++)
		if (store_exec(e->st, update, "si", a.values.v[i], a.ids.v[i]) < 0)
			goto out;
	ret = 0;
out:
	free(select);
	free(update);
	free(a.ids.v);
	strlist_deinit(&a.values);
	return ret;
}

static int erase_files(struct engine *e, const struct who *w)
{
	struct strlist paths = { NULL, 0 };
	size_t i;

	if (store_query(e->st, "SELECT quarantine FROM inbound WHERE sender = ? AND quarantine IS NOT NULL",
	    text_row, &paths, "s", w->address) < 0)
		return -1;
	for (i = 0; i < paths.n; i++)
		unlink(paths.v[i]);
	strlist_deinit(&paths);
	return store_exec(e->st, "UPDATE inbound SET sender = NULL, subject = NULL, quarantine = NULL"
	    " WHERE sender = ?", "s", w->address);
}

/* The person's own rows. */
static int erase_own(struct engine *e, const struct who *w)
{
	return store_exec(e->st, "UPDATE applications SET name = NULL, department = NULL, field = NULL,"
	    " topics = NULL, about = NULL, pref_mentors = NULL, gender = NULL, pref_gender = NULL,"
	    " status = CASE WHEN status IN ('pending', 'confirmed') THEN 'withdrawn' ELSE status END"
	    " WHERE person_id = ?", "i", w->id) < 0 ||
	    store_exec(e->st, "UPDATE cases SET text = NULL WHERE person_id = ?", "i", w->id) < 0 ||
	    store_exec(e->st, "UPDATE choices SET motivation = NULL WHERE mentee_app IN"
	    " (SELECT id FROM applications WHERE person_id = ?)", "i", w->id) < 0 ||
	    /* feedback: the words, the quote and the unclear answers go; the
	     * figures stay, no longer anyone's */
	    store_exec(e->st, "UPDATE feedback SET quote = NULL, quote_ok = 0, unclear = NULL, text = NULL"
	    " WHERE person_id = ?", "i", w->id) < 0 ||
	    store_exec(e->st, "UPDATE pairs SET reasons = NULL, end_reason = NULL WHERE mentor_app IN"
	    " (SELECT id FROM applications WHERE person_id = ?1) OR mentee_app IN"
	    " (SELECT id FROM applications WHERE person_id = ?1)", "i", w->id) < 0 ||
	    store_exec(e->st, "UPDATE confirmations SET address = 'erased', payload = NULL"
	    " WHERE address = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "UPDATE audit SET actor = NULL WHERE actor = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "DELETE FROM answers WHERE address = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "DELETE FROM notices WHERE address = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "DELETE FROM contacts WHERE address = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "DELETE FROM unproven_answers WHERE address = ?", "s", w->address) < 0 ||
	    store_exec(e->st, "UPDATE people SET address = 'erased-' || id || '@invalid', name = NULL,"
	    " language = NULL, bounce_info = NULL, erased_at = ? WHERE id = ?", "ti", e->now, w->id) < 0
	    ? -1 : 0;
}

int erase_person(struct engine *e, int64_t person, char **error_r)
{
	static const char *const others[][2] = {
		{ "audit", "detail" }, { "confirmations", "payload" }, { "cases", "text" },
		{ "pairs", "reasons" }, { "pairs", "end_reason" }, { "applications", "pref_mentors" },
		{ "outbound", "last_error" }, { "feedback", "text" }, { "feedback", "quote" },
		{ "feedback", "unclear" },
	};
	struct who w;
	size_t i;
	int ret = -1;

	(void)error_r;
	if (who_load(e, person, &w) < 0)
		goto out;
	if (w.address == NULL || str_has_prefix(w.address, "erased-")) {
		ret = 0; /* no such person, or erased before */
		goto out;
	}
	if (erase_files(e, &w) < 0 || erase_mail(e, &w) < 0)
		goto out;
	for (i = 0; i < ARRAY_SIZE(others); i++)
		if (redact_column(e, &w, others[i][0], others[i][1]) < 0)
			goto out;
	if (erase_own(e, &w) < 0)
		goto out;
	store_wipe_on_commit(e->st);
	ret = 0;
out:
	who_deinit(&w);
	return ret;
}
