/* A committee member is never met with silence: the committee's help, its
 * completeness and width, and the answer to what is no command. */
#include "fixture.h"

#include <inttypes.h>

#include "words.h"

#define TO_US "To: mentoring@example.org\r\n"
#define MEMBER_OK TO_US FX_DKIM_OK

/* Does the folded text hold phrase as whole words? */
static int holds_words(const char *folded_text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p;

	for (p = strstr(folded_text, phrase); p != NULL; p = strstr(p + 1, phrase))
		if ((p == folded_text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

static void check_width(const char *what, const char *text)
{
	const char *p, *line = text;
	size_t cols = 0;

	for (p = text;; p++) {
		if (*p == '\n' || *p == '\0') {
			if (cols > 78)
				fail_msg("%s: a line over 78 columns: %.*s", what, (int)(p - line), line);
			if (*p == '\0')
				break;
			cols = 0;
			line = p + 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			cols++;
		}
	}
}

/* Every command of the dispatcher's table is in the committee's help in
 * both languages, by one of its words of that language, and has a help
 * of its own; every line within 78 columns. A command added to the table
 * without its help fails here. */
static void test_help_names_every_command(void **state)
{
	static const char *const langs[] = { "en", "fr" };
	struct fx *f = *state;
	size_t i, j, k;
	enum committee_cmd cmd;

	for (j = 0; j < ARRAY_SIZE(langs); j++) {
		char *all = NULL, *err = NULL, *folded;

		if (committee_help_text(&f->e, langs[j], CCMD_NONE, &all, &err) < 0)
			fail_msg("%s", err);
		check_width(langs[j], all);
		folded = str_fold(all);
		for (i = 0; (cmd = committee_command_at(i)) != CCMD_NONE; i++) {
			const char *phrase, *value, *lang;
			char *one = NULL;
			int found = 0;

			for (k = 0; words_entry(WL_COMMITTEE, k, &phrase, &value, &lang) == 0; k++)
				if (strcmp(lang, langs[j]) == 0 &&
				    words_value_index(WL_COMMITTEE, value) == (int)cmd)
					found |= holds_words(folded, phrase);
			if (!found)
				fail_msg("%s: the help does not name \"%s\"", langs[j],
				    command_committee_name(cmd));
			assert_int_equal(committee_help_text(&f->e, langs[j], cmd, &one, &err), 0);
			if (strlen(one) < 20)
				fail_msg("%s: no help of its own for \"%s\"", langs[j],
				    command_committee_name(cmd));
			check_width(command_committee_name(cmd), one);
			/* one command's help is that command's alone */
			assert_true(strlen(one) < strlen(all) / 3);
			free(one);
		}
		free(folded);
		free(all);
	}
}

static void test_help_by_mail(void **state)
{
	static const struct {
		const char *subject, *lang, *has, *not;
	} cases[] = {
		{ "help", "en", "approve all", NULL },
		{ "Help", "en", "training update 2026-05-15", NULL },
		{ "committee help", "en", "cohort open 2026", NULL },
		{ "aide", "fr", "approuver tout", NULL },
		{ "help training", "en", "DURATION like 90m", "approve all" },
		{ "aide formation", "fr", "formation 2026-05-14 14h 2h", "approuver tout" },
		{ "help unpair", "en", "unpair 13 moved to another site", "approve all" },
	};
	struct fx *f = *state;
	struct fx_out o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char lang[32];

		assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", cases[i].subject, "",
		    NULL, MEMBER_OK)), 0);
		assert_string_equal(f->h.outcome, "committee help sent");
		fx_out(f, "committee-help", "chair@example.org", &o);
		snprintf(lang, sizeof(lang), "Content-Language: %s", cases[i].lang);
		if (strstr(o.data, lang) == NULL || strstr(o.data, cases[i].has) == NULL ||
		    (cases[i].not != NULL && strstr(o.data, cases[i].not) != NULL))
			fail_msg("%s:\n%s", cases[i].subject, o.data);
		fx_out_deinit(&o);
	}
	/* an applicant's "help" is still the applicant's */
	assert_int_equal(fx_handle(f, fx_msg(f, "someone@example.net", "help", "")), 0);
	assert_int_equal(fx_count(f, "help"), 1);
	assert_int_equal(fx_count(f, "committee-help"), (int64_t)ARRAY_SIZE(cases));
}

/* What a member's message that is no command gets: the nearest commands
 * in her language, never a wrong one. */
