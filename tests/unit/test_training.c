/* training: the session's life (plan, update, cancel), one invitation per
 * person, RSVPs by calendar and by plain words, the reminder the day
 * before, and the invitation a pair approved later receives. */
#include "fixture.h"

#include <libical/ical.h>

#include "sched.h"

#define PLAN "training 2026-03-20 14:00 2h Room 1, Kick-off"

static void test_plan_invites_each_person_alone(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_expect_report(f, PLAN, "training: \"Kick-off\" planned, as session 1; 2 matched people invited");
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
	    "training update: \"Kick-off\" (session 1), the 2nd version of the invitation, sent to 2 people");
	assert_int_equal(fx_count(f, "invitation-update"), 2);
	assert_true(fx_out_has(f, "invitation-update", "chloe@example.org", "SEQUENCE:1"));
	fx_expect_report(f, "training cancel",
	    "training cancel: \"Kick-off\" (session 1) is cancelled; the cancellation was sent to 2 people");
	assert_true(fx_out_has(f, "invitation-cancel", "chloe@example.org", "method=CANCEL"));
	fx_expect_report(f, "training cancel", "training: no training is planned");
	assert_int_equal(fx_int(f, "SELECT count(DISTINCT uid) FROM events"), 1);
	/* after a cancellation, a new session may be planned */
	fx_expect_report(f, "training 2026-03-30 10:00 1h Hall", "training: \"WIT Mentoring training\" planned");
}

/* Updates and the cancellation carry the UID each person's calendar has:
 * the one kept in their RSVP row, though made under another key (a
 * database restored without its key file), and the session's own for an
 * invitation sent before UIDs were a person's own (a row without one). A
 * new UID would leave the first entry in the calendar, and add another. */
static void test_update_and_cancel_keep_the_uid_each_calendar_has(void **state)
{
	struct fx *f = *state;
	char *session = NULL, *line;

	free(fx_command(f, PLAN));
	assert_int_equal(store_query_text(f->st, &session, "SELECT uid FROM events", NULL), 0);
	assert_non_null(session);
	assert_int_equal(store_exec(f->st, "UPDATE rsvps SET uid = 'training-1-madeunderanotherkey@example.org'"
	    " WHERE person_id = (SELECT id FROM people WHERE address = 'chloe@example.org')", NULL), 0);
	assert_int_equal(store_exec(f->st, "UPDATE rsvps SET uid = NULL WHERE person_id ="
	    " (SELECT id FROM people WHERE address = 'alice@example.org')", NULL), 0);
	line = xasprintf("UID:%s\r\n", session);
	free(fx_command(f, "training update 2026-03-21 10:00 90m Room 2"));
	assert_true(fx_out_has(f, "invitation-update", "chloe@example.org",
	    "UID:training-1-madeunderanotherkey@example.org\r\n"));
	assert_true(fx_out_has(f, "invitation-update", "alice@example.org", line));
	free(fx_command(f, "training cancel"));
	assert_true(fx_out_has(f, "invitation-cancel", "chloe@example.org",
	    "UID:training-1-madeunderanotherkey@example.org\r\n"));
	assert_true(fx_out_has(f, "invitation-cancel", "alice@example.org", line));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE uid IS NULL"), 1);
	free(line);
	free(session);
}

/* The event of the latest message of kind to `to`, read back by libical:
 * its SUMMARY and DESCRIPTION (allocated), and whether an RSVP is asked. */
static void event_texts(struct fx *f, const char *kind, const char *to, char **summary_r,
    char **description_r, int *rsvp_r)
{
	struct fx_out o;
	struct mime_msg *m = NULL;
	const char *err = NULL;
	icalcomponent *cal, *ev;
	icalproperty *att;

	fx_out(f, kind, to, &o);
	assert_int_equal(mime_parse(o.data, strlen(o.data), &m, &err), 0);
	assert_non_null(m->calendar);
	cal = icalparser_parse_string(m->calendar);
	assert_non_null(cal);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_non_null(ev);
	*summary_r = xstrdup(icalcomponent_get_summary(ev));
	*description_r = xstrdup(icalcomponent_get_description(ev));
	att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	*rsvp_r = icalproperty_get_first_parameter(att, ICAL_RSVP_PARAMETER) != NULL;
	icalcomponent_free(cal);
	mime_free(&m);
	fx_out_deinit(&o);
}

