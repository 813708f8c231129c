#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "mac.h"
#include "mime.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define REFERENCES_MAX 20
/* The keyed part of a Message-ID: 20 characters of base32, 100 bits. */
#define MSGID_TAG_CHARS 20

void outbox_to(struct outbox_msg *m, const char *name, const char *addr)
{
	if (m->n_to == OUTBOX_TO_MAX)
		fatal("outbox: too many recipients");
	m->to[m->n_to].name = name;
	m->to[m->n_to].addr = addr;
	m->n_to++;
}

char *outbox_message_id(struct engine *e, int64_t id)
{
	char text[64], tag[MSGID_TAG_CHARS + 1];

	snprintf(text, sizeof(text), "mentord.%lld.%s", (long long)id, store_instance(e->st));
	mac_tag(store_key(e->st), text, tag, MSGID_TAG_CHARS);
	return xasprintf("mentord.%lld.%s@%s", (long long)id, tag, e->cfg->programme.domain);
}

struct reply_arg {
	int found;
	char *ref_kind;
	int64_t ref_id;
};

static int reply_row(const struct store_row *row, void *arg)
{
	struct reply_arg *a = arg;
	const char *k = store_row_text(row, 0);

	a->found = 1;
	a->ref_kind = k != NULL ? xstrdup(k) : NULL;
	a->ref_id = store_row_int(row, 1);
	return 1;
}

int outbox_sent_to(struct engine *e, const char *message_id, const char *address,
    char **ref_kind_r, int64_t *ref_id_r)
{
	struct reply_arg a = { 0, NULL, 0 };

	*ref_kind_r = NULL;
	*ref_id_r = 0;
	if (message_id == NULL || address == NULL)
		return 0;
	if (store_query(e->st, "SELECT ref_kind, coalesce(ref_id, 0) FROM outbound WHERE message_id = ?"
	    " AND instr(rcpt, ',' || lower(?) || ',') > 0", reply_row, &a, "ss", message_id,
	    address) < 0)
		return -1;
	*ref_kind_r = a.ref_kind;
	*ref_id_r = a.ref_id;
	return a.found;
}

int outbox_proven(struct engine *e, const char *address)
{
	if (address == NULL)
		return 0;
	return store_exec(e->st, "INSERT INTO contacts(address, proven_at) VALUES(?, ?)"
	    " ON CONFLICT(address) DO UPDATE SET proven_at = coalesce(proven_at, excluded.proven_at)",
	    "st", address, e->now);
}

/* An address the configuration names: the committee is never limited. */
static int configured(const struct config *cfg, const char *address)
{
	return config_is_member(cfg, address) || strlist_contains_ci(&cfg->committee.notify, address);
}

/* Why a message to an address that has not proven itself (an
 * authenticated From, or a reply that carried what we sent it) is held
 * back, or NULL if it may go (doc/DESIGN.md 7): it must answer a message
 * of that address, that message must not have had its answer yet, and
 * the address must be under max_answers_per_unproven_address today.
 * Backscatter: forged mail must not make the robot write to whoever it
 * names more than the few answers a real person needs. */
static const char *unproven_why(struct engine *e, const struct outbox_msg *m, const char *a,
    const char *day, int *error_r)
{
	int64_t count = 0, last = 0;

	if (m->answer_to == NULL)
		return "address not proven, and it did not ask for this";
	if (store_query_int(e->st, &count, "SELECT count FROM unproven_answers"
	    " WHERE address = ? AND day = ?", "ss", a, day) < 0 ||
	    store_query_int(e->st, &last, "SELECT coalesce(last_inbound, 0) FROM unproven_answers"
	    " WHERE address = ? AND day = ?", "ss", a, day) < 0) {
		*error_r = 1;
		return NULL;
	}
	if (m->cause_inbound != 0 && last == m->cause_inbound)
		return "address not proven, and its message had its answer";
	if (count >= e->cfg->programme.max_answers_per_unproven_address)
		return "address not proven, and it had its answers for today";
	return NULL;
}

/* May the message go? 1: it goes, and *unproven_r says whether it is
 * written to an unproven address; 0: it is held back (*why_r says why);
 * -1 on a database error. */
