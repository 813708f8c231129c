/* training: the session's life (plan, update, cancel), one invitation per
 * person, RSVPs by calendar and by plain words, the reminder the day
 * before, and the invitation a pair approved later receives. */
#include "fixture.h"

#include "sched.h"

#define PLAN "training 2026-03-20 14:00 2h Room 1, Kick-off"

static void test_plan_invites_each_person_alone(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_expect_report(f, PLAN, "training: \"Kick-off\" planned; 2 matched people invited");
	assert_int_equal(fx_count(f, "invitation"), 2);
	fx_out(f, "invitation", "alice@example.org", &o);
	assert_string_equal(o.to, "alice@example.org");
	assert_non_null(strstr(o.data, "method=REQUEST"));
	assert_non_null(strstr(o.data, "BEGIN:VTIMEZONE"));
	assert_string_equal(o.ref_kind, "event");
	fx_out_deinit(&o);
	fx_expect_report(f, PLAN, "a training is planned already");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE invited_seq = 0"), 2);
}

static void test_update_and_cancel_keep_the_uid(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	fx_expect_report(f, "training update 2026-03-21 10:00 90m Room 2",
	    "training update: \"Kick-off\", sequence 1, sent to 2 people");
	assert_int_equal(fx_count(f, "invitation-update"), 2);
	assert_true(fx_out_has(f, "invitation-update", "chloe@example.org", "SEQUENCE:1"));
	fx_expect_report(f, "training cancel", "training cancel: \"Kick-off\", sequence 2, sent to 2 people");
	assert_true(fx_out_has(f, "invitation-cancel", "chloe@example.org", "method=CANCEL"));
	fx_expect_report(f, "training cancel", "training: no training is planned");
	assert_int_equal(fx_int(f, "SELECT count(DISTINCT uid) FROM events"), 1);
	/* after a cancellation, a new session may be planned */
	fx_expect_report(f, "training 2026-03-30 10:00 1h Hall", "training: \"WIT Mentoring training\" planned");
}

static void test_a_pair_approved_later_is_invited(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	fx_applicant(f, "Bob <bob@example.org>",
	    "Role: mentor\nName: Bob\nDepartment: HR\nField: Law\n");
	fx_applicant(f, "eve@example.org", FX_EVE);
	free(fx_command(f, "match"));
	free(fx_command(f, "approve all"));
	assert_int_equal(fx_count(f, "invitation"), 4);
	assert_true(fx_out_has(f, "invitation", "eve@example.org", "method=REQUEST"));
}

static void test_plain_answers(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "invitation", "Oui merci\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "answer to the invitation recorded (ACCEPTED)");
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "invitation",
	    "Could we move it to the morning?\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: reply to an invitation");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE partstat = 'ACCEPTED'"
	    " AND source = 'text'"), 1);
}

static void test_calendar_answer_wins_by_sequence(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *uid = NULL, *raw;
	static const char fmt[] =
	    "From: alice@example.org\r\nTo: mentoring@example.org\r\nSubject: Accepted: Kick-off\r\n"
	    "Message-ID: <cal%d@example.org>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=UTF-8; method=REPLY\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "UID:%s\r\nSEQUENCE:%d\r\nDTSTAMP:2026030%dT100000Z\r\nDTSTART:20260320T130000Z\r\n"
	    "ORGANIZER:mailto:mentoring@example.org\r\n"
	    "ATTENDEE;PARTSTAT=%s:mailto:alice@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

	free(fx_command(f, PLAN));
	fx_out(f, "invitation", "alice@example.org", &o);
	fx_out_deinit(&o);
	assert_int_equal(store_query_text(f->st, &uid, "SELECT uid FROM events", NULL), 0);
	raw = xasprintf(fmt, 1, uid, 0, 3, "DECLINED");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_string_equal(f->h.class_name, "calendar");
	assert_string_equal(f->h.outcome, "calendar answer recorded (DECLINED)");
	/* an older answer does not replace a newer one */
	raw = xasprintf(fmt, 2, uid, 0, 2, "ACCEPTED");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_string_equal(f->h.outcome, "left for the committee: calendar reply to no invitation of ours");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE partstat = 'DECLINED'"), 1);
	/* one for an event we never sent */
	raw = xasprintf(fmt, 3, "other@example.com", 0, 4, "ACCEPTED");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_int_equal(f->h.needs_flag, 0);
	free(uid);
}

static void test_reminder_the_day_before_once(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "invitation", "non\n", NULL)), 0);
	f->e.now = FX_NOW + 17 * FX_DAY + 5 * 3600; /* 19 March, 14:00 */
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_count(f, "training-reminder"), 1);
	assert_true(fx_out_has(f, "training-reminder", "alice@example.org", "Room 1"));
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_count(f, "training-reminder"), 1);
}

static void test_tally_in_the_status(void **state)
{
	struct fx *f = *state;
	char *out;

	free(fx_command(f, PLAN));
	fx_handle(f, fx_reply(f, "chloe@example.org", "invitation", "yes\n", NULL));
	out = fx_command(f, "status");
	assert_non_null(strstr(out, "Kick-off, 2026-03-20 14:00: accepted 1, declined 0, tentative 0,"
	    " no answer 1"));
	free(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_paired, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_plan_invites_each_person_alone),
		T(test_update_and_cancel_keep_the_uid),
		T(test_a_pair_approved_later_is_invited),
		T(test_plain_answers),
		T(test_calendar_answer_wins_by_sequence),
		T(test_reminder_the_day_before_once),
		T(test_tally_in_the_status),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
