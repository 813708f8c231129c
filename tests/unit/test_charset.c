/* charset: the UTF-8 sequence check, the windows-1252 table (against glibc's
 * iconv as an independent reading), the one meaning MIME and HTML give a
 * byte, mending and decoding under the labels mail uses. */
#include "testutil.h"

#include <iconv.h>

#include "charset.h"
#include "html.h"
#include "mime.h"

#define FFFD "\xef\xbf\xbd"

struct seq_case {
	const char *name;
	const char *s;
	size_t n;
	size_t want;
};

static const struct seq_case seq_cases[] = {
	{ "nothing", "", 0, 0 },
	{ "ASCII", "a", 1, 1 },
	{ "NUL is a character", "\0", 1, 1 },
	{ "two bytes", "\xc3\xa9", 2, 2 },
	{ "three bytes", "\xe2\x82\xac", 3, 3 },
	{ "four bytes", "\xf0\x9d\x84\x9e", 4, 4 },
	{ "only the first character", "\xc3\xa9\xc3\xa9", 4, 2 },
	{ "cut short by n", "\xe2\x82\xac", 2, 0 },
	{ "cut short by the text", "\xe2\x82" "a", 3, 0 },
	{ "stray continuation byte", "\x80", 1, 0 },
	{ "overlong two bytes", "\xc0\xaf", 2, 0 },
	{ "overlong three bytes", "\xe0\x80\xaf", 3, 0 },
	{ "surrogate", "\xed\xa0\x80", 3, 0 },
	{ "past U+10FFFF", "\xf4\x90\x80\x80", 4, 0 },
	{ "five-byte lead", "\xf8\x88\x80\x80\x80", 5, 0 },
	{ "windows-1252 byte", "\xe9t\xe9", 3, 0 },
	{ "0xff", "\xff", 1, 0 },
};

static void test_utf8_seq(void **state)
{
	size_t i, got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(seq_cases); i++) {
		got = utf8_seq(seq_cases[i].s, seq_cases[i].n, NULL);
		if (got != seq_cases[i].want)
			fail_msg("%s: %zu, expected %zu", seq_cases[i].name, got, seq_cases[i].want);
	}
}

/* Every byte against glibc's CP1252, which refuses the five unassigned
 * bytes: those must be U+FFFD, every other one what iconv reads. */
static void test_cp1252_against_iconv(void **state)
{
	iconv_t cd = iconv_open("UTF-8", "CP1252");
	struct buf b;
	unsigned c;
	int unassigned = 0;

	(void)state;
	assert_true(cd != (iconv_t)-1);
	for (c = 0; c < 256; c++) {
		char in = (char)c, out[8], *ip = &in, *op = out;
		size_t il = 1, ol = sizeof(out);

		buf_init(&b, 16);
		buf_add_utf8(&b, charset_cp1252((unsigned char)c));
		if (c == 0) {
			/* buf_add_utf8 writes NUL as U+FFFD; the table keeps it */
			assert_int_equal(charset_cp1252(0), 0);
		} else if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			assert_true(c >= 0x80 && c <= 0x9f);
			assert_int_equal(charset_cp1252((unsigned char)c), 0xfffd);
			unassigned++;
		} else {
			if (b.len != (size_t)(op - out) || memcmp(b.s, out, b.len) != 0)
				fail_msg("byte 0x%02x: table and iconv differ", c);
			/* no byte of the table becomes a C1 control */
			assert_false(charset_cp1252((unsigned char)c) >= 0x80 &&
			    charset_cp1252((unsigned char)c) <= 0x9f);
		}
		buf_deinit(&b);
	}
	assert_int_equal(unassigned, 5);
	iconv_close(cd);
}

/* A byte 0x80-0x9f in windows-1252 mail and the HTML reference &#N; of the
 * same number mean one character, U+FFFD for the five unassigned. */
static void test_mime_and_html_agree(void **state)
{
	static const struct {
		unsigned char byte;
		const char *want;
	} cases[] = {
		{ 0x80, "€" }, { 0x81, FFFD }, { 0x8a, "Š" }, { 0x8d, FFFD }, { 0x8f, FFFD },
		{ 0x90, FFFD }, { 0x93, "“" }, { 0x96, "–" }, { 0x9d, FFFD }, { 0x9f, "Ÿ" },
	};
	struct arena *a = arena_new();
	char raw[2], ref[16], *html, *want_nl;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		raw[0] = (char)cases[i].byte;
		raw[1] = '\0';
		assert_string_equal(mime_to_utf8(a, raw, 1, "windows-1252"), cases[i].want);
		/* mislabelled: not UTF-8, so read as windows-1252 */
		assert_string_equal(mime_to_utf8(a, raw, 1, "utf-8"), cases[i].want);
		assert_string_equal(mime_decode_words(a, raw), cases[i].want);
		snprintf(ref, sizeof(ref), "&#%u;", cases[i].byte);
		html = html_to_text(ref, strlen(ref), 64);
		want_nl = xasprintf("%s\n", cases[i].want);
		if (strcmp(html, want_nl) != 0)
			fail_msg("&#%u; is \"%s\", the byte is \"%s\"", cases[i].byte, html, cases[i].want);
		free(want_nl);
		free(html);
		snprintf(ref, sizeof(ref), "&#x%X;", cases[i].byte);
		html = html_to_text(ref, strlen(ref), 64);
		assert_true(str_has_prefix(html, cases[i].want));
		free(html);
	}
	arena_free(&a);
}

