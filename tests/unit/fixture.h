/* The fixture engine for the programme's unit tests (header-only, static):
 * a temporary store, a fixed now, the shipped templates and parsed
 * messages built by hand, so that the programme logic runs as the daemon
 * runs it, without a server.
 *
 *   struct fx *f = fx_new(NULL);        Monday 2 March 2026, 09:00 Zurich
 *   fx_cohort(f, "2026");
 *   m = fx_msg(f, "Alice <alice@example.org>", "apply", FORM);
 *   fx_handle(f, m);                    one message, one transaction
 *   assert_int_equal(fx_count(f, "confirm-request"), 1);
 *   fx_free(&f);
 *
 * Every message the programme queues stays in the outbound table: fx_out()
 * reads the latest of a kind, with the rendered message. */
#ifndef MENTORD_FIXTURE_H
#define MENTORD_FIXTURE_H

#include "testutil.h"

#include <time.h>

#include "committee.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "programme.h"
#include "store.h"
#include "template.h"

#define FX_MESSAGES_MAX 64

struct fx {
	char *dir;
	char *templates;
	struct config *cfg;
	struct store *st;
	struct engine e;
	struct handled h;        /* what the last fx_handle() did */
	char *error;             /* its error, if any */
	struct mime_msg *msgs[FX_MESSAGES_MAX];
	size_t n_msgs;
	unsigned serial;
};

/* The latest outbound row of a kind, as the sender would read it. */
struct fx_out {
	int64_t id;
	char *kind, *to, *subject, *data, *ref_kind, *message_id;
	int64_t ref_id, person_id;
};

static const char fx_base_config[] =
    "[programme]\n"
    "name = WIT Mentoring\n"
    "address = mentoring@example.org\n"
    "timezone = Europe/Zurich\n"
    "language = en\n"
    "[committee]\n"
    "members = chair@example.org, vice@example.org\n"
    "authserv_id = mx.example.org\n"
    "[imap]\n"
    "host = 127.0.0.1\n"
    "security = none\n"
    "user = mentord\n"
    "password_file = secret\n"
    "[smtp]\n"
    "url = smtp://127.0.0.1:25\n"
    "security = none\n"
    "[paths]\n"
    "database = mentord.db\n"
    "spool = spool\n";

/* 2026-03-02T09:00 in Europe/Zurich, a Monday. */
#define FX_NOW ((time_t)1772438400)
#define FX_DAY 86400

/* A fixture whose configuration is the base above followed by extra (INI
 * lines that override it, or NULL). */
static inline struct fx *fx_new(const char *extra)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	const char *root = getenv("MENTORD_SOURCE");
	char *path, *secret, *text, *err = NULL;

	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	f->dir = tu_tmpdir();
	secret = xasprintf("%s/secret", f->dir);
	tu_write(secret, "s3cret\n", 0600);
	path = xasprintf("%s/mentord.conf", f->dir);
	text = xasprintf("%s%s", fx_base_config, extra != NULL ? extra : "");
	tu_write(path, text, 0644);
	if (config_load(path, &f->cfg, &err) < 0)
		fail_msg("fixture configuration: %s", err);
	if (store_open(f->cfg->paths.database, &f->st, &err) < 0)
		fail_msg("fixture store: %s", err);
	f->templates = xasprintf("%s/templates", root != NULL ? root : ".");
	f->e.cfg = f->cfg;
	f->e.st = f->st;
	f->e.now = FX_NOW;
	f->e.dirs.site = NULL;
	f->e.dirs.shipped = f->templates;
	free(path);
	free(secret);
	free(text);
	return f;
}

static inline void fx_free(struct fx **fp)
{
	struct fx *f = *fp;
	size_t i;

	for (i = 0; i < f->n_msgs; i++)
		mime_free(&f->msgs[i]);
	free(f->error);
	store_close(&f->st);
	config_free(&f->cfg);
	free(f->templates);
	tu_rmdir(f->dir);
	free(f);
	*fp = NULL;
}

