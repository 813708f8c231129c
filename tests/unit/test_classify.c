/* classify: one fixture test per class, and every corpus sample in the
 * class its category says (with the documented exceptions). */
#include "testutil.h"

#include "classify.h"
#include "mime.h"

static const char *const ours[] = { "mentord.12.abcdef@example.org", "mentord.99.abcdef@example.org" };

static int is_ours(const char *id, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(ours); i++)
		if (strcmp(id, ours[i]) == 0)
			return 1;
	return 0;
}

static int is_member(const char *addr, void *arg)
{
	(void)arg;
	return strcmp(addr, "chair@example.org") == 0;
}

static const struct classify_ctx ctx = { is_ours, is_member, NULL };

/* c->our_message points into the message: it is copied to ours_r. */
static enum msg_class classify_text(const char *raw, struct classification *c, char *ours_r, size_t size)
{
	struct mime_msg *m = NULL;
	const char *err = NULL;
	enum msg_class cls;

	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	classify(m, &ctx, c);
	cls = c->cls;
	if (ours_r != NULL)
		str_copy(ours_r, size, c->our_message != NULL ? c->our_message : "");
	c->our_message = NULL;
	mime_free(&m);
	return cls;
}

struct fixture {
	const char *name;
	enum msg_class cls;
	const char *raw;
};

#define H "To: mentoring@example.org\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n"

static const struct fixture fixtures[] = {
	{ "own: our Message-ID", CLASS_OWN,
	  "From: a@example.com\r\n" H "Message-ID: <mentord.12.abcdef@example.org>\r\nSubject: x\r\n\r\nx\r\n" },
	{ "own: our X-Loop with our Message-ID", CLASS_OWN,
	  "From: WIT <mentoring@example.org>\r\n" H "X-Loop: mentoring@example.org\r\n"
	  "Message-ID: <mentord.99.abcdef@example.org>\r\nSubject: help\r\n\r\nhelp\r\n" },
	/* our From, our X-Loop or our pattern alone prove nothing: a forwarding
	 * alias adds X-Loop to a person's message */
	{ "own: our From alone is not enough", CLASS_COMMAND,
	  "From: WIT <mentoring@example.org>\r\n" H "Subject: help\r\n\r\nhelp\r\n" },
	{ "own: an X-Loop from a forwarding alias is not enough", CLASS_COMMAND,
	  "From: a@example.com\r\n" H "X-Loop: mentoring@example.org\r\nSubject: help\r\n\r\nx\r\n" },
	{ "own: a Message-ID in our pattern that we never made", CLASS_HUMAN,
	  "From: a@example.com\r\n" H "X-Loop: mentoring@example.org\r\n"
	  "Message-ID: <mentord.7.abcdef@example.org>\r\nSubject: x\r\n\r\nx\r\n" },
	{ "bounce: mailer-daemon", CLASS_BOUNCE,
	  "From: MAILER-DAEMON@mx.example.com\r\n" H "Subject: Undelivered Mail\r\n\r\nsorry\r\n" },
	{ "bounce: multipart/report", CLASS_BOUNCE,
	  "From: postmaster@example.com\r\n" H "Subject: x\r\nMIME-Version: 1.0\r\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
	  "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\n"
	  "Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@y.org\r\n"
	  "Action: failed\r\nStatus: 5.1.1\r\n--b--\r\n" },
	{ "bounce: null path and a failure subject, even with Auto-Submitted absent", CLASS_BOUNCE,
	  "Return-Path: <>\r\nFrom: Mail System <mail@mx.example.com>\r\n" H
	  "Subject: Delivery Status Notification (Failure)\r\n\r\nx\r\n" },
	{ "auto: Auto-Submitted", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "Auto-Submitted: auto-replied\r\nSubject: help\r\n\r\naway\r\n" },
	{ "auto: Auto-Submitted: no is not automatic", CLASS_COMMAND,
	  "From: a@example.com\r\n" H "Auto-Submitted: no\r\nSubject: help\r\n\r\nhelp\r\n" },
	{ "auto: Precedence bulk", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "Precedence: bulk\r\nSubject: help\r\n\r\nx\r\n" },
	{ "auto: List-Id", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "List-Id: <news.example.com>\r\nSubject: help\r\n\r\nx\r\n" },
	{ "auto: X-Autoreply", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "X-Autoreply: yes\r\nSubject: help\r\n\r\nx\r\n" },
	{ "auto: Exchange suppress header", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "X-Auto-Response-Suppress: All\r\nSubject: Automatic reply: help\r\n\r\nx\r\n" },
	{ "auto: Outlook out-of-office subject only", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "Subject: Out of Office: check-in\r\n\r\nI am away\r\n" },
	{ "auto: French absence subject", CLASS_AUTOREPLY,
	  "From: a@example.com\r\n" H "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique=C2=A0:_aide?=\r\n\r\nabsente\r\n" },
	{ "calendar: METHOD:REPLY part", CLASS_CALENDAR,
	  "From: a@example.com\r\n" H "Subject: Accepted: training\r\nMIME-Version: 1.0\r\n"
	  "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	  "yes\r\n--b\r\nContent-Type: text/calendar; method=REPLY; charset=UTF-8\r\n\r\n"
	  "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n" },
	{ "calendar: a REQUEST is not an answer", CLASS_HUMAN,
	  "From: a@example.com\r\n" H "Subject: Lunch\r\nMIME-Version: 1.0\r\n"
	  "Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n\r\n"
	  "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n" },
	{ "reply: In-Reply-To ours", CLASS_REPLY,
	  "From: a@example.com\r\n" H "In-Reply-To: <mentord.12.abcdef@example.org>\r\nSubject: Re: x\r\n\r\nyes\r\n" },
	{ "reply: only References ours (Outlook drops In-Reply-To sometimes)", CLASS_REPLY,
	  "From: a@example.com\r\n" H "References: <other@x> <mentord.99.abcdef@example.org>\r\nSubject: RE: x\r\n\r\nyes\r\n" },
	{ "reply: our token in the subject", CLASS_REPLY,
	  "From: a@example.com\r\n" H "Subject: Re: please confirm [MT-ABCD-EFGH]\r\n\r\nyes\r\n" },
	{ "command: help", CLASS_COMMAND, "From: a@example.com\r\n" H "Subject: Help\r\n\r\n\r\n" },
	{ "command: a form without keyword", CLASS_COMMAND,
	  "From: a@example.com\r\n" H "Subject: Mentoring\r\n\r\nHello,\r\n\r\nRole: mentee\r\nName: Ann\r\n"
	  "Department: IT\r\nField: Software\r\n\r\nAnn\r\n" },
	{ "command: a member's match", CLASS_COMMAND,
	  "From: chair@example.org\r\n" H "Subject: match\r\n\r\n" },
	{ "human: a member's ordinary mail", CLASS_HUMAN,
	  "From: chair@example.org\r\n" H "Subject: Match results for March\r\n\r\nsee you\r\n" },
	{ "human: a non-member's command word", CLASS_HUMAN,
	  "From: a@example.com\r\n" H "Subject: match\r\n\r\n" },
	{ "human: a quoted form is not a form", CLASS_HUMAN,
	  "From: a@example.com\r\n" H "Subject: question\r\n\r\nCan I change this?\r\n\r\n"
	  "> Role: mentee\r\n> Name: Ann\r\n> Department: IT\r\n> Field: Software\r\n" },
	{ "human: a question", CLASS_HUMAN,
	  "From: a@example.com\r\n" H "Subject: Dates of the next edition?\r\n\r\nHello\r\n" },
};

