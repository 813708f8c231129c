#include "committee.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cases.h"
#include "choosing.h"
#include "command.h"
#include "config.h"
#include "confirm.h"
#include "digest.h"
#include "edition.h"
#include "engine.h"
#include "followup.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "pairing.h"
#include "repair.h"
#include "store.h"
#include "template.h"
#include "training.h"
#include "util.h"
#include "words.h"

#define COMMAND_TEXT_MAX (64u * 1024)

typedef int (*command_fn)(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

static int help_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
static int resend_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);

/* Each command line to the feature that does it; what changes the
 * programme goes in the audit log with its report. */
static const struct {
	enum committee_cmd cmd;
	command_fn fn;
	int audited;
} commands[] = {
	{ CCMD_MATCH, pairing_match, 1 },
	{ CCMD_APPROVE, pairing_decide, 1 },
	{ CCMD_REJECT, pairing_decide, 1 },
	{ CCMD_PAIR, pairing_pair, 1 },
	{ CCMD_UNPAIR, pairing_unpair, 1 },
	{ CCMD_TRAINING, training_command, 1 },
	{ CCMD_TRAINING_UPDATE, training_command, 1 },
	{ CCMD_TRAINING_CANCEL, training_command, 1 },
	{ CCMD_CLOSE, cases_command, 1 },
	{ CCMD_COHORT_OPEN, followup_cohort_open, 1 },
	{ CCMD_COHORT_CLOSE, followup_cohort_close, 1 },
	{ CCMD_DIGEST, digest_command, 1 },
	{ CCMD_STATUS, digest_command, 0 },
	{ CCMD_REPORT, edition_report, 0 },
	{ CCMD_PROFILES, choosing_profiles, 1 },
	{ CCMD_REMATCH, repair_rematch, 1 },
	{ CCMD_HELP, help_command, 0 },
	{ CCMD_TRAINING_ANSWERS, training_command, 0 },
	{ CCMD_RESEND, resend_command, 1 },
};

enum committee_cmd committee_command_at(size_t i)
{
	return i < ARRAY_SIZE(commands) ? commands[i].cmd : CCMD_NONE;
}

/* "resend N": an undelivered message (the status lists them by number)
 * goes out again, with a lifetime of its own; members have no shell for
 * `mentord queue retry`. */
static int resend_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	int r = store_outbound_retry_now(e->st, cmd->nums[0], e->now);

	(void)cause;
	(void)error_r;
	if (r < 0)
		return -1;
	if (r == 0)
		buf_printf(out, "resend %ld: no undelivered message has that number (the status lists"
		    " them)\n", cmd->nums[0]);
	else
		buf_printf(out, "resend %ld: the message will be sent again now\n", cmd->nums[0]);
	return 0;
}

/* "help" among other lines: the help goes into the report. */
static int help_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	char *text = NULL;

	(void)cause;
	if (committee_help_text(e, notify_language(e, NULL, cmd->lang, 1), cmd->topic, &text,
	    error_r) < 0)
		return -1;
	buf_printf(out, "%s\n", text);
	free(text);
	return 0;
}

/* A second feature that goes on from where a command's left off: the call
 * for participants of a cohort just opened (--announce). */
static const struct {
	enum committee_cmd cmd;
	command_fn fn;
} then[] = {
	{ CCMD_COHORT_OPEN, edition_announce },
};

int committee_exec(struct engine *e, const char *actor, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	size_t i, j;
	int ret;

	if (cmd->error != NULL) {
		buf_printf(out, "%s\n", cmd->error);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].cmd == cmd->cmd)
			break;
	if (i == ARRAY_SIZE(commands))
		return 0; /* "commands", or nothing: no command of its own */
	ret = commands[i].fn(e, cmd, cause, out, error_r);
	for (j = 0; ret == 0 && j < ARRAY_SIZE(then); j++)
		if (then[j].cmd == cmd->cmd)
			ret = then[j].fn(e, cmd, cause, out, error_r);
	if (ret == 0 && commands[i].audited)
		ret = store_audit(e->st, e->now, actor, "command", out->s != NULL ? out->s : "");
	return ret;
}

/* A line that is no command, with the commands nearest to it. */
static void not_a_command(const char *line, struct buf *out)
{
	struct words_suggestion s[WORDS_NEAREST_MAX];
	size_t i, n = words_nearest(WORDS_COMMITTEE, line, s, WORDS_NEAREST_MAX);

	buf_printf(out, "not a command; nothing done");
	for (i = 0; i < n; i++)
		buf_printf(out, "%s%s", i == 0 ? " (the closest: " : ", ",
		    strcmp(s[i].value, "cohort") == 0 ? "cohort open" :
		    command_committee_name((enum committee_cmd)words_value_index(WL_COMMITTEE,
		    s[i].value)));
	buf_printf(out, "%s\n", n > 0 ? ")" : "");
}

int committee_exec_lines(struct engine *e, const char *actor, const char *text, int64_t cause,
    struct buf *out, char **error_r)
{
	const char *p = text, *nl;
	size_t lines = 0;

	while (*p != '\0' && lines < COMMAND_LINES_MAX) {
		struct committee_command cmd;
		char *line;
		int r;

		nl = strchr(p, '\n');
		line = str_trim(xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p)));
		p = nl != NULL ? nl + 1 : p + strlen(p);
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		lines++;
		buf_printf(out, "> %s\n", line);
		r = command_committee_parse(line, &cmd);
		if (r == 0)
			not_a_command(line, out);
		else if (committee_exec(e, actor, &cmd, cause, out, error_r) < 0)
			r = -1;
		command_committee_deinit(&cmd);
		free(line);
		if (r < 0)
			return -1;
		buf_addc(out, '\n');
	}
	if (lines == 0)
		buf_printf(out, "no command found\n");
	return 0;
}