/* Moves the clock on. */
static inline void fx_days(struct fx *f, double days)
{
	f->e.now += (time_t)(days * FX_DAY);
}

/* A parsed message, as mime_parse() gives it: the raw text is built from
 * from ("Name <addr>" or an address), subject, body text and extra header
 * lines (each ending in \r\n, or NULL). The message is the fixture's. */
static inline struct mime_msg *fx_parse(struct fx *f, const char *raw)
{
	const char *err = NULL;
	struct mime_msg *m = NULL;

	if (mime_parse(raw, strlen(raw), &m, &err) < 0)
		fail_msg("fixture message: %s", err);
	if (f->n_msgs == FX_MESSAGES_MAX)
		fail_msg("fixture: too many messages in one test");
	f->msgs[f->n_msgs++] = m;
	return m;
}

/* A message built by hand: the parsed form of a plain message. in_reply_to
 * (without brackets) may be NULL; headers are extra header lines. */
static inline struct mime_msg *fx_mail(struct fx *f, const char *from, const char *subject,
    const char *text, const char *in_reply_to, const char *headers)
{
	struct arena *a = arena_new();
	struct mime_msg *m = arena_alloc(a, sizeof(*m));
	const char *name = NULL;

	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->message_id = arena_printf(a, "test.%u@client.example.com", ++f->serial);
	m->from_addr = mime_mailbox(a, from, &name);
	m->from_name = name;
	m->subject = arena_strdup(a, subject);
	m->content_type = "text/plain";
	m->text = arena_strdup(a, text);
	m->date = f->e.now;
	m->n_parts = 1;
	if (in_reply_to != NULL) {
		const char **refs = arena_alloc(a, sizeof(*refs));

		m->in_reply_to = arena_strdup(a, in_reply_to);
		refs[0] = m->in_reply_to;
		m->references = refs;
		m->n_references = 1;
	}
	if (headers != NULL) {
		/* "Name: value\r\n" lines, kept as they are */
		struct mime_header *h = arena_alloc(a, 8 * sizeof(*h));
		const char *p = headers;

		while (*p != '\0' && m->n_headers < 8) {
			const char *colon = strchr(p, ':'), *end = strstr(p, "\r\n");

			if (colon == NULL || end == NULL || colon > end)
				fail_msg("fixture header lines: %s", headers);
			h[m->n_headers].name = arena_strndup(a, p, (size_t)(colon - p));
			h[m->n_headers].value = arena_strndup(a, colon + 2, (size_t)(end - colon - 2));
			m->n_headers++;
			p = end + 2;
		}
		m->headers = h;
	}
	if (f->n_msgs == FX_MESSAGES_MAX)
		fail_msg("fixture: too many messages in one test");
	f->msgs[f->n_msgs++] = m;
	return m;
}

static inline struct mime_msg *fx_msg(struct fx *f, const char *from, const char *subject,
    const char *text)
{
	return fx_mail(f, from, subject, text, NULL, NULL);
}

/* The header a committee member's authenticated mail carries. */
#define FX_DKIM_OK "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\r\n"

/* Runs the dispatcher on m as the daemon does: the inbound row, then the
 * message's effects, in one transaction. Returns programme_handle()'s
 * result; f->h says what it did. */
static inline int fx_handle(struct fx *f, const struct mime_msg *m)
{
	struct store_inbound in;
	int64_t id = 0;
	int r;

	memset(&in, 0, sizeof(in));
	in.mailbox = "INBOX";
	in.uidvalidity = 1;
	in.uid = ++f->serial;
	in.message_id = m->message_id;
	in.sender = m->from_addr;
	in.subject = m->subject;
	in.class_name = "pending";
	in.received_at = f->e.now;
	xfree(&f->error);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id), 0);
	r = programme_handle(&f->e, m, id, &f->h, &f->error);
	if (r < 0) {
		fprintf(stderr, "fx_handle: %s\n", f->error != NULL ? f->error : "(no reason)");
		store_rollback(f->st);
		return r;
	}
	assert_int_equal(store_inbound_set_result(f->st, id, f->h.class_name, f->h.outcome,
	    f->h.needs_flag, NULL), 0);
	assert_int_equal(store_commit(f->st), 0);
	return r;
}

