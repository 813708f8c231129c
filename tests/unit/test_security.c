/* Attacks on the robot, each with the message that carried it: what a
 * forger, a flood or a hostile name must not achieve. */
#include "fixture.h"

#include <dirent.h>
#include <sys/stat.h>

#include "applicant_change.h"
#include "form.h"
#include "inbound.h"
#include "quarantine.h"
#include "roster.h"
#include "sched.h"

/* A right-to-left override in the Name of a form reached the digest and
 * the mail that names the person. */
static void test_bidi_override_in_a_form_name(void **state)
{
	struct fx *f = *state;
	char *out;

	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "apply",
	    "Role: mentee\nName: Eve \xe2\x80\xae" "smadA\nDepartment: HR\nField: Law\n")), 0);
	assert_false(fx_out_has(f, "confirm-request", "eve@example.org", "=E2=80=AE"));
	assert_true(fx_out_has(f, "confirm-request", "eve@example.org", "Eve smadA"));
	free(fx_command(f, "digest"));
	out = fx_out_read(f, "digest", NULL);
	assert_null(strstr(out, "\xe2\x80\xae"));
	assert_non_null(strstr(out, "Eve smadA"));
	free(out);
}

/* "Name: Ann<U+202E>evil" was stripped in the body but encoded into the
 * To: of the mail written to the application's name. One rule for what
 * is shown, in headers and bodies. */
static void test_bidi_override_never_reaches_a_header(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_mail(f, "Ann \xe2\x80\xae" "live <ann@example.org>", "apply",
	    "Role: mentee\nName: Ann \xe2\x80\xae" "live\nDepartment: HR\nField: Law\n", NULL,
	    FX_DKIM_OK)), 0);
	fx_out(f, "confirm-request", "ann@example.org", &o);
	assert_non_null(strstr(o.data, "Ann live"));
	fx_out_deinit(&o);
	/* the reminder, to the name of the application */
	f->e.now += 7 * FX_DAY;
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent', sent_at = ?", "t",
	    f->e.now - 7 * FX_DAY), 0);
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_count(f, "confirm-request"), 2);
	fx_out(f, "confirm-request", "ann@example.org", &o);
	if (strstr(o.data, "\r\nTo: Ann live <ann@example.org>\r\n") == NULL)
		fail_msg("the To: header is not what is shown:\n%s", o.data);
	fx_out_deinit(&o);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE instr(CAST(data AS TEXT),"
	    " 'E2=80=AE') > 0 OR instr(CAST(data AS TEXT), '4oCu') > 0"), 0);
}

/* ---- notices to the committee ---- */

/* 200 "issue" messages from one address gave 200 notices and 200 cases:
 * now max_notices_per_sender a day, then one notice for all the others,
 * which stay in the mailbox for a person. */
static void test_issue_flood_is_merged_into_one_notice(void **state)
{
	struct fx *f = *state;
	long max = f->cfg->committee.max_notices_per_sender;
	int i;

	for (i = 0; i < 60; i++) {
		assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "issue", "Help me now\n",
		    NULL, FX_DKIM_OK)), 0);
		if (i >= max)
			assert_int_equal(f->h.needs_flag, 0);
	}
	assert_int_equal(fx_count(f, "issue-notice"), max);
	assert_int_equal(fx_count(f, "notice-limit"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases"), max);
	assert_true(fx_out_has(f, "notice-limit", "chair@example.org", "this notice stands for all of them"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound WHERE class = 'human'"), 60 - max);
	/* the next day counts again */
	fx_days(f, 1);
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "issue", "Still there\n", NULL,
	    FX_DKIM_OK)), 0);
	assert_int_equal(fx_count(f, "issue-notice"), max + 1);
}

/* 300 "issue" messages from 300 addresses sent 301 notices to each member
 * in one cycle. Now at most max_notices_per_day from all senders, then one
 * notice saying how many more wait in the mailbox. */
static void test_issue_flood_from_many_addresses(void **state)
{
	struct fx *f = *state;
	long max = 5, i;

	f->cfg->committee.max_notices_per_day = max;
	for (i = 0; i < 12; i++) {
		char *from = xasprintf("v%ld@example.net", i);

		assert_int_equal(fx_handle(f, fx_msg(f, from, "issue", "Help me now\n")), 0);
		assert_int_equal(f->h.needs_flag, i < max);
		free(from);
	}
	assert_int_equal(fx_count(f, "issue-notice"), max);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'notice-limit'"
	    " AND status = 'queued'"), 1);
	assert_true(fx_out_has(f, "notice-limit", "chair@example.org", "7 more"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound WHERE class = 'human'"), 12 - max);
	/* a member is never limited */
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "issue", "Mine\n", NULL,
	    FX_DKIM_OK)), 0);
	assert_int_equal(fx_count(f, "issue-notice"), max + 1);
}

/* A forged "issue" in a participant's name read as hers. Now the notice
 * says the sender is not verified, unless the receiving server vouches. */