static void test_fixtures(void **state)
{
	struct classification c;
	char our[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		enum msg_class got = classify_text(fixtures[i].raw, &c, NULL, 0);

		if (got != fixtures[i].cls)
			fail_msg("%s: got %s", fixtures[i].name, classify_name(got));
	}
	classify_text(fixtures[18].raw, &c, our, sizeof(our));
	assert_string_equal(our, "mentord.12.abcdef@example.org");
	classify_text(fixtures[20].raw, &c, NULL, 0);
	assert_string_equal(c.token, "MT-ABCD-EFGH");
}

static void test_tokens(void **state)
{
	char t[TOKEN_LEN + 1], found[TOKEN_LEN + 1], text[64];
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		token_new(t);
		assert_int_equal(strlen(t), TOKEN_LEN);
		snprintf(text, sizeof(text), "Re: confirm [%s]", t);
		assert_true(token_find(text, found));
		assert_string_equal(found, t);
	}
	assert_true(token_find("confirm mt-abcd-efgh please", found));
	assert_string_equal(found, "MT-ABCD-EFGH");
	assert_false(token_find("MT-ABCD-EFG", found));
	assert_false(token_find("XMT-ABCD-EFGH", found));
	assert_false(token_find("MT-ABCD-EFGHJ", found));
	assert_false(token_find("MT-AB0D-EFGH", found)); /* 0 is not in the alphabet */
}

