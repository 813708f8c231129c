#include "testutil.h"

#include "bounds.h"
#include "command.h"

#define NB "\xc2\xa0" /* U+00A0 */

/* ---- subjects ---- */

static const struct {
	const char *subject, *stripped;
} strip_cases[] = {
	{ "Re: help", "help" },
	{ "RE : aide", "aide" },
	{ "Re" NB ": aide", "aide" },
	{ "Re[2]: Fwd: status", "status" },
	{ "Re(3): x", "x" },
	{ "TR: RE: R\xc3\xa9" "f. : candidature", "candidature" },
	{ "R\xc3\xa9" "f : statut", "statut" },
	{ "AW: WG: apply", "apply" },
	{ "FW:help", "help" },
	{ "Fwd : Fwd: Re:  issue: my mentor ", "issue: my mentor" },
	{ "RE\xef\xbc\x9ahelp", "help" },
	{ "[EXTERNAL] Re: help", "help" },
	{ "Re: [EXTERNAL] [Mentoring 2026] help", "help" },
	{ "EXTERNAL: RE: withdraw", "withdraw" },
	{ "  help  ", "help" },
	{ "Re:", "" },
	{ "", "" },
	{ "Regarding: x", "Regarding: x" },
	{ "Re help", "Re help" },
	{ "[] help", "[] help" },
	{ "Status: Re: x", "Status: Re: x" },
	{ "[not closed help", "[not closed help" },
};

static void test_subject_strip(void **state)
{
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(strip_cases); i++) {
		s = command_subject_strip(strip_cases[i].subject);
		if (strcmp(s, strip_cases[i].stripped) != 0)
			fail_msg("\"%s\": got \"%s\"", strip_cases[i].subject, s);
		free(s);
	}
}

static const struct {
	const char *subject;
	enum applicant_cmd cmd;
	const char *arg, *lang;
} applicant_cases[] = {
	{ "help", ACMD_HELP, NULL, "en" },
	{ "Re: Aide", ACMD_HELP, NULL, "fr" },
	{ "Help?", ACMD_HELP, NULL, "en" },
	{ "HELP", ACMD_HELP, NULL, "en" },
	{ "Aide" NB ": formulaire", ACMD_HELP, "formulaire", "fr" },
	{ "helpful tips", ACMD_NONE, NULL, NULL },
	{ "help-desk ticket", ACMD_NONE, NULL, NULL },
	{ "apply", ACMD_APPLY, NULL, "en" },
	{ "Application form", ACMD_APPLY, "form", "en" },
	{ "Candidature : mentor", ACMD_APPLY, "mentor", "fr" },
	{ "confirm 3f9a0c", ACMD_CONFIRM, "3f9a0c", "en" },
	{ "Re: Confirmer ABC123", ACMD_CONFIRM, "ABC123", "fr" },
	{ "update", ACMD_UPDATE, NULL, "en" },
	{ "Modifier", ACMD_UPDATE, NULL, "fr" },
	{ "withdraw", ACMD_WITHDRAW, NULL, "en" },
	{ "Retrait", ACMD_WITHDRAW, NULL, "fr" },
	{ "retirer ma candidature", ACMD_WITHDRAW, "ma candidature", "fr" },
	{ "[EXTERNAL] RE: withdraw", ACMD_WITHDRAW, NULL, "en" },
	{ "status", ACMD_STATUS, NULL, "en" },
	{ "STATUT", ACMD_STATUS, NULL, "fr" },
	{ "statistics", ACMD_NONE, NULL, NULL },
	{ "issue: my mentor is absent", ACMD_ISSUE, "my mentor is absent", "en" },
	{ "Issue : x", ACMD_ISSUE, "x", "en" },
	{ "Probl\xc3\xa8me avec mon mentor", ACMD_ISSUE, "avec mon mentor", "fr" },
	{ "probleme", ACMD_ISSUE, NULL, "fr" },
	{ "PROBL\xc3\x88ME", ACMD_ISSUE, NULL, "fr" },
	{ "issues", ACMD_NONE, NULL, NULL },
	{ "forget me", ACMD_FORGET, NULL, "en" },
	{ "Forget-me", ACMD_FORGET, NULL, "en" },
	{ "Re: forget  me please", ACMD_FORGET, "please", "en" },
	{ "oubliez-moi", ACMD_FORGET, NULL, "fr" },
	{ "Oubliez moi", ACMD_FORGET, NULL, "fr" },
	{ "forget", ACMD_NONE, NULL, NULL },
	{ "forget about it", ACMD_NONE, NULL, NULL },
	{ "oubliez", ACMD_NONE, NULL, NULL },
	{ "", ACMD_NONE, NULL, NULL },
	{ "Re:", ACMD_NONE, NULL, NULL },
	{ "Hello", ACMD_NONE, NULL, NULL },
};