static void test_issue_notice_says_sender_not_verified(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "issue", "Forged words\n")), 0);
	assert_true(fx_out_has(f, "issue-notice", "chair@example.org", "Sender not verified"));
	assert_int_equal(fx_handle(f, fx_mail(f, "alice@example.org", "issue", "Her own words\n", NULL,
	    FX_DKIM_OK)), 0);
	assert_false(fx_out_has(f, "issue-notice", "chair@example.org", "Sender not verified"));
}

/* ---- forged replies ----
 *
 * Our Message-IDs were mentord.ROW.INSTANCE@domain: the instance shows in
 * every message, the row counts up. Each attack below guesses the
 * identifier of a message the robot sent to someone else, in that old
 * form, and forges a reply from that person's address. */

/* The identifier an attacker would guess for our latest message of kind
 * to the address to (allocated). */
static char *guessed(struct fx *f, const char *kind, const char *to)
{
	struct fx_out o;
	char *id;

	fx_out(f, kind, to, &o);
	id = xasprintf("mentord.%lld.%s@example.org", (long long)o.id, store_instance(f->st));
	fx_out_deinit(&o);
	return id;
}

/* A forged reply: From the victim, In-Reply-To the guessed identifier. */
static int forge(struct fx *f, const char *from, const char *kind, const char *victim,
    const char *text)
{
	char *id = guessed(f, kind, victim);
	int r = fx_handle(f, fx_mail(f, from, "Re: your request", text, id, NULL));

	free(id);
	return r;
}

/* A forged "approve all" from the chair held for her confirmation, then a
 * forged "yes" to the request sent to her: it ran the commands. */
static void test_forged_yes_approves_nothing(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	assert_int_equal(fx_handle(f, fx_msg(f, "chair@example.org", "approve all", "")), 0);
	assert_string_equal(f->h.outcome, "committee commands held for confirmation");
	assert_int_equal(forge(f, "chair@example.org", "confirm-request", "chair@example.org", "yes\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 0);
	assert_int_equal(f->h.needs_flag, 0);
	assert_int_equal(fx_count(f, "introduction"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations WHERE done_at IS NOT NULL"), 0);
}

static void test_forged_yes_closes_no_cohort(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "vice@example.org", "cohort close", "")), 0);
	assert_string_equal(f->h.outcome, "committee commands held for confirmation");
	assert_int_equal(forge(f, "vice@example.org", "confirm-request", "vice@example.org", "yes\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cohorts WHERE status = 'open'"), 1);
}

/* An application made in someone else's name, confirmed by a forged yes. */
static void test_forged_yes_confirms_no_application(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "Eve Adams <eve@example.org>", "apply", FX_EVE)), 0);
	assert_int_equal(forge(f, "eve@example.org", "confirm-request", "eve@example.org", "yes\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'confirmed'"), 0);
	assert_int_equal(fx_count(f, "confirmed"), 0);
}