static void test_not_understood_is_answered(void **state)
{
	static const struct {
		const char *subject, *body, *lang, *has, *not;
	} cases[] = {
		{ "hello", "Hi, how does this work?", "en", "left in the mailbox", "The closest" },
		{ "stauts", "", "en", "status\r\n  Answers with the programme", "match\r\n" },
		{ "end pair 13", "", "en", "unpair 13 moved to another site", "approve all" },
		{ "pairs", "", "en", "match\r\n  Proposes pairs", "unpair" },
		{ "training next month", "We would like a session in May, could you set it up?",
		    "en", "What could not be read: training: \"next\" is not a date", NULL },
		{ "pair Olga Ivanova", "", "en", "pair anna@example.org bea@example.org", NULL },
		{ "Bonjour, pouvez-vous d\xc3\xa9placer la formation au 15 mai ?", "", "fr",
		    "formation modifier 2026-05-15", NULL },
		{ "who is coming to the training?", "", "en", "training answers [NUMBER]", NULL },
		{ "Match results for March", "see the attached notes", "en", "match\r\n  Proposes",
		    NULL },
		{ "s\xc3\xa9parer", "", "fr", "s=C3=A9parer 13 a chang=C3=A9 de site", NULL },
	};
	struct fx *f = *state;
	struct fx_out o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char lang[32];

		assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", cases[i].subject,
		    cases[i].body, NULL, MEMBER_OK)), 0);
		assert_string_equal(f->h.outcome,
		    "left for the committee: not understood; the member was answered");
		assert_false(f->h.needs_flag);
		assert_int_equal(fx_count(f, "committee-unclear"), (int64_t)i + 1);
		fx_out(f, "committee-unclear", "chair@example.org", &o);
		snprintf(lang, sizeof(lang), "Content-Language: %s", cases[i].lang);
		if (strstr(o.data, lang) == NULL || strstr(o.data, cases[i].has) == NULL ||
		    (cases[i].not != NULL && strstr(o.data, cases[i].not) != NULL))
			fail_msg("%s:\n%s", cases[i].subject, o.data);
		fx_out_deinit(&o);
	}
}

/* Mail to several people, a conversation passed on, or an unproven From:
 * human mail, no answer. */
static void test_human_mail_stays_human(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "lunch on Friday?", "",
	    NULL, "To: mentoring@example.org, vice@example.org\r\n" FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "lunch on Friday?", "",
	    NULL, TO_US "Cc: vice@example.org\r\n" FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "Fwd: my mentor",
	    "For you.\n", NULL, MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "about Alice",
	    "Have a look.\n\nOn Monday, Alice <alice@example.org> wrote:\n> my mentee never came\n",
	    NULL, MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: human mail");
	/* not proven: as today, no answer */
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "stauts", "", NULL, TO_US)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(fx_count(f, "committee-unclear"), 0);
	/* an applicant's mail is not the committee's business here */
	assert_int_equal(fx_handle(f, fx_mail(f, "alice@example.org", "stauts", "", NULL, MEMBER_OK)), 0);
	assert_int_equal(fx_count(f, "committee-unclear"), 0);
}

/* A reply to any message of ours is read as commands; a reply to our
 * "not understood" that is no command is not answered; the answers stop
 * at the daily limit. */
static void test_replies_and_no_loop(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	int i;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "status", "", NULL,
	    MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "committee commands run");
	/* approve lines sent as a reply to a command's result */
	free(fx_command(f, "match"));
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "command-result",
	    "approve all\nstauts\n", MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "committee commands run");
	assert_int_equal(fx_count(f, "introduction"), 1);
	fx_out(f, "command-result", "chair@example.org", &o);
	assert_non_null(strstr(o.data, "not a command; nothing done (the closest: status)"));
	assert_non_null(strstr(o.data, "write \"help\" as the subject"));
	fx_out_deinit(&o);
	/* "thanks" in reply to the result: not understood, answered once */
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "command-result",
	    "thanks!\n", MEMBER_OK)), 0);
	assert_int_equal(fx_count(f, "committee-unclear"), 1);
	/* and a reply to that answer is not answered */
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "committee-unclear",
	    "ok thanks\n", MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: a reply to an answer, not understood");
	assert_int_equal(fx_count(f, "committee-unclear"), 1);
	/* but commands in it run */
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "committee-unclear",
	    "status\n", MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome, "committee commands run");
	/* the daily limit holds (max_answers_per_day = 10) */
	for (i = 0; i < 12; i++)
		assert_int_equal(fx_handle(f, fx_mail(f, "vice@example.org", "hello", "", NULL,
		    MEMBER_OK)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE kind = 'committee-unclear'"
	    " AND envelope_to LIKE '%vice@%'"), 10);
}

/* The forgiving forms do what their strict forms do: approve all but
 * one, end a pair, move a session with only what changes. */