/* Corpus categories and the class each sample must get. */
static const struct {
	const char *dir;
	enum msg_class cls;
} categories[] = {
	{ "tests/corpus/sisimai/bounces", CLASS_BOUNCE },
	{ "tests/corpus/flanker/bounces", CLASS_BOUNCE },
	{ "tests/corpus/cpython/bounces", CLASS_BOUNCE },
	{ "tests/corpus/ruby-mail/bounces", CLASS_BOUNCE },
	{ "tests/corpus/ccs-calendarserver/bounces", CLASS_BOUNCE },
	{ "tests/corpus/sisimai/autoreplies", CLASS_AUTOREPLY },
	{ "tests/corpus/bounceparser/autoreplies", CLASS_AUTOREPLY },
};

/* The documented negatives (tests/corpus/README.md), and what they are. */
static const struct {
	const char *file;
	enum msg_class cls;
} exceptions[] = {
	{ "is-not-bounce-01.eml", CLASS_HUMAN },
	{ "is-not-bounce-02.eml", CLASS_HUMAN },
	{ "rb-issue-368-bug.eml", CLASS_BOUNCE }, /* a postmaster's notice about a bounce */
	{ "non-autoreply.msg", CLASS_BOUNCE },
	/* not from an MTA and in no bounce shape: left for a person, which
	 * costs nothing */
	{ "lhost-apachejames-01.eml", CLASS_HUMAN }, /* "Re:Test message" from post_master@ */
	{ "lhost-fml-02.eml", CLASS_HUMAN },         /* a list manager's "you are not a member" */
};

static int expected_for(const char *file, enum msg_class dflt, enum msg_class *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exceptions); i++)
		if (strcmp(file, exceptions[i].file) == 0) {
			*r = exceptions[i].cls;
			return 1;
		}
	*r = dflt;
	return 0;
}

static void test_corpus_categories(void **state)
{
	size_t i, total = 0, wrong = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(categories); i++) {
		struct strlist names = { NULL, 0 };
		size_t j;

		tu_source_dir(categories[i].dir, &names);
		for (j = 0; j < names.n; j++) {
			struct mime_msg *m = NULL;
			struct classification c;
			enum msg_class want;
			const char *err = NULL;
			char *path, *data;
			size_t len = 0;

			if (str_has_prefix(names.v[j], "LICENSE"))
				continue;
			path = xasprintf("%s/%s", categories[i].dir, names.v[j]);
			data = tu_read_source(path, &len);
			if (mime_parse(data, len, &m, &err) == 0) {
				classify(m, &ctx, &c);
				expected_for(names.v[j], categories[i].cls, &want);
				if (c.cls != want) {
					fprintf(stderr, "%s: %s, expected %s\n", path, classify_name(c.cls),
					    classify_name(want));
					wrong++;
				}
				mime_free(&m);
			}
			total++;
			free(path);
			free(data);
		}
		strlist_deinit(&names);
	}
	fprintf(stderr, "corpus: %zu samples, %zu in another class\n", total, wrong);
	assert_true(total > 100);
	assert_int_equal(wrong, 0);
}

/* A member's answer to, or forward of, a message that is not ours: never a
 * command (the subject's prefixes in the clients' forms, after a [tag]). */
static void test_foreign_answer(void **state)
{
	static const struct {
		const char *subject, *in_reply_to;
		int foreign;
	} cases[] = {
		{ "unpair 1 we agreed", NULL, 0 },
		{ "[WIT] unpair 1 we agreed", NULL, 0 },
		{ "Re: unpair 1 we agreed", NULL, 1 },
		{ "RE : unpair 1 we agreed", NULL, 1 },
		{ "Fwd: unpair 1 we agreed", NULL, 1 },
		{ "TR: unpair 1 we agreed", NULL, 1 },
		{ "AW: unpair 1 we agreed", NULL, 1 },
		{ "R\xc3\xa9" "f : unpair 1 we agreed", NULL, 1 },
		{ "[WIT] Re: unpair 1 we agreed", NULL, 1 },
		{ "  [a] [b]  Fwd: match", NULL, 1 },
		{ "[unclosed Re: match", NULL, 0 },
		{ "unpair 1 we agreed", "dora.1@client.example.com", 1 },
		/* an answer to one of ours is ours to read */
		{ "Re: approve all", "mentord.12.abcdef@example.org", 0 },
		{ "", NULL, 0 },
	};
	struct mime_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&m, 0, sizeof(m));
		m.subject = cases[i].subject;
		m.in_reply_to = cases[i].in_reply_to;
		if (classify_foreign_answer(&m, &ctx) != cases[i].foreign)
			fail_msg("\"%s\" (In-Reply-To %s): expected %d", cases[i].subject,
			    cases[i].in_reply_to != NULL ? cases[i].in_reply_to : "none", cases[i].foreign);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_foreign_answer),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_corpus_categories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
