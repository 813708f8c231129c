/* overview: the committee's view of the state, read from the tables: each
 * section, the capped lists, and never a case's text. */
#include "fixture.h"

#include "marking.h"
#include "overview.h"
#include "sched.h"

static char *render(struct fx *f)
{
	struct buf b;

	buf_init(&b, 4u * 1024 * 1024);
	buf_add(&b, "", 0);
	assert_int_equal(overview_render(&f->e, &b), 0);
	return buf_steal(&b);
}

static void expect(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("expected \"%s\" in:\n%s", want, text);
}

static void test_sections(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_paired(f);
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	t = render(f);
	expect(t, "Cohort 2026\n");
	expect(t, "awaiting the applicant's confirmation  1\n");
	expect(t, "confirmed mentors                      1 (room for 2 mentees)\n");
	expect(t, "confirmed mentees                      1 (1 paired, 0 waiting)\n");
	expect(t, "  Eve Adams                mentee   HR                  pending     2026-03-02\n");
	expect(t, "  1     Alice Martin          Chlo\xc3\xa9 Petit           2026-03-02  -\n");
	expect(t, "Training\n  (no training planned)\n");
	expect(t, "answers this week: none\n");
	expect(t, "Open cases (the text is in each case's notice)\n");
	expect(t, "Messages that could not be delivered, with the server's last answer"
	    "\n(\"resend N\", N its number, sends one again)\n  (none)\n");
	/* no word of the operator's for the committee */
	assert_null(strstr(t, "mentord "));
	assert_null(strstr(t, "spool"));
	free(t);
}

static void test_cases_by_number_never_by_text(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_handle(f, fx_msg(f, "eve@example.org", "issue", "My manager shouts at me.\n"));
	fx_days(f, 3);
	t = render(f);
	expect(t, "  1       2026-03-02  3 d     open\n");
	assert_null(strstr(t, "shouts"));
	free(t);
}

static void test_problems_and_human_mail(void **state)
{
	struct fx *f = *state;
	char *t;

	assert_int_equal(store_exec(f->st, "INSERT INTO people(address, bouncing, bounce_info,"
	    " created_at) VALUES('gone@example.net', 1, '5.1.1: no such user', ?)", "t", f->e.now), 0);
	fx_handle(f, fx_msg(f, "Bob <bob@example.net>", "Lunch?", "Are you free?\n"));
	/* a failed message, with the server's last answer */
	assert_int_equal(store_exec(f->st, "INSERT INTO outbound(id, kind, envelope_to, status,"
	    " attempts, next_attempt, last_error, created_at) VALUES(77, 'help', 'ann@example.com',"
	    " 'failed', 5, 0, 'RCPT TO: 550 5.1.1 no such user', ?)", "t", f->e.now), 0);
	t = render(f);
	expect(t, "gone@example.net              5.1.1: no such user\n");
	expect(t, "bob@example.net               Lunch?\n");
	expect(t, "  2026-03-02  #77 help                      to ann@example.com\n"
	    "              RCPT TO: 550 5.1.1 no such user\n");
	free(t);
}

/* The server refuses to mark handled mail: the digest says so once it has
 * repeated, with what to do, and no more once it works again. */
static void test_marking_refused(void **state)
{
	struct fx *f = *state;
	int64_t n = 0;
	char *t;
	int report = 0;

	assert_int_equal(marking_failed(f->st, f->e.now, "IMAP UID MOVE: imap.example.org answered:"
	    " [CANNOT] no such folder", &report, &n), 0);
	assert_false(report);
	t = render(f);
	assert_null(strstr(t, "refused to mark"));
	free(t);
	assert_int_equal(marking_failed(f->st, f->e.now, "IMAP UID MOVE: imap.example.org answered:"
	    " [CANNOT] no such folder", &report, &n), 0);
	assert_true(report);
	assert_int_equal(n, 2);
	t = render(f);
	expect(t, "The mail server has refused to mark handled mail since 2026-03-02");
	expect(t, "[CANNOT] no such folder");
	expect(t, "The robot goes on reading and answering new mail.");
	free(t);
	/* a third failure is not reported again */
	assert_int_equal(marking_failed(f->st, f->e.now, "again", &report, &n), 0);
	assert_false(report);
	assert_int_equal(marking_ok(f->st), 1);
	assert_int_equal(marking_ok(f->st), 0);
	t = render(f);
	assert_null(strstr(t, "refused to mark"));
	free(t);
}