static void test_forgiving_forms_run(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	fx_applicant(f, "Eve Adams <eve@example.org>", FX_EVE);
	fx_applicant(f, "Bob <bob@example.org>", "Role: mentor\nName: Bob Stone\n"
	    "Department: HR\nField: Law\n");
	free(fx_command(f, "match"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'proposed'"), 2);
	fx_expect_report(f, "approve all except 2", "approve 1");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'proposed'"), 1);
	fx_expect_report(f, "end pair 1", "unpair: the reason is missing");
	fx_expect_report(f, "training 14/05/2026 14h-16h Room 40-S2-A01, Basics", "planned");
	fx_expect_report(f, "move training to 2026-05-15", "training update");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM events WHERE location = 'Room 40-S2-A01'"
	    " AND duration_min = 120 AND strftime('%Y-%m-%d %H:%M', start_at, 'unixepoch')"
	    " = '2026-05-15 12:00'"), 1);
	fx_expect_report(f, "end 1 moved to another site", "unpair 1");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"), 1);
}

/* A mentor at capacity: the refusal names the mentors with room in the
 * same field and how to pair anyway, and makes no pair (no number lost). */
static void test_capacity_refusal_says_how_to_go_on(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Bob <bob@example.org>", "Role: mentor\nName: Bob Stone\n"
	    "Department: HR\nField: Software\n");
	fx_applicant(f, "Dan <dan@example.org>", "Role: mentor\nName: Dan Roe\n"
	    "Department: IT\nField: Software\nCapacity: 3\n");
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	fx_applicant(f, "Eve Adams <eve@example.org>", "Role: mentee\nName: Eve Adams\n"
	    "Department: HR\nField: Software\n");
	fx_expect_report(f, "pair bob@example.org chloe@example.org", "pair 1 approved");
	fx_expect_report(f, "pair bob@example.org eve@example.org",
	    "pair: not paired: Bob Stone is at capacity (1 of 1); mentors with room in the same "
	    "field: dan@example.org; to pair anyway: pair bob@example.org eve@example.org anyway");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs"), 1);
	fx_expect_report(f, "pair bob@example.org eve@example.org anyway", "pair 2 approved");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 2);
	/* by names: one person's name pairs; one that is not names the candidates */
	fx_expect_report(f, "pair o with Eve Adams", "pair: \"o\" could be 2 mentors: "
	    "bob@example.org (Bob Stone), dan@example.org (Dan Roe); write the address instead");
	fx_expect_report(f, "pair Olga Ivanova with Eve Adams",
	    "pair: no confirmed mentor named \"Olga Ivanova\" in this cohort");
	fx_expect_report(f, "associer dan roe avec Chlo", "pair: not paired: Chlo\xc3\xa9 Petit is in "
	    "pair 1 already; to give them another mentor, end that pair first (unpair 1 REASON)");
	free(fx_command(f, "unpair 2 Bob had no room"));
	fx_expect_report(f, "pair Dan and Eve Adams", "approved: Dan Roe and Eve Adams introduced");
}

/* Sessions a committee can manage: numbered, listed, their answers by
 * name with totals that agree with the status, and whether the people
 * of an ended pair are still invited. */
static void test_training_sessions(void **state)
{
	struct fx *f = *state;
	char *out;

	fx_paired(f);
	fx_expect_report(f, "training", "(no training planned)");
	fx_expect_report(f, "training 2026-03-20 14:00 2h Room 1, Kick-off",
	    "training: \"Kick-off\" planned, as session 1");
	fx_expect_report(f, "training", "session 1: Kick-off");
	fx_expect_report(f, "training", "training cancel 1: cancel it");
	fx_expect_report(f, "training answers", "not answered (2): Alice Martin, Chlo");
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "invitation", "yes\n",
	    NULL)), 0);
	out = fx_command(f, "status training");
	assert_non_null(strstr(out, "  accepted (1): Alice Martin\n"));
	assert_non_null(strstr(out, "  declined (0)\n"));
	assert_non_null(strstr(out, "  not answered (1): Chlo"));
	free(out);
	/* the status's totals say the same */
	fx_expect_report(f, "status", "accepted 1, declined 0, tentative 0, no answer 1");
	fx_expect_report(f, "training cancel 2", "there is no planned session 2; the planned one is "
	    "session 1");
	fx_expect_report(f, "training update 1 15:00-16:00", "the 2nd version of the invitation");
	out = fx_command(f, "training answers 1");
	assert_non_null(strstr(out, "answered an earlier version only, not counted (1): Alice"));
	assert_non_null(strstr(out, "  accepted (0)\n"));
	free(out);
	fx_expect_report(f, "status", "accepted 0, declined 0, tentative 0, no answer 2");
	fx_expect_report(f, "unpair 1 moved away", "both are still invited to training session 1");
}

/* The nearest commands of the committee, in both languages: what each
 * misspelling or near word must suggest, and what must suggest nothing. */