static void test_forged_yes_withdraws_nobody(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "withdraw", "")), 0);
	assert_int_equal(forge(f, "chloe@example.org", "confirm-request", "chloe@example.org", "oui\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'withdrawn'"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
	assert_int_equal(fx_count(f, "withdrawn"), 0);
}

static void test_forged_yes_erases_nobody(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	assert_int_equal(fx_handle(f, fx_msg(f, "alice@example.org", "forget me", "")), 0);
	assert_int_equal(forge(f, "alice@example.org", "confirm-request", "alice@example.org", "yes\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name = 'Alice Martin'"), 1);
	assert_int_equal(fx_count(f, "erased"), 0);
}

/* A check-in answer "end" in someone's name ended their pair. */
static void test_forged_checkin_answer(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	f->e.now = FX_NOW + 14 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(forge(f, "alice@example.org", "checkin", "alice@example.org", "end\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE answer IS NOT NULL"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
	/* nor with a check-in's identifier that the forger was sent herself */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "alice@example.org", "chloe@example.org",
	    "checkin", "end\n", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM checkins WHERE answer IS NOT NULL"), 0);
}

/* An RSVP in someone's name: by a plain reply to a guessed identifier, or
 * by a calendar answer with the session's UID, which every participant has
 * in their own invitation. */
static void test_forged_rsvp(void **state)
{
	struct fx *f = *state;
	char *raw, *uid = NULL;
	static const char fmt[] =
	    "From: %s\r\nTo: mentoring@example.org\r\nSubject: Declined: Kick-off\r\n"
	    "Message-ID: <rsvp%d@example.org>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=UTF-8; method=REPLY\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\n"
	    "BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:5\r\nDTSTAMP:20260303T100000Z\r\n"
	    "ORGANIZER:mailto:mentoring@example.org\r\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:chloe@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

	fx_paired(f);
	free(fx_command(f, "training 2026-03-20 14:00 2h Room 1, Kick-off"));
	assert_int_equal(forge(f, "chloe@example.org", "invitation", "chloe@example.org", "non\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE partstat <> 'NEEDS-ACTION'"), 0);
	/* the session's UID, from the forger's own address or from Chloe's */
	assert_int_equal(store_query_text(f->st, &uid, "SELECT uid FROM events", NULL), 0);
	raw = xasprintf(fmt, "alice@example.org", 1, uid);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	raw = xasprintf(fmt, "chloe@example.org", 2, uid);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	free(uid);
	/* Alice's own UID does not answer for Chloe */
	assert_int_equal(store_query_text(f->st, &uid, "SELECT r.uid FROM rsvps r JOIN people p"
	    " ON p.id = r.person_id WHERE p.address = 'alice@example.org'", NULL), 0);
	raw = xasprintf(fmt, "alice@example.org", 3, uid);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	free(uid);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM rsvps WHERE partstat <> 'NEEDS-ACTION'"), 0);
	assert_int_equal(f->h.needs_flag, 0);
}

/* Feedback in someone's name, or from a stranger, reached the committee
 * as the participant's. */
static void test_forged_feedback(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	free(fx_command(f, "cohort close"));
	assert_int_equal(fx_count(f, "feedback"), 2);
	/* in her name, to the guessed identifier of her own request */
	assert_int_equal(forge(f, "chloe@example.org", "feedback", "chloe@example.org",
	    "1. 1/5\nTerrible programme, the committee is useless.\n"), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM feedback WHERE answered_at IS NOT NULL"), 0);
	assert_int_equal(forge(f, "mallory@example.net", "feedback", "chloe@example.org",
	    "Terrible programme, the committee is useless.\n"), 0);
	assert_int_equal(fx_handle(f, fx_reply_as(f, "chloe@example.org", "alice@example.org",
	    "feedback", "My mentor never came.\n", NULL)), 0);
	assert_int_equal(fx_count(f, "feedback"), 2);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE rcpt LIKE '%chair%'"
	    " AND kind = 'feedback'"), 0);
}

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

/* A UTF-8 address (RFC 6531) failed the answer and quarantined the
 * message: now it is left for the committee while the SMTP server is not
 * known to offer SMTPUTF8, and answered when it is. */
static void test_utf8_address_left_or_answered(void **state)
{
	struct fx *f = *state;
	const char *raw = "From: =?UTF-8?Q?J=C3=B6rg?= <j\xc3\xb6rg@b\xc3\xbc" "cher.example>\r\n"
	    "Subject: help\r\nMessage-ID: <u1@example.net>\r\n\r\nhelp\r\n";
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: From address in UTF-8"
	    " (RFC 6531), and the SMTP server does not offer SMTPUTF8");
	assert_int_equal(f->h.needs_flag, 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
	/* the sender found that the server does not */
	assert_int_equal(store_exec(f->st, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES('smtputf8', '0')", ""), 0);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
	/* and then that it does */
	assert_int_equal(store_exec(f->st, "UPDATE meta SET value = '1' WHERE key = 'smtputf8'", ""), 0);
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	assert_string_equal(f->h.outcome, "help sent");
	fx_out(f, "help", "j\xc3\xb6rg@b\xc3\xbc" "cher.example", &o);
	if (strstr(o.data, "\r\nTo: =?UTF-8?B?SsO2cmc=?= <j\xc3\xb6rg@b\xc3\xbc"
	    "cher.example>\r\n") == NULL)
		fail_msg("no To for the UTF-8 address:\n%.600s", o.data);
	fx_out_deinit(&o);
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

/* ---- delivery reports, loops ---- */

static char *dsn(const char *recipient, const char *message_id, const char *diagnostic)
{
	return xasprintf("From: MAILER-DAEMON@mx.example.net\r\nTo: mentoring@example.org\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn.%s>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
	    " boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\n"
	    "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
	    "Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n"
	    "Diagnostic-Code: smtp; 550 %s\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
	    "From: mentoring@example.org\r\nTo: %s\r\nMessage-ID: <%s>\r\n--b--\r\n",
	    message_id, recipient, diagnostic, recipient, message_id);
}

/* A forged delivery report that matched no message of ours marked an
 * address as bouncing and put the forger's words in the digest. */
static void test_forged_delivery_report(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *raw, *out;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	/* a Message-ID of ours never sent to Alice: one the forger was sent */
	assert_int_equal(fx_handle(f, fx_msg(f, "mallory@example.net", "help", "")), 0);
	fx_out(f, "help", "mallory@example.net", &o);
	raw = dsn("alice@example.org", o.message_id, "VISIT-EVIL-EXAMPLE-NOW");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_string_equal(f->h.outcome, "report matching no message we sent to that address; not counted");
	/* and one that names no message of ours at all */
	raw = dsn("alice@example.org", "made.up@evil.example", "VISIT-EVIL-EXAMPLE-NOW");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE bouncing = 1"), 0);
	out = fx_command(f, "status");
	assert_null(strstr(out, "VISIT-EVIL"));
	free(out);
	/* the real one, for the message that went to her, counts */
	fx_out_deinit(&o);
	fx_out(f, "confirmed", "alice@example.org", &o);
	raw = dsn("alice@example.org", o.message_id, "mailbox unavailable");
	assert_int_equal(fx_handle(f, fx_parse(f, raw)), 0);
	free(raw);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE bouncing = 1"), 1);
	fx_out_deinit(&o);
}

/* X-Loop naming our address made any message ours, and swallowed it: a
 * forwarding alias adds it to a person's message. */
static void test_x_loop_from_a_forwarding_alias(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_mail(f, "Eve Adams <eve@example.org>", "apply", FX_EVE, NULL,
	    "X-Loop: mentoring@example.org\r\n")), 0);
	assert_string_equal(f->h.class_name, "command");
	assert_string_equal(f->h.outcome, "application #1 recorded, confirmation asked");
}

/* ---- backscatter ---- */

/* Forged requests naming one victim: the victim gets at most
 * max_answers_per_unproven_address answers a day, and the outcome of the
 * others says they were held back. */
static void test_flood_from_one_forged_address(void **state)
{
	struct fx *f = *state;
	int i;

	for (i = 0; i < 60; i++) {
		assert_int_equal(fx_handle(f, fx_msg(f, "victim@example.net", i % 2 ? "help" : "status", "")), 0);
		if (i == 3)
			assert_string_equal(f->h.outcome,
			    "help held back (address not proven, and it had its answers for today)");
	}
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 3);
}

/* One forged "help" in a victim's name held back every later message to
 * her ("its one message sent already"): her application the next day got
 * no confirmation request and expired, her "status" went unanswered, and
 * a corrected form in a new message got nothing. Now each message of hers
 * that asks for an answer gets one. */
static void test_forged_help_does_not_silence_the_applicant(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "victim@partner.example", "help", "")), 0);
	assert_int_equal(fx_count(f, "help"), 1);
	fx_days(f, 1);
	assert_int_equal(fx_handle(f, fx_msg(f, "Vic Tim <victim@partner.example>", "apply",
	    "Role: mentee\nName: Vic Tim\nDepartment: HR\n")), 0);
	assert_int_equal(fx_count(f, "form-errors"), 1);
	assert_int_equal(fx_handle(f, fx_msg(f, "Vic Tim <victim@partner.example>", "apply",
	    "Role: mentee\nName: Vic Tim\nDepartment: HR\nField: Law\n")), 0);
	assert_string_equal(f->h.outcome, "application #1 recorded, confirmation asked");
	assert_int_equal(fx_count(f, "confirm-request"), 1);
	assert_int_equal(fx_handle(f, fx_msg(f, "victim@partner.example", "status", "")), 0);
	assert_string_equal(f->h.outcome, "status sent");
	assert_int_equal(fx_count(f, "status"), 1);
	/* her "yes" confirms it, and she is proven from then on */
	assert_int_equal(fx_handle(f, fx_reply(f, "victim@partner.example", "confirm-request", "yes\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "application #1 confirmed");
}

/* An application in a victim's name: the confirmation request answers
 * it; the reminder a week later, which nobody asked for, is held. */
static void test_forged_application_gets_no_reminder(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "victim@example.net", "apply",
	    "Role: mentee\nName: Vic Tim\nDepartment: HR\nField: Law\n")), 0);
	f->e.now += 8 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE envelope_to = 'victim@example.net'"), 1);
}