static void test_applicant(void **state)
{
	const char *lang;
	char *arg;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(applicant_cases); i++) {
		enum applicant_cmd cmd = command_applicant(applicant_cases[i].subject, &arg, &lang);

		if (cmd != applicant_cases[i].cmd)
			fail_msg("\"%s\": command %d", applicant_cases[i].subject, (int)cmd);
		if ((arg == NULL) != (applicant_cases[i].arg == NULL) ||
		    (arg != NULL && strcmp(arg, applicant_cases[i].arg) != 0))
			fail_msg("\"%s\": arg \"%s\"", applicant_cases[i].subject, arg ? arg : "NULL");
		if ((lang == NULL) != (applicant_cases[i].lang == NULL) ||
		    (lang != NULL && strcmp(lang, applicant_cases[i].lang) != 0))
			fail_msg("\"%s\": lang %s", applicant_cases[i].subject, lang ? lang : "NULL");
		free(arg);
	}
}

/* ---- committee commands ---- */

struct ccase {
	const char *line;
	int ret;
	enum committee_cmd cmd;
	const char *error;  /* exact error, "~text" for a prefix, NULL for none */
	long nums[6];       /* ends at 0 */
	int all;
	const char *arg1, *arg2;
};

static const struct ccase committee_cases[] = {
	{ "match", 1, CCMD_MATCH, NULL, { 0 }, 0, NULL, NULL },
	{ "Apparier.", 1, CCMD_MATCH, NULL, { 0 }, 0, NULL, NULL },
	{ "match now", 1, CCMD_MATCH, "match: takes no arguments", { 0 }, 0, NULL, NULL },
	{ "approve all", 1, CCMD_APPROVE, NULL, { 0 }, 1, NULL, NULL },
	{ "APPROVE ALL", 1, CCMD_APPROVE, NULL, { 0 }, 1, NULL, NULL },
	{ "approuver tout", 1, CCMD_APPROVE, NULL, { 0 }, 1, NULL, NULL },
	{ "approuver tous", 1, CCMD_APPROVE, NULL, { 0 }, 1, NULL, NULL },
	{ "approve 1 3 4", 1, CCMD_APPROVE, NULL, { 1, 3, 4 }, 0, NULL, NULL },
	{ "approve 1,3,4", 1, CCMD_APPROVE, NULL, { 1, 3, 4 }, 0, NULL, NULL },
	{ "approve: 1-3", 1, CCMD_APPROVE, NULL, { 1, 2, 3 }, 0, NULL, NULL },
	{ "approuver 5 ; #7, 2\xe2\x80\x93" "3", 1, CCMD_APPROVE, NULL, { 5, 7, 2, 3 }, 0, NULL, NULL },
	{ "approve 3 3 1", 1, CCMD_APPROVE, NULL, { 3, 1 }, 0, NULL, NULL },
	{ "approve", 1, CCMD_APPROVE, "approve: expected all, all except NUMBERS, or pair numbers, "
	  "like approve 1 3 4 or approve all except 9", { 0 }, 0, NULL, NULL },
	{ "approve x", 1, CCMD_APPROVE, "approve: \"x\" is not a number from 1 to 1000000; "
	  "expected all, all except NUMBERS, or pair numbers, like approve 1 3 4 or approve all "
	  "except 9", { 0 }, 0, NULL, NULL },
	{ "approve 0", 1, CCMD_APPROVE, "~approve: \"0\" is not a number", { 0 }, 0, NULL, NULL },
	{ "approve 3-1", 1, CCMD_APPROVE, "~approve: \"3-1\" is not", { 0 }, 0, NULL, NULL },
	{ "approve all 3", 1, CCMD_APPROVE, "~approve: expected all, all except NUMBERS", { 0 }, 0,
	  NULL, NULL },
	{ "approve 1-1000000", 1, CCMD_APPROVE, "approve: at most 200 numbers at a time",
	  { 0 }, 0, NULL, NULL },
	{ "approve 1-200 201", 1, CCMD_APPROVE, "approve: at most 200 numbers at a time",
	  { 0 }, 0, NULL, NULL },
	{ "reject 2", 1, CCMD_REJECT, NULL, { 2 }, 0, NULL, NULL },
	{ "Rejeter 2 4", 1, CCMD_REJECT, NULL, { 2, 4 }, 0, NULL, NULL },
	{ "reject all", 1, CCMD_REJECT, "~reject: \"all\" is not a number", { 0 }, 0, NULL, NULL },
	{ "reject", 1, CCMD_REJECT, "reject: expected pair numbers, like reject 2", { 0 }, 0, NULL, NULL },
	{ "pair alice@example.org bob@example.org", 1, CCMD_PAIR, NULL, { 0 }, 0,
	  "alice@example.org", "bob@example.org" },
	{ "associer <Alice@Example.org>, mailto:BOB@example.org", 1, CCMD_PAIR, NULL, { 0 }, 0,
	  "alice@example.org", "bob@example.org" },
	{ "pair alice@example.org", 1, CCMD_PAIR,
	  "~pair: expected the mentor's address, then the mentee's, like pair anna@", { 0 }, 0,
	  NULL, NULL },
	{ "pair alice@example.org bob@example.org anyway", 1, CCMD_PAIR, NULL, { 0 }, 0,
	  "alice@example.org", "bob@example.org" },
	{ "pair a@b@example.org bob@example.org", 1, CCMD_PAIR,
	  "pair: \"a@b@example.org\" is not a valid address", { 0 }, 0, NULL, NULL },
	{ "pair alice@example.org bob@exa_mple.org", 1, CCMD_PAIR,
	  "pair: \"bob@exa_mple.org\" is not a valid address", { 0 }, 0, NULL, NULL },
	{ "pair a@x.org A@x.org", 1, CCMD_PAIR, "pair: the mentor and the mentee must be two people",
	  { 0 }, 0, NULL, NULL },
	{ "pair a@x.org b@x.org c@x.org", 1, CCMD_PAIR, "~pair: expected the mentor's", { 0 }, 0,
	  NULL, NULL },
	{ "unpair 3 moved to another site", 1, CCMD_UNPAIR, NULL, { 3 }, 0,
	  "moved to another site", NULL },
	{ "dissocier #2 d\xc3\xa9part", 1, CCMD_UNPAIR, NULL, { 2 }, 0, "d\xc3\xa9part", NULL },
	{ "unpair 3", 1, CCMD_UNPAIR, "unpair: the reason is missing (it stays with the committee): "
	  "write it after the number, like unpair 3 moved to another site", { 0 }, 0, NULL, NULL },
	{ "unpair x because", 1, CCMD_UNPAIR, "~unpair: expected a pair number", { 0 }, 0, NULL, NULL },
	{ "close 4", 1, CCMD_CLOSE, NULL, { 4 }, 0, NULL, NULL },
	{ "clore 4", 1, CCMD_CLOSE, NULL, { 4 }, 0, NULL, NULL },
	{ "Fermer #12", 1, CCMD_CLOSE, NULL, { 12 }, 0, NULL, NULL },
	{ "close", 1, CCMD_CLOSE, "close: expected one case number, like close 4", { 0 }, 0, NULL, NULL },
	{ "close 1 2", 1, CCMD_CLOSE, "close: expected one case number, like close 4", { 0 }, 0,
	  NULL, NULL },
	{ "cohort open 2026 Spring", 1, CCMD_COHORT_OPEN, NULL, { 0 }, 0, "2026 Spring", NULL },
	{ "cohorte ouvrir Promotion\t2026", 1, CCMD_COHORT_OPEN, NULL, { 0 }, 0, "Promotion 2026", NULL },
	{ "cohort open", 1, CCMD_COHORT_OPEN, "cohort open: expected a NAME, like cohort open 2026",
	  { 0 }, 0, NULL, NULL },
	{ "cohort close", 1, CCMD_COHORT_CLOSE, NULL, { 0 }, 0, NULL, NULL },
	{ "cohorte fermer", 1, CCMD_COHORT_CLOSE, NULL, { 0 }, 0, NULL, NULL },
	{ "cohort", 1, CCMD_COHORT_OPEN, "cohort: expected open NAME or close", { 0 }, 0, NULL, NULL },
	{ "cohort reopen", 1, CCMD_COHORT_OPEN, "cohort: expected open NAME or close", { 0 }, 0,
	  NULL, NULL },
	{ "cohort close 2025", 1, CCMD_COHORT_CLOSE, "cohort close: takes no arguments", { 0 }, 0,
	  NULL, NULL },
	{ "cohort open 2027 --announce", 1, CCMD_COHORT_OPEN, NULL, { 0 }, 0, "2027", NULL },
	{ "cohorte ouvrir 2027 --annoncer", 1, CCMD_COHORT_OPEN, NULL, { 0 }, 0, "2027", NULL },
	{ "cohort open --announce", 1, CCMD_COHORT_OPEN,
	  "cohort open: expected a NAME, like cohort open 2026", { 0 }, 0, NULL, NULL },
	{ "report", 1, CCMD_REPORT, NULL, { 0 }, 0, NULL, NULL },
	{ "report 2026", 1, CCMD_REPORT, NULL, { 0 }, 0, "2026", NULL },
	{ "report --cohort 2026 Spring", 1, CCMD_REPORT, NULL, { 0 }, 0, "2026 Spring", NULL },
	{ "Rapport --cohorte=2025", 1, CCMD_REPORT, NULL, { 0 }, 0, "2025", NULL },
	{ "bilan 2025", 1, CCMD_REPORT, NULL, { 0 }, 0, "2025", NULL },
	{ "report --cohort", 1, CCMD_REPORT, "report: expected a cohort's NAME after --cohort",
	  { 0 }, 0, NULL, NULL },
	{ "reporting is fun", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "digest", 1, CCMD_DIGEST, NULL, { 0 }, 0, NULL, NULL },
	{ "R\xc3\xa9sum\xc3\xa9", 1, CCMD_DIGEST, NULL, { 0 }, 0, NULL, NULL },
	{ "status", 1, CCMD_STATUS, NULL, { 0 }, 0, NULL, NULL },
	{ "Statut", 1, CCMD_STATUS, NULL, { 0 }, 0, NULL, NULL },
	{ "commands", 1, CCMD_COMMANDS, NULL, { 0 }, 0, NULL, NULL },
	{ "Commandes de la semaine", 1, CCMD_COMMANDS, NULL, { 0 }, 0, NULL, NULL },
	{ "training cancel", 1, CCMD_TRAINING_CANCEL, NULL, { 0 }, 0, NULL, NULL },
	{ "formation annuler", 1, CCMD_TRAINING_CANCEL, NULL, { 0 }, 0, NULL, NULL },
	{ "training cancel now", 1, CCMD_TRAINING_CANCEL, "training cancel: takes no arguments",
	  { 0 }, 0, NULL, NULL },
	{ "training", 1, CCMD_TRAINING, NULL, { 0 }, 0, NULL, NULL },
	{ "training cancel 1", 1, CCMD_TRAINING_CANCEL, NULL, { 1 }, 0, NULL, NULL },
	{ "approve 1\r\nreject 2", 1, CCMD_APPROVE, NULL, { 1 }, 0, NULL, NULL },
	{ "  match", 1, CCMD_MATCH, NULL, { 0 }, 0, NULL, NULL },
	/* not commands */
	{ "Thanks!", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "   ", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "matching went well", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "approval needed", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "> approve all", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
	{ "Re: approve all", 0, CCMD_NONE, NULL, { 0 }, 0, NULL, NULL },
};

static void check_committee_case(const struct ccase *t)
{
	struct committee_command c;
	size_t n = 0;
	int r = command_committee_parse(t->line, &c);

	if (r != t->ret || c.cmd != t->cmd)
		fail_msg("\"%s\": returned %d, command %d", t->line, r, (int)c.cmd);
	if (t->error == NULL && c.error != NULL)
		fail_msg("\"%s\": unexpected error \"%s\"", t->line, c.error);
	if (t->error != NULL && (c.error == NULL || (t->error[0] == '~' ?
	    !str_has_prefix(c.error, t->error + 1) : strcmp(c.error, t->error) != 0)))
		fail_msg("\"%s\": error \"%s\"", t->line, c.error ? c.error : "NULL");
	if (t->error == NULL) {
		while (n < ARRAY_SIZE(t->nums) && t->nums[n] != 0)
			n++;
		assert_int_equal(c.n_nums, n);
		assert_memory_equal(c.nums, t->nums, n * sizeof(long));
		assert_int_equal(c.all, t->all);
		/* the call for participants is asked only with its flag */
		assert_int_equal(c.announce, strstr(t->line, "--announce") != NULL ||
		    strstr(t->line, "--annoncer") != NULL);
		if (t->arg1 != NULL)
			assert_string_equal(c.arg1, t->arg1);
		else
			assert_null(c.arg1);
		if (t->arg2 != NULL)
			assert_string_equal(c.arg2, t->arg2);
		else
			assert_null(c.arg2);
	}
	command_committee_deinit(&c);
}

static void test_committee(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(committee_cases); i++)
		check_committee_case(&committee_cases[i]);
	assert_string_equal(command_committee_name(CCMD_TRAINING_UPDATE), "training update");
	assert_string_equal(command_committee_name(CCMD_NONE), "");
}