/* A refusal of the account holds all outgoing mail (sender.h): the
 * problems begin with it, the server's answer and what to do whole,
 * wrapped within 78 columns; nothing is shown once it is gone. */
static void test_held_mail_comes_first(void **state)
{
	struct fx *f = *state;
	const char *line, *nl;
	char *t;

	t = render(f);
	assert_null(strstr(t, "Outgoing mail is held"));
	free(t);
	assert_int_equal(store_exec(f->st, "INSERT INTO meta(key, value) VALUES(?, ?), (?, ?)", "ssst",
	    STORE_META_SMTP_HOLD, "end of data: 554 5.2.0 STOREDRV.Submission.Exception:"
	    "SendAsDeniedException.MapiExceptionSendAsDenied; the mail server does not let"
	    " robot@example.org send as mentoring@example.org. An administrator must give"
	    " robot@example.org the right (Add-RecipientPermission -Identity mentoring@example.org"
	    " -Trustee robot@example.org -AccessRights SendAs)", STORE_META_SMTP_HOLD_UNTIL,
	    f->e.now + 120), 0);
	t = render(f);
	expect(t, "Outgoing mail is held: the mail server refuses the programme's account\n"
	    "(nothing is lost; sending goes on by itself, tried again at 2026-03-02 ");
	expect(t, "Add-RecipientPermission -Identity mentoring@example.org");
	assert_true(strstr(t, "Outgoing mail is held") < strstr(t, "Bouncing addresses"));
	for (line = t; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		/* the one word longer than a line (the server's) stands alone */
		if (strstr(line, "STOREDRV") == NULL || strstr(line, "STOREDRV") > nl)
			assert_true((size_t)(nl - line) <= 78);  /* ASCII here */
	}
	free(t);
	assert_int_equal(store_exec(f->st, "DELETE FROM meta WHERE key = ?", "s",
	    STORE_META_SMTP_HOLD), 0);
	t = render(f);
	assert_null(strstr(t, "Outgoing mail is held"));
	free(t);
}

static void test_long_lists_say_what_they_left_out(void **state)
{
	struct fx *f = *state;
	char *t, address[32];
	int i;

	for (i = 0; i < 203; i++) {
		snprintf(address, sizeof(address), "b%03d@example.net", i);
		assert_int_equal(store_exec(f->st, "INSERT INTO people(address, bouncing, created_at)"
		    " VALUES(?, 1, 0)", "s", address), 0);
	}
	t = render(f);
	expect(t, "  ... and 3 more\n");
	free(t);
}

static void test_no_cohort(void **state)
{
	struct fx *f = *state;
	char *t;

	free(fx_command(f, "cohort close"));
	t = render(f);
	expect(t, "No cohort is open (the last one was 2026).\n");
	free(t);
}

static void assert_lines_fit(const char *what, const char *text);

static char *summary(struct fx *f)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	buf_add(&b, "", 0);
	assert_int_equal(overview_summary(&f->e, &b), 0);
	return buf_steal(&b);
}

static size_t lines_of(const char *t)
{
	size_t n = 0;

	for (; *t != '\0'; t++)
		n += *t == '\n';
	return n;
}

/* After the cohort closed, its figures say what happened, not that
 * anyone still waits: a pair that ended was a pair. */
static void test_closed_cohort_figures_agree(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_paired(f);
	free(fx_command(f, "cohort close"));
	t = render(f);
	expect(t, "No cohort is open (the last one was 2026).\n");
	expect(t, "confirmed mentees                      1 (1 paired, 0 not paired)\n");
	free(t);
	t = summary(f);
	expect(t, "No cohort is open; the last one was 2026.\n");
	expect(t, "mentees paired 1, not paired 0\n");
	free(t);
}

/* The digest of the minute the reminders go says so: nobody reminded
 * is "none" among the silences. */
static void test_reminders_of_this_minute_counted(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_paired(f);
	f->e.now = FX_NOW + 14 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	f->e.now = FX_NOW + 24 * FX_DAY;
	assert_int_equal(sched_run(&f->e), 0);
	assert_int_equal(fx_count(f, "checkin-nudge"), 2);
	t = render(f);
	expect(t, "  reminded once, no answer yet: 2\n  still silent after the reminder: none\n");
	free(t);
	t = summary(f);
	expect(t, "reminded once, no answer yet 2;\n              still silent after the reminder 0\n");
	free(t);
}

/* "status" is one screen, every line within 78 columns, its figures
 * those of the digest. */
