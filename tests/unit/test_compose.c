#include "testutil.h"

/* With src on the -I path, the module header src/programme/sched.h hides the system
 * <sched.h> that <spawn.h> needs: include the system one first. */
#if defined(__has_include)
#if __has_include("/usr/include/sched.h")
#include "/usr/include/sched.h"
#endif
#endif
#include <spawn.h>
#include <sys/wait.h>

#include "compose.h"
#include "template.h"

extern char **environ;

/* ---- independent decoders, written from the RFCs for the tests ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* lower case is not what RFC 2045 6.7 rule 1 asks us to write */
}

static int b64val(char c)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(tbl, c) : NULL;

	return p != NULL ? (int)(p - tbl) : -1;
}

/* Decodes one encoded word "=?UTF-8?X?...?=" of n characters into out;
 * returns -1 when it is not one. */
static int ew_decode(const char *w, size_t n, struct buf *out)
{
	size_t i, bits = 0;
	unsigned acc = 0;
	int v, hi, lo;

	if (n < 12 || strncmp(w, "=?UTF-8?", 8) != 0 || w[9] != '?' ||
	    strncmp(w + n - 2, "?=", 2) != 0)
		return -1;
	for (i = 10; i < n - 2; i++) {
		if (w[8] == 'B') {
			if (w[i] == '=')
				break;
			if ((v = b64val(w[i])) < 0)
				return -1;
			acc = acc << 6 | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				buf_addc(out, (char)(acc >> bits & 0xff));
			}
		} else if (w[8] == 'Q') {
			if (w[i] == '_') {
				buf_addc(out, ' ');
			} else if (w[i] == '=') {
				if (i + 2 >= n - 2 || (hi = hexval(w[i + 1])) < 0 ||
				    (lo = hexval(w[i + 2])) < 0)
					return -1;
				buf_addc(out, (char)(hi << 4 | lo));
				i += 2;
			} else if (w[i] == '?' || w[i] == ' ') {
				return -1;
			} else {
				buf_addc(out, w[i]);
			}
		} else {
			return -1;
		}
	}
	return 0;
}

/* An unfolded header value back to text: encoded words decoded, white space
 * between two encoded words dropped (RFC 2047 6.2), quoted-strings
 * unquoted (RFC 5322 3.2.4), other runs of white space one space. */
static char *header_decode(const char *value)
{
	struct buf out, word;
	const char *p = value;
	size_t n;
	int prev_ew = 0, ew;

	buf_init(&out, 1 << 20);
	buf_init(&word, 1 << 20);
	buf_add(&out, "", 0);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			/* a quoted-string may span white space */
			const char *q = p + 1;

			buf_reset(&word);
			buf_add(&word, "", 0);
			for (; *q != '\0' && *q != '"'; q++) {
				if (*q == '\\' && q[1] != '\0')
					q++;
				if (*q == '\r' || *q == '\n')
					continue;
				buf_addc(&word, *q);
			}
			n = (size_t)(q - p) + (*q == '"');
			ew = 0;
		} else {
			n = strcspn(p, " \t\r\n");
			buf_reset(&word);
			buf_add(&word, "", 0);
			ew = ew_decode(p, n, &word) == 0;
			if (!ew)
				buf_add(&word, p, n);
		}
		if (out.len > 0 && !(ew && prev_ew))
			buf_addc(&out, ' ');
		buf_add(&out, word.s, word.len);
		prev_ew = ew;
		p += n;
	}
	buf_deinit(&word);
	return buf_steal(&out);
}

/* Quoted-printable back to bytes (RFC 2045 6.7); NULL when malformed. */
static char *qp_decode(const char *qp)
{
	struct buf out;
	const char *p;
	int hi, lo;

	buf_init(&out, 1 << 24);
	buf_add(&out, "", 0);
	for (p = qp; *p != '\0'; p++) {
		if (*p != '=') {
			buf_addc(&out, *p);
			continue;
		}
		if (p[1] == '\r' && p[2] == '\n') {
			p += 2;
			continue;
		}
		if ((hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0) {
			buf_deinit(&out);
			return NULL;
		}
		buf_addc(&out, (char)(hi << 4 | lo));
		p += 2;
	}
	return buf_steal(&out);
}

/* Text with CRLF made LF. */
static char *lf(const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 24);
	buf_add(&b, "", 0);
	for (; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			buf_addc(&b, *s);
	return buf_steal(&b);
}

/* Every line ends in CRLF and has at most max characters before it. */
static void check_crlf_lines(const char *what, const char *s, size_t max)
{
	const char *p = s, *nl;
	size_t line = 1;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			fail_msg("%s: line %zu does not end: %s", what, line, p);
		if (nl == p || nl[-1] != '\r')
			fail_msg("%s: line %zu ends in a bare LF", what, line);
		if (memchr(p, '\r', (size_t)(nl - 1 - p)) != NULL)
			fail_msg("%s: line %zu holds a bare CR", what, line);
		if ((size_t)(nl - 1 - p) > max)
			fail_msg("%s: line %zu has %zu characters: %.*s", what, line,
			    (size_t)(nl - 1 - p), (int)(nl - 1 - p), p);
		p = nl + 1;
		line++;
	}
}

/* The encoded words of s: each at most 75 characters and each decoding to
 * valid UTF-8 on its own (no sequence split between two words). */
static void check_encoded_words(const char *what, const char *s)
{
	const char *p = s, *end;
	struct buf w;

	buf_init(&w, 1 << 16);
	while ((p = strstr(p, "=?")) != NULL) {
		end = strstr(p + 10, "?=");
		assert_non_null(end);
		end += 2;
		if ((size_t)(end - p) > 75)
			fail_msg("%s: encoded word of %zu characters", what, (size_t)(end - p));
		buf_reset(&w);
		if (ew_decode(p, (size_t)(end - p), &w) < 0)
			fail_msg("%s: malformed encoded word %.*s", what, (int)(end - p), p);
		if (!utf8_valid(w.s != NULL ? w.s : "", w.len))
			fail_msg("%s: encoded word splits a UTF-8 sequence: %.*s", what,
			    (int)(end - p), p);
		p = end;
	}
	buf_deinit(&w);
}

static int all_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* ---- compose_encode_words ---- */