struct tcase {
	const char *line;
	enum committee_cmd cmd;
	int year, month, day, hour, minute;
	long duration;
	const char *location, *title;
};

static const struct tcase training_cases[] = {
	{ "training 2026-03-10 14:00 90m Room 1, Kick-off meeting", CCMD_TRAINING,
	  2026, 3, 10, 14, 0, 90, "Room 1", "Kick-off meeting" },
	{ "Formation 2026-03-10 9:30 1h30 Salle B", CCMD_TRAINING, 2026, 3, 10, 9, 30, 90,
	  "Salle B", NULL },
	{ "training 2028-02-29 14h30 2h Main hall,", CCMD_TRAINING, 2028, 2, 29, 14, 30, 120,
	  "Main hall", NULL },
	{ "training 2026-12-31 23:59 1h30m B 40, 4th floor, Welcome", CCMD_TRAINING,
	  2026, 12, 31, 23, 59, 90, "B 40", "4th floor, Welcome" },
	{ "training update 2026-03-11 10:00 45min Room\x01 2, New\x07 title", CCMD_TRAINING_UPDATE,
	  2026, 3, 11, 10, 0, 45, "Room 2", "New title" },
	{ "formation modifier 2026-03-11 10h 24h Partout", CCMD_TRAINING_UPDATE,
	  2026, 3, 11, 10, 0, 1440, "Partout", NULL },
	{ "training 2026-03-10 08:00 1m x", CCMD_TRAINING, 2026, 3, 10, 8, 0, 1, "x", NULL },
};

