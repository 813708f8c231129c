/* report and edition: an edition played through the dispatcher and the
 * clock, its report checked figure by figure against what was played, in
 * text and CSV; nobody named, no count under 3 shown; the same figures
 * after retention; the report mailed once when the feedback period ends. */
#include "fixture.h"

#include "edition.h"
#include "report.h"
#include "sched.h"

#define SECRET "SECRET-4417"

static const struct {
	const char *from, *form;
} cast[] = {
	{ "Alice Martin <alice@example.org>", "Role: mentor\nName: Alice Martin\nDepartment: IT\n"
	    "Field: Software\nLanguage: en\n" },
	{ "Bob Stone <bob@example.org>", "Role: mentor\nName: Bob Stone\nDepartment: IT\n"
	    "Field: Hardware\nLanguage: en\n" },
	{ "Carol Diaz <carol@example.org>", "Role: mentor\nName: Carol Diaz\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\n" },
	{ "Dan Brook <dan@example.org>", "Role: mentor\nName: Dan Brook\nDepartment: Physics\n"
	    "Field: Accelerators\nLanguage: en\n" },
	{ "chloe@example.org", "R\xc3\xb4le : mentor\xc3\xa9" "e\nNom : Chlo\xc3\xa9 Petit\n"
	    "D\xc3\xa9partement : IT\nDomaine : Software\n" },
	{ "Fay Wong <fay@example.org>", "Role: mentee\nName: Fay Wong\nDepartment: IT\n"
	    "Field: Networks\nLanguage: en\n" },
	{ "Eve Adams <eve@example.org>", "Role: mentee\nName: Eve Adams\nDepartment: HR\n"
	    "Field: Law\nLanguage: en\n" },
	{ "Gus Hale <gus@example.org>", "Role: mentee\nName: Gus Hale\nDepartment: Physics\n"
	    "Field: Accelerators\nLanguage: en\n" },
	{ "Hal Ives <hal@example.org>", "Role: mentee\nName: Hal Ives\nDepartment: Finance\n"
	    "Field: Accounting\nLanguage: en\n" },
};

static const char *const addresses[] = { "alice@", "bob@", "carol@", "dan@", "chloe@", "fay@",
	"eve@", "gus@", "hal@", "ivy@" };
static const char *const names[] = { "Alice", "Bob", "Carol", "Dan", "Chlo", "Fay", "Eve", "Gus",
	"Hal", "Ivy", "Martin", "Stone", "Diaz", "Brook", "Petit", "Wong", "Adams", "Hale", "Ives" };

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

static int64_t pair_of(struct fx *f, const char *mentor)
{
	int64_t id = 0;

	assert_int_equal(store_query_int(f->st, &id, "SELECT p.id FROM pairs p JOIN applications a"
	    " ON a.id = p.mentor_app JOIN people pe ON pe.id = a.person_id WHERE pe.address = ?"
	    " AND p.status = 'active'", "s", mentor), 0);
	return id;
}

/* The edition: nine applicants and one who never confirms; four pairs and
 * one mentee waitlisted; a training with three yes and one no; check-ins
 * (two pairs met, one paused, one ok); a pair ended early; three cases
 * closed after 2, 4 and 10 days; feedback from five of six people asked. */
