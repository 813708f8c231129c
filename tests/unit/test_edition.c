/* edition: the call for participants of a new cohort, to the people who
 * said they would take part again and to the previous waitlist, nobody
 * else, each once, in their language; the carry-over of an application by
 * a reply that says yes, from the address asked only. */
#include "fixture.h"

#include "applicant.h"
#include "sched.h"

static const struct {
	const char *from, *form;
} cast[] = {
	{ "Alice Martin <alice@example.org>", "Role: mentor\nName: Alice Martin\nDepartment: IT\n"
	    "Field: Software\nLanguage: en\n" },
	{ "Carol Diaz <carol@example.org>", "Role: mentor\nName: Carol Diaz\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\n" },
	{ "chloe@example.org", "R\xc3\xb4le : mentor\xc3\xa9" "e\nNom : Chlo\xc3\xa9 Petit\n"
	    "D\xc3\xa9partement : IT\nDomaine : Software\n" },
	{ "Eve Adams <eve@example.org>", "Role: mentee\nName: Eve Adams\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\n" },
	{ "Fay Wong <fay@example.org>", "Role: mentee\nName: Fay Wong\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\nTopics: negotiation\n" },
	{ "Ivy Moss <ivy@example.org>", "Role: mentee\nName: Ivy Moss\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\n" },
	{ "Hal Ives <hal@example.org>", "Role: mentee\nName: Hal Ives\nDepartment: Finance\n"
	    "Field: Accounting\nLanguage: en\n" },
};

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

static int64_t count_to(struct fx *f, const char *kind, const char *to)
{
	int64_t v = 0;

	assert_int_equal(store_query_int(f->st, &v, "SELECT count(*) FROM outbound WHERE kind = ?"
	    " AND envelope_to = ?", "ss", kind, to), 0);
	return v;
}

/* Cohort 2026 played to its end: two pairs, three waitlisted, one of them
 * erased; feedback that says yes, no and maybe to taking part again. */
static void first_edition(struct fx *f)
{
	char *err = NULL, *out;
	size_t i;

	fx_cohort(f, "2026");
	for (i = 0; i < ARRAY_SIZE(cast); i++)
		fx_applicant(f, cast[i].from, cast[i].form);
	free(fx_command(f, "match"));
	out = fx_command(f, "approve all");
	assert_non_null(strstr(out, "waitlist: 3 applicant(s)"));
	free(out);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(applicant_erase(&f->e, "hal@example.org", &err), 0);
	assert_int_equal(store_commit(f->st), 0);
	run_at(f, 185);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 5\n4. yes, as a mentor\n", NULL));
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback", "4. oui, comme mentor\n", NULL));
	fx_handle(f, fx_reply(f, "carol@example.org", "feedback", "4. no\n", NULL));
	fx_handle(f, fx_reply(f, "eve@example.org", "feedback", "4. maybe\n", NULL));
	f->e.now = FX_NOW + 190 * FX_DAY;
	free(fx_command(f, "cohort close"));
}

static void test_the_call_goes_to_the_willing_and_the_waitlist(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *out, *text;
	int64_t before;

	first_edition(f);
	before = fx_int(f, "SELECT count(*) FROM outbound");
	f->e.now = FX_NOW + 200 * FX_DAY;
	out = fx_command(f, "cohort open 2027 --announce");
	if (strstr(out, "cohort open: 2027 is open") == NULL ||
	    strstr(out, "announce: the call for cohort 2027 went to 2 past participant(s) willing to"
	    " take part again and to 2 waitlisted applicant(s) of cohort 2026, offered to carry"
	    " their application over") == NULL)
		fail_msg("%s", out);
	free(out);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound") - before, 4);
	assert_int_equal(count_to(f, "announcement", "alice@example.org"), 1);
	assert_int_equal(count_to(f, "announcement", "chloe@example.org"), 1);
	assert_int_equal(count_to(f, "carry-over", "fay@example.org"), 1);
	assert_int_equal(count_to(f, "carry-over", "ivy@example.org"), 1);
	/* in their language, with the role they said */
	fx_out(f, "announcement", "chloe@example.org", &o);
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_non_null(strstr(o.data, "(comme mentor)"));
	fx_out_deinit(&o);
	text = fx_out_read(f, "announcement", "alice@example.org");
	assert_non_null(strstr(text, "you told us that you would take part again (as a mentor) in"
	    " WIT Mentoring."));
	/* her last application, filled in, to send back as it is */
	if (strstr(text, "Role: mentor Name: Alice Martin Department:") == NULL ||
	    strstr(text, "Language: English") == NULL || strstr(text, "Name:  ") != NULL)
		fail_msg("%s", text);
	free(text);
	/* what is carried over is shown, as it stands */
	fx_out(f, "carry-over", "fay@example.org", &o);
	assert_non_null(strstr(o.data, "Topics: negotiation"));
	assert_non_null(strstr(o.data, "cohort 2026"));
	assert_string_equal(o.ref_kind, "confirmation");
	fx_out_deinit(&o);
	/* nobody else: not the erased, not "no", not "maybe" */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind IN ('announcement',"
	    " 'carry-over') AND (envelope_to LIKE '%hal%' OR envelope_to LIKE '%carol%'"
	    " OR envelope_to LIKE '%eve%' OR envelope_to = 'erased')"), 0);
	/* once each */
	out = fx_command(f, "cohort open 2027 --announce");
	assert_non_null(strstr(out, "announce: the call for cohort 2027 went out before"));
	free(out);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound") - before, 4);
	/* no call without the flag, nor for a cohort that is not the open one */
	out = fx_command(f, "cohort open 2028 --announce");
	assert_non_null(strstr(out, "announce: cohort 2028 is not the open one; nothing was sent"));
	free(out);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound") - before, 4);
}