/* Parses t->line into *c and checks every field t gives (a NULL location
 * or title: none). */
static void check_training(const struct tcase *t, struct committee_command *c)
{
	assert_int_equal(command_committee_parse(t->line, c), 1);
	if (c->error != NULL)
		fail_msg("\"%s\": %s", t->line, c->error);
	assert_int_equal(c->cmd, t->cmd);
	assert_int_equal(c->year, t->year);
	assert_int_equal(c->month, t->month);
	assert_int_equal(c->day, t->day);
	assert_int_equal(c->hour, t->hour);
	assert_int_equal(c->minute, t->minute);
	assert_int_equal(c->duration_min, t->duration);
	if (t->location == NULL)
		assert_null(c->location);
	else
		assert_string_equal(c->location, t->location);
	if (t->title == NULL)
		assert_null(c->title);
	else
		assert_string_equal(c->title, t->title);
}

/* The forgiving forms: each accepted one read as the strict form would be,
 * each ambiguous one refused with its candidates named. */
static void test_forgiving_forms(void **state)
{
	static const struct {
		struct tcase t;
		unsigned given;
	} trainings[] = {
		{ { "training 14 May 2026 14:00-16:00 room 40-S2-A01", CCMD_TRAINING, 2026, 5, 14,
		    14, 0, 120, "room 40-S2-A01", NULL }, 15 },
		{ { "formation 14/05/2026 14h-16h Salle 3", CCMD_TRAINING, 2026, 5, 14, 14, 0, 120,
		    "Salle 3", NULL }, 15 },
		{ { "formation 14 mai 2026 14h30 - 16h Salle 3", CCMD_TRAINING, 2026, 5, 14, 14, 30,
		    90, "Salle 3", NULL }, 15 },
		{ { "training May 14, 2026 9:30 90m Room 1", CCMD_TRAINING, 2026, 5, 14, 9, 30, 90,
		    "Room 1", NULL }, 15 },
		{ { "training 05/05/2026 10:00 1h Room 1", CCMD_TRAINING, 2026, 5, 5, 10, 0, 60,
		    "Room 1", NULL }, 15 },
		{ { "training 14.05.2026 10:00 1h Room 1", CCMD_TRAINING, 2026, 5, 14, 10, 0, 60,
		    "Room 1", NULL }, 15 },
		{ { "training 05/14/2026 10:00 1h Room 1", CCMD_TRAINING, 2026, 5, 14, 10, 0, 60,
		    "Room 1", NULL }, 15 },
		{ { "move training to 2026-05-15", CCMD_TRAINING_UPDATE, 2026, 5, 15, 0, 0, 0, NULL,
		    NULL }, 1 },
		{ { "move training to 15 May 2026 at 15:00", CCMD_TRAINING_UPDATE, 2026, 5, 15, 15,
		    0, 0, NULL, NULL }, 3 },
		{ { "training update 16:00-17:30", CCMD_TRAINING_UPDATE, 0, 0, 0, 16, 0, 90, NULL,
		    NULL }, 6 },
		{ { "training update Room 7", CCMD_TRAINING_UPDATE, 0, 0, 0, 0, 0, 0, "Room 7",
		    NULL }, 8 },
		{ { "d\xc3\xa9placer formation au 15/05/2026", CCMD_TRAINING_UPDATE, 2026, 5, 15, 0,
		    0, 0, NULL, NULL }, 1 },
		{ { "formation modifier 2026-05-15 14h 2h Salle 4", CCMD_TRAINING_UPDATE, 2026, 5,
		    15, 14, 0, 120, "Salle 4", NULL }, 15 },
	};
	static const struct {
		const char *line, *error;
	} refused[] = {
		{ "training 05/06/2026 10:00 1h Room", "could be 5 June or 6 May 2026" },
		{ "training 05/06/2026 10:00 1h Room", "2026-06-05 or 2026-05-06" },
		{ "training 14 May 10:00 1h Room", "day, month and year" },
		{ "formation 08/00/2026 14h-16h Salle", "is not a date of the calendar" },
		{ "training 0/5/2026 10:00 1h Room", "is not a date of the calendar" },
		{ "training 2026-05-14 16:00-14:00 Room", "ends before the start" },
		{ "training 2026-05-14 14:00 Room 1", "is not a duration" },
		{ "training update", "nothing to change" },
		{ "end 13", "the reason is missing" },
		{ "end pair 13", "like unpair 13 moved to another site" },
		{ "approve all 9", "approve all except 9" },
		{ "approve all except", "approve all except 9" },
	};
	struct committee_command c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(trainings); i++) {
		check_training(&trainings[i].t, &c);
		assert_int_equal(c.given, trainings[i].given);
		command_committee_deinit(&c);
	}
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_int_equal(command_committee_parse(refused[i].line, &c), 1);
		if (c.error == NULL || strstr(c.error, refused[i].error) == NULL)
			fail_msg("\"%s\": error %s", refused[i].line, c.error ? c.error : "NULL");
		command_committee_deinit(&c);
	}
	/* approve all except, and unpair by its other words */
	assert_int_equal(command_committee_parse("approve all except 9", &c), 1);
	assert_null(c.error);
	assert_true(c.all);
	assert_int_equal(c.n_nums, 1);
	assert_int_equal(c.nums[0], 9);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("Approuver tout sauf 2, 4", &c), 1);
	assert_null(c.error);
	assert_true(c.all);
	assert_int_equal(c.n_nums, 2);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("approve all but #3", &c), 1);
	assert_true(c.all && c.n_nums == 1 && c.nums[0] == 3);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("pair Olga Ivanova with Nadia Benali", &c), 1);
	assert_null(c.error);
	assert_true(c.by_name);
	assert_string_equal(c.arg1, "Olga Ivanova");
	assert_string_equal(c.arg2, "Nadia Benali");
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("associer Olga avec Nadia quand m\xc3\xaame", &c), 1);
	assert_true(c.by_name && c.anyway);
	assert_string_equal(c.arg2, "Nadia");
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("pair Olga Ivanova", &c), 1);
	assert_non_null(c.error);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("pair with Nadia", &c), 1);
	assert_non_null(c.error);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("end pair 13 moved away", &c), 1);
	assert_null(c.error);
	assert_int_equal(c.cmd, CCMD_UNPAIR);
	assert_string_equal(c.arg1, "moved away");
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("s\xc3\xa9parer 13 d\xc3\xa9part", &c), 1);
	assert_int_equal(c.cmd, CCMD_UNPAIR);
	assert_null(c.error);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("help training update", &c), 1);
	assert_int_equal(c.cmd, CCMD_HELP);
	assert_int_equal(c.topic, CCMD_TRAINING_UPDATE);
	command_committee_deinit(&c);
	assert_int_equal(command_committee_parse("aide", &c), 1);
	assert_int_equal(c.topic, CCMD_NONE);
	assert_string_equal(c.lang, "fr");
	command_committee_deinit(&c);
}