static void play(struct fx *f)
{
	char *out, line[64];
	size_t i;

	fx_cohort(f, "2026");
	for (i = 0; i < ARRAY_SIZE(cast); i++)
		fx_applicant(f, cast[i].from, cast[i].form);
	fx_handle(f, fx_msg(f, "Ivy Moss <ivy@example.org>", "apply", "Role: mentor\nName: Ivy Moss\n"
	    "Department: IT\nField: Software\n"));
	out = fx_command(f, "match");
	assert_non_null(strstr(out, "a proposal of 4 pairs"));
	free(out);
	out = fx_command(f, "approve all");
	assert_non_null(strstr(out, "waitlist: 1 applicant(s)"));
	free(out);
	free(fx_command(f, "training 2026-03-20 14:00 90m Room 1, Training for pairs"));
	fx_handle(f, fx_reply(f, "alice@example.org", "invitation", "yes\n", NULL));
	fx_handle(f, fx_reply(f, "chloe@example.org", "invitation", "oui\n", NULL));
	fx_handle(f, fx_reply(f, "carol@example.org", "invitation", "Yes, I will come\n", NULL));
	fx_handle(f, fx_reply(f, "dan@example.org", "invitation", "no\n", NULL));
	run_at(f, 14);
	fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "met\n", NULL));
	fx_handle(f, fx_reply(f, "chloe@example.org", "checkin", "rencontr\xc3\xa9s\n", NULL));
	fx_handle(f, fx_reply(f, "bob@example.org", "checkin", "met\n", NULL));
	fx_handle(f, fx_reply(f, "carol@example.org", "checkin", "pause\n", NULL));
	fx_handle(f, fx_reply(f, "dan@example.org", "checkin", "ok\n", NULL));
	fx_handle(f, fx_reply(f, "gus@example.org", "checkin", "problem " SECRET " my mentor is rude\n",
	    NULL));
	fx_handle(f, fx_msg(f, "eve@example.org", "issue", SECRET " a question\n"));
	fx_handle(f, fx_msg(f, "fay@example.org", "issue", SECRET " another\n"));
	snprintf(line, sizeof(line), "unpair %lld moved away", (long long)pair_of(f, "dan@example.org"));
	free(fx_command(f, line));
	fx_days(f, 2);
	free(fx_command(f, "close 1"));
	fx_days(f, 2);
	free(fx_command(f, "close 2"));
	fx_days(f, 6);
	free(fx_command(f, "close 3"));
	run_at(f, 185);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 5\n2. every two weeks\n3. yes\n"
	    "4. yes, as a mentor\n5. It made me a better colleague.\n6. yes\n", NULL));
	fx_handle(f, fx_reply(f, "chloe@example.org", "feedback", "1. 4\n2. toutes les deux semaines\n"
	    "3. oui\n4. oui, comme mentor\n5. Merci Alice pour tout.\n6. oui\n", NULL));
	fx_handle(f, fx_reply(f, "bob@example.org", "feedback", "4\nmonthly\nno\nno\n", NULL));
	fx_handle(f, fx_reply(f, "fay@example.org", "feedback", "1. 5\n5. Worth every minute.\n"
	    "6. no\n", NULL));
	fx_handle(f, fx_reply(f, "carol@example.org", "feedback", "1. 3\n2. when we could\n"
	    "4. yes\n", NULL));
}

static void load(struct fx *f, struct report *r)
{
	int64_t id = 0;

	assert_int_equal(report_cohort(&f->e, "2026", &id), 1);
	assert_int_equal(report_load(&f->e, id, r), 0);
}

static void check_figures(const struct report *r, int anonymised)
{
	assert_string_equal(r->cohort, "2026");
	assert_int_equal(r->applied[0], 5);        /* Ivy never confirmed */
	assert_int_equal(r->applied[1], 5);
	assert_int_equal(r->confirmed[0], 4);
	assert_int_equal(r->confirmed[1], 5);
	assert_int_equal(r->waitlisted[0], 0);
	assert_int_equal(r->waitlisted[1], 1);
	assert_int_equal(r->pairs, 4);
	assert_int_equal(r->same_department, 4);
	assert_int_equal(r->shared_field, 3);      /* Hardware and Networks share nothing */
	assert_int_equal(r->shares_unknown, 0);
	assert_int_equal(r->met, 2);
	assert_int_equal(r->paused, 1);
	assert_int_equal(r->ended_early, 1);
	assert_int_equal(r->continuing, 1);
	assert_int_equal(r->n_sessions, 1);
	assert_int_equal(r->sessions[0].invited, 8);
	assert_int_equal(r->sessions[0].accepted, 3);
	assert_int_equal(r->sessions[0].declined, 1);
	assert_int_equal(r->sessions[0].no_answer, 4);
	assert_int_equal(r->cases_opened, 3);
	assert_int_equal(r->cases_closed, 3);
	assert_true(r->median_close_days > 3.99 && r->median_close_days < 4.01);
	assert_int_equal(r->asked, 6);
	assert_int_equal(r->answered, 5);
	assert_int_equal(r->useful[0], 5);
	assert_int_equal(r->useful[5], 2);
	assert_int_equal(r->useful[4], 2);
	assert_int_equal(r->useful[3], 1);
	assert_true(r->useful_mean > 4.19 && r->useful_mean < 4.21);
	assert_int_equal(r->meetings[MEET_UNSET], 3);
	assert_int_equal(r->meetings[MEET_FORTNIGHTLY], 2);
	assert_int_equal(r->meetings[MEET_MONTHLY], 1);
	assert_int_equal(r->again[0], 3);
	assert_int_equal(r->again[AS_MENTOR], 2);
	if (!anonymised) {
		/* Fay did not allow hers; Chloé's names someone */
		assert_int_equal(r->n_quotes, 1);
		assert_string_equal(r->quotes[0], "It made me a better colleague.");
		assert_int_equal(r->quotes_withheld, 1);
	} else {
		assert_int_equal(r->n_quotes, 0);
	}
}