static void test_nearest_table(void **state)
{
	static const struct {
		const char *text, *value, *lang;
	} cases[] = {
		{ "stauts", "status", NULL }, { "statu", "status", NULL },
		{ "aparier", "match", "fr" }, { "apprrove", "approve", "en" },
		{ "pairs", "match", "en" }, { "paires", "match", "fr" },
		{ "end pair 13", "unpair", "en" }, { "dgest", "digest", "en" },
		{ "reprot", "report", "en" }, { "rapport", "report", "fr" },
		{ "aide", "help", "fr" }, { "committee help", "help", "en" },
		{ "who is coming", "training-answers", "en" },
		{ "qui vient", "training-answers", "fr" },
		{ "formations", "training", "fr" }, { "resnd 12", "resend", "en" },
		{ "hello", NULL, NULL }, { "state", NULL, NULL }, { "statue", NULL, NULL },
		{ "helo", NULL, NULL }, { "thanks for the digest, see you on Friday", NULL, NULL },
		{ "pear", NULL, NULL }, { "ok", NULL, NULL },
	};
	struct words_suggestion s[WORDS_NEAREST_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = words_nearest(WORDS_COMMITTEE, cases[i].text, s, WORDS_NEAREST_MAX);
		if (cases[i].value == NULL) {
			if (n != 0)
				fail_msg("\"%s\" suggests %s", cases[i].text, s[0].value);
			continue;
		}
		if (n == 0 || strcmp(s[0].value, cases[i].value) != 0)
			fail_msg("\"%s\": expected %s, got %s", cases[i].text, cases[i].value,
			    n > 0 ? s[0].value : "nothing");
		if (cases[i].lang != NULL && strcmp(s[0].lang, cases[i].lang) != 0)
			fail_msg("\"%s\": in %s, not %s", cases[i].text, s[0].lang, cases[i].lang);
	}
}

/* "help" among command lines puts the help in the results; a reply
 * whose first line only starts like a command is not run. */
static void test_help_line_and_near_commands_in_replies(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "commands",
	    "status\nhelp reject\n", NULL, MEMBER_OK)), 0);
	fx_out(f, "command-result", "chair@example.org", &o);
	assert_non_null(strstr(o.data, "Rejects pairs of the latest proposal"));
	fx_out_deinit(&o);
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "command-result",
	    "End of the week suits me.\n", MEMBER_OK)), 0);
	assert_string_equal(f->h.outcome,
	    "left for the committee: not understood; the member was answered");
	fx_out(f, "committee-unclear", "chair@example.org", &o);
	assert_non_null(strstr(o.data, "unpair: expected a pair number"));
	fx_out_deinit(&o);
	assert_int_equal(fx_count(f, "command-result"), 1);
}

/* A failed message is sent again by mail: members have no shell. */
static void test_resend(void **state)
{
	struct fx *f = *state;
	char line[64], *out;
	int64_t id;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	id = fx_int(f, "SELECT max(id) FROM outbound");
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'failed',"
	    " last_error = '550 no such user' WHERE id = ?", "i", id), 0);
	free(fx_command(f, "digest"));
	out = fx_out_read(f, "digest", NULL);
	assert_non_null(strstr(out, "(\"resend N\", N its number, sends one again)"));
	free(out);
	snprintf(line, sizeof(line), "resend %" PRId64, id);
	fx_expect_report(f, line, "the message will be sent again now");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE status = 'failed'"), 0);
	fx_expect_report(f, "renvoyer 99999", "no undelivered message has that number");
}

/* Every message the committee receives says, last before the signature,
 * how to get its help. */
static void test_committee_mail_says_where_help_is(void **state)
{
	static const char *const kinds[] = { "command-result", "proposal", "digest",
		"issue-notice", "checkin-end", "committee-withdrawn", "feedback-received",
		"notice-limit", "report", "restore-notice" };
	static const char *const line[] = {
		"For the committee's commands, write \"help\" as the subject to {{address}}.\n\n"
		"With best wishes,",
		"Pour les commandes du comit\xc3\xa9, \xc3\xa9" "crivez \xc2\xab aide \xc2\xbb en "
		"objet \xc3\xa0 {{address}}.\n\nBien cordialement," };
	static const char *const langs[] = { "en", "fr" };
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		for (j = 0; j < ARRAY_SIZE(langs); j++) {
			char *rel = xasprintf("templates/%s/%s", langs[j], kinds[i]);
			char *text = tu_read_source(rel, NULL);

			if (strstr(text, line[j]) == NULL)
				fail_msg("%s does not end with where the help is", rel);
			free(text);
			free(rel);
		}
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_help_names_every_command),
		T(test_help_by_mail),
		T(test_not_understood_is_answered),
		T(test_human_mail_stays_human),
		T(test_replies_and_no_loop),
		T(test_forgiving_forms_run),
		T(test_capacity_refusal_says_how_to_go_on),
		T(test_training_sessions),
		T(test_resend),
		T(test_committee_mail_says_where_help_is),
		T(test_nearest_table),
		T(test_help_line_and_near_commands_in_replies),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