static int admit(struct engine *e, const struct outbox_msg *m, int *unproven_r, const char **why_r)
{
	char day[16];
	size_t i;
	int64_t proven;
	int error = 0;

	*unproven_r = 0;
	*why_r = NULL;
	time_local_date(e->now, day, sizeof(day));
	for (i = 0; i < m->n_to; i++) {
		const char *a = m->to[i].addr;

		if (configured(e->cfg, a))
			continue;
		proven = 0;
		if (store_query_int(e->st, &proven, "SELECT proven_at IS NOT NULL FROM contacts"
		    " WHERE address = ?", "s", a) < 0)
			return -1;
		if (proven)
			continue;
		*why_r = unproven_why(e, m, a, day, &error);
		if (error)
			return -1;
		if (*why_r != NULL)
			return 0;
		*unproven_r = 1;
	}
	return 1;
}

/* Counts an answer queued to each unproven recipient (once it is queued:
 * a message that fails to render is none). */
static int count_answered(struct engine *e, const struct outbox_msg *m)
{
	char day[16];
	size_t i;

	time_local_date(e->now, day, sizeof(day));
	for (i = 0; i < m->n_to; i++)
		if (!configured(e->cfg, m->to[i].addr) && store_exec(e->st, "INSERT INTO"
		    " unproven_answers(address, day, count, last_inbound) SELECT ?, ?, 1, nullif(?, 0)"
		    " WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE address = ? AND proven_at IS NOT NULL)"
		    " ON CONFLICT(address, day) DO UPDATE SET count = count + 1,"
		    " last_inbound = excluded.last_inbound", "ssis", m->to[i].addr, day,
		    m->cause_inbound, m->to[i].addr) < 0)
			return -1;
	return 0;
}

const char *outbox_held_why(struct engine *e, const struct outbox_msg *m)
{
	const char *why = NULL;
	int unproven = 0;

	if (admit(e, m, &unproven, &why) < 0)
		return "database error";
	return why;
}

/* When a message to an unproven address may go: now, or at the start of
 * the first hour that has room under max_unproven_per_hour, so that a
 * flood of forged mail cannot make the robot a source of spam. The hour
 * taken is counted in unproven_hours: finding room reads one row per hour
 * from this one on, not the messages of each hour, which in a flood cost a
 * read of every earlier message for each new one.
 *
 * A confirmation request for an application goes first (doc/DESIGN.md 7):
 * it takes the first hour that has fewer such requests than the cap, and
 * when that hour is full, the last other answer of the hour that is not
 * due yet moves on to the first hour with room. */
struct hours {
	time_t when;
	long max;
};

static int hour_row(const struct store_row *row, void *arg)
{
	struct hours *h = arg;
	time_t hour = (time_t)store_row_int(row, 0) * 3600;

	if (hour > h->when - h->when % 3600)
		return 1; /* an hour with room before this one */
	if (store_row_int(row, 1) < h->max)
		return 1;
	h->when = hour + 3600;
	return 0;
}

static int take_hour(struct engine *e, time_t when, int first)
{
	return store_exec(e->st, "INSERT INTO unproven_hours(hour, count, first) VALUES(?, 1, ?)"
	    " ON CONFLICT(hour) DO UPDATE SET count = count + 1, first = first + excluded.first",
	    "ii", (int64_t)(when / 3600), (int64_t)first);
}

/* The first hour from e->now with room for an answer that is not first. */
static int room(struct engine *e, time_t *when_r)
{
	struct hours h = { e->now, e->cfg->programme.max_unproven_per_hour };

	if (store_query(e->st, "SELECT hour, count FROM unproven_hours WHERE hour >= ? ORDER BY hour",
	    hour_row, &h, "i", (int64_t)(e->now / 3600)) < 0)
		return -1;
	*when_r = h.when;
	return 0;
}

/* A confirmation request for an application, or for a change to one. */
#define IS_FIRST_SQL "kind = 'confirm-request' AND (ref_kind = 'application'" \
	" OR (ref_kind = 'confirmation' AND ref_id IN (SELECT rowid FROM confirmations" \
	" WHERE kind = 'update')))"