/* Forged mail from many addresses: at most max_unproven_per_hour answers an
 * hour, the others wait, and the digest says so. */
static void test_flood_from_many_forged_addresses(void **state)
{
	struct fx *f = *state;
	long cap = f->cfg->programme.max_unproven_per_hour, i;
	char *out;

	for (i = 0; i < cap + 5; i++) {
		char *from = xasprintf("v%ld@example.net", i);

		assert_int_equal(fx_handle(f, fx_msg(f, from, "help", "")), 0);
		free(from);
	}
	assert_int_equal(fx_count(f, "help"), cap + 5);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE next_attempt > 1772438400"), 5);
	out = fx_command(f, "status");
	if (strstr(out, "Answers to unproven senders waiting for the hourly limit\n"
	    "(max_unproven_per_hour = 30): 5, the last going at 2026-03-02 10:00") == NULL)
		fail_msg("status says nothing of the waiting answers:\n%s", out);
	free(out);
	/* a sender vouched for by the receiving server is not limited */
	assert_int_equal(fx_handle(f, fx_mail(f, "real@example.org", "help", "", NULL, FX_DKIM_OK)), 0);
	assert_int_equal(fx_int(f, "SELECT unproven FROM outbound ORDER BY id DESC LIMIT 1"), 0);
}

/* 10,200 forged "help" at once pushed a real applicant's confirmation
 * request 14 days out, and her application expired while the request was
 * still queued ("a request already settled" to her later yes). Now the
 * request goes first under the hourly cap, and confirm_days count from
 * its sending. */