/* A committee command line as typed on the server, in its own
 * transaction; the report is returned (allocated). */
static inline char *fx_command(struct fx *f, const char *line)
{
	struct committee_command cc;
	struct buf out;
	char *err = NULL;

	buf_init(&out, 4u * 1024 * 1024);
	buf_add(&out, "", 0);
	if (command_committee_parse(line, &cc) != 1)
		fail_msg("not a committee command: %s", line);
	assert_int_equal(store_begin(f->st), 0);
	if (committee_exec(&f->e, "test", &cc, 0, &out, &err) < 0)
		fail_msg("%s: %s", line, err != NULL ? err : "database error");
	assert_int_equal(store_commit(f->st), 0);
	command_committee_deinit(&cc);
	free(err);
	return buf_steal(&out);
}

static inline void fx_cohort(struct fx *f, const char *name)
{
	char *line = xasprintf("cohort open %s", name);

	free(fx_command(f, line));
	free(line);
}

/* One integer from a query with no parameter (0 if no row). */
static inline int64_t fx_int(struct fx *f, const char *sql)
{
	int64_t v = 0;

	assert_int_equal(store_query_int(f->st, &v, sql, NULL), 0);
	return v;
}

static inline int64_t fx_count(struct fx *f, const char *kind)
{
	int64_t v = 0;

	assert_int_equal(store_query_int(f->st, &v, "SELECT count(*) FROM outbound WHERE kind = ?",
	    "s", kind), 0);
	return v;
}

static int fx_out_row(const struct store_row *row, void *arg)
{
	struct fx_out *o = arg;
	const char *s;
	char **cols[] = { &o->kind, &o->to, &o->subject, &o->data, &o->ref_kind, &o->message_id };
	size_t i;

	o->id = store_row_int(row, 0);
	for (i = 0; i < ARRAY_SIZE(cols); i++) {
		s = store_row_text(row, (int)i + 1);
		*cols[i] = s != NULL ? xstrdup(s) : NULL;
	}
	o->ref_id = store_row_int(row, 7);
	o->person_id = store_row_int(row, 8);
	return 1;
}

static inline void fx_out_deinit(struct fx_out *o)
{
	free(o->kind);
	free(o->to);
	free(o->subject);
	free(o->data);
	free(o->ref_kind);
	free(o->message_id);
	memset(o, 0, sizeof(*o));
}

#define FX_OUT_COLS "SELECT id, kind, envelope_to, subject, data, ref_kind, message_id," \
	" coalesce(ref_id, 0), coalesce(person_id, 0) FROM outbound"

/* The latest message of kind to an envelope holding to (NULL: anyone);
 * fails the test when there is none. */
static inline void fx_out(struct fx *f, const char *kind, const char *to, struct fx_out *o)
{
	memset(o, 0, sizeof(*o));
	assert_int_equal(store_query(f->st, FX_OUT_COLS " WHERE kind = ? AND (?2 IS NULL"
	    " OR instr(envelope_to, ?2) > 0) ORDER BY id DESC LIMIT 1", fx_out_row, o, "ss", kind,
	    to), 0);
	if (o->id == 0)
		fail_msg("no %s message to %s was queued", kind, to != NULL ? to : "anyone");
}

/* A reply from `from` to our latest message of kind to the address ours
 * (NULL: from's own), In-Reply-To naming it, with text as the sender's own
 * words. */
static inline struct mime_msg *fx_reply_as(struct fx *f, const char *from, const char *ours,
    const char *kind, const char *text, const char *headers)
{
	struct fx_out o;
	struct mime_msg *m;
	char *subject;
	const char *name = NULL;
	struct arena *a = arena_new();
	const char *addr = mime_mailbox(a, from, &name);

	fx_out(f, kind, ours != NULL ? ours : addr, &o);
	subject = xasprintf("Re: %s", o.subject);
	m = fx_mail(f, from, subject, text, o.message_id, headers);
	free(subject);
	fx_out_deinit(&o);
	arena_free(&a);
	return m;
}

