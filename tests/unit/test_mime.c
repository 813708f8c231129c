#include "testutil.h"

#include <dirent.h>

#include "bounds.h"
#include "mime.h"

/* ---- helpers ---- */

static struct mime_msg *parse_fixture(const char *name)
{
	char *rel = xasprintf("tests/fixtures/mime/%s", name), *data;
	struct mime_msg *m = NULL;
	const char *err = NULL;
	size_t len;

	data = tu_read_source(rel, &len);
	if (mime_parse(data, len, &m, &err) < 0)
		fail_msg("%s: refused: %s", name, err);
	free(data);
	free(rel);
	return m;
}

static void check_string(const char *where, const char *what, const char *s)
{
	if (s != NULL && !utf8_valid(s, strlen(s)))
		fail_msg("%s: %s is not valid UTF-8", where, what);
}

/* Every string of a parsed message is valid UTF-8 (a C string holds no NUL),
 * and the limits of bounds.h hold. */
static void check_msg(const char *where, const struct mime_msg *m)
{
	const char *fields[] = { m->message_id, m->in_reply_to, m->from_addr, m->from_name, m->reply_to_addr,
		m->return_path, m->subject, m->content_type, m->text, m->text_html, m->calendar,
		m->calendar_method, m->report_type, m->delivery_status, m->original_headers,
		m->original_text };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		check_string(where, "a field", fields[i]);
	for (i = 0; i < m->n_headers; i++) {
		check_string(where, "a header name", m->headers[i].name);
		check_string(where, "a header value", m->headers[i].value);
		if (str_has_ctl(m->headers[i].value))
			fail_msg("%s: header %s holds a control character", where, m->headers[i].name);
	}
	for (i = 0; i < m->n_references; i++)
		check_string(where, "a reference", m->references[i]);
	if (m->text == NULL || m->subject == NULL || m->content_type == NULL)
		fail_msg("%s: text, subject and content_type are never NULL", where);
	if (str_has_ctl(m->subject))
		fail_msg("%s: the subject holds a control character", where);
	if (strlen(m->subject) > SUBJECT_BYTES_MAX || strlen(m->text) > TEXT_BYTES_MAX ||
	    m->depth > MIME_DEPTH_MAX || m->n_parts > MIME_PARTS_MAX || m->n_headers > HEADER_FIELDS_MAX)
		fail_msg("%s: over a limit", where);
	if (strchr(m->text, '\r') != NULL)
		fail_msg("%s: text holds a CR", where);
}

static void expect_str(const char *fixture, const char *what, const char *got, const char *want)
{
	if (want == NULL)
		return;
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: %s is \"%s\", expected \"%s\"", fixture, what, got != NULL ? got : "(null)", want);
}

static void expect_has(const char *fixture, const char *what, const char *got, const char *want)
{
	if (want == NULL)
		return;
	if (got == NULL || strstr(got, want) == NULL)
		fail_msg("%s: %s (\"%s\") lacks \"%s\"", fixture, what, got != NULL ? got : "(null)", want);
}

/* ---- one fixture per quirk ---- */

struct fixture_case {
	const char *fixture;
	const char *text;       /* exact body text */
	const char *subject;
	const char *from_name;
	const char *from_addr;
	const char *method;     /* calendar_method */
	const char *report;     /* report_type */
	const char *orig_has;   /* original_headers contains */
	const char *dsn_has;    /* delivery_status contains */
	int from_html;
	int no_calendar;
};