static void expect_event(struct fx *f, const char *kind, const char *to, const char *summary,
    const char *in_description, int rsvp)
{
	char *s = NULL, *d = NULL;
	int r = 0;

	event_texts(f, kind, to, &s, &d, &r);
	if (strcmp(s, summary) != 0)
		fail_msg("%s to %s: SUMMARY [%s], expected [%s]", kind, to, s, summary);
	if (strstr(d, in_description) == NULL)
		fail_msg("%s to %s: no [%s] in the DESCRIPTION:\n%s", kind, to, in_description, d);
	assert_int_equal(r, rsvp);
	free(s);
	free(d);
}

/* Calendars show the event rather than the text part: its SUMMARY and
 * DESCRIPTION, with the programme's words and how to answer, are in the
 * person's language. */
static void test_calendar_in_the_persons_language(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_expect_report(f, "training 2026-03-20 14:00 2h Room 1",
	    "training: \"WIT Mentoring training\" planned");
	expect_event(f, "invitation", "alice@example.org", "WIT Mentoring training",
	    "Please answer with the Accept or Decline buttons of your calendar, or simply reply"
	    " \"yes\" or \"no\" to the invitation message.", 1);
	expect_event(f, "invitation", "chloe@example.org", "Formation WIT Mentoring",
	    "Merci de r\xc3\xa9pondre avec les boutons Accepter ou Refuser de votre agenda,", 1);
	expect_event(f, "invitation", "chloe@example.org", "Formation WIT Mentoring",
	    "\xc2\xab oui \xc2\xbb ou \xc2\xab non \xc2\xbb", 1);
	fx_out(f, "invitation", "chloe@example.org", &o);
	assert_non_null(strstr(o.subject, "Invitation : Formation WIT Mentoring, 2026-03-20 \xe2\x80\x93 WIT Mentoring"));
	fx_out_deinit(&o);
	free(fx_command(f, "training update 2026-03-21 10:00 90m Room 2, Premiers pas"));
	expect_event(f, "invitation-update", "alice@example.org", "Premiers pas",
	    "only an answer to its new version counts", 1);
	expect_event(f, "invitation-update", "chloe@example.org", "Premiers pas",
	    "seule une r\xc3\xa9ponse \xc3\xa0 sa nouvelle version compte", 1);
	free(fx_command(f, "training cancel"));
	expect_event(f, "invitation-cancel", "alice@example.org", "Premiers pas",
	    "This training session of WIT Mentoring is cancelled.", 0);
	expect_event(f, "invitation-cancel", "chloe@example.org", "Premiers pas",
	    "Cette s\xc3\xa9" "ance de formation de WIT Mentoring est annul\xc3\xa9" "e.", 0);
}

/* A calendar wraps DESCRIPTION itself (its folding, RFC 5545 3.1, is no
 * line break): each paragraph is one line, as libical reads it back, and
 * paragraphs are apart by one empty line. The text part keeps its lines
 * within 78 columns, says the day of the week, and the calendar part has
 * a file name. */
static void expect_paragraphs(struct fx *f, const char *kind, const char *to, const char *para)
{
	char *s = NULL, *d = NULL, *p, *next;
	size_t n = 0, found = 0;
	int r = 0;

	event_texts(f, kind, to, &s, &d, &r);
	for (p = d; p != NULL; p = next) {
		next = strstr(p, "\n\n");
		if (next != NULL)
			*next = '\0', next += 2;
		if (strchr(p, '\n') != NULL || *p == '\0')
			fail_msg("%s to %s: a line break inside a paragraph: [%s]", kind, to, p);
		found += strcmp(p, para) == 0;
		n++;
	}
	if (found != 1)
		fail_msg("%s to %s: %zu paragraphs, [%s] found %zu times", kind, to, n, para, found);
	free(s);
	free(d);
}

