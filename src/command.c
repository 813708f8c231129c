#include "command.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Reply and forward prefixes of many clients and languages, folded. */
static const char *const prefixes[] = {
	"re", "fw", "fwd", "tr", "aw", "wg", "ref", "rif", "sv", "vs", "antw", "doorst", "r", "rv",
	"enc", "odp", "pd", "ynt", "ilt",
};

/* Length of one "Re:" / "RE :" / "Re[2]:" / "Réf. :" prefix at s, 0 if none. */
static size_t prefix_len(const char *s)
{
	size_t i, j, l;
	char *fold;
	const char *colon;

	colon = strchr(s, ':');
	if (colon == NULL || colon - s > 12)
		return 0;
	fold = xstrndup(s, (size_t)(colon - s));
	/* "Re[2]" and "Re(2)" */
	for (j = 0; fold[j] != '\0'; j++)
		if (fold[j] == '[' || fold[j] == '(') {
			fold[j] = '\0';
			break;
		}
	{
		char *f = str_fold(fold);

		free(fold);
		fold = f;
	}
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		if (strcmp(fold, prefixes[i]) == 0) {
			free(fold);
			l = (size_t)(colon - s) + 1;
			return l;
		}
	}
	free(fold);
	return 0;
}

char *command_subject_strip(const char *subject)
{
	const char *p = subject;
	size_t l;
	char *r;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		l = prefix_len(p);
		if (l == 0)
			break;
		p += l;
	}
	r = xstrdup(p);
	return str_trim(r);
}

struct keyword {
	const char *word; /* folded: lower case, no accents, single spaces */
	int cmd;
	const char *lang;
};

static const struct keyword applicant_words[] = {
	{ "apply", ACMD_APPLY, "en" }, { "application", ACMD_APPLY, "en" },
	{ "candidature", ACMD_APPLY, "fr" }, { "postuler", ACMD_APPLY, "fr" },
	{ "confirm", ACMD_CONFIRM, "en" }, { "confirmer", ACMD_CONFIRM, "fr" },
	{ "confirmation", ACMD_CONFIRM, "fr" },
	{ "update", ACMD_UPDATE, "en" }, { "modifier", ACMD_UPDATE, "fr" },
	{ "withdraw", ACMD_WITHDRAW, "en" }, { "retrait", ACMD_WITHDRAW, "fr" },
	{ "status", ACMD_STATUS, "en" }, { "statut", ACMD_STATUS, "fr" },
	{ "issue", ACMD_ISSUE, "en" }, { "probleme", ACMD_ISSUE, "fr" },
	{ "help", ACMD_HELP, "en" }, { "aide", ACMD_HELP, "fr" },
	{ "forget me", ACMD_FORGET, "en" }, { "oubliez moi", ACMD_FORGET, "fr" },
	{ "oubliez-moi", ACMD_FORGET, "fr" },
};

/* Does the folded subject start with word, followed by the end, a space or
 * a colon? Returns the length of the word in the original subject. */
static int starts_with_word(const char *subject, const char *word, size_t *orig_len_r)
{
	size_t wl = strlen(word), i;
	char *prefix, *fold;
	int ok;

	/* compare the folded first words of the subject with the keyword */
	for (i = 0; subject[i] != '\0'; i++) {
		if (subject[i] == ':' || subject[i] == ' ' || subject[i] == '-' || subject[i] == '\t' ||
		    subject[i + 1] == '\0') {
			size_t end = (subject[i] == ':' || subject[i] == ' ' || subject[i] == '\t' ||
			    subject[i] == '-') ? i : i + 1;

			prefix = xstrndup(subject, end);
			fold = str_fold(prefix);
			free(prefix);
			ok = strcmp(fold, word) == 0;
			free(fold);
			if (ok && (subject[end] == '\0' || subject[end] == ' ' || subject[end] == ':' ||
			    subject[end] == '\t' || (subject[end] == '-' && strchr(word, ' ') == NULL &&
			    strcmp(word, "oubliez") != 0 && 0))) {
				*orig_len_r = end;
				return 1;
			}
			if (end - 0 > wl + 16)
				return 0;
		}
	}
	return 0;
}

enum applicant_cmd command_applicant(const char *subject, char **arg_r, const char **lang_r)
{
	char *s = command_subject_strip(subject);
	size_t i, l = 0;
	enum applicant_cmd r = ACMD_NONE;

	*arg_r = NULL;
	*lang_r = NULL;
	for (i = 0; i < ARRAY_SIZE(applicant_words); i++) {
		if (starts_with_word(s, applicant_words[i].word, &l)) {
			const char *rest = s + l;

			while (*rest == ' ' || *rest == ':' || *rest == '\t')
				rest++;
			*arg_r = *rest != '\0' ? str_trim(xstrdup(rest)) : NULL;
			*lang_r = applicant_words[i].lang;
			r = (enum applicant_cmd)applicant_words[i].cmd;
			break;
		}
	}
	free(s);
	return r;
}

int command_committee_parse(const char *line, struct committee_command *c)
{
	(void)line;
	memset(c, 0, sizeof(*c));
	return 0;
}

void command_committee_deinit(struct committee_command *c)
{
	free(c->arg1);
	free(c->arg2);
	free(c->location);
	free(c->title);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

enum rsvp_answer command_rsvp_answer(const char *text)
{
	(void)text;
	return RSVP_NONE;
}

enum checkin_answer command_checkin_answer(const char *text, char **rest_r)
{
	(void)text;
	*rest_r = NULL;
	return CHK_NONE;
}