static const struct fixture_case cases[] = {
	/* transfer encodings and their odd spellings */
	{ .fixture = "cte-7-bit.eml", .text = "Role: mentor\n" },
	{ .fixture = "cte-8bits.eml", .text = "Département: Physique\n" },
	{ .fixture = "cte-quoted-printable-with-space.eml", .text = "Département: Physique et Chimie\n" },
	{ .fixture = "cte-quoted-printable-semicolon.eml", .text = "café crème\n" },
	{ .fixture = "cte-empty.eml", .text = "plain text\n" },
	{ .fixture = "cte-base64-uppercase.eml", .text = "Bonjour à tous\n" },
	{ .fixture = "qp-invalid-escape.eml", .text = "100=ZZ sure = done" },
	{ .fixture = "qp-soft-break-trailing-space.eml", .text = "one longline\n" },
	{ .fixture = "base64-concatenated-blocks.eml", .text = "first second\n" },
	{ .fixture = "base64-no-padding.eml", .text = "ab" },
	{ .fixture = "binary-cte.eml", .text = "nulbyte\n" },
	/* charsets */
	{ .fixture = "charset-iso-8859-1.eml", .text = "Département: Génie\n" },
	{ .fixture = "charset-iso-8859-15.eml", .text = "Prix: 10 €\n" },
	{ .fixture = "charset-windows-1252.eml", .text = "“Quoted” – dash…\n" },
	{ .fixture = "charset-iso-2022-jp.eml", .text = "こんにちは世界\n" },
	{ .fixture = "charset-koi8-r.eml", .text = "Привет мир\n" },
	{ .fixture = "charset-gb2312.eml", .text = "你好世界\n" },
	{ .fixture = "charset-gbk.eml", .text = "你好，世界\n" },
	{ .fixture = "charset-big5.eml", .text = "臺灣你好\n" },
	{ .fixture = "charset-shift-jis.eml", .text = "テスト：です\n" },
	{ .fixture = "charset-utf-16.eml", .text = "Hello UTF-16 ☺\n" },
	{ .fixture = "charset-unknown-latin1-bytes.eml", .text = "Génie\n" },
	{ .fixture = "charset-utf8-label-latin1-bytes.eml", .text = "Génie civil\n" },
	{ .fixture = "charset-latin1-label-utf8-bytes.eml", .text = "Génie civil\n" },
	{ .fixture = "charset-rfc2231-parameter.eml", .text = "Génie\n" },
	{ .fixture = "charset-folded-parameter.eml", .text = "Génie\n" },
	{ .fixture = "charset-html-meta.eml", .text = "Café\n", .from_html = 1 },
	/* RFC 2047 words and raw 8-bit headers */
	{ .fixture = "words-b-and-q.eml", .subject = "Bienvenueà tous" },
	{ .fixture = "words-adjacent-joined.eml", .subject = "Mentoring programme" },
	{ .fixture = "words-split-multibyte.eml", .subject = "Candidature été" },
	{ .fixture = "words-raw-utf8-subject.eml", .subject = "Réunion d’équipe" },
	{ .fixture = "words-raw-8bit-subject-body-charset.eml", .subject = "Привет", .text = "Текст\n" },
	{ .fixture = "words-display-name-quoted.eml", .from_name = "Zoé Dupont", .from_addr = "zoe.dupont@example.org" },
	{ .fixture = "words-q-underscore-and-bad-charset.eml", .subject = "café au lait" },
	{ .fixture = "words-control-characters.eml", .subject = "line Bcc: evil@example.org" },
	/* RFC 2231 */
	{ .fixture = "rfc2231-filename-continuation-ics.eml", .text = "See the invitation.", .method = "REPLY" },
	{ .fixture = "rfc2231-boundary.eml", .text = "Signed words." },
	/* structure */
	{ .fixture = "alternative-plain-preferred.eml", .text = "Plain words." },
	{ .fixture = "alternative-in-mixed-with-attachment.eml", .text = "Plain words." },
	{ .fixture = "related-inside-alternative.eml", .text = "Plain words." },
	{ .fixture = "html-only.eml", .text = "Role: mentor\n\nName: Ann Example\n", .from_html = 1 },
	{ .fixture = "alternative-empty-plain.eml", .text = "Only the HTML has words.\n", .from_html = 1 },
	{ .fixture = "mixed-inline-parts-apple.eml", .text = "Before the picture.\nAfter the picture." },
	{ .fixture = "forwarded-message-not-sender-words.eml", .text = "See below.", .orig_has = "Message-ID: <inner@example.net>" },
	{ .fixture = "forwarded-message-only.eml", .text = "", .orig_has = "Subject: inner" },
	{ .fixture = "empty-part-dropped-by-libetpan.eml", .text = "Some text" },
	{ .fixture = "doubled-delimiters.eml", .text = "Real text" },
	{ .fixture = "no-start-boundary.eml", .text = "--other\nContent-Type: text/plain\n\nStill readable\n--other--\n" },
	{ .fixture = "multipart-without-boundary.eml", .text = "Readable body\n" },
	{ .fixture = "close-delimiter-first.eml", .text = "" },
	{ .fixture = "multipart-signed.eml", .text = "Signed text." },
	{ .fixture = "format-flowed.eml",
	  .text = "About: I would like to meet someone who works on detectors.\n >50 people, not a quote\n"
		  "> quoted line that continues\n-- \nAnn\n" },
	{ .fixture = "boundary-quote-crash.eml" },
	/* calendars */
	{ .fixture = "calendar-reply-in-alternative.eml", .text = "Ann has accepted.", .method = "REPLY" },
	{ .fixture = "calendar-ics-attachment-outlook.eml", .text = "Accepted.", .method = "REPLY" },
	{ .fixture = "calendar-in-forwarded-message-ignored.eml", .text = "Forwarding an invitation.", .no_calendar = 1 },
	/* reports */
	{ .fixture = "report-delivery-status.eml", .text = "Your message could not be delivered.",
	  .report = "delivery-status", .dsn_has = "Status: 5.1.1", .orig_has = "<mentord.1.abc@example.org>" },
	{ .fixture = "report-global-delivery-status-returned-message.eml", .report = "delivery-status",
	  .dsn_has = "josé@example.net", .orig_has = "<mentord.2.abc@example.org>" },
	{ .fixture = "report-returned-message-base64.eml", .report = "delivery-status",
	  .orig_has = "<mentord.3.abc@example.org>" },
	/* framing */
	{ .fixture = "cr-only-line-ends.eml", .subject = "Old Mac", .text = "line one\nline two\n" },
	{ .fixture = "mbox-from-line.eml", .subject = "mbox", .text = "body\n" },
	{ .fixture = "leading-blank-line.eml", .subject = "lead", .text = "body\n" },
	{ .fixture = "no-blank-line-after-header.eml", .subject = "nb", .text = "this line is body\n" },
};