static void test_status_fits_one_screen(void **state)
{
	struct fx *f = *state;
	char *t, *cmd;

	fx_paired(f);
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	free(fx_command(f, "training 2026-03-20 14:00 2h Room 1, Kick-off"));
	fx_handle(f, fx_msg(f, "eve@example.org", "issue", "My manager shouts at me.\n"));
	t = summary(f);
	if (lines_of(t) > OVERVIEW_SUMMARY_LINES)
		fail_msg("%zu lines:\n%s", lines_of(t), t);
	assert_lines_fit("status", t);
	expect(t, "Cohort 2026, open since 2026-03-02.\n");
	expect(t, "Applications  awaiting confirmation 1; confirmed mentors 1, mentees 1\n");
	expect(t, "Pairs         going on 1; mentees paired 1, waiting 0\n");
	expect(t, "Training\n  session 1: Kick-off, 2026-03-20 14:00\n"
	    "    accepted 0, declined 0, tentative 0, no answer 2\n");
	expect(t, "Cases         open 1");
	assert_null(strstr(t, "shouts"));
	free(t);
	/* the committee's "status" is this summary */
	cmd = fx_command(f, "status");
	expect(cmd, "Pairs         going on 1; mentees paired 1, waiting 0\n");
	if (lines_of(cmd) > OVERVIEW_SUMMARY_LINES + 4)
		fail_msg("%zu lines:\n%s", lines_of(cmd), cmd);
	free(cmd);
}

/* ---- long names: every line the committee and the people read fits ---- */

/* The programme's name and a real 35-character address. */
static void long_programme(struct fx *f)
{
	struct config *c = f->cfg;

	free(c->programme.name);
	free(c->programme.display_name);
	free(c->programme.address);
	c->programme.name = xstrdup("Women in Technology Mentoring Programme");
	c->programme.display_name = xstrdup("Women in Technology Mentoring Committee");
	c->programme.address = xstrdup("wit-mentoring-programme@example.org");
}

static const char MARIE[] = "Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour"
    " <marie-helene.dubois-lefevre@example.org>";
static const char MARIE_FORM[] = "Role: mentor\nName: Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre"
    " de La Tour\nDepartment: Information Technology Department, Collaboration, Devices and"
    " Applications group\nField: Software Engineering, Data Science, Machine Learning, Cloud"
    " Infrastructure\nTopics: leadership, negotiation, public speaking, career planning,"
    " work-life balance\nCapacity: 1\nAbout: I have led software teams for fifteen years, first"
    " in industry and then here, and I would like to help women starting out in technical"
    " roles.\n";
static const char ANNE[] = "Anne-Sophie Vandenberghe-Moreau"
    " <anne-sophie.vandenberghe-moreau@example.org>";
static const char ANNE_FORM[] = "R\xc3\xb4le : mentor\xc3\xa9" "e\nNom : Anne-Sophie"
    " Vandenberghe-Moreau\nD\xc3\xa9partement : Information Technology Department, Collaboration,"
    " Devices and Applications group\nDomaine : Software Engineering, Data Science\n"
    "Sujets : leadership, prise de parole en public, plan de carri\xc3\xa8re\n";
static const char JEAN[] = "Jean-Baptiste Oyelaran-Castellanos"
    " <jean-baptiste.oyelaran-castellanos@example.org>";
static const char JEAN_FORM[] = "Role: mentee\nName: Jean-Baptiste Oyelaran-Castellanos\n"
    "Department: Accelerator Systems Department, Radiofrequency group\nField: Radiofrequency"
    " Engineering, Superconducting Cavities\nPreference: same-department\n";

struct all_out {
	struct strlist kinds, data;
};

static int all_out_row(const struct store_row *row, void *arg)
{
	struct all_out *a = arg;

	strlist_add(&a->kinds, store_row_text(row, 0));
	strlist_add(&a->data, store_row_text(row, 1));
	return 0;
}

static void assert_lines_fit(const char *what, const char *text)
{
	const char *p = text, *nl;
	size_t n = 1;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + strlen(p), n++) {
		char *line;

		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (utf8_len(line) > 78)
			fail_msg("%s: line %zu has %zu characters: %s\n%s", what, n, utf8_len(line), line,
			    text);
		free(line);
	}
}

/* A programme with a real 35-character address, long names, departments,
 * titles and subjects, walked through match, approval, training, an
 * issue, human mail and the digest: the status and every message queued,
 * decoded as a reader sees it, keep within 78 columns, and the proposal
 * names every address whole. */
