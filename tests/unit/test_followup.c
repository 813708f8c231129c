/* followup: the programme clock after an introduction (check-ins, one
 * nudge, then a flag), the one-line answers, the feedback at the end, the
 * reminder and expiry of an unconfirmed application, and retention. */
#include "fixture.h"

#include "applicant.h"
#include "sched.h"

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

static void test_checkins_are_sent_once_each(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	run_at(f, 13);
	assert_int_equal(fx_count(f, "checkin"), 0);
	run_at(f, 14);
	assert_int_equal(fx_count(f, "checkin"), 2);
	fx_out(f, "checkin", "chloe@example.org", &o);
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_non_null(strstr(o.data, "Alice Martin"));
	assert_string_equal(o.ref_kind, "checkin");
	fx_out_deinit(&o);
	run_at(f, 15);
	assert_int_equal(fx_count(f, "checkin"), 2);
	/* a daemon down for months sends only the latest one due */
	run_at(f, 14 + 42 * 2 + 1);
	assert_int_equal(fx_count(f, "checkin"), 4);
	assert_int_equal(fx_int(f, "SELECT max(number) FROM checkins"), 3);
}

static void test_silence_is_nudged_then_flagged(void **state)
{
	struct fx *f = *state;
	char *text;

	run_at(f, 14);
	fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "ok\n", NULL));
	assert_string_equal(f->h.outcome, "check-in answer: ok");
	run_at(f, 24);
	assert_int_equal(fx_count(f, "checkin-nudge"), 1);
	assert_true(fx_out_has(f, "checkin-nudge", "chloe@example.org", "Content-Language: fr"));
	/* the reminder says when she was asked, not "a few days ago" */
	text = fx_out_read(f, "checkin-nudge", "chloe@example.org");
	if (strstr(text, "Le 16 mars, nous vous demandions comment se passe votre mentorat avec"
	    " Alice Martin.") == NULL)
		fail_msg("%s", text);
	free(text);
	run_at(f, 25);
	assert_int_equal(fx_count(f, "checkin-nudge"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE flagged_at IS NOT NULL"), 0);
	run_at(f, 34);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE flagged_at IS NOT NULL"), 1);
}

static void test_answers(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	run_at(f, 14);
	/* from another address: no answer of theirs, left */
	fx_handle(f, fx_reply_as(f, "eve@example.org", "alice@example.org", "checkin", "ok\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE answer IS NOT NULL"), 0);
	fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "Well, it is complicated\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: check-in answer in words");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE answer = 'other'"), 1);
	fx_handle(f, fx_reply(f, "chloe@example.org", "checkin", "problème on ne se voit jamais\n", NULL));
	assert_string_equal(f->h.outcome, "check-in answer: problem; case 1 opened");
	fx_out(f, "issue-notice", NULL, &o);
	assert_non_null(strstr(o.data, "on ne se voit jamais"));
	assert_non_null(strstr(o.data, "from a check-in answer"));
	fx_out_deinit(&o);
	assert_int_equal(fx_count(f, "issue-ack"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE pair_id = 1"), 1);
}

static void test_pause_and_end(void **state)
{
	struct fx *f = *state;

	run_at(f, 14);
	fx_days(f, 6);
	fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "pause\n", NULL));
	assert_string_equal(f->h.outcome, "check-in answer: pause");
	/* paused for one period from the answer: the next check-in waits */
	run_at(f, 14 + 42);
	assert_int_equal(fx_count(f, "checkin"), 2);
	run_at(f, 20 + 42);
	assert_int_equal(fx_count(f, "checkin"), 4);
	fx_handle(f, fx_reply(f, "chloe@example.org", "checkin", "fin\n", NULL));
	assert_string_equal(f->h.outcome, "check-in answer: end");
	assert_true(fx_out_has(f, "issue-notice", "chair@example.org", "answered \"end\""));
	/* the pair goes on until the committee decides */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
}

static void test_feedback_at_the_end(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	run_at(f, 185);
	assert_int_equal(fx_count(f, "feedback"), 2);
	run_at(f, 186);
	assert_int_equal(fx_count(f, "feedback"), 2);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "It was great.\n", NULL));
	assert_string_equal(f->h.outcome, "feedback answer in words; passed to the committee");
	fx_out(f, "feedback", "vice@example.org", &o);
	assert_non_null(strstr(o.data, "It was great."));
	assert_null(strstr(o.data, "What the robot recorded"));
	fx_out_deinit(&o);
	/* a reply in words counts as an answer: it is kept, for the committee */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE answered_at IS NOT NULL"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE text = 'It was great.'"), 1);
}