static void test_description_in_paragraphs(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, "training 2026-03-20 14:00 2h Room 1"));
	expect_paragraphs(f, "invitation", "alice@example.org", "Please answer with the Accept"
	    " or Decline buttons of your calendar, or simply reply \"yes\" or \"no\" to the"
	    " invitation message. When the session changes, only an answer to its new version"
	    " counts.");
	expect_paragraphs(f, "invitation", "chloe@example.org", "WIT Mentoring vous invite \xc3\xa0"
	    " cette s\xc3\xa9" "ance de formation. Elle pr\xc3\xa9pare mentors et mentor\xc3\xa9\xc2\xb7"
	    "es \xc3\xa0 leurs premi\xc3\xa8res rencontres, et permet de faire connaissance avec les"
	    " autres bin\xc3\xb4mes et le comit\xc3\xa9.");
	assert_true(fx_out_has(f, "invitation", "alice@example.org", "Date      Friday 2026-03-20"));
	assert_true(fx_out_has(f, "invitation", "chloe@example.org", "Date      vendredi 2026-03-20"));
	assert_true(fx_out_has(f, "invitation", "alice@example.org", "method=REQUEST;"));
	assert_true(fx_out_has(f, "invitation", "alice@example.org", " name=\"invite.ics\"\r\n"));
	free(fx_command(f, "training cancel"));
	expect_paragraphs(f, "invitation-cancel", "alice@example.org", "This training session of"
	    " WIT Mentoring is cancelled. If a new date is set, you will receive a new invitation.");
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

/* A calendar REPLY from alice@example.org to the session, with the UID of
 * her own invitation: its SEQUENCE, the day of March of its DTSTAMP and its
 * PARTSTAT. */
static struct mime_msg *calendar_reply(struct fx *f, int seq, int day, const char *partstat)
{
	static const char fmt[] =
	    "From: alice@example.org\r\nTo: mentoring@example.org\r\nSubject: Accepted: Kick-off\r\n"
	    "Message-ID: <cal%u@example.org>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=UTF-8; method=REPLY\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "UID:%s\r\nSEQUENCE:%d\r\nDTSTAMP:202603%02dT100000Z\r\nDTSTART:20260320T130000Z\r\n"
	    "ORGANIZER:mailto:mentoring@example.org\r\n"
	    "ATTENDEE;PARTSTAT=%s:mailto:alice@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct mime_msg *m;
	char *uid = NULL, *raw;

	assert_int_equal(store_query_text(f->st, &uid, "SELECT r.uid FROM rsvps r JOIN people p"
	    " ON p.id = r.person_id WHERE p.address = 'alice@example.org' ORDER BY r.event_id LIMIT 1",
	    NULL), 0);
	/* her invitation carries it */
	assert_true(fx_out_has(f, "invitation", "alice@example.org", uid));
	raw = xasprintf(fmt, ++f->serial, uid, seq, day, partstat);
	m = fx_parse(f, raw);
	free(raw);
	free(uid);
	return m;
}

static void expect_outcome(struct fx *f, struct mime_msg *m, const char *outcome)
{
	assert_int_equal(fx_handle(f, m), 0);
	if (strcmp(f->h.outcome, outcome) != 0)
		fail_msg("outcome [%s], expected [%s]", f->h.outcome, outcome);
}

/* The status must hold every line of want, in order. */
static void expect_status(struct fx *f, const char *want)
{
	char *out = fx_command(f, "status");

	if (strstr(out, want) == NULL)
		fail_msg("expected in the status:\n%s\ngot:\n%s", want, out);
	free(out);
}