static void test_encode_words(void **state)
{
	static const struct {
		const char *text;
		int phrase;
		const char *exact;   /* expected output, or NULL: encoded words */
		const char *decoded; /* expected after decoding; NULL: the text */
	} cases[] = {
		{ "Hello world", 0, "Hello world", NULL },
		{ "Ada Lovelace", 1, "Ada Lovelace", NULL },
		{ "", 0, "", NULL },
		{ "Re: [x] (y) a.b, c", 0, "Re: [x] (y) a.b, c", NULL },
		{ "Lovelace, Ada", 1, "\"Lovelace, Ada\"", NULL },
		{ "Ada \"the Countess\" L.", 1, "\"Ada \\\"the Countess\\\" L.\"", NULL },
		{ "back\\slash", 1, "\"back\\\\slash\"", NULL },
		{ "  two   spaces  ", 0, "two spaces", "two spaces" },
		{ "Zoé", 1, "=?UTF-8?Q?Zo=C3=A9?=", NULL },
		{ "Zoé Lefèvre", 1, "=?UTF-8?B?Wm/DqSBMZWbDqHZyZQ==?=", NULL }, /* B: shorter */
		{ "Zoé Dupont", 1, "=?UTF-8?Q?Zo=C3=A9?= Dupont", NULL },
		{ "WIT : votre candidature est confirmée", 0,
		    "WIT : votre candidature est =?UTF-8?Q?confirm=C3=A9e?=", NULL },
		{ "Dupont, Zoé", 1, "=?UTF-8?B?RHVwb250LCBab8Op?=", NULL },
		{ "Zoé Dupont-Martin (IT)", 1,
		    "=?UTF-8?Q?Zo=C3=A9?= Dupont-Martin =?UTF-8?Q?=28IT=29?=", NULL },
		{ "日本語のテキスト", 0, "=?UTF-8?B?5pel5pys6Kqe44Gu44OG44Kt44K544OI?=", NULL },
		{ "a =?UTF-8?Q?x?= b", 0, NULL, NULL },
		{ "under_score é", 0, NULL, NULL },
		{ "question? é=é", 0, NULL, NULL },
		{ "Ørsted, Anaïs (IT) <boss>", 1, NULL, NULL },
		{ "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 0, NULL, NULL },
		{ "ééééééééééééééééééééééééééééééééééééééééééééééééééé", 1, NULL, NULL },
		{ "Programme de mentorat « Égalité et technologie » : votre candidature "
		  "est confirmée, merci beaucoup pour votre intérêt", 0, NULL, NULL },
		{ "https://example.org/a/very/long/path/that/has/no/space/anywhere/at/all/x", 0,
		    NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *enc = compose_encode_words(cases[i].text, cases[i].phrase);
		char *dec = header_decode(enc);
		const char *want = cases[i].decoded != NULL ? cases[i].decoded : cases[i].text;
		const unsigned char *p;

		if (cases[i].exact != NULL && strcmp(enc, cases[i].exact) != 0)
			fail_msg("case %zu: [%s], expected [%s]", i, enc, cases[i].exact);
		if (cases[i].exact == NULL && strstr(enc, "=?UTF-8?") == NULL)
			fail_msg("case %zu: not encoded: [%s]", i, enc);
		for (p = (const unsigned char *)enc; *p != '\0'; p++)
			if (*p < 0x20 || *p >= 0x7f)
				fail_msg("case %zu: byte %02x in [%s]", i, *p, enc);
		check_encoded_words(cases[i].text, enc);
		if (strcmp(dec, want) != 0)
			fail_msg("case %zu: [%s] decodes to [%s]", i, enc, dec);
		free(enc);
		free(dec);
	}
}

/* ---- compose_qp ---- */

static void test_qp(void **state)
{
	static const struct {
		const char *text, *exact; /* exact: expected, or NULL */
	} cases[] = {
		{ "Hello\n", "Hello\r\n" },
		{ "Hello", "Hello\r\n" },
		{ "", "\r\n" },
		{ "a=b\n", "a=3Db\r\n" },
		{ "café\n", "caf=C3=A9\r\n" },
		{ "trailing space \nand tab\t\n", "trailing space=20\r\nand tab=09\r\n" },
		{ "end space ", "end space=20\r\n" },
		{ "crlf\r\nkept\r\n", "crlf\r\nkept\r\n" },
		{ "lone\rcr\n", "lone=0Dcr\r\n" },
		{ ".\n.dot\n", "=2E\r\n=2Edot\r\n" },
		{ "From here\nFrom\n", "=46rom here\r\nFrom\r\n" },
		{ "a\x01" "b\x7f\n", "a=01b=7F\r\n" },
		{ "x\n\n\ny\n", "x\r\n\r\n\r\ny\r\n" },
		/* exactly 76 characters: no soft break needed */
		{ "1234567890123456789012345678901234567890123456789012345678901234567890123456\n",
		    "1234567890123456789012345678901234567890123456789012345678901234567890123456\r\n" },
		/* 77: one soft break */
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567\n",
		    "123456789012345678901234567890123456789012345678901234567890123456789012345=\r\n"
		    "67\r\n" },
		{ "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\n", NULL },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
		  "next word\n", NULL },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.dot "
		  "after a soft break\n", NULL },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "From me after a soft break\n", NULL },
		{ "ends with spaces at 76 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx     \n",
		    NULL },
		{ "mixed 😀 emoji, « guillemets », and = signs ================================="
		  "=================================================\n", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *qp = compose_qp(cases[i].text), *dec = qp_decode(qp), *want, *got;
		const char *line;
		size_t len;

		if (cases[i].exact != NULL && strcmp(qp, cases[i].exact) != 0)
			fail_msg("case %zu: [%s], expected [%s]", i, qp, cases[i].exact);
		check_crlf_lines("qp", qp, 76);
		assert_non_null(dec);
		for (line = qp; *line != '\0'; line = strchr(line, '\n') + 1) {
			len = (size_t)(strchr(line, '\r') - line);
			/* RFC 2045 6.7 rule 3: no white space before a line end */
			if (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
				fail_msg("case %zu: white space ends a line: %.*s", i, (int)len, line);
			if (line[0] == '.' || strncmp(line, "From ", 5) == 0)
				fail_msg("case %zu: a line starts with . or From: %.*s", i, (int)len, line);
			for (; len > 0; len--)
				if ((unsigned char)line[len - 1] < 0x20 || (unsigned char)line[len - 1] >= 0x7f)
					fail_msg("case %zu: byte outside printable ASCII", i);
		}
		/* round trip: the text, LF line ends, ending with one */
		want = lf(cases[i].text);
		if (want[0] == '\0' || want[strlen(want) - 1] != '\n') {
			char *w = xasprintf("%s\n", want);

			free(want);
			want = w;
		}
		got = lf(dec);
		if (strcmp(got, want) != 0)
			fail_msg("case %zu: round trip [%s], expected [%s]", i, got, want);
		free(qp);
		free(dec);
		free(want);
		free(got);
	}
}