static char *mended(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, n * CHARSET_DECODE_GROWTH + 16);
	buf_add(&b, "", 0);
	charset_mend(&b, s, n);
	return buf_steal(&b);
}

static void test_mend(void **state)
{
	static const struct {
		const char *name, *in;
		size_t n;
		const char *want;
	} cases[] = {
		{ "ASCII", "abc", 3, "abc" },
		{ "UTF-8 kept", "caf\xc3\xa9 \xf0\x9d\x84\x9e", 10, "café 𝄞" },
		{ "windows-1252 read", "caf\xe9 \x80", 6, "café €" },
		{ "mixed in one text", "\xc3\xa9\xe9", 3, "éé" },
		{ "NUL dropped", "a\0b", 3, "ab" },
		{ "sequence cut at the end", "a\xe2\x82", 3, "aâ‚" },
		{ "unassigned byte", "\x81", 1, FFFD },
		{ "surrogate bytes", "\xed\xa0\x80", 3, "í\xc2\xa0€" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = mended(cases[i].in, cases[i].n);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: \"%s\", expected \"%s\"", cases[i].name, got, cases[i].want);
		assert_true(utf8_valid(got, strlen(got)));
		free(got);
	}
}

static void test_decode_labels(void **state)
{
	static const struct {
		const char *charset, *in, *want;
	} cases[] = {
		{ NULL, "caf\xe9", "café" },
		{ "UTF-8", "caf\xc3\xa9", "café" },
		{ "\"utf-8\"", "caf\xc3\xa9", "café" },
		{ "utf-8*fr", "caf\xc3\xa9", "café" },
		{ "iso-8859-1", "caf\xe9", "café" },
		{ "Latin1", "\x93x\x94", "“x”" },
		/* labelled Latin-1, but valid UTF-8 with 8-bit bytes */
		{ "iso-8859-1", "caf\xc3\xa9", "café" },
		{ "us-ascii", "caf\xc3\xa9", "café" },
		{ "iso-8859-15", "\xa4", "€" },
		{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет" },
		{ "gb2312", "\xc4\xe3\xba\xc3", "你好" },
		{ "shift_jis", "\x82\xb1\x82\xf1", "こん" },
		{ "ks_c_5601-1987", "\xc7\xd1", "한" },
		/* unknown names: UTF-8 where valid, else windows-1252 */
		{ "x-no-such-charset", "caf\xe9", "café" },
		{ "x-no-such-charset", "caf\xc3\xa9", "café" },
		{ "utf/8", "caf\xe9", "café" },
		/* an iconv error is U+FFFD, and the rest goes on */
		{ "iso-2022-jp", "a\x1b$B\xff" "b", "a" FFFD },
	};
	struct buf b;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = strlen(cases[i].in);
		buf_init(&b, n * CHARSET_DECODE_GROWTH + 16);
		buf_add(&b, "", 0);
		charset_decode(&b, cases[i].in, n, cases[i].charset);
		if (!str_has_prefix(b.s, cases[i].want))
			fail_msg("%s: \"%s\", expected \"%s\"",
			    cases[i].charset != NULL ? cases[i].charset : "(none)", b.s, cases[i].want);
		assert_true(utf8_valid(b.s, b.len));
		buf_deinit(&b);
	}
}

/* Decoding is bounded by the buffer and stays valid UTF-8 when cut. */
static void test_decode_bounded(void **state)
{
	char in[600];
	struct buf b;
	size_t i, max;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(0x80 + i % 0x80);
	for (max = 1; max < 64; max++) {
		buf_init(&b, max);
		buf_add(&b, "", 0);
		charset_decode(&b, in, sizeof(in), "windows-1252");
		assert_true(b.len <= max);
		assert_true(utf8_valid(b.s, b.len));
		buf_deinit(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_seq),
		cmocka_unit_test(test_cp1252_against_iconv),
		cmocka_unit_test(test_mime_and_html_agree),
		cmocka_unit_test(test_mend),
		cmocka_unit_test(test_decode_labels),
		cmocka_unit_test(test_decode_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