static void test_long_names_fit_78_columns(void **state)
{
	struct fx *f = fx_new(NULL);
	struct all_out all = { { NULL, 0 }, { NULL, 0 } };
	struct fx_out o;
	struct mime_msg *m = NULL;
	const char *err = NULL;
	char *t;
	size_t i;

	(void)state;
	long_programme(f);
	fx_cohort(f, "Autumn 2026, Engineering and Physics");
	fx_applicant(f, MARIE, MARIE_FORM);
	fx_applicant(f, ANNE, ANNE_FORM);
	fx_applicant(f, JEAN, JEAN_FORM);
	free(fx_command(f, "match"));
	fx_out(f, "proposal", NULL, &o);
	assert_int_equal(mime_parse(o.data, strlen(o.data), &m, &err), 0);
	assert_non_null(strstr(m->text, "<marie-helene.dubois-lefevre@example.org>"));
	assert_non_null(strstr(m->text, "<anne-sophie.vandenberghe-moreau@example.org>"));
	assert_non_null(strstr(m->text, "<jean-baptiste.oyelaran-castellanos@example.org>"));
	/* a long department is cut with an ellipsis, never wrapped */
	assert_non_null(strstr(m->text, "\xe2\x80\xa6"));
	mime_free(&m);
	fx_out_deinit(&o);
	free(fx_command(f, "approve all"));
	free(fx_command(f, "training 2026-03-20 14:00 2h Main Building, Room 61-1-017 (Kjell Johnsen"
	    " Auditorium), Mentoring basics: how to run a first meeting and agree on goals"));
	fx_handle(f, fx_msg(f, ANNE, "probl\xc3\xa8me", "Bonjour,\n\nJe voudrais parler au"
	    " comit\xc3\xa9 de mon mentorat : nous nous sommes vues deux fois, puis les rendez-vous ont"
	    " \xc3\xa9t\xc3\xa9 annul\xc3\xa9s trois fois au dernier moment.\n"));
	fx_handle(f, fx_msg(f, "Someone With A Rather Long Name <someone.with.a.rather.long.name@"
	    "example.net>", "A question about next year's programme and the call for mentors in"
	    " the accelerator sector", "Hello!\n"));
	t = fx_command(f, "status");
	assert_lines_fit("status", t);
	free(t);
	free(fx_command(f, "digest"));
	assert_int_equal(store_query(f->st, "SELECT kind, data FROM outbound ORDER BY id",
	    all_out_row, &all, NULL), 0);
	assert_true(all.data.n >= 10);
	for (i = 0; i < all.data.n; i++) {
		assert_int_equal(mime_parse(all.data.v[i], strlen(all.data.v[i]), &m, &err), 0);
		assert_lines_fit(all.kinds.v[i], m->text);
		mime_free(&m);
	}
	assert_true(strlist_contains_ci(&all.kinds, "digest"));
	assert_true(strlist_contains_ci(&all.kinds, "introduction"));
	assert_true(strlist_contains_ci(&all.kinds, "issue-notice"));
	strlist_deinit(&all.kinds);
	strlist_deinit(&all.data);
	fx_free(&f);
}

/* An open cohort is compared with the one before, at the same point of
 * its call; the first cohort has nothing to be compared with. */
static void test_compared_with_the_previous_cohort(void **state)
{
	struct fx *f = *state;
	char *t;

	t = render(f);
	assert_null(strstr(t, "Compared with"));
	free(t);
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_days(f, 3);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	fx_days(f, 17);
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	fx_days(f, 180);
	free(fx_command(f, "cohort close"));
	f->e.now = FX_NOW + 365 * FX_DAY;
	fx_cohort(f, "2027");
	fx_days(f, 1);
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_days(f, 8);
	t = render(f);
	expect(t, "Cohort 2027\n\nCompared with the previous cohort (week 2 of the call)\n"
	    "  applications so far                   1 (mentors 1, mentees 0)\n"
	    "  cohort 2026 at the same point         2 (mentors 1, mentees 1; 3 in all)\n\n");
	free(t);
	/* the digest shows it too */
	free(fx_command(f, "digest"));
	assert_true(fx_out_has(f, "digest", "chair@example.org", "cohort 2026 at the same point"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_sections),
		T(test_cases_by_number_never_by_text),
		T(test_problems_and_human_mail),
		T(test_marking_refused),
		T(test_held_mail_comes_first),
		T(test_long_lists_say_what_they_left_out),
		T(test_no_cohort),
		T(test_closed_cohort_figures_agree),
		T(test_reminders_of_this_minute_counted),
		T(test_status_fits_one_screen),
		cmocka_unit_test(test_long_names_fit_78_columns),
		T(test_compared_with_the_previous_cohort),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