static void test_calendar_answer_wins_by_sequence(void **state)
{
	struct fx *f = *state;
	char *raw;
	static const char other[] =
	    "From: alice@example.org\r\nTo: mentoring@example.org\r\nSubject: Accepted\r\n"
	    "Message-ID: <cal-other@example.org>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=UTF-8; method=REPLY\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "UID:other@example.com\r\nSEQUENCE:0\r\nDTSTAMP:20260304T100000Z\r\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

	free(fx_command(f, PLAN));
	expect_outcome(f, calendar_reply(f, 0, 3, "DECLINED"),
	    "calendar answer recorded (DECLINED, sequence 0)");
	assert_string_equal(f->h.class_name, "calendar");
	assert_int_equal(f->h.needs_flag, 1);
	/* an older answer does not replace a newer one */
	expect_outcome(f, calendar_reply(f, 0, 2, "ACCEPTED"),
	    "calendar answer older than the answer recorded, not counted (ACCEPTED, sequence 0)");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE partstat = 'DECLINED'"), 1);
	/* a SEQUENCE still to come is taken for the current one */
	expect_outcome(f, calendar_reply(f, 7, 4, "TENTATIVE"),
	    "calendar answer recorded (TENTATIVE, sequence 7)");
	assert_int_equal(fx_int(f, "SELECT reply_seq FROM rsvps WHERE partstat = 'TENTATIVE'"), 0);
	/* one for an event we never sent */
	raw = xstrdup(other);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_int_equal(f->h.needs_flag, 0);
}

/* Thunderbird's ACCEPTED with SEQUENCE:0 for a session updated, then
 * cancelled at SEQUENCE 2: stale, and a cancelled session counts nothing. */
static void test_stale_answer_to_a_cancelled_session(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	expect_outcome(f, calendar_reply(f, 0, 3, "ACCEPTED"),
	    "calendar answer recorded (ACCEPTED, sequence 0)");
	free(fx_command(f, "training update 2026-03-21 10:00 90m Room 2"));
	free(fx_command(f, "training cancel"));
	expect_outcome(f, calendar_reply(f, 0, 4, "ACCEPTED"),
	    "calendar answer recorded as stale, not counted (ACCEPTED, sequence 0;"
	    " the training is cancelled)");
	/* even one naming the cancellation's own SEQUENCE */
	expect_outcome(f, calendar_reply(f, 2, 5, "ACCEPTED"),
	    "calendar answer recorded as stale, not counted (ACCEPTED, sequence 2;"
	    " the training is cancelled)");
	assert_int_equal(f->h.needs_flag, 1);
	expect_status(f, "  session 1: Kick-off, 2026-03-21 10:00 (cancelled)\n"
	    "    cancelled: no answer counts\n");
	/* a plain yes to the cancellation is stale too */
	expect_outcome(f, fx_reply(f, "chloe@example.org", "invitation-cancel", "Oui\n", NULL),
	    "answer to a cancelled training recorded as stale, not counted (ACCEPTED)");
}

/* A REPLY for an earlier version counts for nothing once the session has
 * moved; a fresh answer to the current version does. */
static void test_stale_answer_after_an_update(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, PLAN));
	expect_outcome(f, calendar_reply(f, 0, 3, "ACCEPTED"),
	    "calendar answer recorded (ACCEPTED, sequence 0)");
	expect_status(f, "  session 1: Kick-off, 2026-03-20 14:00\n"
	    "    accepted 1, declined 0, tentative 0, no answer 1\n\n");
	free(fx_command(f, "training update 2026-03-21 10:00 90m Room 2"));
	expect_status(f, "  session 1: Kick-off, 2026-03-21 10:00\n"
	    "    accepted 0, declined 0, tentative 0, no answer 2\n"
	    "    not counted, 1 answered an earlier version only:\n"
	    "      Alice Martin                                      accepted\n\n");
	/* an answer for sequence 0 that comes late is stale, not counted */
	expect_outcome(f, calendar_reply(f, 0, 4, "DECLINED"),
	    "calendar answer recorded as stale, not counted (DECLINED, sequence 0;"
	    " the invitation is at sequence 1)");
	expect_status(f, "    accepted 0, declined 0, tentative 0, no answer 2\n");
	expect_outcome(f, calendar_reply(f, 1, 5, "DECLINED"),
	    "calendar answer recorded (DECLINED, sequence 1)");
	expect_status(f, "    accepted 0, declined 1, tentative 0, no answer 1\n\n");
	/* and then none for sequence 0 can take its place */
	expect_outcome(f, calendar_reply(f, 0, 6, "ACCEPTED"),
	    "calendar answer recorded as stale, not counted (ACCEPTED, sequence 0;"
	    " the invitation is at sequence 1)");
	expect_status(f, "    accepted 0, declined 1, tentative 0, no answer 1\n\n");
}

