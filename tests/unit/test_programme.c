/* programme: the dispatcher, one message at a time, without a server:
 * which class each message is given, which feature answers it, what is
 * left for a person, and what an error leaves behind. */
#include "fixture.h"

static const char ALICE_FORM[] = "Hello,\n\nRole: mentor\nName: Alice Martin\nDepartment: IT\n"
    "Field: Software\nLanguage: en\nCapacity: 2\n\nBest,\nAlice\n";

static void test_help_is_bilingual_for_a_newcomer(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_msg(f, "someone@example.net", "help", "")), 0);
	assert_string_equal(f->h.class_name, "command");
	assert_string_equal(f->h.outcome, "help sent");
	assert_int_equal(f->h.needs_flag, 1);
	fx_out(f, "help", "someone@example.net", &o);
	assert_non_null(strstr(o.data, "Content-Language: en, fr"));
	/* what it is first, in both languages, then the programme once */
	assert_string_equal(o.subject, "How to take part / Comment participer \xe2\x80\x93 WIT Mentoring");
	/* threaded under the message it answers, marked as an answer */
	assert_non_null(strstr(o.data, "In-Reply-To: <test.1@client.example.com>"));
	assert_non_null(strstr(o.data, "Auto-Submitted: auto-replied"));
	fx_out_deinit(&o);
}

static void test_human_mail_is_left_unflagged(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "Bob <bob@example.net>", "Lunch on Friday?",
	    "Are you free?\n")), 0);
	assert_string_equal(f->h.class_name, "human");
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	assert_int_equal(f->h.needs_flag, 0);
	/* the sender is told, once, that a person will read it */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 1);
	assert_true(fx_out_has(f, "passed-on", "bob@example.net", "a member of the"));
}

static void test_own_and_automatic_mail_are_never_answered(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *raw;

	/* our own answer, come back through an alias that forwards to us */
	assert_int_equal(fx_handle(f, fx_msg(f, "bob@example.net", "help", "")), 0);
	fx_out(f, "help", "bob@example.net", &o);
	raw = xasprintf("From: WIT <mentoring@example.org>\r\nX-Loop: mentoring@example.org\r\n"
	    "Message-ID: <%s>\r\nSubject: %s\r\n\r\nhelp\r\n", o.message_id, o.subject);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	assert_string_equal(f->h.class_name, "own");
	assert_string_equal(f->h.outcome, "own message, archived");
	free(raw);
	fx_out_deinit(&o);
	/* our address, without a Message-ID of ours: nobody to answer */
	assert_int_equal(fx_handle(f, fx_msg(f, "WIT <mentoring@example.org>", "help", "")), 0);
	assert_string_equal(f->h.outcome,
	    "left for the committee: From our own address, but not a message of ours");
	assert_int_equal(f->h.needs_flag, 0);
	assert_int_equal(fx_handle(f, fx_mail(f, "bob@example.net", "help", "", NULL,
	    "Auto-Submitted: auto-replied\r\n")), 0);
	assert_string_equal(f->h.class_name, "autoreply");
	assert_string_equal(f->h.outcome, "automatic reply recorded, not answered");
	assert_int_equal(f->h.needs_flag, 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 1);
}

static void test_form_without_keyword_is_an_application(void **state)
{
	struct fx *f = *state;

	fx_cohort(f, "2026");
	assert_int_equal(fx_handle(f, fx_msg(f, "Alice Martin <alice@example.org>",
	    "My application", ALICE_FORM)), 0);
	assert_string_equal(f->h.class_name, "command");
	assert_string_equal(f->h.outcome, "application #1 recorded, confirmation asked");
	assert_int_equal(fx_count(f, "confirm-request"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'pending'"), 1);
}

static void test_reply_to_a_request_confirms(void **state)
{
	struct fx *f = *state;

	fx_cohort(f, "2026");
	fx_handle(f, fx_msg(f, "Alice Martin <alice@example.org>", "apply", ALICE_FORM));
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "confirm-request", "Yes!\n",
	    NULL)), 0);
	assert_string_equal(f->h.class_name, "reply");
	assert_string_equal(f->h.outcome, "application #1 confirmed");
	assert_int_equal(f->h.needs_flag, 1);
	assert_int_equal(fx_count(f, "confirmed"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'confirmed'"), 1);
}

static void test_reply_that_is_no_answer_is_read_as_fresh_mail(void **state)
{
	struct fx *f = *state;

	/* an answer to our help text: no reference to act on, so it is read
	 * for a command, then left for a person */
	fx_handle(f, fx_msg(f, "bob@example.net", "help", ""));
	assert_int_equal(fx_handle(f, fx_reply(f, "bob@example.net", "help", "Thanks a lot\n", NULL)), 0);
	assert_string_equal(f->h.class_name, "human");
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(f->h.needs_flag, 0);
	/* ... and a reply holding a form is an application */
	fx_cohort(f, "2026");
	assert_int_equal(fx_handle(f, fx_reply(f, "bob@example.net", "help",
	    "Role: mentee\nName: Bob\nDepartment: HR\nField: Law\n", NULL)), 0);
	assert_string_equal(f->h.class_name, "reply");
	assert_string_equal(f->h.outcome, "application #1 recorded, confirmation asked");
}

static void test_unknown_token_and_confirm_without_one(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "bob@example.net", "confirm MT-AAAA-BBBB", "")), 0);
	assert_string_equal(f->h.outcome, "reference matches nothing pending");
	assert_int_equal(fx_count(f, "status"), 1);
	assert_true(fx_out_has(f, "status", "bob@example.net", "nothing-to-confirm") ||
	    fx_out_has(f, "status", "bob@example.net", "Nothing"));
	assert_int_equal(fx_handle(f, fx_msg(f, "bob@example.net", "confirm", "")), 0);
	assert_string_equal(f->h.outcome, "left for the committee: confirm without a reference");
	assert_int_equal(f->h.needs_flag, 0);
}

