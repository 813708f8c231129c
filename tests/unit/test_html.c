#include "testutil.h"

#include "html.h"

struct html_case {
	const char *name;
	const char *html;
	const char *text;
};

static const struct html_case cases[] = {
	{ "empty", "", "" },
	{ "paragraphs leave one empty line", "<p>a</p><p>b</p>", "a\n\nb\n" },
	{ "divs break lines", "<div>a</div><div>b</div>", "a\nb\n" },
	{ "unclosed paragraphs", "<p>a<p>b", "a\n\nb\n" },
	{ "headings", "<h1>Title</h1>text", "Title\n\ntext\n" },
	{ "br and no more than one empty line", "a<br>b<br><br><br><br>c", "a\nb\n\nc\n" },
	{ "br after a block", "<div>a</div><br><div>b</div>", "a\n\nb\n" },
	{ "gmail empty div line", "<div>a</div><div><br></div><div>b</div>", "a\n\nb\n" },
	{ "list items", "<ul><li>one</li><li>two</li></ul>after", "- one\n- two\nafter\n" },
	{ "table rows", "<table><tr><td>Role:</td><td>mentor</td></tr><tr><th>Name:</th><td>Ann</td></tr></table>",
	  "Role: mentor\nName: Ann\n" },
	{ "head, title, style, script dropped",
	  "<html><head><title>T</title><style>p{color:red}</style></head><body>x<script>a<b</script>y</body></html>",
	  "xy\n" },
	{ "unclosed head ends at body", "<head><meta charset=utf-8><body>shown", "shown\n" },
	{ "comments and CDATA dropped", "a<!-- <p>hidden</p> -->b<![CDATA[ c ]]>d<!DOCTYPE x><?xml y?>e", "abde\n" },
	{ "conditional comments", "<!--[if gte mso 9]><xml>x</xml><![endif]-->a<![if !supportLists]>- <![endif]>b",
	  "a- b\n" },
	{ "named references",
	  "&eacute;&Eacute;&agrave;&ccedil;&uuml;&szlig;&amp;&lt;&gt;&quot;&apos;&euro;&copy;&hellip;&mdash;&ndash;&laquo;&raquo;&rsquo;&oelig;&alpha;&trade;",
	  "éÉàçüß&<>\"'€©…—–«»’œα™\n" },
	{ "numeric references", "&#233;&#xE9;&#x1F600;&#0;&#150;&#1114112;&#x41", "éé😀\xef\xbf\xbd–\xef\xbf\xbd" "A\n" },
	{ "references 128-159 read as windows-1252, unassigned ones as U+FFFD",
	  "&#128;&#129;&#x8d;&#150;&#157;&#159;", "€\xef\xbf\xbd\xef\xbf\xbd–\xef\xbf\xbdŸ\n" },
	{ "legacy names without semicolon", "&amp &copy 2026 &eacuteb &notanentity; &", "& © 2026 &eacuteb &notanentity; &\n" },
	{ "soft hyphen invisible", "men&shy;tor", "mentor\n" },
	{ "white space collapsed", "  a \n\t b  &nbsp; c ", "a b c\n" },
	{ "inline tags keep words whole", "fo<b>o</b>bar <i>x</i>", "foobar x\n" },
	{ "pre kept", "<pre>\n  a\n   b  c</pre>d", "  a\n   b  c\nd\n" },
	{ "blockquote quoted", "x<blockquote>q1<blockquote>q2</blockquote>q3</blockquote>y",
	  "x\n> q1\n>> q2\n> q3\ny\n" },
	{ "empty lines inside a quote keep the marker", "<blockquote><p>a</p><p>b</p></blockquote>", "> a\n>\n> b\n" },
	{ "gmail quote", "reply<div class=\"gmail_extra\"><div class=\"gmail_quote\">On Mon, A wrote:<br>"
	  "<blockquote class=\"gmail_quote\">orig</blockquote></div></div>after",
	  "reply\n> On Mon, A wrote:\n>> orig\nafter\n" },
	{ "yahoo quote", "r<div class='yahoo_quoted'>q</div>", "r\n> q\n" },
	{ "outlook reply header quotes the rest", "reply<div id=\"divRplyFwdMsg\"><b>From:</b> A<br><b>Sent:</b> B</div>"
	  "<div>orig</div>", "reply\n> From: A\n> Sent: B\n> orig\n" },
	{ "hr then From quotes the rest", "reply<hr><b>From: </b>bob@example.com<br>orig", "reply\n> From: bob@example.com\n> orig\n" },
	{ "hr without a header", "a<hr>b", "a\nb\n" },
	{ "top border then French header", "r<div style=\"border:none;border-top:solid #E1E1E1 1.0pt\"><p><b>De :</b> X</p></div>o",
	  "r\n>\n> De : X\n>\n> o\n" },
	{ "display none hidden", "<div style=\"display: none\">preheader<div>inner</div></div>shown", "shown\n" },
	{ "attribute with a >", "<a title=\"x>y\" href='a>b'>link</a>", "link\n" },
	{ "stray <", "a < b <3 c", "a < b <3 c\n" },
	{ "invalid UTF-8 mended", "a\xff b\xc3", "a\xef\xbf\xbd b\xef\xbf\xbd\n" },
	{ "control characters dropped", "a\x01\x02" "b\x7f", "ab\n" },
	{ "unterminated comment", "a<!-- b", "a\n" },
	{ "unterminated script", "a<script>b", "a\n" },
	{ "unterminated tag", "a<div class=\"x", "a\n" },
};