static void test_flood_does_not_delay_a_confirmation_request(void **state)
{
	struct fx *f = *state;
	long cap = 5, i;
	time_t hour = f->e.now - f->e.now % 3600;
	int64_t when = 0;

	f->cfg->programme.max_unproven_per_hour = cap;

	for (i = 0; i < 10 * cap; i++) {
		char *from = xasprintf("v%ld@example.net", i);

		assert_int_equal(fx_handle(f, fx_msg(f, from, "help", "")), 0);
		free(from);
	}
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE next_attempt >= 1772438400 + 9 * 3600"),
	    cap);
	assert_int_equal(fx_handle(f, fx_msg(f, "ann@example.org", "apply",
	    "Role: mentee\nName: Ann Lee\nDepartment: HR\nField: Law\n")), 0);
	assert_int_equal(store_query_int(f->st, &when, "SELECT next_attempt FROM outbound"
	    " WHERE kind = 'confirm-request'", NULL), 0);
	assert_true(when <= hour + 3600);
	/* her corrected form's request goes first too */
	assert_int_equal(fx_handle(f, fx_msg(f, "ann@example.org", "apply",
	    "Role: mentee\nName: Ann Lee\nDepartment: HR\nField: Tax law\n")), 0);
	assert_int_equal(store_query_int(f->st, &when, "SELECT next_attempt FROM outbound"
	    " WHERE kind = 'confirm-request' AND ref_kind = 'confirmation'", NULL), 0);
	assert_true(when <= hour + 3600);
	{
		char *out = fx_command(f, "status");

		if (strstr(out, "the oldest has waited 0 h") == NULL ||
		    strstr(out, "Applications whose confirmation request has not gone yet\n"
		    "  2026-03-02  ann@example.org               waits for the hourly limit") == NULL)
			fail_msg("status says nothing of the waiting request:\n%s", out);
		free(out);
	}
	/* the answer it put off goes in the first hour with room; none is lost */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE next_attempt >= 1772438400 + 10 * 3600"),
	    2);
	assert_int_equal(fx_int(f, "SELECT sum(count) FROM unproven_hours"), 10 * cap + 2);
	/* 20 days on, the request still queued: the application waits */
	f->e.now += 20 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'pending'"), 1);
	/* sent now, it runs for confirm_days from now */
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent', sent_at = ?"
	    " WHERE kind = 'confirm-request' AND ref_kind = 'application'", "t", f->e.now), 0);
	f->e.now += (f->cfg->programme.confirm_days - 1) * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	/* her yes to the change confirms the application with it */
	assert_int_equal(fx_handle(f, fx_reply(f, "ann@example.org", "confirm-request", "yes\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "change to application #1 confirmed, and the application with it");
}

/* A pending application whose request has not been sent by the end of its
 * days does not expire; one with none sent expires from its arrival. */
static void test_confirmation_clock_starts_when_the_request_is_sent(void **state)
{
	struct fx *f = *state;
	long days = f->cfg->programme.confirm_days;

	assert_int_equal(fx_handle(f, fx_msg(f, "ann@example.org", "apply",
	    "Role: mentee\nName: Ann Lee\nDepartment: HR\nField: Law\n")), 0);
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET next_attempt = ?", "t",
	    f->e.now + 3 * FX_DAY), 0);
	f->e.now += 3 * FX_DAY;
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent', sent_at = ?", "t",
	    f->e.now), 0);
	f->e.now += (days - 1) * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'pending'"), 1);
	f->e.now += FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'expired'"), 1);
	/* a request that failed: from the application's arrival */
	assert_int_equal(fx_handle(f, fx_msg(f, "bo@example.org", "apply",
	    "Role: mentee\nName: Bo Lee\nDepartment: HR\nField: Law\n")), 0);
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'failed' WHERE status = 'queued'",
	    NULL), 0);
	f->e.now += days * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'expired'"), 2);
}

/* ---- changing someone's application ---- */

#define FX_FORGED_UPDATE "Department: Finance\nField: Accounting\nPreference: mallory@example.net\n" \
	"About: Please write to me only at bea.roux@evil.example\n"

/* A forged "update" in Bea's name rewrote her confirmed application at
 * once: match paired her with the forger, and the introduction carried
 * the planted text in her voice. Now it is a request to her address,
 * showing the change, applied only on her "yes". */