/* Each person's answers are recorded on their own row, in both languages
 * and several shapes; what is unclear is kept as text and shown to the
 * committee, never counted. */
static void test_feedback_answers_recorded(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	run_at(f, 185);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback"), 2);
	fx_out(f, "feedback", "chloe@example.org", &o);
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_string_equal(o.ref_kind, "feedback");
	fx_out_deinit(&o);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 4/5\n2. every two weeks\n"
	    "3. yes\n4. yes, as a mentor\n5. I learnt as much as my mentee.\n6. yes\n", NULL));
	assert_string_equal(f->h.outcome, "feedback answer: 6 of 6 question(s) answered, 0 unclear;"
	    " passed to the committee");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback f JOIN people p ON p.id = f.person_id"
	    " WHERE p.address = 'alice@example.org' AND f.role = 'mentor' AND f.usefulness = 4"
	    " AND f.meetings = 'fortnightly' AND f.continuing = 'yes' AND f.again = 'yes'"
	    " AND f.again_as = 'mentor' AND f.quote = 'I learnt as much as my mentee.'"
	    " AND f.quote_ok = 1 AND f.unclear IS NULL"), 1);
	assert_true(fx_out_has(f, "feedback", "chair@example.org", "1. usefulness: 4 of 5"));
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback", "5 - tr\xc3\xa8s utile\n"
	    "quand nos agendas le permettaient\n", NULL));
	assert_string_equal(f->h.outcome, "feedback answer: 1 of 6 question(s) answered, 0 unclear;"
	    " passed to the committee");
	/* a second reply completes the first; an unclear answer is kept */
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback", "2. quand nos agendas le"
	    " permettaient\n4. oui, comme mentor\xc3\xa9" "e\n", NULL));
	assert_string_equal(f->h.outcome, "feedback answer: 2 of 6 question(s) answered, 1 unclear;"
	    " passed to the committee");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback f JOIN people p ON p.id = f.person_id"
	    " WHERE p.address = 'chloe@example.org' AND f.role = 'mentee' AND f.usefulness = 5"
	    " AND f.meetings IS NULL AND f.again = 'yes' AND f.again_as = 'mentee'"
	    " AND f.unclear = '2. quand nos agendas le permettaient' AND f.quote_ok = 0"), 1);
	fx_out(f, "feedback", "chair@example.org", &o);
	assert_non_null(strstr(o.data, "quand nos agendas le permettaient"));
	assert_non_null(strstr(o.data, "Reply-To: chloe@example.org"));
	fx_out_deinit(&o);
	/* from another address (a reply to a message not sent to its
	 * sender): left for a person, nothing recorded */
	fx_handle(f, fx_reply_as(f, "eve@example.org", "alice@example.org", "feedback", "1. 1\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE usefulness = 1"), 0);
}

/* One reminder to whoever has not answered, never to someone who has,
 * never a second one; a reply to the reminder counts. */
static void test_feedback_nudged_once(void **state)
{
	struct fx *f = *state;
	char *text;

	run_at(f, 185);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 5\n", NULL));
	run_at(f, 185 + 9);
	assert_int_equal(fx_count(f, "feedback-nudge"), 0);
	run_at(f, 185 + 10);
	assert_int_equal(fx_count(f, "feedback-nudge"), 1);
	assert_true(fx_out_has(f, "feedback-nudge", "chloe@example.org", "Content-Language: fr"));
	text = fx_out_read(f, "feedback-nudge", "chloe@example.org");
	if (strstr(text, "Le 3 septembre, nous vous demandions comment s'est pass\xc3\xa9 votre"
	    " mentorat de l'\xc3\xa9" "dition 2026.") == NULL)
		fail_msg("%s", text);
	free(text);
	run_at(f, 185 + 20);
	assert_int_equal(fx_count(f, "feedback-nudge"), 1);
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback-nudge", "1. 3\n", NULL));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE answered_at IS NOT NULL"), 2);
	run_at(f, 185 + 40);
	assert_int_equal(fx_count(f, "feedback-nudge"), 1);
}

