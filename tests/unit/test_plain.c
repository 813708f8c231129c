/* Applicants who write in their own words, through the dispatcher: a near
 * command gets the closest one suggested, a request in plain words is
 * done, a real question gets one note that a person will read it, and an
 * update may change a single line. */
#include "fixture.h"
#include "roster.h"
#include "standing.h"

/* One message from a new sender: the kind of the one answer, or "" for
 * none; every message gets at most one. */
static const char *answer_kind(struct fx *f, const char *from, const char *subject,
    const char *text)
{
	static char kind[64];
	char *count = xasprintf("SELECT count(*) FROM outbound WHERE rcpt LIKE '%%,%s,%%'", from);
	char *last = xasprintf("SELECT kind FROM outbound WHERE rcpt LIKE '%%,%s,%%' ORDER BY id DESC"
	    " LIMIT 1", from);
	int64_t before = fx_int(f, count), n;
	char *k = NULL;

	assert_int_equal(fx_handle(f, fx_mail(f, from, subject, text, NULL, FX_DKIM_OK)), 0);
	n = fx_int(f, count) - before;
	if (n > 1)
		fail_msg("'%s': %lld answers", subject, (long long)n);
	kind[0] = '\0';
	if (n == 1) {
		assert_int_equal(store_query_text(f->e.st, &k, last, NULL), 0);
		str_copy(kind, sizeof(kind), k);
		free(k);
	}
	free(count);
	free(last);
	return kind;
}

static const struct {
	const char *subject, *text, *kind, *has;
} cases[] = {
	/* near commands */
	{ "staus", "", "suggestion", "\"status\"" },
	{ "Stauts", "", "suggestion", "\"status\"" },
	{ "statuts", "", "suggestion", "statut" },
	{ "withdarw", "", "suggestion", "\"withdraw\"" },
	{ "", "hepl\n", "suggestion", "\"help\"" },
	{ "candidatrue", "", "suggestion", "candidature" },
	/* requests in plain words */
	{ "How do I apply?", "", "help", "Role" },
	{ "Question", "Hi, I'd like to join the programme.\n", "help", "Role" },
	{ "Comment postuler ?", "", "help", "candidature" },
	{ "Confidential issue", "My mentor keeps cancelling.\n", "issue-ack", "case" },
	{ "Probl\xc3\xa8me confidentiel", "Bonjour,\n", "issue-ack", "dossier" },
	{ "Harassment", "It happened twice.\n", "issue-ack", "case" },
	{ "Leaving \xe2\x80\x93 please withdraw and delete my data", "", "confirm-request",
	  "erase" },
	{ "Je quitte", "Merci de supprimer mes donn\xc3\xa9" "es.\n", "confirm-request",
	  "effac" },
	{ "withdraw", "and please delete my data too\n", "confirm-request", "erase" },
	/* look-alike human questions: a note that a person will read them */
	{ "Is there anything I can do?", "", "passed-on", "a member of the" },
	{ "Lunch on Friday?", "Are you free?\n", "passed-on", "a member of the" },
	{ "Hello", "Could I join as both?\n", "passed-on", "a member of the" },
	{ "Question sur le programme", "Bonjour, est-ce ouvert aux stagiaires ?\n", "passed-on",
	  "a member of the" },
	{ "apple", "", "passed-on", "a member of the" },
};

static void test_plain_words(void **state)
{
	struct fx *f = *state;
	char from[64];
	const char *kind;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(from, sizeof(from), "p%zu@example.net", i);
		kind = answer_kind(f, from, cases[i].subject, cases[i].text);
		if (strcmp(kind, cases[i].kind) != 0)
			fail_msg("'%s': answered %s, expected %s (%s)", cases[i].subject,
			    kind[0] ? kind : "nothing", cases[i].kind, f->h.outcome);
		if (!fx_out_has(f, cases[i].kind, from, cases[i].has))
			fail_msg("'%s': the %s does not say %s", cases[i].subject, kind, cases[i].has);
	}
}

/* One note per conversation: not again in a thread that had it, nor in
 * one a member wrote in; and the mail stays for the committee. */
