/* address: one RFC 5322 mailbox, read strictly; and From as the message
 * reader gives it (names that cannot be shown fall back to the address). */
#include "testutil.h"

#include "address.h"
#include "mime.h"

struct want {
	const char *value;
	const char *addr;   /* NULL: refused */
	const char *name;
	int quoted, utf8;
};

static const struct want table[] = {
	{ "chair@example.org", "chair@example.org", "", 0, 0 },
	{ "Chair@Example.ORG", "chair@example.org", "", 0, 0 },
	{ "<chair@example.org>", "chair@example.org", "", 0, 0 },
	{ "Chair <chair@example.org>", "chair@example.org", "Chair", 0, 0 },
	{ "\"Doe, Jane\" <jane.doe@example.org>", "jane.doe@example.org", "Doe, Jane", 0, 0 },
	{ "John Q. Public <jqp@example.org>", "jqp@example.org", "John Q. Public", 0, 0 },
	{ "  Ann   Lee\t<ann@example.org>  ", "ann@example.org", "Ann Lee", 0, 0 },
	{ "ann@example.org (Ann Lee)", "ann@example.org", "Ann Lee", 0, 0 },
	{ "(a comment) Ann (another) <ann@example.org> (after)", "ann@example.org", "Ann", 0, 0 },
	{ "Ann < ann @ example.org >", "ann@example.org", "Ann", 0, 0 },
	{ "\"a \\\"quoted\\\" word\" <q@example.org>", "q@example.org", "a \"quoted\" word", 0, 0 },
	{ "=?UTF-8?Q?Zo=C3=A9?= Dupont <zoe@example.org>", "zoe@example.org", "=?UTF-8?Q?Zo=C3=A9?= Dupont", 0, 0 },
	{ "first.last+tag@sub.example.org", "first.last+tag@sub.example.org", "", 0, 0 },
	{ "o'brien@example.ie", "o'brien@example.ie", "", 0, 0 },
	/* the quoted local part is the address as it is */
	{ "\"chair@example.org\"@evil.example", "\"chair@example.org\"@evil.example", "", 1, 0 },
	{ "Chair <\"chair@example.org\"@evil.example>", "\"chair@example.org\"@evil.example", "Chair", 1, 0 },
	{ "\"John Doe\"@Example.org", "\"John Doe\"@example.org", "", 1, 0 },
	/* RFC 6531 / 6532 */
	{ "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc" "cher.example>", "j\xc3\xb6rg@b\xc3\xbc" "cher.example", "J\xc3\xb6rg", 0, 1 },
	{ "J\xc3\x96RG@B\xc3\x9c" "CHER.example", "j\xc3\x96rg@b\xc3\x9c" "cher.example", "", 0, 1 },
	/* refused */
	{ "", NULL, NULL, 0, 0 },
	{ "Chair", NULL, NULL, 0, 0 },
	{ "chair@", NULL, NULL, 0, 0 },
	{ "@example.org", NULL, NULL, 0, 0 },
	{ "chair@example.org, mallory@evil.example", NULL, NULL, 0, 0 },
	{ "a@b.c d@e.f", NULL, NULL, 0, 0 },
	{ "Chair chair@example.org", NULL, NULL, 0, 0 },
	{ "chair@example.org <mallory@evil.example>", NULL, NULL, 0, 0 },
	{ "Chair <chair@example.org", NULL, NULL, 0, 0 },
	{ "Chair <chair@example.org> x", NULL, NULL, 0, 0 },
	{ "Chair <chair@example.org>>", NULL, NULL, 0, 0 },
	{ "<@relay.example:chair@example.org>", NULL, NULL, 0, 0 },
	{ "undisclosed-recipients:;", NULL, NULL, 0, 0 },
	{ "team: chair@example.org;", NULL, NULL, 0, 0 },
	{ "chair@[192.0.2.1]", NULL, NULL, 0, 0 },
	{ "chair@example..org", NULL, NULL, 0, 0 },
	{ "chair.@example.org", NULL, NULL, 0, 0 },
	{ ".chair@example.org", NULL, NULL, 0, 0 },
	{ "ch..air@example.org", NULL, NULL, 0, 0 },
	{ "chair@-example.org", NULL, NULL, 0, 0 },
	{ "chair@example-.org", NULL, NULL, 0, 0 },
	{ "chair@exa_mple.org", NULL, NULL, 0, 0 },
	{ "chair@example.org.", NULL, NULL, 0, 0 },
	{ "\"unclosed@example.org", NULL, NULL, 0, 0 },
	{ "(unclosed chair@example.org", NULL, NULL, 0, 0 },
	{ "Chair (x <chair@example.org>", NULL, NULL, 0, 0 },
	{ "cha\x01ir@example.org", NULL, NULL, 0, 0 },
	{ "\"a\x1b[31m\" <chair@example.org>", NULL, NULL, 0, 0 },
	{ "chair@exa\x7fmple.org", NULL, NULL, 0, 0 },
	/* white space that a quoted local part would carry into an envelope */
	{ "\"chair\r\n x\"@example.org", NULL, NULL, 0, 0 },
	{ "\"chair\nx\"@example.org", NULL, NULL, 0, 0 },
	{ "Chair <\"a\tb\"@example.org>", NULL, NULL, 0, 0 },
	/* bytes that are not UTF-8 in the address */
	{ "j\xf6rg@example.org", NULL, NULL, 0, 0 },
	{ "\"a\"b@example.org", NULL, NULL, 0, 0 },
	{ "a.\"b\"@example.org", NULL, NULL, 0, 0 },
};