/* ---- addresses and identifiers ---- */

static void test_address_ok(void **state)
{
	static const struct {
		const char *addr;
		int ok;
	} cases[] = {
		{ "ada@example.org", 1 },
		{ "Ada.Lovelace+mentoring@sub.example.org", 1 },
		{ "o'neil@example.ie", 1 },
		{ "a@b", 1 },
		{ NULL, 0 },
		{ "", 0 },
		{ "no-at-sign", 0 },
		{ "@example.org", 0 },
		{ "ada@", 0 },
		{ "a@b@c", 0 },
		{ "ada@example.org\r\nBcc: victim@example.org", 0 },
		{ "ada@example.org\n", 0 },
		{ "ada\r@example.org", 0 },
		{ "ada\t@example.org", 0 },
		{ "ada\x01@example.org", 0 },
		{ "ada\x7f@example.org", 0 },
		{ "ada @example.org", 0 },
		{ "Ada <ada@example.org>", 0 },
		{ "ada@example.org, eve@example.org", 0 },
		{ "\"ada\"@example.org", 0 },
		{ "ada@[127.0.0.1]", 0 },
		/* RFC 6531: valid UTF-8 only */
		{ "zoé@example.org", 1 },
		{ "jörg@bücher.example", 1 },
		{ "ada\xff@example.org", 0 },
		{ "ada\xc3@example.org", 0 },
		{ "ada@example.org\xc3", 0 },
	};
	char *longest = xmalloc(400);
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (compose_address_ok(cases[i].addr) != cases[i].ok)
			fail_msg("case %zu [%s]: expected %d", i, cases[i].addr != NULL ?
			    cases[i].addr : "(null)", cases[i].ok);
	memset(longest, 'a', 399);
	longest[399] = '\0';
	longest[10] = '@';
	assert_int_equal(compose_address_ok(longest), 0);
	longest[320] = '\0';
	assert_int_equal(compose_address_ok(longest), 1);
	free(longest);
	assert_int_equal(compose_address_utf8("jörg@bücher.example"), 1);
	assert_int_equal(compose_address_utf8("ada@example.org"), 0);
}

static void test_msgid_ok(void **state)
{
	static const struct {
		const char *id;
		int ok;
	} cases[] = {
		{ "mentord.12.ab@example.org", 1 },
		{ "CAF=+x_y/z@mail.gmail.com", 1 },
		{ "no-at-but-printable", 1 },
		{ NULL, 0 },
		{ "", 0 },
		{ "a b@example.org", 0 },
		{ "<a@example.org>", 0 },
		{ "a@example.org>\r\nBcc: x@y", 0 },
		{ "a\n@example.org", 0 },
		{ "é@example.org", 0 },
	};
	char *long_id = xmalloc(300);
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (compose_msgid_ok(cases[i].id) != cases[i].ok)
			fail_msg("case %zu: expected %d", i, cases[i].ok);
	memset(long_id, 'x', 299);
	long_id[299] = '\0';
	long_id[5] = '@';
	assert_int_equal(compose_msgid_ok(long_id), 0);
	free(long_id);
}

/* ---- compose_render ---- */

struct parsed {
	char *head;  /* the header block, CRLF lines, without the empty line */
	char *body;
};

static void parse_msg(const char *msg, struct parsed *p)
{
	const char *sep = strstr(msg, "\r\n\r\n");

	assert_non_null(sep);
	p->head = xstrndup(msg, (size_t)(sep - msg) + 2);
	p->body = xstrdup(sep + 4);
}

static void parsed_free(struct parsed *p)
{
	free(p->head);
	free(p->body);
}

/* The unfolded value of the first field called name in a header block, or
 * NULL (RFC 5322 2.2.3: unfolding removes each CRLF before white space). */