static void test_passed_on_once_per_conversation(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	struct mime_msg *first, *member;

	first = fx_mail(f, "zoe@example.net", "A question", "Is it open to interns?\n", NULL,
	    FX_DKIM_OK);
	assert_int_equal(fx_handle(f, first), 0);
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	assert_int_equal(f->h.needs_flag, 0);
	assert_int_equal(fx_count(f, "passed-on"), 1);
	/* her answer to the note */
	fx_out(f, "passed-on", "zoe@example.net", &o);
	assert_int_equal(fx_handle(f, fx_mail(f, "zoe@example.net", "Re: A question",
	    "Thanks, and also: can my manager know?\n", o.message_id, FX_DKIM_OK)), 0);
	fx_out_deinit(&o);
	assert_int_equal(fx_count(f, "passed-on"), 1);
	assert_int_equal(f->h.needs_flag, 0);
	/* a follow-up to her own first message */
	assert_int_equal(fx_handle(f, fx_mail(f, "zoe@example.net", "Re: A question",
	    "One more thing.\n", first->message_id, FX_DKIM_OK)), 0);
	assert_int_equal(fx_count(f, "passed-on"), 1);
	/* a member's mail in a conversation, then the applicant's reply to it */
	member = fx_mail(f, "chair@example.org", "Re: intern question", "Yes, it is.\n", NULL,
	    FX_DKIM_OK);
	assert_int_equal(fx_handle(f, member), 0);
	assert_int_equal(fx_handle(f, fx_mail(f, "yan@example.net", "Re: intern question",
	    "Great, thanks!\n", member->message_id, FX_DKIM_OK)), 0);
	assert_int_equal(fx_count(f, "passed-on"), 1);
	/* automatic mail never gets one */
	assert_int_equal(fx_handle(f, fx_mail(f, "ooo@example.net", "Out of office",
	    "I am away.\n", NULL, "Auto-Submitted: auto-replied\r\n")), 0);
	assert_int_equal(fx_count(f, "passed-on"), 1);
}

static void test_update_one_line(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "eve@example.org", FX_EVE);
	/* from a sender the receiving server vouches for: at once */
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "update", "Preference: any\n",
	    NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE preference = 'any'"), 1);
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "modifier",
	    "Bonjour,\n\nSujets : fiscalit\xc3\xa9\n\nMerci\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE topics LIKE 'fiscalit%'"),
	    1);
}

/* A form with a line missing, completed by a reply holding that line. */
static void test_form_completed_by_reply(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_mail(f, "gus@example.org", "apply",
	    "Role: mentee\nName: Gus Berg\nDepartment: IT\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "form with errors answered; nothing stored");
	assert_true(fx_out_has(f, "form-errors", "gus@example.org", "Field"));
	assert_true(fx_out_has(f, "form-errors", "gus@example.org", "blank"));
	assert_int_equal(fx_handle(f, fx_reply(f, "gus@example.org", "form-errors",
	    "Field: Software engineering\n", FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application #1 recorded, confirmation asked");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name = 'Gus Berg'"
	    " AND field = 'Software engineering' AND department = 'IT'"), 1);
	/* the kept form went with its use */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations WHERE payload IS NOT NULL"), 0);
	/* a reply to the confirmation request with a line: an update, which
	 * asks again, echoing the whole application */
	assert_int_equal(fx_handle(f, fx_reply(f, "gus@example.org", "confirm-request",
	    "Topics: testing\n", FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'pending'"
	    " AND topics = 'testing'"), 1);
	assert_true(fx_out_has(f, "confirm-request", "gus@example.org", "Software engineering"));
}

/* Lines in a reply to any message about the application change it; an
 * error shows the application, never the blank form. */
static void test_lines_in_a_reply_update(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "eve@example.org", FX_EVE);
	assert_int_equal(fx_handle(f, fx_reply(f, "eve@example.org", "confirmed",
	    "Hello,\n\nPreference: any\nTopics: negotiation\n\nEve\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "application updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE preference = 'any'"
	    " AND topics = 'negotiation'"), 1);
	assert_true(fx_out_has(f, "confirmed", "eve@example.org", "negotiation"));
	assert_int_equal(fx_handle(f, fx_reply(f, "eve@example.org", "confirmed",
	    "Capacity: lots\n", NULL)), 0);
	assert_true(fx_out_has(f, "form-errors", "eve@example.org", "Capacity"));
	assert_false(fx_out_has(f, "form-errors", "eve@example.org", "blank"));
	assert_true(fx_out_has(f, "form-errors", "eve@example.org", "Eve Adams"));
}

/* A case's reference says nothing of how many there are; a reply to its
 * acknowledgement is added to it, for the committee only. */
static void test_case_reference_and_addition(void **state)
{
	struct fx *f = *state;
	char *ref = NULL;

	assert_int_equal(fx_handle(f, fx_mail(f, "ida@example.org", "Confidential issue",
	    "My mentor keeps cancelling.\n", NULL, FX_DKIM_OK)), 0);
	assert_int_equal(store_query_text(f->e.st, &ref, "SELECT ref FROM cases WHERE id = 1", NULL),
	    0);
	assert_non_null(ref);
	assert_int_equal(strlen(ref), 4);
	assert_true(fx_out_has(f, "issue-ack", "ida@example.org", ref));
	assert_false(fx_out_has(f, "issue-ack", "ida@example.org", "case 1)"));
	/* someone else replying to it adds nothing */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "mallory@example.net", "ida@example.org",
	    "issue-ack", "Nothing to see here.\n", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE text LIKE '%Nothing to see%'"),
	    0);
	/* her reply is added, passed on, acknowledged with the reference */
	assert_int_equal(fx_handle(f, fx_reply(f, "ida@example.org", "issue-ack",
	    "It happened again today.\n", FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "added to case 1");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE text LIKE '%keeps cancelling%"
	    "happened again today%'"), 1);
	assert_int_equal(fx_count(f, "issue-notice"), 2);
	assert_true(fx_out_has(f, "issue-notice", NULL, "It happened again today"));
	assert_true(fx_out_has(f, "issue-ack", "ida@example.org", "added to case"));
	free(ref);
}

/* status shows the application as it stands and when the cohort opened */
static void test_status_shows_the_application(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "eve@example.org", FX_EVE);
	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "status", "")), 0);
	assert_true(fx_out_has(f, "status", "eve@example.org", "Field: Law"));
	assert_true(fx_out_has(f, "status", "eve@example.org", "opened on"));
	assert_true(fx_out_has(f, "status", "eve@example.org", "is confirmed"));
}