/* Nobody named, no address, no case text; lines within the width. */
static void check_nobody(const char *text)
{
	const char *p = text, *nl;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strstr(text, names[i]) != NULL)
			fail_msg("the report names %s:\n%s", names[i], text);
	for (i = 0; i < ARRAY_SIZE(addresses); i++)
		assert_null(strstr(text, addresses[i]));
	assert_null(strchr(text, '@'));
	assert_null(strstr(text, SECRET));
	assert_null(strstr(text, "rude"));
	while (*p != '\0') {
		char *l;

		nl = strchr(p, '\n');
		l = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (utf8_len(l) > REPORT_COLUMNS)
			fail_msg("line of %zu columns: %s", utf8_len(l), l);
		free(l);
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
}

static void expect(const char *text, const char *want)
{
	if (strstr(text, want) == NULL) {
		fprintf(stderr, "%s", text);
		fail_msg("expected \"%s\" in the text above", want);
	}
}

static void test_figures(void **state)
{
	struct fx *f = *state;
	struct report r;
	struct buf b;

	play(f);
	load(f, &r);
	check_figures(&r, 0);
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_text(&r, &b);
	check_nobody(b.s);
	expect(b.s, "Cohort 2026: opened 2026-03-02, still open.\n");
	expect(b.s, "Applications                             mentors       mentees         total\n"
	    "  volunteered or applied                       5             5            10\n"
	    "  confirmed                                    4             5             9\n"
	    "  carried over from a waitlist                 0             0             0\n"
	    "  waitlisted                                   0  fewer than 3  fewer than 3\n");
	expect(b.s, "Pairs                                              pairs         share\n"
	    "  pairs formed                                         4\n"
	    "  sharing a department                                 4          100%\n"
	    "  sharing a field                                      3           75%\n"
	    "  answering a check-in                                 4          100%\n"
	    "  reported having met, at a check-in        fewer than 3             -\n"
	    "  took a pause                              fewer than 3             -\n"
	    "  ended early                               fewer than 3             -\n"
	    "  going on after the programme              fewer than 3             -\n");
	expect(b.s, "Training                                      2026-03-20\n"
	    "  invited                                              8\n"
	    "  accepted                                             3\n"
	    "  declined                                  fewer than 3\n"
	    "  tentative                                            0\n"
	    "  did not answer                                       4\n");
	expect(b.s, "  median days to close                               4.0\n");
	expect(b.s, "  asked                                                6\n"
	    "  answered                                             5           83%\n");
	expect(b.s, "  usefulness 3                              fewer than 3             -\n"
	    "  usefulness 2                                         0            0%\n");
	expect(b.s, "  mean usefulness, of 5                              4.2\n");
	expect(b.s, "  willing to take part again                           3           60%\n");
	expect(b.s, "  \"It made me a better colleague.\"\n");
	expect(b.s, "(fewer than 3 withheld: naming someone)");
	buf_reset(&b);
	buf_add(&b, "", 0);
	report_csv(&r, &b);
	check_nobody(b.s);
	expect(b.s, "section,figure,value\r\ncohort,name,2026\r\n");
	expect(b.s, "applications,volunteered or applied (mentors),5\r\n");
	expect(b.s, "applications,waitlisted (mentees),fewer than 3\r\n");
	expect(b.s, "pairs,sharing a field,3\r\npairs,sharing a field (share),75%\r\n");
	expect(b.s, "training,invited (2026-03-20),8\r\n");
	expect(b.s, "cases,median days to close,4.0\r\n");
	expect(b.s, "feedback,\"mean usefulness, of 5\",4.2\r\n");
	expect(b.s, "quotes,\"allowed, withheld: naming someone\",fewer than 3\r\n");
	buf_deinit(&b);
	report_deinit(&r);
}