static void test_forged_update_is_a_request(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_applicant(f, "Bea Roux <bea@example.org>", "Role: mentee\nName: Bea Roux\n"
	    "Department: HR\nField: Law\n");
	assert_int_equal(fx_handle(f, fx_msg(f, "Bea Roux <bea@example.org>", "update",
	    FX_FORGED_UPDATE)), 0);
	assert_string_equal(f->h.outcome, "change to application #1 asked; confirmation requested");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'HR'"
	    " AND pref_mentors IS NULL AND about IS NULL"), 1);
	fx_out(f, "confirm-request", "bea@example.org", &o);
	assert_non_null(strstr(o.data, "change your application"));
	assert_non_null(strstr(o.data, "Preference: mallory@example.net"));
	assert_non_null(strstr(o.data, "Department: Finance"));
	fx_out_deinit(&o);
	/* her "no" drops it */
	assert_int_equal(fx_handle(f, fx_reply(f, "bea@example.org", "confirm-request", "No, I never"
	    " asked for this.\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "change to an application declined");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'HR'"), 1);
	/* a forged reply to the request counts for nothing: it needs what
	 * was sent to her alone */
	assert_int_equal(fx_handle(f, fx_msg(f, "Bea Roux <bea@example.org>", "update",
	    "Department: Finance\nField: Law\n")), 0);
	assert_string_equal(f->h.outcome, "change to application #1 asked; confirmation requested");
	assert_int_equal(fx_handle(f, fx_mail(f, "bea@example.org", "Re: please confirm", "yes\n",
	    "mentord.5.AAAAAAAAAAAAAAAAAAAA@example.org", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'HR'"), 1);
	/* her own "yes" applies it */
	assert_int_equal(fx_handle(f, fx_reply(f, "bea@example.org", "confirm-request", "yes\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "change to application #1 confirmed");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'Finance'"), 1);
	assert_true(fx_out_has(f, "confirmed", "bea@example.org", "Finance"));
}

/* Applying again from the same address "updated the open application",
 * name included. Now the same request; a message the receiving server
 * vouches for changes it at once. */
static void test_forged_application_sent_again_is_a_request(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Bea Roux <bea@example.org>", "Role: mentee\nName: Bea Roux\n"
	    "Department: HR\nField: Law\n");
	assert_int_equal(fx_handle(f, fx_msg(f, "bea@example.org", "apply",
	    "Role: mentee\nName: Mallory\nDepartment: Finance\nField: Accounting\n"
	    "Preference: mallory@example.net\n")), 0);
	assert_string_equal(f->h.outcome, "change to application #1 asked; confirmation requested");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name = 'Bea Roux'"
	    " AND department = 'HR'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE name = 'Bea Roux'"), 1);
	assert_true(fx_out_has(f, "confirm-request", "bea@example.org", "Hello Bea Roux"));
	assert_true(fx_out_has(f, "confirm-request", "bea@example.org", "Name: Mallory"));
	/* vouched for: at once */
	assert_int_equal(fx_handle(f, fx_mail(f, "bea@example.org", "apply",
	    "Role: mentee\nName: Bea Roux-Martin\nDepartment: HR\nField: Tax law\n", NULL,
	    FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application sent again: updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name = 'Bea Roux-Martin'"
	    " AND field = 'Tax law'"), 1);
}

/* A change of one field only (as a one-line update gives it) travels
 * whole in the request and is applied on "yes". */
static void test_change_of_one_field(void **state)
{
	struct fx *f = *state;
	struct application live;
	struct msgctx c;
	struct form form;
	char *err = NULL;

	fx_applicant(f, "Bea Roux <bea@example.org>", "Role: mentee\nName: Bea Roux\n"
	    "Department: HR\nField: Law\n");
	assert_int_equal(roster_application_by_id(&f->e, 1, &live), 1);
	memset(&c, 0, sizeof(c));
	memset(&f->h, 0, sizeof(f->h));
	c.e = &f->e;
	c.m = fx_msg(f, "bea@example.org", "update", "");
	c.h = &f->h;
	c.text = f->templates + strlen(f->templates); /* "" */
	form_init(&form);
	form.department = xstrdup("Finance");
	form.present = FK_DEPARTMENT;
	assert_int_equal(applicant_change_request(&c, &live, &form, 0, &err), 0);
	assert_null(err);
	assert_true(fx_out_has(f, "confirm-request", "bea@example.org", "Department: Finance"));
	assert_int_equal(fx_handle(f, fx_reply(f, "bea@example.org", "confirm-request", "yes\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "change to application #1 confirmed");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'Finance'"
	    " AND field = 'Law' AND name = 'Bea Roux'"), 1);
	/* retention: the request's copy of the fields goes with the cohort */
	free(fx_command(f, "cohort close"));
	f->e.now += (f->cfg->programme.retention_days + 1) * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations WHERE kind = 'update'"
	    " AND (payload IS NOT NULL OR address <> 'erased')"), 0);
	form_deinit(&form);
	roster_application_deinit(&live);
}

/* A pending application corrected in a new message: her "yes" to the
 * change confirms the application with it. */
static void test_pending_application_corrected_then_confirmed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "ann@example.org", "apply",
	    "Role: mentee\nName: Ann Lee\nDepartment: HR\nField: Law\n")), 0);
	assert_int_equal(fx_handle(f, fx_msg(f, "ann@example.org", "apply",
	    "Role: mentee\nName: Ann Lee\nDepartment: HR\nField: Tax law\nAbout: Two lines\n"
	    "  of about\n")), 0);
	assert_string_equal(f->h.outcome, "change to application #1 asked; confirmation requested");
	assert_int_equal(fx_handle(f, fx_reply(f, "ann@example.org", "confirm-request", "oui\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "change to application #1 confirmed, and the application with it");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'confirmed'"
	    " AND field = 'Tax law' AND about = 'Two lines' || char(10) || 'of about'"), 1);
}

/* ---- a participant's subject ---- */

/* Dora wrote "unpair 1 we both agreed to stop, thanks" (left for the
 * committee); the chair replied to all, and "Re: unpair 1 ..." ended pair
 * 1. A member's reply to, or forward of, a message that is not the
 * robot's own is never a command; the member's own command still is. */