static inline struct mime_msg *fx_reply(struct fx *f, const char *from, const char *kind,
    const char *text, const char *headers)
{
	return fx_reply_as(f, from, NULL, kind, text, headers);
}

/* Does the rendered message hold this text? (Bodies are quoted-printable:
 * use plain ASCII words.) */
static inline int fx_out_has(struct fx *f, const char *kind, const char *to, const char *text)
{
	struct fx_out o;
	int r;

	fx_out(f, kind, to, &o);
	r = strstr(o.data, text) != NULL;
	fx_out_deinit(&o);
	return r;
}

/* The text of the latest message of kind to `to` as its reader reads it:
 * decoded, each run of spaces and line breaks one space, so that a test
 * finds a sentence wherever the lines were broken (allocated). */
static inline char *fx_out_read(struct fx *f, const char *kind, const char *to)
{
	struct fx_out o;
	struct mime_msg *m = NULL;
	const char *err = NULL, *p;
	struct buf b;

	fx_out(f, kind, to, &o);
	assert_int_equal(mime_parse(o.data, strlen(o.data), &m, &err), 0);
	buf_init(&b, 4 * strlen(o.data) + 16);
	buf_add(&b, "", 0);
	for (p = m->text; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\r' && *p != '\n')
			buf_addc(&b, *p);
		else if (b.len > 0 && b.s[b.len - 1] != ' ')
			buf_addc(&b, ' ');
	}
	mime_free(&m);
	fx_out_deinit(&o);
	return buf_steal(&b);
}

/* A committee command's report must hold want. */
static inline void fx_expect_report(struct fx *f, const char *line, const char *want)
{
	char *out = fx_command(f, line);

	if (strstr(out, want) == NULL)
		fail_msg("%s: expected \"%s\" in:\n%s", line, want, out);
	free(out);
}

/* Forms for the usual cast: a mentor in IT, a mentee in IT (French), a
 * mentee in HR. */
static const char FX_ALICE[] = "Role: mentor\nName: Alice Martin\nDepartment: IT\n"
    "Field: Software\nLanguage: en\nCapacity: 2\n";
static const char FX_CHLOE[] = "R\xc3\xb4le : mentor\xc3\xa9" "e\nNom : Chlo\xc3\xa9 Petit\n"
    "D\xc3\xa9partement : IT\nDomaine : Software\n";
static const char FX_EVE[] = "Role: mentee\nName: Eve Adams\nDepartment: HR\nField: Law\n";

/* An application sent and confirmed by reply; its id. */
static inline int64_t fx_applicant(struct fx *f, const char *from, const char *form)
{
	const char *name = NULL;
	struct arena *a = arena_new();
	const char *addr = mime_mailbox(a, from, &name);
	int64_t id = 0;

	assert_int_equal(fx_handle(f, fx_msg(f, from, "apply", form)), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, from, "confirm-request", "yes\n", NULL)), 0);
	assert_int_equal(store_query_int(f->st, &id, "SELECT a.id FROM applications a JOIN people p"
	    " ON p.id = a.person_id WHERE p.address = ? AND a.status = 'confirmed'", "s", addr), 0);
	assert_true(id > 0);
	arena_free(&a);
	return id;
}

/* Alice (mentor) and Chloé (mentee) applied, confirmed and are paired. */
static inline void fx_paired(struct fx *f)
{
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	free(fx_command(f, "approve all"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
}

/* cmocka setups and the teardown: a fixture with the base configuration;
 * with cohort 2026 open; with Alice and Chloé paired in it. */
static inline int fx_setup(void **state)
{
	*state = fx_new(NULL);
	return 0;
}

static inline int fx_setup_cohort(void **state)
{
	struct fx *f = fx_new(NULL);

	fx_cohort(f, "2026");
	*state = f;
	return 0;
}

static inline int fx_setup_paired(void **state)
{
	fx_setup_cohort(state);
	fx_paired(*state);
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	fx_free(&f);
	return 0;
}

#endif