/* The first line of text that is a committee command (whole: without an
 * error): 1 and its language in *lang_r (may be NULL), or 0. */
static int first_command(const char *text, int whole, const char **lang_r)
{
	const char *p = text;
	size_t n = 0;
	int found = 0;

	while (*p != '\0' && !found && n++ < COMMAND_LINES_MAX) {
		struct committee_command cmd;
		size_t l = strcspn(p, "\r\n");
		char *line = xstrndup(p, l);

		found = command_committee_parse(line, &cmd) == 1 && (!whole || cmd.error == NULL);
		if (found && lang_r != NULL)
			*lang_r = cmd.lang;
		command_committee_deinit(&cmd);
		free(line);
		p += l + (p[l] != '\0');
	}
	return found;
}

/* The language of the first command of lines: the member's own. */
static const char *lines_language(const char *lines)
{
	const char *lang = NULL;

	first_command(lines, 0, &lang);
	return lang;
}

static int reply_results(struct msgctx *c, const char *lines, const char *results,
    char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int ret;

	vars_set(&v, "results", results);
	ret = notify_answer(c, &(struct notice){ .kind = "command-result",
	    .lang = notify_language(c->e, NULL, lines_language(lines), 1), .vars = &v }, error_r);
	vars_deinit(&v);
	return ret;
}

/* The command lines a member's message holds: its subject, or its body
 * when the subject is "commands"; NULL when the subject is no command. */
static char *command_lines(struct msgctx *c)
{
	struct committee_command cmd;
	char *subject = command_subject_strip(c->m->subject), *r = NULL;
	int found = command_committee_parse(subject, &cmd) == 1 && cmd.error == NULL;

	if (found && cmd.cmd == CCMD_COMMANDS) {
		r = xstrndup(c->text, strlen(c->text) < COMMAND_TEXT_MAX ? strlen(c->text) : COMMAND_TEXT_MAX);
		free(subject);
	} else if (found) {
		r = subject;
	} else {
		free(subject);
	}
	command_committee_deinit(&cmd);
	return r;
}

static int run_or_confirm(struct msgctx *c, const char *lines, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct buf out;
	char token[16];
	int64_t rowid = 0;
	int ret = -1;

	buf_init(&out, 1024 * 1024);
	buf_add(&out, "", 0);
	if (!inbound_sender_proven(c->e, c->m)) {
		/* not proven to come from the member: they confirm by reply */
		if (confirm_new(c, "commands", 0, lines, token, &rowid) < 0)
			goto out;
		vars_set(&v, "token", token);
		vars_set(&v, "commands", lines);
		ret = notify_answer(c, &(struct notice){ .kind = "confirm-request",
		    .tmpl = "confirm-command", .lang = notify_language(c->e, NULL,
		    lines_language(lines), 1),
		    .vars = &v, .ref_kind = "confirmation", .ref_id = rowid }, error_r);
		inbound_outcome(c, "committee commands held for confirmation");
		goto out;
	}
	if (committee_exec_lines(c->e, c->m->from_addr, lines, c->inbound_id, &out, error_r) < 0)
		goto out;
	ret = reply_results(c, lines, out.s, error_r);
	inbound_outcome(c, "committee commands run");
out:
	vars_deinit(&v);
	buf_deinit(&out);
	return ret < 0 ? -1 : 1;
}

/* The subject "help" (or "help COMMAND"): the committee's help. Asked
 * of the robot, it proves nothing and changes nothing, so it needs no
 * confirmation. */
static int help_subject(struct msgctx *c, char **error_r)
{
	struct committee_command cmd;
	char *subject = command_subject_strip(c->m->subject);
	int r = 0;

	if (command_committee_parse(subject, &cmd) == 1 && cmd.error == NULL &&
	    cmd.cmd == CCMD_HELP)
		r = committee_help_answer(c, &cmd, error_r);
	command_committee_deinit(&cmd);
	free(subject);
	return r;
}

int committee_message(struct msgctx *c, char **error_r)
{
	char *lines;
	int ret = help_subject(c, error_r);

	if (ret != 0)
		return ret;
	if ((lines = command_lines(c)) == NULL)
		return 0;
	ret = run_or_confirm(c, lines, error_r);
	free(lines);
	return ret;
}

int committee_reply(struct msgctx *c, int64_t proposal_id, char **error_r)
{
	(void)proposal_id;
	return run_or_confirm(c, c->text, error_r);
}

int committee_reply_any(struct msgctx *c, const char *ref_kind, char **error_r)
{
	/* a whole command: "End of the week suits me" only starts like one */
	if (first_command(c->text, 1, NULL))
		return run_or_confirm(c, c->text, error_r);
	/* an answer to our answer that holds no command is not answered */
	if (ref_kind != NULL && strcmp(ref_kind, "unclear") == 0) {
		inbound_leave(c, "a reply to an answer, not understood");
		return 1;
	}
	return 0;
}

int committee_confirmed(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	struct buf out;
	int ret = -1;

	buf_init(&out, 1024 * 1024);
	buf_add(&out, "", 0);
	if (committee_exec_lines(c->e, c->m->from_addr, k->payload != NULL ? k->payload : "",
	    c->inbound_id, &out, error_r) == 0)
		ret = reply_results(c, k->payload != NULL ? k->payload : "", out.s, error_r);
	inbound_outcome(c, "confirmed committee commands run");
	buf_deinit(&out);
	return ret < 0 ? -1 : 1;
}