static void test_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct fixture_case *c = &cases[i];
		struct mime_msg *m = parse_fixture(c->fixture);

		check_msg(c->fixture, m);
		expect_str(c->fixture, "text", m->text, c->text);
		expect_str(c->fixture, "subject", m->subject, c->subject);
		expect_str(c->fixture, "from_name", m->from_name, c->from_name);
		expect_str(c->fixture, "from_addr", m->from_addr, c->from_addr);
		expect_str(c->fixture, "calendar_method", m->calendar_method, c->method);
		expect_str(c->fixture, "report_type", m->report_type, c->report);
		expect_has(c->fixture, "original_headers", m->original_headers, c->orig_has);
		expect_has(c->fixture, "delivery_status", m->delivery_status, c->dsn_has);
		if (c->from_html != m->text_from_html)
			fail_msg("%s: text_from_html is %d", c->fixture, m->text_from_html);
		if (c->method != NULL && (m->calendar == NULL || strstr(m->calendar, "BEGIN:VCALENDAR") == NULL))
			fail_msg("%s: no calendar", c->fixture);
		if (c->no_calendar && m->calendar != NULL)
			fail_msg("%s: a forwarded calendar was taken", c->fixture);
		mime_free(&m);
		assert_null(m);
	}
}

static void test_identifiers(void **state)
{
	struct mime_msg *m = parse_fixture("identifiers.eml");

	(void)state;
	assert_string_equal(m->message_id, "id1@example.org");
	assert_string_equal(m->in_reply_to, "mentord.7.x@example.org");
	assert_int_equal(m->n_references, 4);
	assert_string_equal(m->references[0], "a@x");
	assert_string_equal(m->references[2], "c@z");
	assert_string_equal(m->references[3], "mentord.7.x@example.org");
	assert_string_equal(m->return_path, "");
	assert_int_equal(m->date, 1772440200); /* 2026-03-02 08:30:00 UTC */
	assert_string_equal(mime_header(m, "references"), "<a@x> <b@y>  <c@z>");
	assert_null(mime_header_n(m, "Subject", 1));
	mime_free(&m);
}

