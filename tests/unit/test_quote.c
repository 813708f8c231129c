#include "testutil.h"

#include "bounds.h"
#include "mime.h"
#include "quote.h"

/* Reads a fixture; an .eml file is decoded first and its body text used. */
static char *body_of(const char *rel)
{
	struct mime_msg *m = NULL;
	const char *error = NULL;
	char *raw, *text;
	size_t len;

	raw = tu_read_source(rel, &len);
	if (strstr(rel, ".eml") == NULL)
		return raw;
	if (mime_parse(raw, len, &m, &error) < 0)
		fail_msg("%s: %s", rel, error);
	text = xstrdup(m->text);
	mime_free(&m);
	free(raw);
	return text;
}

/* What quote_strip promises of any output. */
static void check_invariants(const char *in, const char *out)
{
	const char *p = out;

	assert_true(strlen(out) <= strlen(in));
	assert_null(strchr(out, '\r'));
	assert_true(*out != '\n');
	if (*out != '\0')
		assert_false(out[strlen(out) - 1] == '\n' || out[strlen(out) - 1] == ' ');
	while (*p != '\0') {
		const char *q = p + strspn(p, " \t");

		if (*q == '>')
			fail_msg("quoted line kept: %.40s", p);
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
}

/* ---- one test per quoting style: tests/fixtures/quote/NAME.txt must
 * give NAME.expected exactly ---- */

static void test_style(void **state)
{
	const char *name = *state;
	char *in_path = xasprintf("tests/fixtures/quote/%s.txt", name);
	char *exp_path = xasprintf("tests/fixtures/quote/%s.expected", name);
	char *in = tu_read_source(in_path, NULL);
	char *expected = tu_read_source(exp_path, NULL);
	char *out = quote_strip(in);

	assert_string_equal(out, expected);
	check_invariants(in, out);
	free(out);
	free(expected);
	free(in);
	free(exp_path);
	free(in_path);
}

/* ---- replies from other projects' test suites (tests/corpus) ---- */

struct corpus_case {
	const char *path;
	const char *exact;    /* the whole result, or NULL */
	const char *keep[3];  /* must stay */
	const char *gone[3];  /* must be removed */
};

static struct corpus_case corpus_cases[] = {
	/* talon: one reply per client, the new text is "Hello" */
	{ "tests/corpus/talon/replies/aol.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/apple_mail.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/comcast.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/gmail.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/hotmail.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/iphone.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/outlook.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/sparrow.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/thunderbird.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/yahoo.eml", "Hello", { NULL }, { NULL } },
	{ "tests/corpus/talon/replies/reply-quotations-share-block.eml", NULL,
	  { "Hi Katharine.", "Joe XXX" }, { "wrote", "New Booking Inquiry" } },
	{ "tests/corpus/ruby-mail/replies/raw_email_reply.eml", "Message body", { NULL }, { NULL } },
	/* email-reply-parser: plain bodies */
	{ "tests/corpus/email-reply-parser/replies/email_2_1.txt", "Outlook with a reply",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_4.txt",
	  "Awesome! I haven't had another problem with it.", { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_iphone.txt", "Here is another email",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_blackberry.txt", "Here is another email",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_sent_from_my_not_signature.txt",
	  "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_thread.txt",
	  "This is new email reply in thread from bellow.", { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_unquoted_reply.txt", "This is my reply.",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_w10_mail.txt",
	  "Great thanks Bort, going for a test now.\nBraxton", { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_customer_quote_header_3.txt",
	  "bonjour,\nje n'ai pas eu de retour sur ma pr\xc3\xa9" "cision..\nmerci d'avance",
	  { NULL }, { NULL } },
	{ "tests/corpus/email-reply-parser/replies/email_10.txt", NULL,
	  { "Fusce bibendum", "ex libero eget ante." },
	  { "Company Questions", "Etiam non sagittis" } },
	{ "tests/corpus/email-reply-parser/replies/email_12.txt", NULL,
	  { "Fusce bibendum" }, { "Verzonden", "Etiam non sagittis" } },
	{ "tests/corpus/email-reply-parser/replies/email_22.txt", NULL,
	  { "Fusce bibendum" }, { "Company Questions", "Etiam non sagittis" } },
	{ "tests/corpus/email-reply-parser/replies/email_2.txt", NULL,
	  { "Hi,", "You can list the keys", "would do it." },
	  { "Abhishek Kona wrote", "What is the best way", "-Abhishek Kona" } },
	{ "tests/corpus/email-reply-parser/replies/email_3.txt", NULL,
	  { "Oh thanks.", "-Abhishek Kona" }, { "Russell Brown", "Something like" } },
	{ "tests/corpus/email-reply-parser/replies/email_7.txt", NULL,
	  { "Fusce bibendum" }, { "Ciao Lorem", "ignissim odio?", "Le informazioni" } },
	{ "tests/corpus/email-reply-parser/replies/email_bullets.txt", NULL,
	  { "test 2 this should list second", "   - and another" },
	  { "Give us an example", "Joe Smith", "goalengine" } },
	{ "tests/corpus/email-reply-parser/replies/email_one_is_not_on.txt", NULL,
	  { "One outstanding question I had:", "Locally (on development), when I run..." },
	  { "Dave Tapley", "lastLocation" } },
	{ "tests/corpus/email-reply-parser/replies/email_norwegian_gmail.txt", NULL,
	  { "Fusce bibendum" }, { "Ok. Thanks.", "Jim Beam" } },
	{ "tests/corpus/email-reply-parser/replies/email_issue_77.txt", NULL,
	  { "Bonjour Test,", "Text paragraph 2" }, { "a \xc3\xa9" "crit" } },
	{ "tests/corpus/email-reply-parser/replies/email_zimbra_free_en.txt", NULL,
	  { "On this line is the issue", "Michael Scott" }, { "Toby Flenderson", "BONJOUR" } },
	{ "tests/corpus/email-reply-parser/replies/email_zimbra_free_fr.txt", NULL,
	  { "Le paragraphe qui pose probl\xc3\xa8me.", "Michael Scott" },
	  { "Toby Flenderson", "BONJOUR" } },
	{ "tests/corpus/email-reply-parser/replies/email_23.txt", NULL,
	  { "Fusce bibendum" }, { "Ticket answered", "Reliable solutions" } },
};

static void test_corpus(void **state)
{
	const struct corpus_case *c = *state;
	char *in = body_of(c->path);
	char *out = quote_strip(in);
	size_t i;

	if (c->exact != NULL)
		assert_string_equal(out, c->exact);
	for (i = 0; i < 3 && c->keep[i] != NULL; i++)
		if (strstr(out, c->keep[i]) == NULL)
			fail_msg("%s: lost \"%s\"", c->path, c->keep[i]);
	for (i = 0; i < 3 && c->gone[i] != NULL; i++)
		if (strstr(out, c->gone[i]) != NULL)
			fail_msg("%s: kept \"%s\"", c->path, c->gone[i]);
	check_invariants(in, out);
	free(out);
	free(in);
}

/* A reply without any quote is left as it was (line ends aside). */
static void test_nothing_to_strip(void **state)
{
	char *in = tu_read_source("tests/corpus/email-reply-parser/replies/email_21.txt", NULL);
	char *out = quote_strip(in);

	(void)state;
	assert_int_equal(strlen(out), strlen(in) - 1); /* its final newline */
	assert_memory_equal(out, in, strlen(out));
	free(out);
	free(in);
	out = quote_strip("");
	assert_string_equal(out, "");
	free(out);
}

/* ---- robustness ---- */

/* Every prefix of every fixture, each in a buffer of its exact size so
 * that ASan sees a read past its end. */
static void test_every_prefix(void **state)
{
	static const char *const files[] = {
		"tests/fixtures/quote/interleaved-with-rewrapped-quote.txt",
		"tests/fixtures/quote/gmail-attribution-fr-wrapped.txt",
		"tests/fixtures/quote/outlook-header-block-fr-nbsp.txt",
		"tests/fixtures/quote/outlook-header-block-underscore.txt",
		"tests/fixtures/quote/signoff-get-outlook-for-ios.txt",
		"tests/fixtures/quote/cr-only-line-ends.txt",
		"tests/corpus/email-reply-parser/replies/email_customer_quote_header_3.txt",
		"tests/corpus/email-reply-parser/replies/email_norwegian_gmail.txt",
	};
	size_t i, n, len;
	char *in, *cut, *out;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		in = tu_read_source(files[i], &len);
		for (n = 0; n <= len; n++) {
			cut = xmalloc(n + 1);
			memcpy(cut, in, n);
			cut[n] = '\0';
			out = quote_strip(cut);
			check_invariants(cut, out);
			free(out);
			free(cut);
		}
		free(in);
	}
}

/* Random texts built from the pieces the parser looks for. */
static void test_random_pieces(void **state)
{
	static const char *const pieces[] = {
		"On ", "Le ", "Am ", "wrote:", " a \xc3\xa9" "crit :", "schrieb", ">", "> ", "\n", "\r",
		"\r\n", "-- ", "--", "From:", "Sent:", "De :", "\xc3\x80 :", "-----Original Message-----",
		"Sent from my iPhone", "3", "@", "x", " ", "\xc2\xa0", "\xe2\x80", "____________", ":",
		"Begin forwarded message:", "*",
	};
	uint32_t seed = 2463534242u;
	char buf[400];
	size_t len, k, i;
	char *out;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		len = 0;
		for (i = 0; i < 24; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			k = strlen(pieces[seed % ARRAY_SIZE(pieces)]);
			if (len + k >= sizeof(buf))
				break;
			memcpy(buf + len, pieces[seed % ARRAY_SIZE(pieces)], k);
			len += k;
		}
		buf[len] = '\0';
		out = quote_strip(buf);
		check_invariants(buf, out);
		free(out);
	}
}

static char *repeat(const char *unit, size_t total)
{
	size_t u = strlen(unit), n = total / u, i;
	char *s = xmalloc(n * u + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[n * u] = '\0';
	return s;
}

/* 2 MB inputs shaped to make a naive parser look ahead again and again;
 * the work must stay linear (see the figures measured for the report). */
static void test_two_megabytes(void **state)
{
	static const struct {
		const char *unit;
		const char *expect; /* NULL: everything stays */
	} shapes[] = {
		{ "On 3 Mar 2026, Alice\n", NULL }, /* attribution starts that never end */
		{ "Le 3 mars, a\n", NULL },
		{ "> quoted\nsqueezed\n", "squeezed" }, /* unquoted lines between quotes */
		{ "From: a\nFrom: b\n", NULL },      /* header block starts */
		{ "x", NULL },                       /* one 2 MB line */
		{ "\n", "" },
		{ "Sent from my x, y\n", NULL },
	};
	size_t i;
	char *in, *out;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		in = repeat(shapes[i].unit, TEXT_BYTES_MAX);
		out = quote_strip(in);
		if (shapes[i].expect == NULL)
			assert_true(strlen(out) + 1 >= strlen(in));
		else
			assert_string_equal(out, shapes[i].expect);
		check_invariants(in, out);
		free(out);
		free(in);
	}
	/* an attribution followed by a million blank lines, then a quote */
	in = repeat("\n", TEXT_BYTES_MAX);
	memcpy(in, "ok\nOn 1 Mar 2026, A wrote:", 26);
	in[TEXT_BYTES_MAX - 2] = '>';
	out = quote_strip(in);
	assert_string_equal(out, "ok");
	free(out);
	free(in);
}

/* Fixture names: tests/fixtures/quote/NAME.txt and NAME.expected. */
static char style_names[][48] = {
	"gmail-attribution-one-line",
	"gmail-attribution-wrapped-address",
	"gmail-attribution-wrote-next-line",
	"gmail-attribution-fr",
	"gmail-attribution-fr-wrapped",
	"attribution-de",
	"attribution-unquoted-after",
	"outlook-header-block-underscore",
	"outlook-header-block-fr-nbsp",
	"outlook-header-block-bold",
	"outlook-original-message",
	"outlook-message-d-origine",
	"thunderbird-original-message",
	"thunderbird-message-original",
	"thunderbird-forwarded-fr",
	"apple-mail-begin-forwarded",
	"apple-mail-debut-message-reexpedie",
	"gmail-forwarded-message",
	"thunderbird-bottom-posted",
	"interleaved-with-rewrapped-quote",
	"quoted-lines-indented-marker",
	"signature-dash-dash-space",
	"signature-dash-dash-no-space",
	"signoff-sent-from-my-iphone",
	"signoff-envoye-de-mon-iphone",
	"signoff-get-outlook-for-ios",
	"signoff-obtenir-outlook-pour-ios",
	"signoff-lookalike-kept",
	"not-a-header-kept",
	"cr-only-line-ends",
	"leading-blank-lines",
};

int main(void)
{
	struct CMUnitTest styles[ARRAY_SIZE(style_names)];
	struct CMUnitTest corpus[ARRAY_SIZE(corpus_cases)];
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_nothing_to_strip),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_pieces),
		cmocka_unit_test(test_two_megabytes),
	};
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(style_names); i++) {
		styles[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_style, style_names[i]);
		styles[i].name = style_names[i];
	}
	for (i = 0; i < ARRAY_SIZE(corpus_cases); i++) {
		corpus[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_corpus, &corpus_cases[i]);
		corpus[i].name = corpus_cases[i].path + strlen("tests/corpus/");
	}
	failed += cmocka_run_group_tests_name("quote styles", styles, NULL, NULL);
	failed += cmocka_run_group_tests_name("quote corpus", corpus, NULL, NULL);
	failed += cmocka_run_group_tests_name("quote robustness", other, NULL, NULL);
	return failed != 0;
}