/* The words of feedback are personal data: erased by forget and at
 * retention; the figures stay, belonging to no one. */
static void test_feedback_words_erased(void **state)
{
	struct fx *f = *state;
	char *err = NULL;

	run_at(f, 185);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 4\n2. weekly at first,"
	    " then monthly\n5. My best year.\n6. yes\n", NULL));
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback", "1. 5\n5. Merci !\n6. oui\n", NULL));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE quote IS NOT NULL"), 2);
	/* delivered: what was sent is erased, what waits in the queue still goes */
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent'", NULL), 0);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(applicant_erase(&f->e, "alice@example.org", &err), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE quote IS NOT NULL OR"
	    " text IS NOT NULL OR unclear IS NOT NULL"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE usefulness = 4"), 1);
	/* the committee's copy of her answer is hers too: its words went with her */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'feedback'"
	    " AND envelope_to LIKE 'chair%' AND instr(CAST(data AS TEXT), 'My best year') > 0"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'feedback'"
	    " AND envelope_to LIKE 'chair%' AND instr(CAST(data AS TEXT), 'Merci') > 0"), 1);
	free(fx_command(f, "cohort close"));
	run_at(f, 186 + 366);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE quote IS NOT NULL OR"
	    " text IS NOT NULL OR unclear IS NOT NULL"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE usefulness IS NOT NULL"), 2);
	/* what the report counts of the pair stays too */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE same_department = 1"
	    " AND shared_field = 1"), 1);
}

static void test_unconfirmed_application_reminded_then_expired(void **state)
{
	struct fx *f = *state;

	f->e.now = FX_NOW;
	/* the receiving server vouches for Eve: she may be reminded */
	fx_handle(f, fx_mail(f, "eve@example.org", "apply", FX_EVE, NULL, FX_DKIM_OK));
	/* Gus is not vouched for: he is sent nothing he did not ask for, no
	 * reminder */
	fx_handle(f, fx_msg(f, "gus@example.net", "apply",
	    "Role: mentee\nName: Gus Grey\nDepartment: HR\nField: Law\n"));
	/* the requests are sent: the days count from then */
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent', sent_at = ?",
	    "t", f->e.now), 0);
	run_at(f, 6);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'confirm-request'"
	    " AND envelope_to = 'eve@example.org'"), 1);
	run_at(f, 7);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'confirm-request'"
	    " AND envelope_to = 'eve@example.org'"), 2);
	assert_true(fx_out_has(f, "confirm-request", "eve@example.org", "waiting for you"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE envelope_to = 'gus@example.net'"), 1);
	run_at(f, 8);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'confirm-request'"
	    " AND envelope_to = 'eve@example.org'"), 2);
	run_at(f, 14);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'expired'"), 2);
}

static void test_retention_after_close(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, "cohort close"));
	run_at(f, 364);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL"), 0);
	run_at(f, 366);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL"), 2);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name IS NOT NULL"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cohorts WHERE status = 'anonymised'"), 1);
	/* the counts stay */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs"), 1);
}

static void test_weekly_digest(void **state)
{
	struct fx *f = *state;

	/* Monday 08:00 is before FX_NOW: the first digest is the next one */
	run_at(f, 0);
	run_at(f, 6.9);
	assert_int_equal(fx_count(f, "digest"), 0);
	run_at(f, 7);
	assert_int_equal(fx_count(f, "digest"), 1);
	assert_true(fx_out_has(f, "digest", "chair@example.org", "Cohort 2026"));
	run_at(f, 7.5);
	assert_int_equal(fx_count(f, "digest"), 1);
	/* down for three weeks: the latest missed digest, once */
	run_at(f, 30);
	assert_int_equal(fx_count(f, "digest"), 2);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_paired, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_checkins_are_sent_once_each),
		T(test_silence_is_nudged_then_flagged),
		T(test_answers),
		T(test_pause_and_end),
		T(test_feedback_at_the_end),
		T(test_feedback_answers_recorded),
		T(test_feedback_nudged_once),
		T(test_feedback_words_erased),
		T(test_unconfirmed_application_reminded_then_expired),
		T(test_retention_after_close),
		T(test_weekly_digest),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