static void test_helpers(void **state)
{
	struct arena *a = arena_new();
	const char *name = NULL;

	(void)state;
	assert_string_equal(mime_decode_words(a, "=?utf-8?q?a_b?= c"), "a b c");
	assert_string_equal(mime_decode_words(a, "=?utf-8*fr?B?w6l0w6k=?="), "été");
	assert_string_equal(mime_decode_words(a, "caf\xe9"), "café");
	assert_string_equal(mime_decode_words(a, "=?utf-8?B?broken"), "=?utf-8?B?broken");
	assert_string_equal(mime_to_utf8(a, "a\0b", 3, "us-ascii"), "ab");
	assert_string_equal(mime_to_utf8(a, "\x93x\x94", 3, NULL), "“x”");
	assert_string_equal(mime_to_utf8(a, "\xff", 1, "utf-8"), "ÿ");
	assert_string_equal(mime_to_utf8(a, "\x1b$B", 3, "iso-2022-jp"), "");
	assert_string_equal(mime_address(a, "\"Doe, J\" <J.Doe@Example.org>", &name), "j.doe@example.org");
	assert_string_equal(name, "Doe, J");
	assert_string_equal(mime_address(a, "a@b.c d@e.f", NULL), "a@b.c");
	assert_string_equal(mime_address(a, "R\xe9mi <r@x.org", &name), "r@x.org");
	assert_string_equal(name, "Rémi");
	assert_null(mime_address(a, "no address here", NULL));
	assert_string_equal(mime_block_header(a, "A: 1\nB: two\n  lines\n\nC: body", "b"), "two  lines");
	assert_null(mime_block_header(a, "A: 1\n\nC: body", "C"));
	arena_free(&a);
}

/* ---- limits ---- */

static int parse_text(const char *raw, size_t len, const char **err)
{
	struct mime_msg *m = NULL;
	int r = mime_parse(raw, len, &m, err);

	if (r == 0)
		check_msg("generated", m);
	mime_free(&m);
	return r;
}

enum nest_style {
	NEST_SIMPLE,     /* boundary="bN" */
	NEST_RFC2231,    /* boundary*0="bN": the scan cannot read it */
	NEST_DECOY,      /* a second Content-Type and its delimiter, which
			  * libetpan ignores, in every header and preamble */
};

/* levels nested multiparts, each with its own boundary. Without the scan
 * before libetpan, 100000 levels of these take libetpan minutes (each
 * level reads its whole region again) or its whole stack. */
static char *nested_multipart(int levels, enum nest_style style, size_t *len_r)
{
	struct buf b;
	int i;

	buf_init(&b, 64u * 1024 * 1024);
	buf_adds(&b, "From: a@example.org\nSubject: deep\n");
	for (i = 0; i < levels; i++) {
		if (style == NEST_SIMPLE)
			buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
		else if (style == NEST_RFC2231)
			buf_printf(&b, "Content-Type: multipart/mixed; boundary*0=\"b%d\"\n\n--b%d\n", i, i);
		else
			buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n"
			    "Content-Type: multipart/mixed; boundary=x\n\n--x\n--b%d\n", i, i);
	}
	buf_adds(&b, "Content-Type: text/plain\n\ndeep text\n");
	for (i = levels - 1; i >= 0 && b.len < MSG_BYTES_MAX / 2; i--)
		buf_printf(&b, "--b%d--\n", i);
	*len_r = b.len;
	return buf_steal(&b);
}

