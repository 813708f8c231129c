/* The committee's help, and the answer to a member's message that is no
 * command (doc/DESIGN.md 3.4): a member is never met with silence. */
#include "committee.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "bounds.h"
#include "command.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "words.h"

/* Commands suggested in one answer, at most. */
#define SUGGESTIONS_MAX 3
/* Words of a subject or first line looked at for a command word. */
#define SCAN_WORDS_MAX 40

/* The variable of the template committee-command that shows cmd's help:
 * its words value with '_' for '-' ("training_update"). */
static void topic_var(enum committee_cmd cmd, char *out, size_t size)
{
	const char *name = command_committee_name(cmd);
	size_t i;

	str_copy(out, size, name);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == ' ' || out[i] == '-')
			out[i] = '_';
}

/* The variables of the template committee-command, one a command. */
static const char *const topic_vars[] = {
	"commands", "match", "approve", "reject", "pair", "unpair", "training", "training_update",
	"training_cancel", "close", "cohort_open", "cohort_close", "digest", "status", "report",
	"profiles", "rematch", "help", "training_answers", "resend",
};

int committee_help_text(struct engine *e, const char *lang, enum committee_cmd topic,
    char **text_r, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char var[32], *subject = NULL;
	size_t i;
	int ret;

	*text_r = NULL;
	vars_set(&v, "programme", e->cfg->programme.name);
	vars_set(&v, "address", e->cfg->programme.address);
	vars_set(&v, "name", "");
	vars_set(&v, "tag", e->cfg->programme.subject_tag);
	topic_var(topic, var, sizeof(var));
	for (i = 0; topic != CCMD_NONE && i < ARRAY_SIZE(topic_vars); i++)
		vars_set(&v, topic_vars[i], strcmp(topic_vars[i], var) == 0 ? "1" : "");
	ret = template_render(&e->dirs, lang, topic != CCMD_NONE ? "committee-command" :
	    "committee-commands", &v, &subject, text_r, error_r);
	free(subject);
	vars_deinit(&v);
	return ret;
}

/* The language a member is written in: the one of the words she used,
 * else the programme's. */
static const char *member_language(struct msgctx *c, const char *written)
{
	return notify_language(c->e, NULL, written, 1);
}

int committee_help_answer(struct msgctx *c, const struct committee_command *cmd,
    char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *lang = member_language(c, cmd->lang);
	char *text = NULL;
	int ret = -1;

	if (committee_help_text(c->e, lang, cmd->topic, &text, error_r) < 0)
		goto out;
	vars_set(&v, "help", text);
	ret = notify_answer(c, &(struct notice){ .kind = "committee-help", .lang = lang,
	    .vars = &v, .ref_kind = "committee" }, error_r);
	inbound_outcome(c, "committee help sent");
out:
	free(text);
	vars_deinit(&v);
	return ret < 0 ? -1 : 1;
}

/* ---- a message that is no command ---- */

/* Is the message to the programme's address alone: To that one mailbox,
 * no Cc? A message to several people is theirs, not ours to answer. */
static int to_us_alone(const struct msgctx *c)
{
	const char *to = mime_header(c->m, "To"), *cc = mime_header(c->m, "Cc");
	struct address a;

	if (cc != NULL && *cc != '\0' && strspn(cc, " \t") != strlen(cc))
		return 0;
	if (to == NULL || address_parse(to, strlen(to), &a) != 1)
		return 0;
	return str_eq_ci(a.addr, c->e->cfg->programme.address);
}

/* Does the subject say the message is forwarded (Fwd:, TR:, WG:)? */
static int forwarded(const char *subject)
{
	static const char *const marks[] = { "fwd:", "fw:", "tr:", "wg:", "fwd :", "fw :",
		"tr :", "wg :", "enc:", "doorst:" };
	const char *s = subject;
	size_t i;

	while (*s == ' ' || *s == '\t')
		s++;
	for (i = 0; i < ARRAY_SIZE(marks); i++)
		if (str_has_prefix_ci(s, marks[i]))
			return 1;
	return 0;
}

static int addr_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr(".-_+", ch) != NULL);
}

/* Is the line quoted text, or the lines that introduce it ("> ...",
 * "On ... wrote:", "From: ...", "De : ...")? */