static void test_training(void **state)
{
	static const char *const bad[] = {
		"training 2026-02-29 10:00 1h Room", "training 2026-13-01 10:00 1h Room",
		"training 2026-04-31 10:00 1h Room", "training 26-03-10 10:00 1h Room",
		"training 2026-03-10 24:00 1h Room", "training 2026-03-10 10:60 1h Room",
		"training 2026-03-10 10 1h Room", "training 2026-03-10 10:00 0m Room",
		"training 2026-03-10 10:00 25h Room", "training 2026-03-10 10:00 1h60 Room",
		"training 2026-03-10 10:00 90 Room", "training 2026-03-10 10:00 1h3 Room",
		"training 2026-03-10 10:00 1441m Room", "training 2026-03-10 10:00 1h",
		"training 2026-03-10 10:00 1h , title only", "training update 2026-03-10 25:00",
		"training 2026-03-10 16:00-14:00 Room", "training 31/02/2026 10:00 1h Room",
		"training 14 May 10:00 1h Room", "training update 2026-03-10 10:00 2",
		"formation 2026-03-10 10:00 2 heures Salle",
	};
	struct committee_command c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(training_cases); i++) {
		check_training(&training_cases[i], &c);
		command_committee_deinit(&c);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(command_committee_parse(bad[i], &c), 1);
		if (c.error == NULL || !str_has_prefix(c.error, "training") ||
		    strstr(c.error, "expected DATE START DURATION PLACE[, TITLE], like training "
		    "2026-05-14 14:00 2h Room 40-S2-A01, Mentoring basics") == NULL)
			fail_msg("\"%s\": error %s", bad[i], c.error ? c.error : "NULL");
		command_committee_deinit(&c);
	}
	assert_int_equal(command_committee_parse("training 2026-02-30 10:00 1h Room", &c), 1);
	assert_true(str_has_prefix(c.error, "training: \"2026-02-30\" is not a date of the calendar; "
	    "expected DATE START DURATION PLACE[, TITLE]"));
	command_committee_deinit(&c);
}

