/* report and edition: an edition played through the dispatcher and the
 * clock, its report checked figure by figure against what was played, in
 * text and CSV; nobody named, no count under 3 shown; the same figures
 * after retention; the report mailed once when the feedback period ends. */
#include "fixture.h"

#include "csv.h"
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
	    "  invited                                         hidden\n"
	    "  accepted                                             3\n"
	    "  declined                                  fewer than 3\n"
	    "  tentative                                            0\n"
	    "  did not answer                                       4\n");
	expect(b.s, "  median days to close                               4.0\n");
	expect(b.s, "  asked                                                6\n"
	    "  answered                                             5           83%\n");
	expect(b.s, "Across editions                                     2026\n"
	    "  mentors applied                                      5\n");
	/* the bands, two of them hidden, would give their total and mean away */
	expect(b.s, "  rated the usefulness                            hidden             -\n");
	expect(b.s, "  usefulness 3                              fewer than 3             -\n"
	    "  usefulness 2                                         0             -\n");
	expect(b.s, "  mean usefulness, of 5                           hidden\n");
	expect(b.s, "  willing to take part again                      hidden             -\n");
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
	expect(b.s, "training,invited (2026-03-20),hidden\r\n");
	expect(b.s, "cases,median days to close,4.0\r\n");
	expect(b.s, "feedback,\"mean usefulness, of 5\",hidden\r\n");
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

/* Sent once by itself, feedback_days after the last request and once the
 * people reminded had the reminder's own time to answer, with the CSV
 * attached; "report" sends it again on request. */