static void test_carry_over_by_reply(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	first_edition(f);
	f->e.now = FX_NOW + 200 * FX_DAY;
	free(fx_command(f, "cohort open 2027 --announce"));
	/* from another address: nothing (a reply to a message not sent to
	 * its sender answers nothing) */
	fx_handle(f, fx_reply_as(f, "mallory@example.net", "fay@example.org", "carry-over", "yes\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications a JOIN cohorts c ON c.id = a.cohort_id"
	    " WHERE c.name = '2027'"), 0);
	/* words: kept for a person, and the offer still waits */
	fx_handle(f, fx_reply(f, "ivy@example.org", "carry-over", "Let me ask my manager first.\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: answer to a carry-over offer in words");
	fx_handle(f, fx_reply(f, "ivy@example.org", "carry-over", "No thanks\n", NULL));
	assert_string_equal(f->h.outcome, "carry-over declined");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications a JOIN cohorts c ON c.id = a.cohort_id"
	    " WHERE c.name = '2027'"), 0);
	/* yes: confirmed as it stood, with nothing to fill in */
	fx_handle(f, fx_reply(f, "fay@example.org", "carry-over", "Yes please!\n", NULL));
	assert_string_equal(f->h.outcome, "application carried over to cohort 2027");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications a JOIN cohorts c ON c.id = a.cohort_id"
	    " WHERE c.name = '2027' AND a.status = 'confirmed' AND a.carried_from IS NOT NULL"
	    " AND a.name = 'Fay Wong' AND a.topics = 'negotiation' AND a.confirmed_at IS NOT NULL"), 1);
	fx_out(f, "confirmed", "fay@example.org", &o);
	assert_non_null(strstr(o.data, "2027"));
	assert_non_null(strstr(o.data, "Topics: negotiation"));
	assert_string_equal(o.ref_kind, "application");
	fx_out_deinit(&o);
	/* a second yes changes nothing */
	fx_handle(f, fx_reply(f, "fay@example.org", "carry-over", "yes\n", NULL));
	assert_string_equal(f->h.outcome, "already confirmed");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE carried_from IS NOT NULL"), 1);
}

/* The waitlist notice and the offer say the same thing: an application
 * is carried over only on a "yes". The offer says until when, one
 * reminder comes half-way to whoever has not answered, and a "yes" after
 * that day is left for a person. */