static void test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *t = html_to_text(cases[i].html, strlen(cases[i].html), 4096);

		if (strcmp(t, cases[i].text) != 0)
			fail_msg("%s: got \"%s\", expected \"%s\"", cases[i].name, t, cases[i].text);
		free(t);
	}
}

/* The result is bounded and stays valid UTF-8 when cut. */
static void test_bounded(void **state)
{
	struct buf in;
	size_t max, i;
	char *t;

	(void)state;
	buf_init(&in, 1u << 20);
	for (i = 0; i < 2000; i++)
		buf_adds(&in, "<p>Département &eacute;t&eacute; 日本語</p>");
	for (max = 0; max < 200; max++) {
		t = html_to_text(in.s, in.len, max);
		assert_true(strlen(t) <= max);
		assert_true(utf8_valid(t, strlen(t)));
		free(t);
	}
	t = html_to_text(in.s, in.len, 1u << 20);
	assert_true(strlen(t) > 50000);
	free(t);
	buf_deinit(&in);
}

/* Deeply nested quotes and containers stay bounded too. */
static void test_nesting(void **state)
{
	struct buf in;
	char *t;
	int i;

	(void)state;
	buf_init(&in, 1u << 20);
	for (i = 0; i < 5000; i++)
		buf_adds(&in, "<blockquote><div class=gmail_quote>");
	buf_adds(&in, "deep");
	t = html_to_text(in.s, in.len, 1u << 20);
	assert_non_null(strstr(t, "deep"));
	assert_true(strlen(t) < 100);
	free(t);
	buf_deinit(&in);
}

/* talon's HTML replies: the writer's words stay unquoted; the quoted
 * message is "> "-quoted, or comes after a quote header line. */
struct reply_case {
	const char *file;
	const char *reply;
	const char *quoted;
};

static const struct reply_case replies[] = {
	{ "gmail.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "hotmail.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "mail_ru.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "ms_outlook_2003.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "ms_outlook_2007.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "ms_outlook_2010.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "thunderbird.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "windows_mail.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "yandex_ru.html", "Hi. I am fine.", "Hello! How are you?" },
	{ "reply-separated-by-hr.html", "there", "Hello" },
	{ "OLK_SRC_BODY_SECTION.html", "Reply", "Hi" },
};

static int is_quote_header(const char *line)
{
	size_t l = strlen(line);

	return str_has_prefix(line, "From:") || str_has_prefix(line, "On ") ||
	    (l > 7 && strcmp(line + l - 7, "wrote:") == 0) || (l > 2 && strcmp(line + l - 2, ">:") == 0);
}

static void check_reply(const struct reply_case *c, char *text)
{
	char *line = text, *nl;
	int seen_reply = 0, header = 0, seen_quoted = 0;

	for (; line != NULL && *line != '\0'; line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (line[0] != '>' && strstr(line, c->reply) != NULL && !header)
			seen_reply = 1;
		if (line[0] != '>' && is_quote_header(line))
			header = 1;
		if (strstr(line, c->quoted) != NULL && strstr(line, c->reply) == NULL) {
			seen_quoted = 1;
			if (line[0] != '>' && !header)
				fail_msg("%s: quoted text outside a quote: %s", c->file, line);
		}
	}
	if (!seen_reply)
		fail_msg("%s: the reply \"%s\" is missing or quoted", c->file, c->reply);
	if (!seen_quoted)
		fail_msg("%s: the quoted text is missing", c->file);
}

static void test_talon_replies(void **state)
{
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(replies); i++) {
		char *rel = xasprintf("tests/corpus/talon/replies/%s", replies[i].file);
		char *html = tu_read_source(rel, &len);
		char *t = html_to_text(html, len, 1u << 20);

		assert_true(utf8_valid(t, strlen(t)));
		check_reply(&replies[i], t);
		free(t);
		free(html);
		free(rel);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_talon_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