static void test_limit_depth(void **state)
{
	struct mime_msg *m = NULL;
	const char *err = NULL;
	size_t len, k;
	char *raw;

	(void)state;
	raw = nested_multipart(MIME_DEPTH_MAX, NEST_SIMPLE, &len);
	assert_int_equal(mime_parse(raw, len, &m, &err), 0);
	assert_string_equal(m->text, "deep text");
	assert_int_equal(m->depth, MIME_DEPTH_MAX);
	mime_free(&m);
	free(raw);
	raw = nested_multipart(MIME_DEPTH_MAX + 1, NEST_SIMPLE, &len);
	assert_int_equal(parse_text(raw, len, &err), -1);
	free(raw);
	/* tens of thousands of levels: refused before libetpan recurses,
	 * however the boundaries are written */
	for (k = NEST_SIMPLE; k <= NEST_DECOY; k++) {
		raw = nested_multipart(50000, (enum nest_style)k, &len);
		assert_int_equal(parse_text(raw, len, &err), -1);
		assert_non_null(strstr(err, "depth"));
		free(raw);
	}
}

static void test_limit_message_nesting(void **state)
{
	struct buf b;
	const char *err = NULL;
	int i;

	(void)state;
	buf_init(&b, 16u * 1024 * 1024);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "Subject: fwd\nContent-Type: message/rfc822\n\n");
	buf_adds(&b, "Subject: inner\n\nbody\n");
	assert_int_equal(parse_text(b.s, b.len, &err), -1);
	buf_deinit(&b);
}