static void test_reply_to_a_participant_is_no_command(void **state)
{
	struct fx *f = *state;
	const struct mime_msg *dora;
	const char *subject = "unpair 1 we both agreed to stop, thanks";

	fx_paired(f);
	dora = fx_msg(f, "chloe@example.org", subject, "Can you end our pair?\n");
	assert_int_equal(fx_handle(f, dora), 0);
	assert_string_equal(f->h.class_name, "human");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "Re: unpair 1 we both agreed to stop, thanks",
	    "Noted, thanks.\n", dora->message_id, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.class_name, "human");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "Fwd: unpair 1 we both agreed to stop",
	    "For the committee.\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.class_name, "human");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "[WIT] TR: unpair 1 agreed",
	    "For the committee.\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.class_name, "human");
	/* in a thread that began with one of ours, the message answered is
	 * still hers */
	{
		struct fx_out o;
		struct mime_msg *m;
		const char **refs;

		fx_out(f, "introduction", NULL, &o);
		m = fx_mail(f, "chair@example.org", "Re: unpair 1 we both agreed to stop, thanks",
		    "Noted.\n", dora->message_id, FX_DKIM_OK);
		refs = arena_alloc(m->arena, 2 * sizeof(*refs));
		refs[0] = arena_strdup(m->arena, o.message_id);
		refs[1] = dora->message_id;
		m->references = refs;
		m->n_references = 2;
		fx_out_deinit(&o);
		assert_int_equal(fx_handle(f, m), 0);
		assert_int_equal(f->h.needs_flag, 0);
		m = fx_mail(f, "chair@example.org", "Re: unpair 1 we both agreed to stop, thanks",
		    "Noted.\n", NULL, FX_DKIM_OK);
		refs = arena_alloc(m->arena, 2 * sizeof(*refs));
		refs[0] = arena_strdup(m->arena, dora->message_id);
		refs[1] = dora->message_id;
		m->references = refs;
		m->n_references = 2;
		assert_int_equal(fx_handle(f, m), 0);
		assert_string_equal(f->h.class_name, "human");
	}
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "unpair 1 they agreed to stop",
	    "", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.class_name, "command");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 0);
}

/* ---- the quarantine ---- */

/* A quarantined copy as cycle.c makes it: the file, then its row. */
static char *quarantined(struct fx *f, uint32_t uid, size_t bytes, time_t at)
{
	char *dir = xasprintf("%s/quarantine", f->cfg->paths.spool);
	char *path = xasprintf("%s/1-%u.eml", dir, uid), *data = xcalloc(1, bytes + 1), mid[32];
	struct store_inbound row;
	int64_t id = 0;

	memset(data, 'x', bytes);
	assert_int_equal(mkdir_p(dir, 0700), 0);
	assert_int_equal(file_write_atomic(path, data, bytes, 0600), 0);
	snprintf(mid, sizeof(mid), "q%u@example.net", uid);
	memset(&row, 0, sizeof(row));
	row.mailbox = "INBOX";
	row.uidvalidity = 1;
	row.uid = uid;
	row.message_id = mid;
	row.class_name = "quarantined";
	row.outcome = "unreadable";
	row.received_at = at;
	row.quarantine = path;
	assert_int_equal(store_inbound_add(f->st, &row, &id), 0);
	free(dir);
	free(data);
	return path;
}

static uint64_t spool_bytes(struct fx *f)
{
	char *dir = xasprintf("%s/quarantine", f->cfg->paths.spool);
	DIR *d = opendir(dir);
	struct dirent *de;
	uint64_t n = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct stat sb;

		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			n += (uint64_t)sb.st_size;
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return n;
}

/* 20 unreadable 9 MB messages left 180 MB in spool/quarantine/, kept for
 * ever. Now quarantine_max_mb together (the oldest go, never the newest)
 * and quarantine_days each; the digest counts what went. (Here 20 of
 * 300 kB under 1 MB.) */
static void test_quarantine_is_bounded(void **state)
{
	struct fx *f = *state;
	long dropped = 0, total = 0;
	uint32_t i;
	char *out;

	assert_int_equal(f->cfg->paths.quarantine_max_mb, 100);
	assert_int_equal(f->cfg->paths.quarantine_days, 30);
	f->cfg->paths.quarantine_max_mb = 1;
	for (i = 1; i <= 20; i++) {
		char *path = quarantined(f, i, 300 * 1024, f->e.now + i);

		assert_int_equal(quarantine_prune(&f->e, path, &dropped), 0);
		total += dropped;
		free(path);
	}
	assert_true(spool_bytes(f) <= 1024 * 1024);
	assert_int_equal(total, 17);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound WHERE quarantine IS NOT NULL"), 3);
	assert_int_equal(fx_int(f, "SELECT max(uid) FROM inbound WHERE quarantine IS NULL"), 17);
	free(fx_command(f, "digest"));
	out = fx_out_read(f, "digest", NULL);
	if (strstr(out, "17 raw copies removed this week") == NULL)
		fail_msg("the digest does not count the removed copies:\n%s", out);
	free(out);
	/* past quarantine_days, by the scheduler */
	f->e.now += 31 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound WHERE quarantine IS NOT NULL"), 0);
	assert_int_equal(spool_bytes(f), 0);
}