static void test_carry_over_reminded_once_then_lapses(void **state)
{
	struct fx *f = *state;
	char *text;

	first_edition(f);
	text = fx_out_read(f, "waitlist", "fay@example.org");
	if (strstr(text, "When the next cohort opens, we will ask whether to carry your application"
	    " over to it: it is carried over only if you reply \"yes\" to that message.") == NULL ||
	    strstr(text, "nothing is needed from you.") != NULL)
		fail_msg("%s", text);
	free(text);
	f->e.now = FX_NOW + 200 * FX_DAY;
	free(fx_command(f, "cohort open 2027 --announce"));
	text = fx_out_read(f, "carry-over", "fay@example.org");
	if (strstr(text, "reply \"yes\" to this message by Friday 2 October, and it is confirmed") == NULL ||
	    strstr(text, "Without an answer by Friday 2 October, your application is not carried over:"
	    " we will remind you once before then.") == NULL)
		fail_msg("%s", text);
	free(text);
	fx_handle(f, fx_reply(f, "ivy@example.org", "carry-over", "no\n", NULL));
	run_at(f, 206.9);
	assert_int_equal(count_to(f, "carry-over", "fay@example.org"), 1);
	run_at(f, 207);
	assert_int_equal(count_to(f, "carry-over", "fay@example.org"), 2);
	assert_int_equal(count_to(f, "carry-over", "ivy@example.org"), 1);
	text = fx_out_read(f, "carry-over", "fay@example.org");
	if (strstr(text, "A reminder: we have not heard from you yet.") == NULL ||
	    strstr(text, "Without an answer by Friday 2 October, your application is not carried"
	    " over.") == NULL)
		fail_msg("%s", text);
	free(text);
	run_at(f, 213);
	assert_int_equal(count_to(f, "carry-over", "fay@example.org"), 2);
	f->e.now = FX_NOW + 214 * FX_DAY;
	fx_handle(f, fx_reply(f, "fay@example.org", "carry-over", "yes\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: carry-over after the offer lapsed");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE carried_from IS NOT NULL"), 0);
}

/* "yes" after the new cohort closed: nothing is carried over. */
static void test_carry_over_after_close(void **state)
{
	struct fx *f = *state;

	first_edition(f);
	f->e.now = FX_NOW + 200 * FX_DAY;
	free(fx_command(f, "cohort open 2027 --announce"));
	free(fx_command(f, "cohort close"));
	fx_handle(f, fx_reply(f, "fay@example.org", "carry-over", "oui\n", NULL));
	assert_string_equal(f->h.outcome, "left for the committee: carry-over after the cohort closed");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE carried_from IS NOT NULL"), 0);
	/* the offers go with the personal data of the cohort they came from */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations WHERE kind = 'carry-over'"
	    " AND address LIKE '%@example.org'"), 2);
	run_at(f, 190 + 366);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM confirmations WHERE kind = 'carry-over'"
	    " AND (address <> 'erased' OR payload IS NOT NULL)"), 0);
}

/* People of an anonymised cohort are never written to. */
static void test_no_call_after_anonymisation(void **state)
{
	struct fx *f = *state;
	char *out;

	first_edition(f);
	run_at(f, 190 + 366);
	f->e.now = FX_NOW + (190 + 367) * FX_DAY;
	out = fx_command(f, "cohort open 2027 --announce");
	assert_non_null(strstr(out, "went to 0 past participant(s) willing to take part again and to"
	    " 0 waitlisted applicant(s)"));
	free(out);
	assert_int_equal(fx_count(f, "announcement") + fx_count(f, "carry-over"), 0);
}

/* In the new cohort, the mentee carried over wins a tie against a
 * newcomer who applied first; a pair of 2026 is never proposed again; the
 * proposal says why. */
/* The text with every run of spaces and line breaks made one space: the
 * proposal wraps its reasons under themselves. */
static char *one_line(const char *text)
{
	char *s = xstrdup(text), *w = s;
	const char *r;

	for (r = text; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\n') {
			if (w == s || w[-1] != ' ')
				*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

static void test_second_edition_matching(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *out, *text;

	first_edition(f);
	f->e.now = FX_NOW + 200 * FX_DAY;
	free(fx_command(f, "cohort open 2027 --announce"));
	fx_applicant(f, "Nina Roe <nina@example.org>", "Role: mentee\nName: Nina Roe\n"
	    "Department: HR\nField: Law\nLanguage: en\n");
	fx_handle(f, fx_reply(f, "fay@example.org", "carry-over", "yes\n", NULL));
	fx_applicant(f, cast[0].from, cast[0].form);   /* Alice, mentor again */
	fx_applicant(f, cast[1].from, cast[1].form);   /* Carol */
	fx_applicant(f, cast[2].from, cast[2].form);   /* Chloé, mentee again */
	out = fx_command(f, "match");
	assert_non_null(strstr(out, "a proposal of 1 pair sent"));
	free(out);
	fx_out(f, "proposal", "chair@example.org", &o);
	text = one_line(fx_parse(f, o.data)->text);
	if (strstr(text, "mentee Fay Wong") == NULL ||
	    strstr(text, "carried over from the waitlist of 2026, ranked before newcomers") == NULL ||
	    strstr(text, "not proposed again with Alice Martin: paired in an earlier cohort") == NULL ||
	    strstr(text, "all suitable mentors are at capacity: Carol Diaz") == NULL)
		fail_msg("proposal:\n%s", text);
	free(text);
	fx_out_deinit(&o);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs p JOIN applications m ON m.id = p.mentor_app"
	    " JOIN applications t ON t.id = p.mentee_app WHERE p.status = 'proposed'"
	    " AND m.name = 'Carol Diaz' AND t.name = 'Fay Wong'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs p JOIN applications m ON m.id = p.mentor_app"
	    " JOIN applications t ON t.id = p.mentee_app WHERE p.status = 'proposed'"
	    " AND m.name = 'Alice Martin'"), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_the_call_goes_to_the_willing_and_the_waitlist),
		T(test_carry_over_by_reply),
		T(test_carry_over_reminded_once_then_lapses),
		T(test_carry_over_after_close),
		T(test_no_call_after_anonymisation),
		T(test_second_edition_matching),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