/* A department written otherwise is read as the listed one, and the
 * confirmation says how; one of no entry is kept, and said so. */
static void test_department_aliases(void **state)
{
	struct fx *f = *state;

	f->cfg->matching.departments = xstrdup("IT = Information Technology, IT dept;"
	    " HR = Human Resources");
	assert_int_equal(fx_handle(f, fx_msg(f, "ian@example.org", "apply", "Role: mentee\n"
	    "Name: Ian Roy\nDepartment: IT dept. (infrastructure team)\nField: Networks\n")), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'IT'"), 1);
	assert_true(fx_out_has(f, "confirm-request", "ian@example.org",
	    "Department: IT (you wrote 'IT dept. (infrastructure team)')"));
	assert_int_equal(fx_handle(f, fx_msg(f, "jo@example.org", "apply", "Role: mentee\n"
	    "Name: Jo Lee\nDepartment: Legal\nField: Contracts\n")), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE department = 'Legal'"),
	    1);
	assert_true(fx_out_has(f, "confirm-request", "jo@example.org", "kept as written"));
}

/* Why no partner: nobody with room in her field, or her preference. */
static void test_waitlist_reason(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct application a;
	int64_t eve, gus;

	fx_applicant(f, "alice@example.org", FX_ALICE);
	eve = fx_applicant(f, "eve@example.org", FX_EVE);
	gus = fx_applicant(f, "gus@example.org", "Role: mentee\nName: Gus Berg\nDepartment: HR\n"
	    "Field: software, Testing\nPreference: same-department\n");
	assert_int_equal(roster_application_by_id(&f->e, eve, &a), 1);
	assert_int_equal(standing_waitlist_vars(&f->e, &a, &v), 0);
	assert_string_equal(vars_get(&v, "no_room"), "1");
	assert_string_equal(vars_get(&v, "narrowed"), "");
	assert_string_equal(vars_get(&v, "field"), "Law");
	roster_application_deinit(&a);
	vars_deinit(&v);
	assert_int_equal(roster_application_by_id(&f->e, gus, &a), 1);
	assert_int_equal(standing_waitlist_vars(&f->e, &a, &v), 0);
	assert_string_equal(vars_get(&v, "no_room"), "");
	assert_string_equal(vars_get(&v, "narrowed"), "1");
	roster_application_deinit(&a);
	vars_deinit(&v);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_plain_words),
		T(test_passed_on_once_per_conversation),
		T(test_update_one_line),
		T(test_form_completed_by_reply),
		T(test_lines_in_a_reply_update),
		T(test_case_reference_and_addition),
		T(test_status_shows_the_application),
		T(test_department_aliases),
		T(test_waitlist_reason),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