static void test_addresses(void **state)
{
	static const struct {
		const char *addr;
		int ok;
	} cases[] = {
		{ "alice@example.org", 1 }, { "a.b+tag@sub.example.org", 1 }, { "x@localhost", 1 },
		{ "o'brien@example.ie", 1 }, { "", 0 }, { "@example.org", 0 }, { "alice@", 0 },
		{ "alice", 0 }, { "a@b@c", 0 }, { ".a@example.org", 0 }, { "a..b@example.org", 0 },
		{ "a.@example.org", 0 }, { "a@-example.org", 0 }, { "a@example-.org", 0 },
		{ "a@example..org", 0 }, { "a@exa mple.org", 0 }, { "a b@example.org", 0 },
		{ "a@example.org\n", 0 }, { "\xc3\xa9@example.org", 0 }, { "a@[127.0.0.1]", 0 },
	};
	char long_local[80], long_addr[ADDRESS_BYTES_MAX + 8];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (command_address_valid(cases[i].addr) != cases[i].ok)
			fail_msg("\"%s\"", cases[i].addr);
	memset(long_local, 'a', 65);
	memcpy(long_local + 65, "@x.org", 7);
	assert_false(command_address_valid(long_local));
	long_local[1] = '@';
	long_local[2] = '\0';
	assert_false(command_address_valid(long_local));
	memset(long_addr, 'b', sizeof(long_addr));
	memcpy(long_addr, "a@", 2);
	for (i = 50; i < sizeof(long_addr) - 1; i += 50)
		long_addr[i] = '.';
	long_addr[sizeof(long_addr) - 1] = '\0';
	assert_false(command_address_valid(long_addr));
}