static int first_slot(struct engine *e, time_t *when_r)
{
	int64_t max = e->cfg->programme.max_unproven_per_hour;
	int64_t hour = (int64_t)(e->now / 3600), count, moved;
	time_t when, later;

	for (;; hour++) {
		count = moved = 0;
		/* the first hour from this one with fewer requests than the
		 * cap: one not counted yet (this one, or one after a counted
		 * one), or one counted with room for requests */
		if (store_query_int(e->st, &hour, "SELECT min(h) FROM (SELECT ? AS h UNION ALL"
		    " SELECT hour + 1 FROM unproven_hours WHERE hour >= ?1 UNION ALL"
		    " SELECT hour FROM unproven_hours WHERE hour >= ?1 AND first < ?2)"
		    " WHERE h NOT IN (SELECT hour FROM unproven_hours WHERE first >= ?2)", "ii",
		    hour, max) < 0 ||
		    store_query_int(e->st, &count, "SELECT count FROM unproven_hours WHERE hour = ?",
		    "i", hour) < 0)
			return -1;
		when = hour == e->now / 3600 ? e->now : (time_t)hour * 3600;
		if (count < max)
			break;
		/* the hour is full of others: the last of them not due yet
		 * makes room */
		if (store_query_int(e->st, &moved, "SELECT coalesce(max(id), 0) FROM outbound"
		    " WHERE unproven = 1 AND status = 'queued' AND next_attempt >= ? AND next_attempt < ?"
		    " AND next_attempt > ? AND NOT (" IS_FIRST_SQL ")", "iit", hour * 3600,
		    hour * 3600 + 3600, e->now) < 0)
			return -1;
		if (moved == 0)
			continue;
		if (room(e, &later) < 0 ||
		    store_exec(e->st, "UPDATE outbound SET next_attempt = ? WHERE id = ?", "ti",
		    later, moved) < 0 || take_hour(e, later, 0) < 0 ||
		    store_exec(e->st, "UPDATE unproven_hours SET count = count - 1 WHERE hour = ?",
		    "i", hour) < 0)
			return -1;
		break;
	}
	*when_r = when;
	return take_hour(e, when, 1);
}

static int unproven_slot(struct engine *e, const struct outbox_msg *m, time_t *when_r)
{
	int first = strcmp(m->kind, "confirm-request") == 0 && m->ref_kind != NULL &&
	    (strcmp(m->ref_kind, "application") == 0 ||
	    (m->tmpl != NULL && strcmp(m->tmpl, "confirm-update") == 0));

	if (store_exec(e->st, "DELETE FROM unproven_hours WHERE hour < ?", "i",
	    (int64_t)(e->now / 3600)) < 0)
		return -1;
	if (first)
		return first_slot(e, when_r);
	return room(e, when_r) < 0 ? -1 : take_hour(e, *when_r, 0);
}

/* The envelope ("a,b") or the recipients as they are kept (",a,b,"). */
static char *envelope(const struct outbox_msg *m, int kept)
{
	struct buf b;
	size_t i;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < m->n_to; i++)
		buf_printf(&b, "%s%s", i || kept ? "," : "", m->to[i].addr);
	if (kept)
		buf_addc(&b, ',');
	return buf_steal(&b);
}

/* References of an answer: theirs (the last few), then their Message-ID
 * (RFC 5322 3.6.4). */
static size_t references(const struct mime_msg *a, const char **refs)
{
	size_t n = 0, i, start;

	if (a == NULL || a->message_id == NULL || !compose_msgid_ok(a->message_id))
		return 0;
	start = a->n_references > REFERENCES_MAX - 1 ? a->n_references - (REFERENCES_MAX - 1) : 0;
	for (i = start; i < a->n_references; i++)
		if (compose_msgid_ok(a->references[i]))
			refs[n++] = a->references[i];
	refs[n++] = a->message_id;
	return n;
}