/* A plain "yes" to the first invitation counts for the updated one only
 * when the person wrote it after the update reached them. */
static void test_plain_yes_after_an_update(void **state)
{
	struct fx *f = *state;
	struct mime_msg *m;
	time_t sent;

	free(fx_command(f, PLAN));
	fx_days(f, 1);
	free(fx_command(f, "training update 2026-03-21 10:00 90m Room 2"));
	/* the update is queued, not delivered yet */
	fx_days(f, 0.1);
	expect_outcome(f, fx_reply(f, "chloe@example.org", "invitation", "Oui\n", NULL),
	    "answer to an invitation since updated, written before the update reached them,"
	    " recorded as stale, not counted (ACCEPTED)");
	expect_status(f, "    accepted 0, declined 0, tentative 0, no answer 2\n"
	    "    not counted, 1 answered an earlier version only:\n"
	    "      Chlo\xc3\xa9 Petit                                       accepted\n");
	/* the update reaches them; Alice wrote before it, Chloé after */
	sent = f->e.now + 3600;
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent', sent_at = ?"
	    " WHERE kind = 'invitation-update'", "t", sent), 0);
	fx_days(f, 0.5);
	m = fx_reply(f, "alice@example.org", "invitation", "Yes, thanks\n", NULL);
	m->date = sent - 60;
	expect_outcome(f, m, "answer to an invitation since updated, written before the update"
	    " reached them, recorded as stale, not counted (ACCEPTED)");
	m = fx_reply(f, "chloe@example.org", "invitation", "Non, d\xc3\xa9sol\xc3\xa9" "e\n", NULL);
	m->date = sent + 60;
	expect_outcome(f, m, "answer to the invitation recorded (DECLINED)");
	expect_status(f, "    accepted 0, declined 1, tentative 0, no answer 1\n"
	    "    not counted, 1 answered an earlier version only:\n"
	    "      Alice Martin                                      accepted\n");
	/* an answer to the update itself is for it, whatever its Date says */
	m = fx_reply(f, "alice@example.org", "invitation-update", "yes\n", NULL);
	m->date = sent - 3600;
	expect_outcome(f, m, "answer to the invitation recorded (ACCEPTED)");
	expect_status(f, "    accepted 1, declined 1, tentative 0, no answer 0\n\n");
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
	assert_non_null(strstr(out, "  session 1: Kick-off, 2026-03-20 14:00\n"
	    "    accepted 1, declined 0, tentative 0, no answer 1\n"));
	free(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_paired, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_plan_invites_each_person_alone),
		T(test_update_and_cancel_keep_the_uid),
		T(test_update_and_cancel_keep_the_uid_each_calendar_has),
		T(test_a_pair_approved_later_is_invited),
		T(test_calendar_in_the_persons_language),
		T(test_description_in_paragraphs),
		T(test_plain_answers),
		T(test_calendar_answer_wins_by_sequence),
		T(test_stale_answer_to_a_cancelled_session),
		T(test_stale_answer_after_an_update),
		T(test_plain_yes_after_an_update),
		T(test_reminder_the_day_before_once),
		T(test_tally_in_the_status),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