static char *field(const char *head, const char *name)
{
	const char *p = head, *end;
	size_t n = strlen(name);
	struct buf b;

	while (*p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			buf_init(&b, 1 << 20);
			buf_add(&b, "", 0);
			for (;;) {
				end = strstr(p, "\r\n");
				assert_non_null(end);
				buf_add(&b, p, (size_t)(end - p));
				p = end + 2;
				if (*p != ' ' && *p != '\t')
					break;
			}
			return str_trim(buf_steal(&b));
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

static void expect_field(const char *head, const char *name, const char *decoded)
{
	char *v = field(head, name), *d;

	if (v == NULL)
		fail_msg("no %s field", name);
	d = header_decode(v);
	if (strcmp(d, decoded) != 0)
		fail_msg("%s: [%s] decodes to [%s], expected [%s]", name, v, d, decoded);
	free(v);
	free(d);
}

static void base_compose(struct compose *c, const struct compose_addr *to, size_t n_to)
{
	memset(c, 0, sizeof(*c));
	c->from_name = "Mentorat Égalité";
	c->from_addr = "mentoring@example.org";
	c->to = to;
	c->n_to = n_to;
	c->subject = "Mentorat Égalité : votre candidature est confirmée";
	c->body = "Bonjour Zoé,\n\nMerci !\n";
	c->language = "fr";
	c->message_id = "mentord.42.abcdef@example.org";
	c->date = 1772443800; /* 2026-03-02 */
	c->auto_submitted = "auto-replied";
	c->list_name = "Mentorat Égalité";
	c->list_id = "mentoring.example.org";
	c->kind = "confirmed";
	c->loop = "mentoring@example.org";
}

static void test_render_basic(void **state)
{
	static const struct compose_addr to[] = {
		{ "Zoé Lefèvre-Dubois", "zoe@example.org" },
		{ "Lovelace, Ada", "ada@example.org" },
		{ NULL, "plain@example.org" },
		{ "Anaïs Ørsted-Château de la Très Longue Famille Aristocratique", "anais@example.org" },
	};
	static const char *const refs[] = { "first@example.net", "CAF=+x_y/z@mail.gmail.com",
	    "third.one.with.a.rather.long.identifier.1234567890@mx.example.com" };
	struct compose c;
	struct parsed p;
	char *msg = NULL, *msg2 = NULL, *body;
	const char *err = NULL;
	size_t len = 0, len2 = 0;

	(void)state;
	base_compose(&c, to, ARRAY_SIZE(to));
	c.subject = "Programme de mentorat « Égalité et technologie » : votre candidature "
	    "est confirmée, merci beaucoup pour votre intérêt [k7q2m9xa]";
	c.in_reply_to = "CAF=+x_y/z@mail.gmail.com";
	c.references = refs;
	c.n_references = ARRAY_SIZE(refs);
	c.reply_to = &to[0];
	assert_int_equal(compose_render(&c, &msg, &len, &err), 0);
	assert_int_equal(len, strlen(msg));
	check_crlf_lines("message", msg, 78);
	parse_msg(msg, &p);
	check_encoded_words("header", p.head);
	assert_true(all_ascii(p.head));
	expect_field(p.head, "Subject", c.subject);
	expect_field(p.head, "From", "Mentorat Égalité <mentoring@example.org>");
	expect_field(p.head, "To", "Zoé Lefèvre-Dubois <zoe@example.org>, Lovelace, Ada "
	    "<ada@example.org>, plain@example.org, Anaïs Ørsted-Château de la Très Longue "
	    "Famille Aristocratique <anais@example.org>");
	expect_field(p.head, "Reply-To", "Zoé Lefèvre-Dubois <zoe@example.org>");
	expect_field(p.head, "Message-ID", "<mentord.42.abcdef@example.org>");
	expect_field(p.head, "In-Reply-To", "<CAF=+x_y/z@mail.gmail.com>");
	expect_field(p.head, "References", "<first@example.net> <CAF=+x_y/z@mail.gmail.com> "
	    "<third.one.with.a.rather.long.identifier.1234567890@mx.example.com>");
	expect_field(p.head, "Auto-Submitted", "auto-replied");
	expect_field(p.head, "X-Mentord-Kind", "confirmed");
	expect_field(p.head, "List-Id", "Mentorat Égalité <mentoring.example.org>");
	expect_field(p.head, "MIME-Version", "1.0");
	expect_field(p.head, "Content-Language", "fr");
	expect_field(p.head, "Content-Type", "text/plain; charset=UTF-8");
	expect_field(p.head, "Content-Transfer-Encoding", "quoted-printable");
	expect_field(p.head, "Date", "Mon, 02 Mar 2026 10:30:00 +0100");
	/* the quoted display name keeps its comma inside the quotes */
	{
		char *v = field(p.head, "To");

		assert_non_null(strstr(v, "\"Lovelace, Ada\" <ada@example.org>"));
		free(v);
	}
	body = qp_decode(p.body);
	assert_non_null(body);
	assert_string_equal(body, "Bonjour Zoé,\r\n\r\nMerci !\r\n");
	free(body);
	/* deterministic */
	assert_int_equal(compose_render(&c, &msg2, &len2, &err), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(msg, msg2, len);
	parsed_free(&p);
	free(msg);
	free(msg2);
}

/* Subjects and names of every length: lines stay within 78 characters, and
 * the field decodes to the text. */
static void test_render_folding(void **state)
{
	static const char *const words[] = { "Égalité", "confirmée", "WIT", "[k7q2m9xa]", ":",
	    "«", "»", "mentorat", "un-mot-assez-long-sans-espace-du-tout", "Ørsted", "😀", "a" };
	struct compose_addr to[3] = { { NULL, "zoe@example.org" }, { NULL, "a@example.org" },
	    { NULL, "b@example.org" } };
	struct compose c;
	struct parsed p;
	struct buf s;
	char *msg = NULL, *name;
	const char *err = NULL;
	size_t len = 0, i;

	(void)state;
	buf_init(&s, 4096);
	buf_add(&s, "", 0);
	for (i = 0; i < 70; i++) {
		size_t cut = s.len < 200 ? s.len : 200;

		if (i > 0)
			buf_addc(&s, ' ');
		buf_adds(&s, words[(i * 7) % ARRAY_SIZE(words)]);
		while (cut > 0 && ((unsigned char)s.s[cut] & 0xc0) == 0x80)
			cut--;
		name = xstrndup(s.s, cut);
		base_compose(&c, to, 3);
		to[0].name = name;
		to[1].name = i % 2 ? "Lovelace, Ada" : NULL;
		to[2].name = "Zoé";
		c.subject = s.s;
		if (compose_render(&c, &msg, &len, &err) < 0)
			fail_msg("%zu: %s", i, err);
		check_crlf_lines(s.s, msg, 78);
		parse_msg(msg, &p);
		check_encoded_words(s.s, p.head);
		assert_true(all_ascii(p.head));
		expect_field(p.head, "Subject", s.s);
		parsed_free(&p);
		free(msg);
		free(name);
	}
	buf_deinit(&s);
}

static void test_render_calendar(void **state)
{
	static const struct compose_addr to[] = { { "Zoé", "zoe@example.org" } };
	static const char ics[] =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mentord//EN\r\nMETHOD:REQUEST\r\n"
	    "BEGIN:VEVENT\r\nUID:training-1@example.org\r\nSEQUENCE:0\r\n"
	    "SUMMARY:Formation des binômes\r\n"
	    "DESCRIPTION:Une description assez longue pour être pliée selon la RFC 5545\r\n"
	    " et qui continue ici.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct compose c;
	struct parsed p;
	char *msg = NULL, *boundary, *type, *dec, *cal;
	const char *err = NULL, *part2;
	size_t len = 0;

	(void)state;
	base_compose(&c, to, 1);
	c.alt_type = "text/calendar; charset=UTF-8; method=REQUEST";
	c.alt_body = ics;
	c.kind = "invitation";
	assert_int_equal(compose_render(&c, &msg, &len, &err), 0);
	check_crlf_lines("calendar message", msg, 78);
	parse_msg(msg, &p);
	type = field(p.head, "Content-Type");
	assert_non_null(type);
	assert_true(str_has_prefix(type, "multipart/alternative; boundary=\""));
	boundary = xstrndup(type + strlen("multipart/alternative; boundary=\""),
	    strlen(type) - strlen("multipart/alternative; boundary=\"") - 1);
	{
		char *open = xasprintf("--%s\r\n", boundary), *close = xasprintf("\r\n--%s--\r\n",
		    boundary);

		assert_true(str_has_prefix(p.body, open));
		part2 = strstr(p.body + strlen(open), open);
		assert_non_null(part2);
		assert_non_null(strstr(p.body, close));
		/* the boundary appears only as delimiters */
		assert_null(strstr(part2 + strlen(open), open));
		assert_true(str_has_prefix(part2 + strlen(open),
		    "Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
		/* the part ends where the CRLF of the delimiter begins (RFC
		 * 2046 5.1.1): its content keeps the calendar's last CRLF */
		cal = xstrndup(part2 + strlen(open), (size_t)(strstr(part2, close) - part2 -
		    (ptrdiff_t)strlen(open)));
		dec = qp_decode(strstr(cal, "\r\n\r\n") + 4);
		assert_non_null(dec);
		assert_string_equal(dec, ics);
		assert_non_null(strstr(p.body, "END:VCALENDAR\r\n\r\n--"));
		/* so does the text part before the next delimiter */
		assert_true(strstr(part2 - 2, "\r\n") == part2 - 2 && part2[-3] == '\n');
		assert_non_null(strstr(p.body, "Content-Type: text/plain; charset=UTF-8\r\n"));
		free(open);
		free(close);
		free(cal);
		free(dec);
	}
	free(boundary);
	free(type);
	parsed_free(&p);
	free(msg);
}

/* A CSV attachment: multipart/mixed of the text and the file, each part
 * read back as it was given. */
static void test_render_attachment(void **state)
{
	static const struct compose_addr to[] = { { NULL, "chair@example.org" } };
	static const char csv[] = "section,figure,value\r\napplications,mentors,11\r\n"
	    "feedback,\"usefulness, mean\",4.2\r\n";
	struct compose c;
	struct parsed p;
	char *msg = NULL, *type, *open, *part2, *dec, *end;
	const char *err = NULL;
	size_t len = 0;

	(void)state;
	base_compose(&c, to, 1);
	c.kind = "report";
	c.attach_type = "text/csv; charset=UTF-8";
	c.attach_name = "report-2026.csv";
	c.attach_body = csv;
	assert_int_equal(compose_render(&c, &msg, &len, &err), 0);
	check_crlf_lines("report", msg, 78);
	parse_msg(msg, &p);
	type = field(p.head, "Content-Type");
	assert_true(str_has_prefix(type, "multipart/mixed; boundary=\""));
	/* the boundary without its closing quote, as a delimiter line */
	open = xasprintf("--%.*s\r\n", (int)(strlen(type) - strlen("multipart/mixed; boundary=\"") - 1),
	    type + strlen("multipart/mixed; boundary=\""));
	assert_true(str_has_prefix(p.body, open));
	assert_true(str_has_prefix(p.body + strlen(open), "Content-Type: text/plain; charset=UTF-8\r\n"));
	part2 = strstr(p.body + strlen(open), open);
	assert_non_null(part2);
	part2 += strlen(open);
	assert_true(str_has_prefix(part2, "Content-Disposition: attachment; filename=\"report-2026.csv\"\r\n"
	    "Content-Type: text/csv; charset=UTF-8; name=\"report-2026.csv\"\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
	end = strstr(part2, "\r\n--=_mentord_");
	assert_non_null(end);
	part2 = xstrndup(strstr(part2, "\r\n\r\n") + 4, (size_t)(end - strstr(part2, "\r\n\r\n") - 4) + 2);
	dec = qp_decode(part2);
	assert_string_equal(dec, csv);
	free(dec);
	free(part2);
	free(open);
	free(type);
	parsed_free(&p);
	free(msg);
}

/* A binary file beside it (a PDF): in base64, lines of 76, after the CSV;
 * refused without the CSV or with an unusable name. */
static void test_render_file(void **state)
{
	static const struct compose_addr to[] = { { NULL, "chair@example.org" } };
	unsigned char data[58];
	struct compose c;
	char *msg = NULL, *part;
	const char *err = NULL;
	size_t len = 0, i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 200);
	base_compose(&c, to, 1);
	c.kind = "report";
	c.file_type = "application/pdf";
	c.file_name = "report-2026.pdf";
	c.file_data = data;
	c.file_len = sizeof(data);
	assert_int_equal(compose_render(&c, &msg, &len, &err), -1);
	assert_string_equal(err, "unusable file");
	c.attach_type = "text/csv; charset=UTF-8";
	c.attach_name = "report-2026.csv";
	c.attach_body = "a,b\r\n";
	c.file_name = "../report.pdf";
	assert_int_equal(compose_render(&c, &msg, &len, &err), -1);
	c.file_name = "report-2026.pdf";
	c.file_data = NULL;
	assert_int_equal(compose_render(&c, &msg, &len, &err), -1);
	c.file_data = data;
	assert_int_equal(compose_render(&c, &msg, &len, &err), 0);
	check_crlf_lines("report", msg, 78);
	part = strstr(msg, "Content-Disposition: attachment; filename=\"report-2026.pdf\"\r\n"
	    "Content-Type: application/pdf; name=\"report-2026.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	assert_non_null(part);
	part = strstr(part, "\r\n\r\n") + 4;
	/* 57 bytes make one line of 76, the 58th a last line "xx==" */
	assert_true(str_has_prefix(part, "yO0SN1yBps"));
	assert_int_equal(strchr(part, '\r') - part, 76);
	assert_true(str_has_prefix(part + 78, "BQ==\r\n--=_mentord_"));
	free(msg);
}

/* Header injection and unusable fields are refused. */
static void test_render_refuses(void **state)
{
	static const struct compose_addr good[] = { { "Zoé", "zoe@example.org" } };
	static const struct compose_addr bad_name[] = { { "Zoé\r\nBcc: eve@example.org",
	    "zoe@example.org" } };
	static const struct compose_addr bad_addr[] = { { "Zoé",
	    "zoe@example.org>\r\nBcc: eve@example.org" } };
	static const char *const bad_refs[] = { "a@b", "c@d>\r\nBcc: e@f" };
	enum { F_SUBJECT, F_SUBJECT_LF, F_SUBJECT_UTF8, F_TO_NAME, F_TO_ADDR, F_NO_TO, F_FROM,
	    F_FROM_NAME, F_MSGID, F_MSGID_NOAT, F_IRT, F_REFS, F_KIND, F_REPLY_TO, F_CC, F_ALT,
	    F_LIST_ID, F_LOOP, F_LIST_NAME, F_ATTACH_NAME, F_ATTACH_QUOTE, F_ATTACH_HALF,
	    F_ATTACH_ALT, F_COUNT };
	size_t i;

	(void)state;
	for (i = 0; i < F_COUNT; i++) {
		struct compose c;
		char *msg = NULL;
		const char *err = NULL;
		size_t len = 0;

		base_compose(&c, good, 1);
		switch (i) {
		case F_SUBJECT: c.subject = "hi\r\nBcc: eve@example.org"; break;
		case F_SUBJECT_LF: c.subject = "hi\nthere"; break;
		case F_SUBJECT_UTF8: c.subject = "caf\xe9"; break;
		case F_TO_NAME: c.to = bad_name; break;
		case F_TO_ADDR: c.to = bad_addr; break;
		case F_NO_TO: c.n_to = 0; break;
		case F_FROM: c.from_addr = "robot"; break;
		case F_FROM_NAME: c.from_name = "Robot\tX"; break;
		case F_MSGID: c.message_id = "a@b>\r\nBcc: e@f"; break;
		case F_MSGID_NOAT: c.message_id = "no-domain"; break;
		case F_IRT: c.in_reply_to = "x y@z"; break;
		case F_REFS: c.references = bad_refs; c.n_references = 2; break;
		case F_KIND: c.kind = "help\r\nBcc: e@f"; break;
		case F_REPLY_TO: c.reply_to = bad_name; break;
		case F_CC: c.cc = bad_addr; c.n_cc = 1; break;
		case F_ALT: c.alt_type = "text/calendar"; break;
		case F_LIST_ID: c.list_id = "<mentoring.example.org>"; break;
		case F_LOOP: c.loop = "x\r\ny"; break;
		case F_LIST_NAME: c.list_name = "WIT\r\nBcc: e@f"; break;
		case F_ATTACH_NAME:
			c.attach_type = "text/csv";
			c.attach_body = "a";
			c.attach_name = "../etc/passwd";
			break;
		case F_ATTACH_QUOTE:
			c.attach_type = "text/csv";
			c.attach_body = "a";
			c.attach_name = "a\"b.csv";
			break;
		case F_ATTACH_HALF: c.attach_type = "text/csv"; c.attach_body = "a"; break;
		case F_ATTACH_ALT:
			c.attach_type = "text/csv";
			c.attach_body = "a";
			c.attach_name = "a.csv";
			c.alt_type = "text/calendar";
			c.alt_body = "x";
			break;
		default: break;
		}
		if (compose_render(&c, &msg, &len, &err) == 0)
			fail_msg("field %zu accepted:\n%s", i, msg);
		assert_non_null(err);
		assert_null(msg);
	}
}

/* ---- every template, through compose, read back by Python ---- */

static const struct {
	const char *name, *value;
} sample_values[] = {
	{ "programme", "Mentorat Égalité WIT" },
	{ "tag", "Égalité WIT" },
	{ "address", "mentoring@example.org" },
	{ "name", "Zoé Lefèvre-Dubois" },
	{ "token", "k7q2m9xa" },
	{ "role", "mentee" },
	{ "cohort", "2026" },
	{ "summary", "Role: mentee\nName: Zoé Lefèvre-Dubois\nDepartment: IT — Sécurité "
	    "informatique\nField: cryptographie, réseaux\nLanguage: fr\nTopics: prise de parole, "
	    "négociation\nAbout: Ingénieure depuis trois ans dans l'équipe réseau, je souhaite "
	    "apprendre à mener un projet transverse et à mieux négocier les priorités avec les "
	    "autres services ; j'aimerais aussi échanger sur l'équilibre entre vie privée et vie "
	    "professionnelle.\n" },
	{ "days", "5" },
	{ "commands", "approve 1 3\nreject 2\ntraining 2026-03-12 14:00 90m Bâtiment 40, "
	    "Formation des binômes" },
	{ "errors", "- Name: this line is missing\n- Capacity: « beaucoup » is not a number\n"
	    "- Field: a line far too long to be useful xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "next", "septembre 2026" },
	{ "st_none", "" },
	{ "st_pending", "" },
	{ "st_confirmed", "" },
	{ "st_matched", "1" },
	{ "st_withdrawn", "" },
	{ "partner_name", "Anaïs Ørsted" },
	{ "partner_address", "anais.orsted@example.org" },
	{ "who", "Jean-François Château <jf.chateau@example.org>" },
	{ "pair", "Anaïs Ørsted (mentor) and Zoé Lefèvre-Dubois (mentee)" },
	{ "mentor_name", "Anaïs Ørsted" },
	{ "mentor_address", "anais.orsted@example.org" },
	{ "mentor_department", "Physique des accélérateurs" },
	{ "mentor_field", "optique, faisceaux, gestion d'équipe" },
	{ "mentor_topics", "leadership, prise de parole, carrière internationale" },
	{ "mentor_about", "Vingt ans au laboratoire, dont dix à diriger une équipe de "
	    "douze personnes réparties sur trois sites ; j'aime transmettre ce que j'ai appris, "
	    "souvent à mes dépens.\nSecond paragraph on its own line." },
	{ "mentee_name", "Zoé Lefèvre-Dubois" },
	{ "mentee_address", "zoe@example.org" },
	{ "mentee_department", "IT — Sécurité informatique" },
	{ "mentee_field", "cryptographie, réseaux" },
	{ "mentee_topics", "" },
	{ "mentee_about", "Ingénieure réseau ; https://example.org/a/very/long/link/without/any/"
	    "space/in/it/that/goes/on/and/on/and/on/well/past/the/seventy-six/column/limit" },
	{ "title", "Formation des binômes — Training for pairs" },
	{ "date", "2026-03-12" },
	{ "weekday", "jeudi" },
	{ "asked", "23 avril" },
	{ "feedback_asked", "24" },
	{ "feedback_nudged", "moins de 3" },
	{ "feedback_answered", "20" },
	{ "until", "vendredi 2 octobre" },
	{ "reminder", "1" },
	{ "time", "14:00" },
	{ "end_time", "15:30" },
	{ "duration", "1h30" },
	{ "location", "Bâtiment 40, salle S-C01 « Glashütte »" },
	{ "timezone", "Europe/Zurich" },
	{ "cancelled", "" },
	{ "number", "2" },
	{ "case", "17" },
	{ "reporter", "zoe@example.org" },
	{ "reporter_name", "Zoé Lefèvre-Dubois" },
	{ "text", "Bonjour,\n\nJe n'arrive plus à joindre ma mentore depuis six semaines, et je "
	    "ne sais pas comment le lui dire sans la froisser.\n> a quoted line\n.a line "
	    "starting with a dot\nFrom the start of a line\ntrailing spaces   \n"
	    "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé" },
	{ "count", "2" },
	{ "limit", "5" },
	{ "proposal", "1. Anaïs Ørsted — Zoé Lefèvre-Dubois   score 0.82   same department; "
	    "topics: prise de parole\n2. Marie Curie — Paul Martin   score 0.64   same field" },
	{ "unmatched", "- Jean-François Château (mentee): no mentor in « Génie civil »" },
	{ "results", "approve 1 3: done, 2 introductions queued\nreject 2: done\n"
	    "frobnicate: unknown command" },
	{ "digest", "New applications: 3\nPending confirmation: 1\nPairs: 11\n"
	    "RSVP: 18 yes, 2 no, 2 no answer\nOpen cases: 1 (case 17, 4 days)" },
	{ "help", "Pairs\n  match                   propose pairs to the committee\n"
	    "  approve all             approve every pair of the proposal\n" },
	{ "subject", "Bonjour, pouvez-vous déplacer la formation au 15 mai ?" },
	{ "problem", "pair: expected the mentor's address, then the mentee's" },
	{ "suggestions", "pair MENTOR MENTEE\n  Pairs a mentor and a mentee by hand.\n"
	    "  Example:\n    pair anna@example.org bea@example.org\n" },
	{ "match", "1" }, { "approve", "" }, { "reject", "" }, { "unpair", "" },
	{ "training", "" }, { "training_update", "" }, { "training_cancel", "" },
	{ "close", "" }, { "cohort_open", "" }, { "cohort_close", "" }, { "status", "" },
	{ "training_answers", "" }, { "resend", "" }, { "rematch", "" },
	{ "backup_date", "2026-03-01 03:00" },
	{ "restored_date", "2026-03-02 09:15" },
	{ "sent", "  2026-03-01 10:00  help               to zoe@example.org: WIT Mentoring: how to "
	    "take part / comment participer\n  2026-03-01 11:30  introduction       to "
	    "anais.orsted@example.org,zoe@example.org: WIT Mentoring: Anaïs Ørsted, meet Zoé "
	    "Lefèvre-Dubois\n" },
	{ "replaced", "/var/lib/mentord/mentord.db.replaced-20260302-091500" },
	{ "recorded", "  1. usefulness: 4 of 5\n  4. taking part again: yes, as mentor\n" },
	{ "unclear", "2. « quand nos agendas le permettaient »\n" },
	{ "file", "report-2026.csv" },
	{ "pdf", "report-2026.pdf" },
	{ "profile", "  Field: optique, faisceaux, gestion d'équipe\n  Topics: leadership, prise de "
	    "parole, carrière\n          internationale\n  About: Vingt ans au laboratoire.\n" },
	{ "profiles", "Profil 1\n  Domaine : optique\n  À propos : (non affiché : ce texte nomme "
	    "quelqu'un ou\n              donne une adresse)\n\nProfil 3\n  Domaine : réseaux\n" },
	{ "until", "2026-03-19" },
	{ "problem", "il n'y a pas de profil 12." },
	{ "closed", "2026-03-19" },
	{ "mentee", "1" },
	{ "pair_names", "Anaïs Ørsted (mentor) and Zoé Lefèvre-Dubois (mentee)" },
	{ "declined", "1" },
	{ "partner_role", "une personne à accompagner" },
	{ "command", "oubliez-moi" },
	{ "applied", "1" },
	{ "no_room", "1" },
	{ "narrowed", "" },
	{ "other", "mentor" },
	{ "field", "Acc\xc3\xa9l\xc3\xa9rateurs, Physique des particules" },
	{ "st_waitlisted", "" },
	{ "opened", "2026-03-02" },
	{ "wrote", "Stauts de ma candidature, s'il vous pla\xc3\xaet" },
	{ "previous", "2025" },
	{ "unverified", "1" },
	{ "waiting", "247" },
	{ "change", "Department: Génie civil\nPreference: same-department, marie@example.org\n" },
	{ "report", "Cohort 2026: opened 2026-03-02, closed 2026-09-15.\n\n"
	    "Applications                            mentors       mentees         total\n"
	    "  volunteered or applied                     11            15            26\n"
	    "  waitlisted                                  0  fewer than 3  fewer than 3\n\n"
	    "Quotes, without names, as their authors allowed\n"
	    "  \"Une année où j'ai appris à dire non, et à dire oui.\"\n" },
};

static const char *sample(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sample_values); i++)
		if (strcmp(sample_values[i].name, name) == 0)
			return sample_values[i].value;
	fail_msg("no sample value for %s", name);
	return NULL;
}

static const char sample_ics[] =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mentord//EN\r\nMETHOD:%s\r\n"
    "BEGIN:VEVENT\r\nUID:training-2026@example.org\r\nSEQUENCE:1\r\n"
    "DTSTAMP:20260302T083000Z\r\nDTSTART;TZID=Europe/Zurich:20260312T140000\r\n"
    "SUMMARY:Formation des binômes — Training for pairs\r\n"
    "LOCATION:Bâtiment 40\\, salle S-C01 « Glashütte »\r\n"
    "ORGANIZER;CN=Mentorat Égalité WIT:mailto:mentoring@example.org\r\n"
    "ATTENDEE;RSVP=TRUE;CN=Zoé Lefèvre-Dubois:mailto:zoe@example.org\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n";

/* Renders one template (lang NULL: bilingual) and composes it as the
 * outbox would, into dir/NAME-LANG.eml. */
static void write_eml(const struct template_dirs *dirs, const char *dir, const char *name,
    const char *spec, const char *lang, int seq)
{
	static const struct compose_addr pair[] = {
		{ "Anaïs Ørsted", "anais.orsted@example.org" },
		{ "Zoé Lefèvre-Dubois", "zoe@example.org" },
	};
	static const struct compose_addr reporter = { "Zoé Lefèvre-Dubois", "zoe@example.org" };
	static const char *const refs[] = { "CAF=+x_y/z@mail.gmail.com" };
	struct vars v = { { NULL }, { NULL }, 0 };
	struct strlist names = { NULL, 0 };
	char *subject = NULL, *body = NULL, *e = NULL, *msg = NULL, *path, *mid, *ics = NULL;
	const char *err = NULL;
	struct compose c;
	size_t len = 0, k;

	strlist_split(&names, spec, ' ');
	vars_set(&v, "programme", sample("programme"));
	vars_set(&v, "address", sample("address"));
	vars_set(&v, "name", sample("name"));
	vars_set(&v, "tag", sample("tag"));
	for (k = 0; k < names.n; k++)
		vars_set(&v, names.v[k], sample(names.v[k]));
	if ((lang != NULL ? template_render(dirs, lang, name, &v, &subject, &body, &e) :
	    template_render_bilingual(dirs, name, &v, &subject, &body, &e)) < 0)
		fail_msg("%s", e);
	mid = xasprintf("mentord.%d.0123456789abcdef@example.org", seq);
	memset(&c, 0, sizeof(c));
	c.from_name = sample("programme");
	c.from_addr = sample("address");
	c.to = strcmp(name, "introduction") == 0 ? pair : &pair[1];
	c.n_to = strcmp(name, "introduction") == 0 ? 2 : 1;
	c.reply_to = strcmp(name, "issue-notice") == 0 ? &reporter : NULL;
	c.subject = subject;
	c.body = body;
	c.language = lang != NULL ? lang : "en, fr";
	c.message_id = mid;
	if (seq % 2 == 0) {
		c.in_reply_to = refs[0];
		c.references = refs;
		c.n_references = 1;
	}
	c.date = 1772443800;
	c.auto_submitted = seq % 2 == 0 ? "auto-replied" : "auto-generated";
	c.list_name = sample("programme");
	c.list_id = "mentoring.example.org";
	c.kind = name;
	c.loop = sample("address");
	if (str_has_prefix(name, "invitation")) {
		const char *method = strcmp(name, "invitation-cancel") == 0 ? "CANCEL" : "REQUEST";

		ics = xasprintf(sample_ics, method);
		c.alt_type = strcmp(method, "CANCEL") == 0 ?
		    "text/calendar; charset=UTF-8; method=CANCEL" :
		    "text/calendar; charset=UTF-8; method=REQUEST";
		c.alt_body = ics;
	}
	if (strcmp(name, "report") == 0) {
		c.attach_type = "text/csv; charset=UTF-8";
		c.attach_name = sample("file");
		c.attach_body = "section,figure,value\r\ncohort,name,2026\r\n"
		    "applications,waitlisted (mentees),fewer than 3\r\n";
		c.file_type = "application/pdf";
		c.file_name = sample("pdf");
		c.file_data = "%PDF-1.5\n%\xb5\xed\xae\xfb\n";
		c.file_len = 15;
	}
	if (compose_render(&c, &msg, &len, &err) < 0)
		fail_msg("%s/%s: %s", lang != NULL ? lang : "bilingual", name, err);
	check_crlf_lines(name, msg, 78);
	path = xasprintf("%s/%s-%s.eml", dir, name, lang != NULL ? lang : "bilingual");
	tu_write(path, msg, 0644);
	free(path);
	free(mid);
	free(ics);
	free(msg);
	free(subject);
	free(body);
	vars_deinit(&v);
	strlist_deinit(&names);
}

/* Runs /usr/bin/python3 check_strict.py dir without a shell; its exit
 * status, or -1 when it could not run. */
static int run_checker(const char *dir)
{
	const char *root = getenv("MENTORD_SOURCE");
	char *script = xasprintf("%s/tests/unit/check_strict.py", root != NULL ? root : ".");
	char *python = xstrdup("/usr/bin/python3"), *d = xstrdup(dir);
	char *argv[] = { python, script, d, NULL };
	pid_t pid;
	int status = 0, ret = -1;

	if (access(python, X_OK) != 0 || access(script, R_OK) != 0)
		fail_msg("cannot run %s %s: the interoperability check needs Debian's python3",
		    python, script);
	fflush(stdout);
	if (posix_spawn(&pid, python, NULL, NULL, argv, environ) == 0 &&
	    waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		ret = WEXITSTATUS(status);
	free(script);
	free(python);
	free(d);
	return ret;
}

static void test_every_template_strict(void **state)
{
	static const char *const langs[] = { "en", "fr", NULL };
	const char *root = getenv("MENTORD_SOURCE");
	char *shipped = xasprintf("%s/templates", root != NULL ? root : ".");
	struct template_dirs dirs = { NULL, shipped };
	char *dir = tu_tmpdir();
	const char *name, *spec;
	size_t i, j;
	int seq = 0;

	(void)state;
	for (i = 0; template_registry(i, &name, &spec) == 0; i++)
		for (j = 0; j < ARRAY_SIZE(langs); j++)
			write_eml(&dirs, dir, name, spec, langs[j], seq++);
	assert_true(seq >= 35 * 3);
	assert_int_equal(run_checker(dir), 0);
	if (getenv("MENTORD_KEEP_EML") != NULL) {
		printf("messages kept in %s\n", dir);
		free(dir);
	} else {
		tu_rmdir(dir);
	}
	free(shipped);
}

/* The checker itself fails on what it must refuse. */
static void test_checker_refuses(void **state)
{
	static const char good_head[] =
	    "Date: Mon, 02 Mar 2026 09:30:00 +0100\r\n"
	    "From: WIT <mentoring@example.org>\r\n"
	    "To: zoe@example.org\r\n"
	    "Subject: WIT: hello\r\n"
	    "Message-ID: <mentord.1.a@example.org>\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "X-Mentord-Kind: help\r\n"
	    "MIME-Version: 1.0\r\n";
	static const char good_body[] =
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\nHello\r\n";
	static const struct {
		const char *what, *text;
	} cases[] = {
		{ "a line of 79 characters", "X-Long: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxx\r\n" },
		{ "a raw 8-bit header", "X-Raw: caf\xc3\xa9\r\n" },
		{ "a bare LF", "X-Bare: x\n" },
		{ "an address the parser finds defective", "Cc: Zoe <zoe@example.org\r\n" },
		{ "a placeholder left", "X-Note: fine\r\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases) + 2; i++) {
		char *dir = tu_tmpdir(), *path = xasprintf("%s/bad.eml", dir), *text;

		if (i < ARRAY_SIZE(cases) - 1)
			text = xasprintf("%s%s%s", cases[i].text, good_head, good_body);
		else if (i == ARRAY_SIZE(cases) - 1)
			text = xasprintf("%s%sContent-Type: text/plain; charset=UTF-8\r\n\r\n"
			    "Hello {{name}}\r\n", cases[i].text, good_head);
		else if (i == ARRAY_SIZE(cases))
			/* no X-Mentord-Kind */
			text = xasprintf("Date: Mon, 02 Mar 2026 09:30:00 +0100\r\nFrom: a@b.org\r\n"
			    "To: c@d.org\r\nSubject: x\r\nMessage-ID: <a@b.org>\r\n"
			    "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n%s", good_body);
		else
			/* Latin-1 text */
			text = xasprintf("%sContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n"
			    "caf=E9\r\n", good_head);
		tu_write(path, text, 0644);
		if (run_checker(dir) != 1)
			fail_msg("the checker accepted %s", i < ARRAY_SIZE(cases) ? cases[i].what :
			    "a message it must refuse");
		free(text);
		free(path);
		tu_rmdir(dir);
	}
	/* and accepts the well-formed one */
	{
		char *dir = tu_tmpdir(), *path = xasprintf("%s/good.eml", dir);
		char *text = xasprintf("%s%s", good_head, good_body);

		tu_write(path, text, 0644);
		assert_int_equal(run_checker(dir), 0);
		free(text);
		free(path);
		tu_rmdir(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_words),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_address_ok),
		cmocka_unit_test(test_msgid_ok),
		cmocka_unit_test(test_render_basic),
		cmocka_unit_test(test_render_folding),
		cmocka_unit_test(test_render_calendar),
		cmocka_unit_test(test_render_attachment),
		cmocka_unit_test(test_render_file),
		cmocka_unit_test(test_render_refuses),
		cmocka_unit_test(test_every_template_strict),
		cmocka_unit_test(test_checker_refuses),
	};

	/* dates in a fixed zone, whatever the machine's */
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