int outbox_queue(struct engine *e, const struct outbox_msg *m, int64_t *id_r, char **error_r)
{
	const struct config *cfg = e->cfg;
	const char *refs[REFERENCES_MAX];
	const char *tmpl = m->tmpl != NULL ? m->tmpl : m->kind;
	char *subject = NULL, *body = NULL, *to = NULL, *rcpt = NULL, *mid = NULL, *data = NULL;
	const char *cerr = NULL;
	struct compose c;
	size_t len = 0;
	int64_t id = 0;
	time_t when;
	int ret = -1, unproven = 0;
	const char *why = NULL;

	if (id_r != NULL)
		*id_r = 0;
	ret = admit(e, m, &unproven, &why);
	if (ret <= 0)
		return ret;
	ret = -1;
	vars_set(m->vars, "programme", cfg->programme.name);
	vars_set(m->vars, "address", cfg->programme.address);
	vars_set(m->vars, "tag", cfg->programme.subject_tag);
	/* the name the programme or the message gave; else no name at all
	 * ("Hello,"), never the address */
	if ((vars_get(m->vars, "name") == NULL || vars_get(m->vars, "name")[0] == '\0') &&
	    m->to[0].name != NULL)
		vars_set(m->vars, "name", m->to[0].name);
	if (vars_get(m->vars, "name") == NULL)
		vars_set(m->vars, "name", "");
	if (m->lang != NULL)
		ret = template_render(&e->dirs, m->lang, tmpl, m->vars, &subject, &body, error_r);
	else
		ret = template_render_bilingual(&e->dirs, tmpl, m->vars, &subject, &body, error_r);
	if (ret < 0)
		goto out;
	ret = -1;
	to = envelope(m, 0);
	rcpt = envelope(m, 1);
	str_lower_ascii(rcpt);
	if (store_outbound_add(e->st, m->kind, to, m->person_id, m->cause_inbound, m->ref_kind,
	    m->ref_id, e->now, &id) < 0 ||
	    store_exec(e->st, "UPDATE outbound SET rcpt = ? WHERE id = ?", "si", rcpt, id) < 0 ||
	    (unproven && (unproven_slot(e, m, &when) < 0 || store_exec(e->st, "UPDATE outbound SET"
	    " unproven = 1, next_attempt = ? WHERE id = ?", "ti", when, id) < 0)) ||
	    (m->scrub && store_exec(e->st, "UPDATE outbound SET scrub = 1 WHERE id = ?", "i", id) < 0)) {
		*error_r = xstrdup("database error while queueing");
		goto out;
	}
	/* an answer to someone goes before scheduled mail (doc/DESIGN.md 6) */
	if (m->answer_to != NULL && store_outbound_set_priority(e->st, id, STORE_PRIO_ANSWER) < 0) {
		*error_r = xstrdup("database error while queueing");
		goto out;
	}
	mid = outbox_message_id(e, id);
	memset(&c, 0, sizeof(c));
	c.from_name = cfg->programme.display_name;
	c.from_addr = cfg->programme.address;
	c.to = m->to;
	c.n_to = m->n_to;
	c.reply_to = m->reply_to;
	c.subject = subject;
	c.body = body;
	c.language = m->lang != NULL ? m->lang : "en, fr";
	c.message_id = mid;
	c.date = e->now;
	c.kind = m->kind;
	c.loop = cfg->programme.address;
	c.list_name = cfg->programme.name;
	c.list_id = cfg->programme.list_id;
	c.alt_type = m->alt_type;
	c.alt_body = m->alt_body;
	c.attach_type = m->attach_type;
	c.attach_name = m->attach_name;
	c.attach_body = m->attach_body;
	c.file_type = m->file_type;
	c.file_name = m->file_name;
	c.file_data = m->file_data;
	c.file_len = m->file_len;
	/* an identifier we could not write back (8-bit, overlong) only costs
	 * the threading, never the answer */
	if (m->answer_to != NULL && m->answer_to->message_id != NULL &&
	    compose_msgid_ok(m->answer_to->message_id)) {
		c.in_reply_to = m->answer_to->message_id;
		c.n_references = references(m->answer_to, refs);
		c.references = refs;
	}
	c.auto_submitted = m->answer_to != NULL ? "auto-replied" : "auto-generated";
	if (compose_render(&c, &data, &len, &cerr) < 0) {
		*error_r = xasprintf("composing %s: %s", m->kind, cerr);
		goto out;
	}
	if (store_outbound_set_message(e->st, id, mid, subject, data, len) < 0 ||
	    (unproven && count_answered(e, m) < 0)) {
		*error_r = xstrdup("database error while queueing");
		goto out;
	}
	if (id_r != NULL)
		*id_r = id;
	ret = 0;
out:
	free(subject);
	free(body);
	free(to);
	free(rcpt);
	free(mid);
	free(data);
	return ret;
}