/* Retention removes the raw copies received before the cohort it
 * anonymises closed. */
static void test_retention_removes_quarantined_copies(void **state)
{
	struct fx *f = *state;
	char *path;

	f->cfg->paths.quarantine_days = 36500;
	path = quarantined(f, 1, 100, f->e.now);
	free(fx_command(f, "cohort close"));
	f->e.now += (f->cfg->programme.retention_days + 1) * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM inbound WHERE quarantine IS NOT NULL"), 0);
	free(path);
}

/* ---- erasure ---- */

/* Every file the robot keeps, as bytes: the database, its log, the spool. */
static int files_hold(const char *dir, const char *needle, char *where, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		char *path;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			found = files_hold(path, needle, where, size);
		} else if (S_ISREG(sb.st_mode)) {
			char *data = NULL;
			size_t len = 0;

			if (file_read(path, 256u * 1024 * 1024, &data, &len) == 0 &&
			    memmem(data, len, needle, strlen(needle)) != NULL) {
				found = 1;
				str_copy(where, size, path);
			}
			free(data);
		}
		free(path);
	}
	closedir(d);
	return found;
}

/* After "forget me": the name, the address and the case text were still in
 * the committee's notice, the digest, the introductions, the withdrawal
 * notices and the audit log. Now nothing of them is anywhere in the files,
 * once the queue is sent. */
static void test_erasure_erases_everywhere(void **state)
{
	struct fx *f = *state;
	static const char *const gone[] = {
		"chloe@example.org", "Chlo\xc3\xa9 Petit", "Chlo=C3=A9 Petit", "Q2hsb8OpIFBldGl0",
		"ZQX fountain pen",
	};
	struct store_ids ids = { NULL, 0 };
	char where[512];
	size_t i;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "issue",
	    "ZQX fountain pen: my mentor keeps the meetings short.\n")), 0);
	assert_int_equal(fx_handle(f, fx_mail(f, "alice@example.org", "issue",
	    "Chlo\xc3\xa9 Petit seems unhappy.\n", NULL, FX_DKIM_OK)), 0);
	free(fx_command(f, "digest"));
	free(fx_command(f, "close 1"));
	/* what was there before */
	assert_true(files_hold(f->dir, "ZQX fountain pen", where, sizeof(where)));
	assert_true(files_hold(f->dir, "chloe@example.org", where, sizeof(where)));
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "oubliez-moi", "")), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "confirm-request", "oui\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "personal data erased");
	/* the queue is sent, as the sender marks it */
	assert_int_equal(store_query(f->st, "SELECT id FROM outbound WHERE status = 'queued'",
	    store_ids_row, &ids, NULL), 0);
	for (i = 0; i < ids.n; i++)
		assert_int_equal(store_outbound_mark_sent(f->st, ids.v[i], f->e.now), 0);
	free(ids.v);
	for (i = 0; i < ARRAY_SIZE(gone); i++)
		if (files_hold(f->dir, gone[i], where, sizeof(where)))
			fail_msg("\"%s\" is still in %s", gone[i], where);
	/* what is not hers stays: her partner, the cases, the actions */
	assert_true(files_hold(f->dir, "Alice Martin", where, sizeof(where)));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases"), 2);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE text LIKE '[erased] seems unhappy%'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE action = 'command'"), 5);
	assert_int_equal(fx_count(f, "withdrawn"), 2);
	assert_int_equal(fx_count(f, "erased"), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_quoted_local_part_is_not_the_chair),
		T(test_two_from_addresses_are_left),
		T(test_long_display_name_is_answered_bare),
		T(test_bidi_override_in_a_name),
		T(test_utf8_address_left_or_answered),
		T(test_bidi_override_in_a_form_name),
		T(test_issue_flood_is_merged_into_one_notice),
		T(test_forged_yes_approves_nothing),
		T(test_forged_yes_closes_no_cohort),
		T(test_forged_yes_confirms_no_application),
		T(test_forged_yes_withdraws_nobody),
		T(test_forged_yes_erases_nobody),
		T(test_forged_checkin_answer),
		T(test_forged_rsvp),
		T(test_forged_feedback),
		T(test_forged_delivery_report),
		T(test_x_loop_from_a_forwarding_alias),
		T(test_flood_from_one_forged_address),
		T(test_forged_help_does_not_silence_the_applicant),
		T(test_quarantine_is_bounded),
		T(test_retention_removes_quarantined_copies),
		T(test_issue_flood_from_many_addresses),
		T(test_issue_notice_says_sender_not_verified),
		T(test_forged_update_is_a_request),
		T(test_forged_application_sent_again_is_a_request),
		T(test_change_of_one_field),
		T(test_pending_application_corrected_then_confirmed),
		T(test_bidi_override_never_reaches_a_header),
		T(test_reply_to_a_participant_is_no_command),
		T(test_flood_does_not_delay_a_confirmation_request),
		T(test_confirmation_clock_starts_when_the_request_is_sent),
		T(test_forged_application_gets_no_reminder),
		T(test_flood_from_many_forged_addresses),
		T(test_erasure_erases_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