static void test_member_status_is_the_committee_command(void **state)
{
	struct fx *f = *state;

	fx_cohort(f, "2026");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "status", "", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.class_name, "command");
	assert_string_equal(f->h.outcome, "committee commands run");
	assert_int_equal(fx_count(f, "command-result"), 1);
	assert_int_equal(fx_count(f, "status"), 0);
	assert_true(fx_out_has(f, "command-result", "chair@example.org", "Cohort 2026"));
	/* the same word from anyone else is the applicant's */
	assert_int_equal(fx_handle(f, fx_msg(f, "bob@example.net", "status", "")), 0);
	assert_string_equal(f->h.outcome, "status sent");
}

static void test_bounce_marks_the_address(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	struct mime_msg *m;
	char *raw;

	fx_handle(f, fx_msg(f, "bob@example.net", "help", ""));
	fx_out(f, "help", "bob@example.net", &o);
	assert_int_equal(store_exec(f->st, "INSERT INTO people(address, created_at) VALUES"
	    " ('bob@example.net', 0)", NULL), 0);
	raw = xasprintf("From: MAILER-DAEMON@example.net\r\nTo: mentoring@example.org\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@example.net>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe mail failed.\r\n"
	    "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
	    "Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n--B\r\n"
	    "Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nSubject: x\r\n\r\n--B--\r\n",
	    o.message_id);
	m = fx_parse(f, raw);
	assert_int_equal(fx_handle(f, m), 0);
	assert_string_equal(f->h.class_name, "bounce");
	assert_string_equal(f->h.outcome, "bounce of our message; address marked bouncing");
	assert_int_equal(fx_int(f, "SELECT bouncing FROM people WHERE address = 'bob@example.net'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE status = 'bounced'"), 1);
	fx_out_deinit(&o);
	free(raw);
}

static void test_daily_answer_limit(void **state)
{
	struct fx *f = *state;
	long i, limit = f->cfg->programme.max_answers_per_day;

	/* a sender the receiving server vouches for (one not proven gets one
	 * message in all) */
	for (i = 0; i < limit + 3; i++)
		assert_int_equal(fx_handle(f, fx_mail(f, "loop@example.org", "help", "", NULL,
		    FX_DKIM_OK)), 0);
	assert_int_equal(fx_count(f, "help"), limit);
	/* the outcome says what happened */
	assert_string_equal(f->h.outcome, "help held back (daily answer limit reached)");
	/* a committee member is never limited */
	for (i = 0; i < limit + 1; i++)
		fx_handle(f, fx_mail(f, "chair@example.org", "digest", "", NULL, FX_DKIM_OK));
	assert_int_equal(fx_count(f, "command-result"), limit + 1);
	/* the next day counts again */
	fx_days(f, 1);
	fx_handle(f, fx_msg(f, "loop@example.org", "help", ""));
	assert_int_equal(fx_count(f, "help"), limit + 1);
	assert_string_equal(f->h.outcome, "help sent");
}

static void test_error_rolls_back_and_says_why(void **state)
{
	struct fx *f = *state;

	/* a template folder without the help text: the answer cannot be
	 * rendered, the message is not handled */
	f->e.dirs.shipped = "/nonexistent";
	assert_int_equal(fx_handle(f, fx_msg(f, "bob@example.net", "help", "")), -1);
	assert_non_null(f->error);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound"), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_help_is_bilingual_for_a_newcomer),
		T(test_human_mail_is_left_unflagged),
		T(test_own_and_automatic_mail_are_never_answered),
		T(test_form_without_keyword_is_an_application),
		T(test_reply_to_a_request_confirms),
		T(test_reply_that_is_no_answer_is_read_as_fresh_mail),
		T(test_unknown_token_and_confirm_without_one),
		T(test_member_status_is_the_committee_command),
		T(test_bounce_marks_the_address),
		T(test_daily_answer_limit),
		T(test_error_rolls_back_and_says_why),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