/* ---- answers ---- */

static const struct {
	const char *text;
	enum rsvp_answer answer;
} rsvp_cases[] = {
	{ "yes", RSVP_YES }, { "Yes!", RSVP_YES }, { "yes.", RSVP_YES },
	{ "Yes, I will come", RSVP_YES }, { "  YES  \n\nSee you", RSVP_YES },
	{ "\n\n  yes\n> Will you come?", RSVP_YES }, { "oui", RSVP_YES }, { "Oui.", RSVP_YES },
	{ "oui merci", RSVP_YES }, { "Oui" NB "!", RSVP_YES }, { "Accept\xc3\xa9", RSVP_YES },
	{ "accepted", RSVP_YES }, { "accept", RSVP_YES }, { "Yes :)", RSVP_YES },
	{ "no", RSVP_NO }, { "No thanks", RSVP_NO }, { "NON", RSVP_NO },
	{ "Non, d\xc3\xa9sol\xc3\xa9" "e", RSVP_NO }, { "decline", RSVP_NO }, { "Declined.", RSVP_NO },
	{ "refus\xc3\xa9", RSVP_NO }, { "Refus\xc3\xa9" "e", RSVP_NO }, { "no\r\n", RSVP_NO },
	{ "maybe", RSVP_MAYBE }, { "Tentative", RSVP_MAYBE }, { "peut-\xc3\xaatre", RSVP_MAYBE },
	{ "Peut \xc3\xaatre", RSVP_MAYBE }, { "peut etre", RSVP_MAYBE },
	{ "Peut-\xc3\xaatre !", RSVP_MAYBE },
	{ "no idea", RSVP_NONE }, { "not sure", RSVP_NONE }, { "Yesterday I was ill", RSVP_NONE },
	{ "nonsense", RSVP_NONE }, { "peut", RSVP_NONE }, { "yes I will come", RSVP_NONE },
	{ "Hi,\nyes", RSVP_NONE }, { "", RSVP_NONE }, { "\n \n", RSVP_NONE },
	{ "maybe-not", RSVP_NONE }, { "Yes, but first let me check my calendar and the calendar "
	  "of my team, because the week of the tenth is busy for us", RSVP_NONE },
	{ "yes yes yes yes yes yes yes yes yes yes yes yes yes", RSVP_NONE },
};

static void test_rsvp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rsvp_cases); i++)
		if (command_rsvp_answer(rsvp_cases[i].text) != rsvp_cases[i].answer)
			fail_msg("\"%s\": %d", rsvp_cases[i].text, (int)command_rsvp_answer(rsvp_cases[i].text));
}

static const struct {
	const char *text;
	enum checkin_answer answer;
	const char *rest;
} checkin_cases[] = {
	{ "ok", CHK_OK, NULL }, { "OK!", CHK_OK, NULL }, { "okay", CHK_OK, NULL },
	{ "ok thanks", CHK_OK, NULL }, { "Ok, all good\nmore text", CHK_OK, NULL },
	{ "met", CHK_MET, NULL }, { "Met, it went well", CHK_MET, NULL },
	{ "rencontr\xc3\xa9", CHK_MET, NULL }, { "Rencontr\xc3\xa9s !", CHK_MET, NULL },
	{ "rencontr\xc3\xa9" "e", CHK_MET, NULL }, { "rencontre", CHK_MET, NULL },
	{ "pause", CHK_PAUSE, NULL }, { "Pause.", CHK_PAUSE, NULL },
	{ "end", CHK_END, NULL }, { "fin", CHK_END, NULL }, { "Fin.", CHK_END, NULL },
	{ "problem", CHK_PROBLEM, NULL }, { "problem:", CHK_PROBLEM, NULL },
	{ "problem: my mentor does not answer\nSince March.\n", CHK_PROBLEM,
	  "my mentor does not answer\nSince March." },
	{ "Probl\xc3\xa8me : mon mentor\nne r\xc3\xa9pond pas", CHK_PROBLEM,
	  "mon mentor\nne r\xc3\xa9pond pas" },
	{ "problem\n\nWe could not find a date.", CHK_PROBLEM, "We could not find a date." },
	{ "probleme - absent", CHK_PROBLEM, "absent" },
	{ "problematic", CHK_NONE, NULL }, { "Problem-solving went well", CHK_NONE, NULL },
	{ "the end", CHK_NONE, NULL }, { "end of the world", CHK_NONE, NULL },
	{ "ending", CHK_NONE, NULL }, { "okay so what now", CHK_NONE, NULL },
	{ "", CHK_NONE, NULL }, { "Hello,\nok", CHK_NONE, NULL },
};