static void test_limit_parts(void **state)
{
	struct buf b;
	const char *err = NULL;
	int i;

	(void)state;
	buf_init(&b, 16u * 1024 * 1024);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (i = 0; i < MIME_PARTS_MAX / 2; i++)
		buf_adds(&b, "--x\nContent-Type: text/plain\n\npart\n");
	buf_adds(&b, "--x--\n");
	assert_int_equal(parse_text(b.s, b.len, &err), 0);
	buf_reset(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (i = 0; i < MIME_PARTS_MAX * 20; i++)
		buf_adds(&b, "--x\n\n");
	buf_adds(&b, "--x--\n");
	assert_int_equal(parse_text(b.s, b.len, &err), -1);
	assert_non_null(strstr(err, "parts"));
	buf_deinit(&b);
}

static void test_limit_sizes(void **state)
{
	const char *err = NULL;
	size_t big = MSG_BYTES_MAX + 1, i;
	char *raw = xmalloc(big);
	struct buf b;

	(void)state;
	memset(raw, 'a', big);
	memcpy(raw, "Subject: x\n\n", 12);
	assert_int_equal(parse_text(raw, big, &err), -1);
	assert_non_null(strstr(err, "message"));
	/* a body within the message limit but with too much text */
	assert_int_equal(parse_text(raw, TEXT_BYTES_MAX + 100, &err), -1);
	assert_non_null(strstr(err, "text"));
	/* one header line over HEADER_BYTES_MAX */
	memcpy(raw, "Subject: aaa", 12);
	raw[HEADER_BYTES_MAX + 10] = '\n';
	raw[HEADER_BYTES_MAX + 11] = '\n';
	assert_int_equal(parse_text(raw, HEADER_BYTES_MAX + 20, &err), -1);
	assert_non_null(strstr(err, "header"));
	free(raw);
	buf_init(&b, 16u * 1024 * 1024);
	for (i = 0; i <= HEADER_FIELDS_MAX; i++)
		buf_adds(&b, "X-A: b\n");
	buf_adds(&b, "\nbody\n");
	assert_int_equal(parse_text(b.s, b.len, &err), -1);
	assert_non_null(strstr(err, "fields"));
	buf_reset(&b);
	buf_adds(&b, "Content-Type: text/calendar; method=REPLY\n\nBEGIN:VCALENDAR\n");
	while (b.len <= ICAL_BYTES_MAX + 100)
		buf_adds(&b, "X-FILL:0123456789012345678901234567890123456789\n");
	assert_int_equal(parse_text(b.s, b.len, &err), -1);
	assert_non_null(strstr(err, "calendar"));
	buf_deinit(&b);
}

/* A message of n inline text parts of size bytes each, as Apple Mail
 * writes a body split around pictures (the shape that once took memory in
 * the square of the number of parts). */
static char *many_parts(size_t n, size_t size, size_t *len_r)
{
	struct buf b;
	size_t i, k;

	buf_init(&b, MSG_BYTES_MAX + 1024 * 1024);
	buf_adds(&b, "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\npart %zu\r\n", i);
		for (k = 0; k + 64 <= size; k += 64)
			buf_adds(&b, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc\r\n");
	}
	buf_adds(&b, "--b--\r\n");
	assert_false(b.toobig);
	*len_r = b.len;
	return buf_steal(&b);
}

/* The parts are joined once, in order: the message's arena stays within a
 * few times its size. */
static void test_limit_inline_parts_linear(void **state)
{
	struct mime_msg *m = NULL;
	const char *err = NULL, *p;
	size_t len, i;
	char *raw = many_parts(200, 4096, &len), mark[32];

	(void)state;
	assert_int_equal(mime_parse(raw, len, &m, &err), 0);
	for (i = 0, p = m->text; i < 200; i++) {
		snprintf(mark, sizeof(mark), "part %zu\n", i);
		p = strstr(p, mark);
		if (p == NULL)
			fail_msg("part %zu missing or out of order", i);
	}
	if (arena_size(m->arena) > 8 * len)
		fail_msg("%zu bytes of message took %zu bytes of arena", len, arena_size(m->arena));
	mime_free(&m);
	free(raw);
	/* the poison shape: 499 parts of 20 KB, ten times the text a message
	 * may hold, is refused by the limit rather than by the memory */
	raw = many_parts(499, 20 * 1024, &len);
	assert_int_equal(mime_parse(raw, len, &m, &err), -1);
	assert_string_equal(err, "decoded text over the size limit");
	free(raw);
}

/* ---- the corpus ---- */

struct corpus {
	char **paths;
	size_t n;
};

static int corpus_skip(const char *name)
{
	return str_has_prefix(name, "LICENSE") || strcmp(name, "README.md") == 0 ||
	    strcmp(name, "MANIFEST.tsv") == 0 || strcmp(name, "MIT-LICENSE") == 0 ||
	    strcmp(name, "MPL-2.0.txt") == 0 || name[0] == '.';
}

static void corpus_scan(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		char *path;

		if (corpus_skip(e->d_name))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			corpus_scan(c, path);
			free(path);
		} else {
			c->paths = xrealloc(c->paths, (c->n + 1) * sizeof(char *));
			c->paths[c->n++] = path;
		}
	}
	closedir(d);
}

static int corpus_setup(void **state)
{
	struct corpus *c = xcalloc(1, sizeof(*c));
	const char *root = getenv("MENTORD_SOURCE");
	char *dir = xasprintf("%s/tests/corpus", root != NULL ? root : ".");

	corpus_scan(c, dir);
	free(dir);
	*state = c;
	return 0;
}

static int corpus_teardown(void **state)
{
	struct corpus *c = *state;
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c);
	return 0;
}