static void test_table(void **state)
{
	struct address a;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		const struct want *w = &table[i];

		r = address_parse(w->value, strlen(w->value), &a);
		if (w->addr == NULL) {
			if (r != 0)
				fail_msg("%zu: \"%s\" read as %s", i, w->value, a.addr);
			assert_string_equal(a.addr, "");
			continue;
		}
		if (r != 1)
			fail_msg("%zu: \"%s\" refused", i, w->value);
		if (strcmp(a.addr, w->addr) != 0 || strcmp(a.name, w->name) != 0)
			fail_msg("%zu: \"%s\": got <%s> \"%s\"", i, w->value, a.addr, a.name);
		assert_int_equal(a.quoted_local, w->quoted);
		assert_int_equal(a.utf8, w->utf8);
	}
}

/* The limits: a local part of 64 bytes, a domain of 255, labels of 63, an
 * address of 320; nesting of comments; a name too long to keep. */
static void test_limits(void **state)
{
	struct address a;
	char v[2048], local[80], label[80];
	size_t i;

	(void)state;
	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(v, sizeof(v), "%s@example.org", local);
	assert_int_equal(address_parse(v, strlen(v), &a), 1);
	snprintf(v, sizeof(v), "%sa@example.org", local);
	assert_int_equal(address_parse(v, strlen(v), &a), 0);
	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(v, sizeof(v), "x@%s.org", label);
	assert_int_equal(address_parse(v, strlen(v), &a), 1);
	snprintf(v, sizeof(v), "x@%sb.org", label);
	assert_int_equal(address_parse(v, strlen(v), &a), 0);
	/* 4 labels of 63 and ".org": 256 + 4 bytes of domain */
	snprintf(v, sizeof(v), "x@%s.%s.%s.%s.org", label, label, label, label);
	assert_int_equal(address_parse(v, strlen(v), &a), 0);
	for (i = 32; i <= 33; i++) {
		size_t k, o = 0;

		o += (size_t)snprintf(v + o, sizeof(v) - o, "Ann ");
		for (k = 0; k < i; k++)
			v[o++] = '(';
		o += (size_t)snprintf(v + o, sizeof(v) - o, "deep");
		for (k = 0; k < i; k++)
			v[o++] = ')';
		snprintf(v + o, sizeof(v) - o, " <ann@example.org>");
		assert_int_equal(address_parse(v, strlen(v), &a), i == 32);
	}
	/* a display name of 5000 characters: the address alone */
	memset(v, 'N', 1999);
	v[1999] = '\0';
	strcat(v, " <long@example.org>");
	assert_int_equal(address_parse(v, strlen(v), &a), 1);
	assert_string_equal(a.addr, "long@example.org");
	assert_int_equal(a.name_cut, 1);
	assert_string_equal(a.name, "");
}

/* Every prefix and every one-byte change of each example: refused or read
 * as an address that is itself valid, never a read past the end (the
 * bytes are given exactly as long as the prefix, without a NUL after). */