static void test_checkin(void **state)
{
	char *rest;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(checkin_cases); i++) {
		enum checkin_answer a = command_checkin_answer(checkin_cases[i].text, &rest);

		if (a != checkin_cases[i].answer)
			fail_msg("\"%s\": %d", checkin_cases[i].text, (int)a);
		if ((rest == NULL) != (checkin_cases[i].rest == NULL) ||
		    (rest != NULL && strcmp(rest, checkin_cases[i].rest) != 0))
			fail_msg("\"%s\": rest \"%s\"", checkin_cases[i].text, rest ? rest : "NULL");
		free(rest);
	}
}

/* The case text kept is bounded and cut between characters. */
static void test_checkin_long_problem(void **state)
{
	size_t n = CASE_TEXT_BYTES_MAX + 100, i;
	char *text = xmalloc(n + 1), *rest = NULL;

	(void)state;
	memcpy(text, "problem ", 8);
	for (i = 8; i + 1 < n; i += 2)
		memcpy(text + i, "\xc3\xa9", 2);
	text[i] = '\0';
	assert_int_equal(command_checkin_answer(text, &rest), CHK_PROBLEM);
	assert_true(strlen(rest) <= CASE_TEXT_BYTES_MAX);
	assert_true(utf8_valid(rest, strlen(rest)));
	free(rest);
	free(text);
}

/* ---- every input cut at every byte ---- */

static char *cut(const char *s, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

static void parse_all_ways(const char *s)
{
	struct committee_command c;
	const char *lang;
	char *arg, *stripped;
	int r;

	stripped = command_subject_strip(s);
	assert_true(strlen(stripped) <= strlen(s));
	free(stripped);
	if (command_applicant(s, &arg, &lang) != ACMD_NONE)
		assert_non_null(lang);
	free(arg);
	r = command_committee_parse(s, &c);
	assert_true(r == 0 || r == 1);
	assert_true(r == (c.cmd != CCMD_NONE));
	/* the error names the command: its first word at least ("cohort:") */
	if (c.error != NULL)
		assert_memory_equal(c.error, command_committee_name(c.cmd),
		    strcspn(command_committee_name(c.cmd), " "));
	command_committee_deinit(&c);
	command_rsvp_answer(s);
	command_checkin_answer(s, &arg);
	free(arg);
}

static void test_every_prefix(void **state)
{
	size_t i, n, len;
	char *c;

	(void)state;
#define EVERY_PREFIX(table, field)                          \
	for (i = 0; i < ARRAY_SIZE(table); i++) {           \
		len = strlen(table[i].field);               \
		for (n = 0; n <= len; n++) {                \
			c = cut(table[i].field, n);         \
			parse_all_ways(c);                  \
			free(c);                            \
		}                                           \
	}
	EVERY_PREFIX(strip_cases, subject);
	EVERY_PREFIX(applicant_cases, subject);
	EVERY_PREFIX(committee_cases, line);
	EVERY_PREFIX(training_cases, line);
	EVERY_PREFIX(rsvp_cases, text);
	EVERY_PREFIX(checkin_cases, text);
#undef EVERY_PREFIX
}

/* Random lines built from the pieces the parsers look for. */
static void test_random_pieces(void **state)
{
	static const char *const pieces[] = {
		"approve", "training", "update", "cancel", "cohort", "open", "pair", "unpair", "close",
		"2026-03-10", "2026-02-29", "10:00", "9h", "1h30", "90m", "min", ",", ";", "#", "-",
		"\xe2\x80\x93", "1", "200", "all", "a@b.org", "<", ">", "mailto:", " ", "\t", "\r",
		"\n", "\xc2\xa0", "yes", "non", "peut", "-\xc3\xaatre", "problem", "ok", ":", "Re:",
		"[EXT]", "\xff", "\xc3", "forget", "me", "help", "except", "sauf", "14/05/2026",
		"May", "14h-16h", "move", "end", "to",
	};
	uint32_t seed = 123456789u;
	char buf[200];
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		tu_random_pieces(&seed, pieces, ARRAY_SIZE(pieces), 12, buf, sizeof(buf));
		parse_all_ways(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_strip),
		cmocka_unit_test(test_applicant),
		cmocka_unit_test(test_committee),
		cmocka_unit_test(test_training),
		cmocka_unit_test(test_forgiving_forms),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_rsvp),
		cmocka_unit_test(test_checkin),
		cmocka_unit_test(test_checkin_long_problem),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