static void test_corpus_walk(void **state)
{
	struct corpus *c = *state;
	size_t i, ok = 0;

	/* 386 samples: mime, replies, bounces, autoreplies, ical, broken */
	assert_true(c->n >= 380);
	for (i = 0; i < c->n; i++) {
		struct mime_msg *m = NULL;
		const char *err = NULL;
		char *data;
		size_t len;

		if (file_read(c->paths[i], MSG_BYTES_MAX * 2, &data, &len) < 0)
			fail_msg("cannot read %s", c->paths[i]);
		if (mime_parse(data, len, &m, &err) < 0)
			fail_msg("%s: refused: %s", c->paths[i], err);
		check_msg(c->paths[i], m);
		ok++;
		mime_free(&m);
		free(data);
	}
	print_message("corpus: %zu messages parsed\n", ok);
}

/* Every prefix of each small sample (cut at every byte) parses or is
 * refused, never crashes, and gives valid strings. */
static void test_corpus_prefixes(void **state)
{
	struct corpus *c = *state;
	size_t i, cut, files = 0, runs = 0;

	for (i = 0; i < c->n; i++) {
		char *data;
		size_t len;

		if (file_read(c->paths[i], MSG_BYTES_MAX, &data, &len) < 0)
			fail_msg("cannot read %s", c->paths[i]);
		if (len < 4096) {
			files++;
			for (cut = 0; cut <= len; cut++) {
				struct mime_msg *m = NULL;
				const char *err = NULL;
				/* a copy of exactly cut bytes, so that a read
				 * past the end is caught by the sanitizers */
				char *part = xmalloc(cut + 1);

				memcpy(part, data, cut);
				if (mime_parse(part, cut, &m, &err) == 0)
					check_msg(c->paths[i], m);
				mime_free(&m);
				free(part);
				runs++;
			}
		}
		free(data);
	}
	print_message("prefixes: %zu files, %zu parses\n", files, runs);
	assert_true(files > 200);
}

static char *line_ends(const char *s, size_t n, int crlf, size_t *len_r)
{
	struct buf b;
	size_t i;

	buf_init(&b, n * 2 + 16);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			buf_adds(&b, crlf ? "\r\n" : "\n");
		} else {
			buf_addc(&b, s[i]);
		}
	}
	*len_r = b.len;
	return buf_steal(&b);
}

/* The same message with LF and with CRLF line ends reads the same. */
static void test_corpus_line_ends(void **state)
{
	struct corpus *c = *state;
	size_t i, same = 0;

	for (i = 0; i < c->n; i++) {
		struct mime_msg *lf = NULL, *crlf = NULL;
		const char *err = NULL;
		char *data, *a, *b;
		size_t len, la, lb;

		if (file_read(c->paths[i], MSG_BYTES_MAX, &data, &len) < 0)
			fail_msg("cannot read %s", c->paths[i]);
		a = line_ends(data, len, 0, &la);
		b = line_ends(data, len, 1, &lb);
		if (mime_parse(a, la, &lf, &err) < 0 || mime_parse(b, lb, &crlf, &err) < 0)
			fail_msg("%s: refused: %s", c->paths[i], err);
		expect_str(c->paths[i], "subject (CRLF)", crlf->subject, lf->subject);
		expect_str(c->paths[i], "text (CRLF)", crlf->text, lf->text);
		if ((lf->from_addr == NULL) != (crlf->from_addr == NULL))
			fail_msg("%s: from differs", c->paths[i]);
		expect_str(c->paths[i], "from (CRLF)", crlf->from_addr, lf->from_addr);
		same++;
		mime_free(&lf);
		mime_free(&crlf);
		free(a);
		free(b);
		free(data);
	}
	print_message("line ends: %zu messages read alike\n", same);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_message_nesting),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_limit_sizes),
		cmocka_unit_test(test_limit_inline_parts_linear),
		cmocka_unit_test_setup_teardown(test_corpus_walk, corpus_setup, corpus_teardown),
		cmocka_unit_test_setup_teardown(test_corpus_prefixes, corpus_setup, corpus_teardown),
		cmocka_unit_test_setup_teardown(test_corpus_line_ends, corpus_setup, corpus_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