static void test_every_prefix(void **state)
{
	struct address a, again;
	size_t i, n, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		len = strlen(table[i].value);
		for (n = 0; n <= len; n++) {
			char *copy = xmalloc(n > 0 ? n : 1);

			memcpy(copy, table[i].value, n);
			if (address_parse(copy, n, &a) == 1) {
				/* what it read reads again as itself */
				assert_int_equal(address_parse(a.addr, strlen(a.addr), &again), 1);
				assert_string_equal(again.addr, a.addr);
			}
			free(copy);
		}
	}
}

static struct mime_msg *parse_from(const char *from)
{
	char *raw = xasprintf("From: %s\r\nSubject: help\r\n\r\nhelp\r\n", from);
	struct mime_msg *m = NULL;
	const char *err = NULL;

	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	free(raw);
	return m;
}

/* From in a parsed message: a name that cannot be shown is no name. */
static void test_from_names(void **state)
{
	static const struct {
		const char *from, *addr, *name;
	} cases[] = {
		{ "Anna <anna@example.org>", "anna@example.org", "Anna" },
		{ "=?UTF-8?B?QmVhdHJpY2U=?= <bea@example.org>", "bea@example.org", "Beatrice" },
		/* a right-to-left override (U+202E) would turn "gpj.exe" round */
		{ "Mallory \xe2\x80\xae" "exe.gpj <m@example.org>", "m@example.org", NULL },
		{ "=?UTF-8?Q?Mallory_=E2=80=AE?= <m@example.org>", "m@example.org", NULL },
		{ "=?UTF-8?Q?M=E2=81=A7x?= <m@example.org>", "m@example.org", NULL },
		/* a control character, encoded so that it survives the header */
		{ "=?UTF-8?Q?evil=1B=5B2J?= <m@example.org>", "m@example.org", NULL },
		{ "=?UTF-8?Q?two=0Alines?= <m@example.org>", "m@example.org", NULL },
		{ "=?UTF-8?Q?c1=C2=9B?= <m@example.org>", "m@example.org", NULL },
		{ "\"chair@example.org\"@evil.example", "\"chair@example.org\"@evil.example", NULL },
		{ "chair@example.org <mallory@evil.example>", NULL, NULL },
	};
	struct mime_msg *m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m = parse_from(cases[i].from);
		if (cases[i].addr == NULL)
			assert_null(m->from_addr);
		else
			assert_string_equal(m->from_addr, cases[i].addr);
		if (cases[i].name == NULL)
			assert_null(m->from_name);
		else
			assert_string_equal(m->from_name, cases[i].name);
		mime_free(&m);
	}
}

static void test_long_display_name(void **state)
{
	struct buf b;
	struct mime_msg *m;
	size_t i;

	(void)state;
	buf_init(&b, 64 * 1024);
	for (i = 0; i < 5000; i++)
		buf_addc(&b, (char)('a' + (char)(i % 26)));
	buf_adds(&b, " <long@example.org>");
	m = parse_from(b.s);
	assert_string_equal(m->from_addr, "long@example.org");
	assert_null(m->from_name);
	mime_free(&m);
	buf_deinit(&b);
}

/* The names of the corpus's senders, read strictly: every From of the
 * sample messages that the old lenient reading took, the strict one takes
 * too or refuses for a reason this test names. */
static void test_corpus_from(void **state)
{
	char *list = tu_read_source("tests/corpus/MANIFEST.tsv", NULL), *line, *save = NULL;
	size_t read = 0, taken = 0;

	(void)state;
	for (line = strtok_r(list, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *data = NULL;
		struct mime_msg *m = NULL;
		const char *err = NULL;
		size_t len = 0;

		if (tab == NULL || line[0] == '#')
			continue;
		*tab = '\0';
		{
			char *rel = xasprintf("tests/corpus/%s", line), *path = tu_source_path(rel);

			if (file_read(path, MSG_BYTES_MAX, &data, &len) == 0 &&
			    mime_parse(data, len, &m, &err) == 0) {
				read++;
				if (m->from_addr != NULL) {
					struct address a;

					/* what From gave is one strict mailbox */
					assert_int_equal(address_parse(m->from_addr, strlen(m->from_addr), &a), 1);
					taken++;
				}
				mime_free(&m);
			}
			free(rel);
			free(path);
			free(data);
		}
	}
	free(list);
	print_message("corpus: %zu messages, %zu with a usable From\n", read, taken);
	assert_true(read > 100);
	assert_true(taken > read / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_from_names),
		cmocka_unit_test(test_long_display_name),
		cmocka_unit_test(test_corpus_from),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