static void test_sent_when_the_feedback_period_ends(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *out;
	size_t i;

	play(f);
	/* the reminders go late, in the same run as the end of the period
	 * would have been: the report waits for their answers */
	run_at(f, 185 + 21);
	assert_int_equal(fx_count(f, "feedback-nudge"), 1);
	assert_int_equal(fx_count(f, "report"), 0);
	run_at(f, 185 + 30.9);
	assert_int_equal(fx_count(f, "report"), 0);
	run_at(f, 185 + 31);
	assert_int_equal(fx_count(f, "report"), 1);
	out = fx_out_read(f, "report", NULL);
	expect(out, "Feedback: 6 people asked, fewer than 3 of them reminded once, 5 answered.");
	expect(out, "So that no figure points to a person, a count of 1 or 2 is written \"fewer"
	    " than 3\" and given no percentage, and a total or a mean that would let one be worked"
	    " out is written \"hidden\".");
	free(out);
	fx_out(f, "report", NULL, &o);
	assert_string_equal(o.to, "chair@example.org,vice@example.org");
	assert_non_null(strstr(o.data, "Content-Type: multipart/mixed"));
	assert_non_null(strstr(o.data, "filename=\"report-2026.csv\""));
	/* and its charts beside it, named in the text */
	assert_non_null(strstr(o.data, "Content-Type: application/pdf; name=\"report-2026.pdf\""));
	assert_non_null(strstr(o.data, "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLj"));
	assert_non_null(strstr(o.data, "attached as report-2026.pdf"));
	for (i = 0; i < ARRAY_SIZE(addresses); i++)
		assert_null(strstr(o.data, addresses[i]));
	assert_null(strstr(o.data, SECRET));
	fx_out_deinit(&o);
	run_at(f, 185 + 40);
	assert_int_equal(fx_count(f, "report"), 1);
	out = fx_command(f, "report --cohort 2026");
	expect(out, "report: the report of cohort 2026 is sent to the committee, its figures also"
	    " in report-2026.csv, its charts in report-2026.pdf");
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

static void report_empty(struct report *r, const char *cohort)
{
	memset(r, 0, sizeof(*r));
	r->cohort = xstrdup(cohort);
	r->opened = FX_NOW;
	r->useful_mean = r->median_close_days = -1;
	r->quotes = xcalloc(1, sizeof(*r->quotes));
}

/* A total, a mean or a share that would let a count under 3 be worked
 * out is hidden too, in the text and in the CSV: 2 mentors and 3 mentees
 * do not show a total of 5; usefulness bands of 1, 4 and 5 do not show
 * their total or their mean. */
static void test_secondary_suppression(void **state)
{
	struct report r;
	struct buf b;

	(void)state;
	report_empty(&r, "2027");
	r.applied[0] = 2;
	r.applied[1] = 3;
	r.confirmed[0] = 30;
	r.confirmed[1] = 40;
	r.asked = r.answered = 10;
	r.useful[0] = 10;
	r.useful[3] = 1;
	r.useful[4] = 4;
	r.useful[5] = 5;
	r.useful_mean = 4.4;
	r.meetings[MEET_UNSET] = 10;
	r.meetings[MEET_WEEKLY] = 4;
	r.meetings[MEET_MONTHLY] = 6;
	r.n_sessions = 1;
	r.sessions[0].invited = 10;
	r.sessions[0].accepted = 4;
	r.sessions[0].declined = 3;
	r.sessions[0].tentative = 3;
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_text(&r, &b);
	expect(b.s, "  volunteered or applied            fewer than 3             3        hidden\n"
	    "  confirmed                                   30            40            70\n");
	expect(b.s, "  rated the usefulness                            hidden             -\n"
	    "  usefulness 5, very useful                            5             -\n");
	expect(b.s, "  mean usefulness, of 5                           hidden\n");
	/* bands all shown: their total, shares and nothing hidden */
	expect(b.s, "  said how often they met                             10          100%\n"
	    "  met weekly or more                                   4           40%\n");
	expect(b.s, "  invited                                             10\n");
	assert_null(strstr(b.s, " 5\n  mean"));
	assert_null(strstr(b.s, "4.4"));
	buf_reset(&b);
	buf_add(&b, "", 0);
	report_csv(&r, &b);
	expect(b.s, "applications,volunteered or applied (total),hidden\r\n");
	expect(b.s, "feedback,rated the usefulness,hidden\r\n");
	expect(b.s, "feedback,\"mean usefulness, of 5\",hidden\r\n");
	assert_null(strstr(b.s, "4.4"));
	assert_null(strstr(b.s, "(total),5\r\n"));
	buf_deinit(&b);
	report_deinit(&r);
}

/* A cohort named like a spreadsheet formula reaches the CSV as text. */
static void test_csv_formula(void **state)
{
	struct report r;
	struct buf b;

	(void)state;
	report_empty(&r, "=HYPERLINK(\"http://evil.example/\",\"x\")");
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_csv(&r, &b);
	expect(b.s, "cohort,name,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"\r\n");
	/* a lone dash, the sign of a figure not shown, stays as it is */
	expect(b.s, "cases,median days to close,-\r\n");
	buf_deinit(&b);
	report_deinit(&r);
	buf_init(&b, 256);
	buf_add(&b, "", 0);
	csv_cell(&b, "@SUM(A1)");
	buf_addc(&b, ',');
	csv_cell(&b, "-3");
	buf_addc(&b, ',');
	csv_cell(&b, "+cmd|' /C calc'!A0");
	buf_addc(&b, ',');
	csv_cell(&b, "\tx");
	buf_addc(&b, ',');
	csv_cell(&b, "-2+3");
	assert_string_equal(b.s, "\"'@SUM(A1)\",-3,\"'+cmd|' /C calc'!A0\",\"'\tx\",\"'-2+3\"");
	buf_deinit(&b);
}

/* A quote is withheld when it names anyone of the programme, whatever
 * the name's length, in whole words of any case, and in letters that
 * only look like the name's. */
static void test_quote_names(void **state)
{
	static const struct {
		const char *quote;
		int names;
	} cases[] = {
		{ "Thanks to Al for everything.", 1 },
		{ "thanks to AL", 1 },
		{ "It was all very useful.", 0 },
		{ "Alice's advice helped.", 1 },
		{ "Merci \xc3\x89ve !", 1 },                        /* \xc3\x89ve: Eve */
		{ "Thanks \xd0\x90lice", 1 },                       /* Cyrillic A */
		{ "Thanks \xce\x91lice", 1 },                       /* Greek Alpha */
		{ "Thanks AIice", 1 },                              /* capital I for l */
		{ "Thanks A1ice", 1 },                              /* digit one */
		{ "Thanks Al\xe2\x80\x8bice", 1 },                   /* zero-width space */
		{ "Thanks \xef\xbc\xa1lice", 1 },                   /* fullwidth A */
		{ "Thanks Ali\xcc\x81" "ce", 1 },                     /* combining acute */
		{ "Thanks to Ma\xd0\xb3tin", 0 },                    /* a different letter */
		{ "Thanks to Marlin", 0 },
		{ "Thanks to Mar\xd1\x81us", 0 },
		{ "write to me at x@y.example", 1 },
		{ "A great help, I would do it again.", 0 },
		{ "I loved it.", 0 },
	};
	struct strlist words = { NULL, 0 };
	size_t i;

	(void)state;
	report_name_words(&words, "Alice Martin");
	report_name_words(&words, "Al Li");
	report_name_words(&words, "\xc3\x88ve B.");
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (report_names_someone(&words, cases[i].quote) != cases[i].names)
			fail_msg("\"%s\": %s", cases[i].quote, cases[i].names ? "not withheld" : "withheld");
	strlist_deinit(&words);
}

/* The programme across editions: one column per cohort so far, each
 * figure as the cohort's own report shows it, kept after retention. */
static void test_editions(void **state)
{
	struct fx *f = *state;
	struct report r;
	struct buf b;
	int64_t id = 0;

	play(f);
	free(fx_command(f, "cohort close"));
	run_at(f, 190 + 366);
	f->e.now = FX_NOW + 400 * FX_DAY;
	fx_cohort(f, "2027");
	fx_applicant(f, "Jo Park <jo@example.org>", "Role: mentor\nName: Jo Park\nDepartment: IT\n"
	    "Field: Software\nLanguage: en\n");
	assert_int_equal(report_cohort(&f->e, NULL, &id), 1);
	assert_int_equal(report_load(&f->e, id, &r), 0);
	assert_int_equal(r.n_editions, 2);
	assert_int_equal(r.earlier_editions, 0);
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_text(&r, &b);
	check_nobody(b.s);
	/* 2026, anonymised, keeps its figures; every one as its own report
	 * shows it (test_figures), the hidden ones hidden */
	expect(b.s, "Across editions                                     2026          2027\n"
	    "  mentors applied                                      5  fewer than 3\n"
	    "  mentees applied                                      5             0\n"
	    "  pairs formed                                         4             0\n"
	    "  pairs sharing a department                        100%             -\n"
	    "  pairs sharing a field                              75%             -\n"
	    "  training invitations accepted                        3             0\n"
	    "  mean usefulness, of 5                           hidden             -\n"
	    "  willing to take part again                      hidden             0\n"
	    "  carried over from a waitlist                         0             0\n");
	buf_reset(&b);
	buf_add(&b, "", 0);
	report_csv(&r, &b);
	check_nobody(b.s);
	expect(b.s, "across editions,mentors applied (2026),5\r\n"
	    "across editions,mentors applied (2027),fewer than 3\r\n");
	expect(b.s, "across editions,pairs sharing a field (2026),75%\r\n");
	expect(b.s, "across editions,\"mean usefulness, of 5 (2026)\",hidden\r\n");
	buf_deinit(&b);
	report_deinit(&r);
}

/* ---- the PDF ---- */

static size_t pdf_pages(const struct buf *b)
{
	const char *p = b->s, *end = b->s + b->len;
	size_t n = 0;

	while ((p = memmem(p, (size_t)(end - p), "/Type /Page", 11)) != NULL) {
		p += 11;
		if (p < end && *p != 's')
			n++;
	}
	return n;
}

/* Renders r twice in lang: the same bytes, A4, one or two pages; kept
 * in $MENTORD_PDF_DIR/NAME.pdf when that is set, to be looked at. */
static void render(const struct report *r, const char *programme, const char *lang,
    const char *name)
{
	struct buf a, b;
	const char *dir = getenv("MENTORD_PDF_DIR");

	buf_init(&a, 4u << 20);
	buf_init(&b, 4u << 20);
	assert_int_equal(report_pdf(r, programme, lang, FX_NOW, &a), 0);
	assert_int_equal(report_pdf(r, programme, lang, FX_NOW, &b), 0);
	if (dir != NULL) {
		char *path = xasprintf("%s/%s.pdf", dir, name);

		assert_int_equal(file_write_atomic(path, a.s, a.len, 0644), 0);
		free(path);
	}
	assert_true(a.len > 1000 && a.len < (1u << 20));
	assert_memory_equal(a.s, "%PDF-1.5", 8);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	assert_non_null(memmem(a.s, a.len, "/MediaBox [ 0 0 595.276 841.89 ]", 32));
	if (pdf_pages(&a) < 1 || pdf_pages(&a) > 2)
		fail_msg("%s: %zu pages", name, pdf_pages(&a));
	buf_deinit(&a);
	buf_deinit(&b);
}

static void test_pdf_edition(void **state)
{
	struct fx *f = *state;
	struct report r;

	play(f);
	load(f, &r);
	render(&r, "WIT Mentoring", "en", "edition-en");
	render(&r, "WIT Mentoring", "fr", "edition-fr");
	report_deinit(&r);
}

static void test_pdf_empty(void **state)
{
	struct report r;

	(void)state;
	report_empty(&r, "2026");
	render(&r, NULL, "en", "empty-en");
	render(&r, "Programme", "fr", "empty-fr");
	report_deinit(&r);
}

/* Every value 1 or 2, or hidden for giving one away: no bar at all. */
static void test_pdf_all_hidden(void **state)
{
	struct report r;
	size_t i;

	(void)state;
	report_empty(&r, "2026");
	r.applied[0] = r.applied[1] = r.confirmed[0] = r.confirmed[1] = 2;
	r.waitlisted[0] = r.waitlisted[1] = r.carried[0] = r.carried[1] = 1;
	r.pairs = r.same_department = r.shared_field = r.checked_in = r.met = r.paused = 2;
	r.ended_early = r.continuing = 1;
	r.n_sessions = 1;
	r.sessions[0].invited = 2;
	r.sessions[0].accepted = r.sessions[0].declined = 1;
	r.asked = r.answered = 2;
	for (i = 1; i <= 5; i++)
		r.useful[i] = i <= 2 ? 1 : 0;
	r.useful[0] = 2;
	r.meetings[MEET_UNSET] = 2;
	r.meetings[MEET_WEEKLY] = 2;
	r.again[0] = r.again[AS_MENTOR] = 2;
	r.editions = xcalloc(1, sizeof(*r.editions));
	r.n_editions = 1;
	report_empty(&r.editions[0], "2026");
	r.editions[0].applied[0] = 2;
	render(&r, "WIT Mentoring", "en", "hidden-en");
	report_deinit(&r);
}

/* Ten editions, twelve training sessions, long French names and quotes:
 * still two pages at most. */
static void test_pdf_ten_editions(void **state)
{
	static const char long_quote[] = "Une ann\xc3\xa9" "e tr\xc3\xa8s riche en \xc3\xa9"
	    "changes, o\xc3\xb9 j'ai appris \xc3\xa0 \xc3\xa9" "couter avant de conseiller, "
	    "\xc3\xa0 poser des questions plut\xc3\xb4t qu'\xc3\xa0 donner des r\xc3\xa9ponses, "
	    "et \xc3\xa0 prendre le temps qu'il faut pour chaque rencontre.";
	struct report r;
	char name[64];
	size_t i;

	(void)state;
	report_empty(&r, "Cohorte d'automne des coll\xc3\xa8gues francophones 2035");
	r.applied[0] = 40;
	r.applied[1] = 52;
	r.confirmed[0] = 38;
	r.confirmed[1] = 50;
	r.waitlisted[1] = 12;
	r.carried[1] = 4;
	r.pairs = r.checked_in = 38;
	r.same_department = 20;
	r.shared_field = 31;
	r.met = 30;
	r.paused = 5;
	r.ended_early = 3;
	r.continuing = 17;
	r.n_sessions = REPORT_SESSIONS_MAX;
	r.more_sessions = 2;
	for (i = 0; i < r.n_sessions; i++) {
		r.sessions[i].start = FX_NOW + (time_t)i * 7 * FX_DAY;
		r.sessions[i].invited = 88;
		r.sessions[i].accepted = 40 + (long)i;
		r.sessions[i].declined = 20;
		r.sessions[i].tentative = 10;
		r.sessions[i].no_answer = 18 - (long)i;
	}
	r.asked = 76;
	r.answered = 60;
	r.useful[0] = 60;
	r.useful[5] = 30;
	r.useful[4] = 20;
	r.useful[3] = 10;
	r.useful_mean = 4.3;
	r.meetings[MEET_UNSET] = 60;
	r.meetings[MEET_WEEKLY] = 20;
	r.meetings[MEET_FORTNIGHTLY] = 25;
	r.meetings[MEET_MONTHLY] = 15;
	r.again[0] = 45;
	r.again[AS_MENTOR] = 20;
	r.again[AS_MENTEE] = 15;
	r.again[AS_EITHER] = 10;
	free(r.quotes);
	r.quotes = xcalloc(13, sizeof(*r.quotes));
	for (i = 0; i < 12; i++)
		r.quotes[r.n_quotes++] = xstrdup(long_quote);
	r.editions = xcalloc(10, sizeof(*r.editions));
	for (i = 0; i < 10; i++) {
		struct report *x = &r.editions[r.n_editions++];

		snprintf(name, sizeof(name), "Automne %zu", 2026 + i);
		report_empty(x, name);
		x->applied[0] = 10 + 3 * (long)i;
		x->applied[1] = 12 + 4 * (long)i;
		x->pairs = x->same_department = 9 + 3 * (long)i;
		x->shared_field = 5 + (long)i;
		x->useful[0] = x->useful[4] = 10;
		x->useful_mean = 4.0;
		x->again[0] = x->again[AS_EITHER] = 6;
		x->carried[1] = i > 0 ? 3 : 0;
	}
	render(&r, "Programme de mentorat des coll\xc3\xa8gues de la recherche", "fr", "ten-fr");
	render(&r, "Mentoring programme of the research staff", "en", "ten-en");
	report_deinit(&r);
}

/* Past REPORT_EDITIONS_MAX cohorts, the latest are shown, the rest
 * counted. */
static void test_many_editions(void **state)
{
	struct fx *f = *state;
	struct report r;
	struct buf b;
	char name[16];
	int64_t id = 0;
	int i;

	for (i = 0; i < REPORT_EDITIONS_MAX + 2; i++) {
		snprintf(name, sizeof(name), "%d", 2001 + i);
		assert_int_equal(store_exec(f->st, "INSERT INTO cohorts(name, status, opened_at, closed_at)"
		    " VALUES (?, 'closed', ?, ?)", "stt", name, FX_NOW - (30 - i) * 300 * FX_DAY,
		    FX_NOW - (30 - i) * 300 * FX_DAY + 200 * FX_DAY), 0);
	}
	assert_int_equal(report_cohort(&f->e, "2014", &id), 1);
	assert_int_equal(report_load(&f->e, id, &r), 0);
	assert_int_equal(r.n_editions, REPORT_EDITIONS_MAX);
	assert_int_equal(r.earlier_editions, 2);
	assert_string_equal(r.editions[0].cohort, "2003");
	assert_string_equal(r.editions[REPORT_EDITIONS_MAX - 1].cohort, "2014");
	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	report_text(&r, &b);
	check_nobody(b.s);
	expect(b.s, "Earlier editions not shown: 2.\n");
	assert_null(strstr(b.s, "2002"));
	buf_deinit(&b);
	render(&r, "WIT Mentoring", "en", "many-en");
	report_deinit(&r);
	/* an earlier cohort's report shows the editions up to it */
	assert_int_equal(report_cohort(&f->e, "2002", &id), 1);
	assert_int_equal(report_load(&f->e, id, &r), 0);
	assert_int_equal(r.n_editions, 2);
	report_deinit(&r);
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
		T(test_editions),
		cmocka_unit_test(test_secondary_suppression),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_quote_names),
		T(test_pdf_edition),
		T(test_many_editions),
		cmocka_unit_test(test_pdf_empty),
		cmocka_unit_test(test_pdf_all_hidden),
		cmocka_unit_test(test_pdf_ten_editions),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