static int quoting_line(const char *line, size_t n)
{
	char *l = xstrndup(line, n);
	int r = line[0] == '>' || str_has_prefix_ci(l, "from:") || str_has_prefix_ci(l, "de :") ||
	    str_has_prefix_ci(l, "de:") || strstr(l, "wrote:") != NULL ||
	    strstr(l, "a \xc3\xa9" "crit") != NULL;

	free(l);
	return r;
}

/* Does the quoted text name someone who is neither the committee nor the
 * programme: a conversation passed on to colleagues? */
static int quotes_someone(const struct msgctx *c)
{
	const char *line = c->m->text;

	while (*line != '\0') {
		size_t n = strcspn(line, "\r\n");
		const char *p = memchr(line, '@', n);

		for (; p != NULL && quoting_line(line, n); p = memchr(p + 1, '@', n - (size_t)(p + 1 - line))) {
			const char *a = p, *b = p + 1;
			char addr[ADDRESS_BYTES_MAX + 1];

			while (a > line && addr_char(a[-1]))
				a--;
			while (b < line + n && addr_char(*b))
				b++;
			if (a == p || b == p + 1 || (size_t)(b - a) > ADDRESS_BYTES_MAX)
				continue;
			memcpy(addr, a, (size_t)(b - a));
			addr[b - a] = '\0';
			if (!str_eq_ci(addr, c->e->cfg->programme.address) &&
			    !config_is_member(c->e->cfg, addr))
				return 1;
		}
		line += n;
		line += *line == '\r';
		line += *line == '\n';
	}
	return 0;
}

/* What was near a command: up to SUGGESTIONS_MAX commands, their
 * language, and what a command line that could not be read lacked. */
struct near {
	enum committee_cmd cmd[SUGGESTIONS_MAX];
	size_t n;
	const char *lang;
	char *problem;
};

static void near_add(struct near *nr, enum committee_cmd cmd, const char *lang)
{
	size_t i;

	if (cmd == CCMD_NONE)
		return;
	for (i = 0; i < nr->n; i++)
		if (nr->cmd[i] == cmd)
			return;
	if (nr->n == SUGGESTIONS_MAX)
		return;
	if (nr->n == 0)
		nr->lang = lang;
	nr->cmd[nr->n++] = cmd;
}

/* A words value of the list committee as a command ("cohort" alone is
 * cohort open). */
static enum committee_cmd value_cmd(const char *value)
{
	int i = words_value_index(WL_COMMITTEE, value);

	if (i <= 0)
		return CCMD_NONE;
	if (strcmp(value, "cohort") == 0)
		return CCMD_COHORT_OPEN;
	return (enum committee_cmd)i;
}

/* Does the folded text hold the folded phrase as whole words? */
static int whole_words(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p;

	for (p = strstr(text, phrase); n > 0 && p != NULL; p = strstr(p + 1, phrase))
		if ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* The commands near one line: a command with bad arguments (its problem),
 * else the nearest words (words.h), else a command word standing
 * anywhere in the line ("who is coming to the training?"). */
static void near_line(struct near *nr, const char *line)
{
	struct words_suggestion s[WORDS_NEAREST_MAX];
	struct committee_command cmd;
	struct strlist w = { NULL, 0 };
	const char *phrase, *value, *lang;
	size_t i, n;
	char *f;

	if (*line == '\0')
		return;
	if (command_committee_parse(line, &cmd) == 1) {
		if (cmd.error != NULL && nr->problem == NULL)
			nr->problem = xstrdup(cmd.error);
		near_add(nr, cmd.cmd, cmd.lang);
	}
	command_committee_deinit(&cmd);
	n = words_nearest(WORDS_COMMITTEE, line, s, WORDS_NEAREST_MAX);
	for (i = 0; i < n; i++)
		near_add(nr, value_cmd(s[i].value), s[i].lang);
	if (nr->n > 0)
		return;
	f = words_fold(WL_COMMITTEE, line);
	/* the other words for a command, anywhere in the line */
	for (i = 0; words_entry(WL_COMMITTEE_ALIAS, i, &phrase, &value, &lang) == 0; i++)
		if (whole_words(f, phrase))
			near_add(nr, value_cmd(value), lang);
	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n && i < SCAN_WORDS_MAX; i++) {
		const char *v = words_find_folded(WL_COMMITTEE, w.v[i], &lang, NULL);

		if (v != NULL && strlen(w.v[i]) > 3)
			near_add(nr, value_cmd(v), lang);
	}
	strlist_deinit(&w);
	free(f);
}