/* The counts the report needs stay when the personal data goes. */
static void test_after_retention(void **state)
{
	struct fx *f = *state;
	struct report r;
	struct buf b;

	play(f);
	free(fx_command(f, "cohort close"));
	run_at(f, 190 + 366);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cohorts WHERE status = 'anonymised'"), 1);
	load(f, &r);
	assert_true(r.anonymised > 0);
	check_figures(&r, 1);
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_text(&r, &b);
	expect(b.s, "personal data anonymised");
	expect(b.s, "  removed with the personal data\n");
	check_nobody(b.s);
	buf_deinit(&b);
	report_deinit(&r);
}

/* Sent once by itself, feedback_days after the last request, with the
 * CSV attached; "report" sends it again on request. */
static void test_sent_when_the_feedback_period_ends(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *out;
	size_t i;

	play(f);
	run_at(f, 185 + 20);
	assert_int_equal(fx_count(f, "report"), 0);
	run_at(f, 185 + 21);
	assert_int_equal(fx_count(f, "report"), 1);
	fx_out(f, "report", NULL, &o);
	assert_string_equal(o.to, "chair@example.org,vice@example.org");
	assert_non_null(strstr(o.data, "Content-Type: multipart/mixed"));
	assert_non_null(strstr(o.data, "filename=\"report-2026.csv\""));
	for (i = 0; i < ARRAY_SIZE(addresses); i++)
		assert_null(strstr(o.data, addresses[i]));
	assert_null(strstr(o.data, SECRET));
	fx_out_deinit(&o);
	run_at(f, 185 + 40);
	assert_int_equal(fx_count(f, "report"), 1);
	out = fx_command(f, "report --cohort 2026");
	expect(out, "report: the report of cohort 2026 is sent to the committee, its figures also"
	    " in report-2026.csv");
	free(out);
	assert_int_equal(fx_count(f, "report"), 2);
	out = fx_command(f, "rapport 2031");
	expect(out, "report: no cohort is named 2031");
	free(out);
}

/* A count of 1 or 2 is never shown, however it is reached. */
static void test_small_counts(void **state)
{
	char b[24];

	(void)state;
	assert_string_equal(report_count(0, b, sizeof(b)), "0");
	assert_string_equal(report_count(1, b, sizeof(b)), "fewer than 3");
	assert_string_equal(report_count(2, b, sizeof(b)), "fewer than 3");
	assert_string_equal(report_count(3, b, sizeof(b)), "3");
	assert_string_equal(report_count(250, b, sizeof(b)), "250");
}

/* A cohort with nothing yet still has a report, and a shell print. */
static void test_empty_cohort(void **state)
{
	struct fx *f = *state;
	struct buf b;

	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	assert_int_equal(edition_report_print(&f->e, NULL, 0, &b), 0);
	fx_cohort(f, "2026");
	assert_int_equal(edition_report_print(&f->e, NULL, 0, &b), 1);
	expect(b.s, "Cohort 2026: opened 2026-03-02, still open.");
	expect(b.s, "  no training session\n");
	expect(b.s, "  mean usefulness, of 5                                -\n");
	buf_reset(&b);
	buf_add(&b, "", 0);
	assert_int_equal(edition_report_print(&f->e, "2026", 1, &b), 1);
	expect(b.s, "feedback,asked,0\r\n");
	buf_deinit(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_figures),
		T(test_after_retention),
		T(test_sent_when_the_feedback_period_ends),
		T(test_small_counts),
		T(test_empty_cohort),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
