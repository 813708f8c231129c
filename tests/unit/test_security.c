/* Attacks on the robot, each with the message that carried it: what a
 * forger, a flood or a hostile name must not achieve. */
#include "fixture.h"

/* ---- addresses ---- */

/* From: "chair@example.org"@evil.example was read as the chair's address:
 * the robot then asked the chair to confirm the commands it carried. */
static void test_quoted_local_part_is_not_the_chair(void **state)
{
	struct fx *f = *state;
	const char *raw = "From: \"chair@example.org\"@evil.example\r\n"
	    "To: mentoring@example.org\r\nSubject: approve all\r\n"
	    "Message-ID: <q1@evil.example>\r\n\r\napprove all\r\n";

	struct mime_msg *m = fx_parse(f, raw);

	assert_string_equal(m->from_addr, "\"chair@example.org\"@evil.example");
	assert_int_equal(fx_handle(f, m), 0);
	assert_int_equal(f->h.needs_flag, 0);
	assert_true(str_has_prefix(f->h.outcome, "left for the committee: "));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations"), 0);
	/* an applicant's keyword from it is left too, never answered */
	m = fx_parse(f, "From: \"chair@example.org\"@evil.example\r\nSubject: help\r\n"
	    "Message-ID: <q5@evil.example>\r\n\r\nhelp\r\n");
	assert_int_equal(fx_handle(f, m), 0);
	assert_string_equal(f->h.outcome,
	    "left for the committee: From address with a quoted local part");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
}

/* Two mailboxes in From: whose message is it? Nobody's the robot acts for. */
static void test_two_from_addresses_are_left(void **state)
{
	struct fx *f = *state;
	const char *raw = "From: chair@example.org, mallory@evil.example\r\n"
	    "Sender: mallory@evil.example\r\nSubject: help\r\n"
	    "Message-ID: <q2@evil.example>\r\n\r\nhelp\r\n";

	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	assert_int_equal(f->h.needs_flag, 0);
	assert_string_equal(f->h.outcome, "left for the committee: no usable From address");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
}

/* A display name of 5,000 characters failed the answer and quarantined the
 * message: now the answer goes to the bare address. */
static void test_long_display_name_is_answered_bare(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	struct buf b;
	size_t i;

	buf_init(&b, 64 * 1024);
	buf_adds(&b, "From: ");
	for (i = 0; i < 5000; i++)
		buf_addc(&b, (char)('a' + (char)(i % 26)));
	buf_adds(&b, " <long@example.net>\r\nSubject: help\r\nMessage-ID: <q3@example.net>\r\n\r\nhelp\r\n");
	assert_int_equal(fx_handle(f, fx_parse(f, b.s)), 0);
	assert_string_equal(f->h.outcome, "help sent");
	fx_out(f, "help", "long@example.net", &o);
	assert_non_null(strstr(o.data, "\r\nTo: long@example.net\r\n"));
	fx_out_deinit(&o);
	buf_deinit(&b);
}

/* A right-to-left override in a name reached the digest, where it turned
 * the text after it round. */
static void test_bidi_override_in_a_name(void **state)
{
	struct fx *f = *state;
	const char *raw = "From: =?UTF-8?Q?Eve_=E2=80=AEnimda?= <eve@example.net>\r\n"
	    "Subject: help\r\nMessage-ID: <q4@example.net>\r\n\r\nhelp\r\n";
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	fx_out(f, "help", "eve@example.net", &o);
	assert_non_null(strstr(o.data, "\r\nTo: eve@example.net\r\n"));
	assert_null(strstr(o.data, "=E2=80=AE"));
	assert_null(strstr(o.data, "\xe2\x80\xae"));
	fx_out_deinit(&o);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_quoted_local_part_is_not_the_chair),
		T(test_two_from_addresses_are_left),
		T(test_long_display_name_is_answered_bare),
		T(test_bidi_override_in_a_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