/* The language of a greeting among the first words of line ("Bonjour,
 * ..."), or NULL. */
static const char *greeting_language(const char *line)
{
	struct strlist w = { NULL, 0 };
	char *f = words_fold(WL_GREETING, line);
	const char *lang = NULL;
	size_t i;

	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n && i < SCAN_WORDS_MAX && lang == NULL; i++)
		if (words_find_folded(WL_GREETING, w.v[i], &lang, NULL) == NULL)
			lang = NULL;
	strlist_deinit(&w);
	free(f);
	return lang;
}

/* The first non-empty line of text (allocated; "" if none). */
static char *first_line(const char *text)
{
	const char *p = text;

	for (;;) {
		size_t n = strcspn(p, "\r\n");
		char *l = str_trim(xstrndup(p, n));

		if (*l != '\0' || p[n] == '\0')
			return l;
		free(l);
		p += n + 1;
	}
}

static int suggest(struct msgctx *c, const struct near *nr, const char *lang, char **text_r,
    char **error_r)
{
	struct buf b;
	size_t i;

	buf_init(&b, 64 * 1024);
	buf_add(&b, "", 0);
	for (i = 0; i < nr->n; i++) {
		char *t = NULL;

		if (committee_help_text(c->e, lang, nr->cmd[i], &t, error_r) < 0) {
			buf_deinit(&b);
			return -1;
		}
		buf_printf(&b, "%s%s", i > 0 ? "\n" : "", t);
		free(t);
	}
	*text_r = buf_steal(&b);
	return 0;
}

/* At most max_answers_per_day such answers to one member a day: the
 * committee's mail is never held, but no exchange runs on for ever. */
static int under_cap(struct msgctx *c)
{
	char day[16];
	long count = 0;

	time_local_date(c->e->now, day, sizeof(day));
	if (store_answer_count(c->e->st, c->m->from_addr, day, &count) < 0)
		return -1;
	return count <= c->e->cfg->programme.max_answers_per_day;
}

int committee_unclear(struct msgctx *c, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct near nr;
	char *subject = command_subject_strip(c->m->subject), *line = first_line(c->text);
	char *suggestions = NULL;
	const char *lang;
	int ret = 1, cap;

	memset(&nr, 0, sizeof(nr));
	inbound_leave(c, "not understood");
	/* an answer only to a member proven as for her commands */
	if (!c->replied && !inbound_sender_proven(c->e, c->m))
		goto out;
	/* mail to several people, or passing on a conversation, is theirs */
	if (!to_us_alone(c) || (!c->replied && (forwarded(c->m->subject) || quotes_someone(c)))) {
		inbound_leave(c, "human mail");
		goto out;
	}
	if ((cap = under_cap(c)) <= 0) {
		ret = cap < 0 ? -1 : 1;
		goto out;
	}
	near_line(&nr, subject);
	near_line(&nr, line);
	if (nr.lang == NULL && (nr.lang = greeting_language(subject)) == NULL)
		nr.lang = greeting_language(line);
	lang = member_language(c, nr.lang);
	if (suggest(c, &nr, lang, &suggestions, error_r) < 0) {
		ret = -1;
		goto out;
	}
	vars_set(&v, "subject", subject[0] != '\0' ? subject : line);
	vars_set(&v, "problem", nr.problem);
	vars_set(&v, "suggestions", suggestions);
	if (notify_answer(c, &(struct notice){ .kind = "committee-unclear", .lang = lang,
	    .vars = &v, .ref_kind = "unclear" }, error_r) < 0) {
		ret = -1;
		goto out;
	}
	inbound_outcome(c, "left for the committee: not understood; the member was answered");
out:
	free(nr.problem);
	free(suggestions);
	free(subject);
	free(line);
	vars_deinit(&v);
	return ret;
}
