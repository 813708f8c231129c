/* choice: a mentee's ranked choice, read from her reply (choice.h). */
#include "choice.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

/* Words, folded, that lead the choice line; the longer first. */
static const char *const keywords[][3] = {
	{ "my", "choices", NULL }, { "my", "choice", NULL }, { "mes", "choix", NULL },
	{ "mon", "choix", NULL }, { "choices", NULL, NULL }, { "choice", NULL, NULL },
	{ "choix", NULL, NULL },
};

/* Words that may stand between the numbers (folded, one word each). */
static const char *const linking[] = {
	"and", "then", "first", "second", "third", "next", "finally", "or", "last", "lastly",
	"profile", "profiles", "number", "no", "nr", "num", "is", "are",
	"et", "puis", "ensuite", "premier", "premiere", "deuxieme", "seconde", "troisieme",
	"enfin", "d", "abord", "en", "profil", "profils", "numero", "n", "ou", "sinon",
	"thanks", "thank", "you", "please", "merci", "svp", "stp",
};

static int is_linking(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(linking); i++)
		if (strcmp(w, linking[i]) == 0)
			return 1;
	return 0;
}

/* "1st", "2nd", "3rd", "4th", "1er", "1re", "1ere", "2e", "2eme", "2nd":
 * digits then one of these. */
static int is_ordinal(const char *w)
{
	static const char *const suffixes[] = { "st", "nd", "rd", "th", "er", "re", "ere", "e",
		"eme", "ieme" };
	size_t d = strspn(w, "0123456789"), i;

	if (d == 0 || d > 2 || w[d] == '\0')
		return 0;
	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (strcmp(w + d, suffixes[i]) == 0)
			return 1;
	return 0;
}

/* Number of leading words of w that are a keyword, 0 if none. */
static size_t keyword_words(const struct strlist *w)
{
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(keywords); i++) {
		for (k = 0; k < 3 && keywords[i][k] != NULL; k++)
			if (k >= w->n || strcmp(w->v[k], keywords[i][k]) != 0)
				break;
		if (k == 3 || keywords[i][k] == NULL)
			return k;
	}
	return 0;
}

/* Reads one line. 0: no choice line; 1: read; -1: refused. */
static int read_line(const char *line, long n_profiles, struct choice_reply *r)
{
	struct strlist w = { NULL, 0 };
	char *f = str_fold(line);
	size_t i, k, start, n = 0;
	long seen[CHOICE_MAX + 1], v;
	int ret = -1, words = 0;

	strlist_split(&w, f, ' ');
	start = keyword_words(&w);
	for (i = start; i < w.n; i++) {
		if (is_linking(w.v[i]) || is_ordinal(w.v[i]))
			continue;
		if (strlen(w.v[i]) > 9 || str_to_long(w.v[i], 0, 999999999, &v) < 0)
			words = 1;
		else if (n <= CHOICE_MAX)
			seen[n++] = v;
	}
	if (start == 0 && (words || n == 0))
		ret = 0; /* not a choice line: a greeting, a sentence */
	else if (words)
		r->error = CHOICE_WORDS;
	else if (n == 0)
		r->error = CHOICE_EMPTY;
	else if (n > CHOICE_MAX)
		r->error = CHOICE_TOO_MANY;
	else
		ret = 1;
	for (i = 0; ret == 1 && i < n; i++) {
		for (k = 0; k < i && seen[k] != seen[i]; k++)
			;
		if (k < i || seen[i] < 1 || seen[i] > n_profiles) {
			r->error = k < i ? CHOICE_REPEAT : CHOICE_RANGE;
			r->bad = seen[i];
			ret = -1;
		}
	}
	if (ret == 1) {
		memcpy(r->ranked, seen, n * sizeof(*seen));
		r->n = n;
	}
	strlist_deinit(&w);
	free(f);
	return ret;
}

/* Where the value of a motivation line starts, NULL if the line is no
 * motivation: "Motivation: ..." loses its key, "Because ..." is a
 * sentence and stays whole. */
static const char *motivation_value(const char *line)
{
	static const struct {
		const char *key;
		int keep;
	} keys[] = {
		{ "motivation", 0 }, { "why", 0 }, { "pourquoi", 0 },
		{ "because", 1 }, { "parce que", 1 }, { "car", 1 },
	};
	const char *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!str_has_prefix_ci(line, keys[i].key))
			continue;
		p = line + strlen(keys[i].key);
		if (*p != '\0' && *p != ' ' && *p != ':' && *p != '\t')
			continue;
		if (keys[i].keep)
			return line;
		p += strspn(p, " \t");
		return *p == ':' ? p + 1 : p;
	}
	return NULL;
}

static void motivation_set(struct choice_reply *r, const char *s)
{
	char *v = str_shown(s, 0);
	size_t n;

	str_trim(v);
	n = strlen(v);
	if (n > CHOICE_MOTIVATION_BYTES_MAX) {
		n = CHOICE_MOTIVATION_BYTES_MAX;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
		v[n] = '\0';
	}
	if (*v == '\0' || !utf8_valid(v, strlen(v)))
		xfree(&v);
	r->motivation = v;
}

/* After the choice line at lines[at]: a keyed line, else the rest of its
 * paragraph. */
static void motivation_read(struct choice_reply *r, const struct strlist *lines, size_t at)
{
	struct buf b;
	const char *value;
	size_t i;

	for (i = at + 1; i < lines->n; i++) {
		value = motivation_value(lines->v[i]);
		if (value != NULL) {
			motivation_set(r, value);
			return;
		}
	}
	buf_init(&b, 4 * CHOICE_MOTIVATION_BYTES_MAX);
	buf_add(&b, "", 0);
	for (i = at + 1; i < lines->n && lines->v[i][0] != '\0'; i++) {
		buf_adds(&b, lines->v[i]);
		buf_addc(&b, ' ');
	}
	motivation_set(r, b.s);
	buf_deinit(&b);
}

/* "1. 3", "2) 7", "- 3": a list item's marker, dropped when what follows
 * holds one number only ("3. 7. 1" keeps its numbers). */
static const char *item(const char *line)
{
	const char *p = line + strspn(line, "0123456789"), *q;
	size_t runs = 0;

	if (p > line && (*p == '.' || *p == ')') && (p[1] == ' ' || p[1] == '\t'))
		p++;
	else if ((*line == '-' || *line == '*') && (line[1] == ' ' || line[1] == '\t'))
		p = line + 1;
	else
		return line;
	for (q = p + strcspn(p, "0123456789"); *q != '\0'; q += strcspn(q, "0123456789")) {
		runs++;
		q += strspn(q, "0123456789");
	}
	return runs == 1 ? p : line;
}

/* "Choices:" alone: its numbers are the items of the paragraph below,
 * read as one line. */
static int read_items(const struct strlist *lines, size_t *at, long n_profiles,
    struct choice_reply *r)
{
	struct buf b;
	size_t i = *at + 1;
	int ret;

	while (i < lines->n && lines->v[i][0] == '\0')
		i++;
	buf_init(&b, TEXT_BYTES_MAX);
	buf_add(&b, "", 0);
	for (; i < lines->n && lines->v[i][0] != '\0' && motivation_value(lines->v[i]) == NULL; i++) {
		buf_adds(&b, item(lines->v[i]));
		buf_adds(&b, ", ");
		*at = i;
	}
	ret = b.len > 0 ? read_line(b.s, n_profiles, r) : 0;
	buf_deinit(&b);
	return ret;
}

int choice_parse(const char *text, long n_profiles, struct choice_reply *r)
{
	struct strlist lines = { NULL, 0 };
	const char *p = text, *e;
	size_t i;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	/* lines as written, empty ones kept: they end a paragraph */
	while (p != NULL && *p != '\0' && lines.n < CHOICE_LINES_MAX) {
		char *l;

		e = p + strcspn(p, "\r\n");
		l = xstrndup(p, (size_t)(e - p));
		str_trim(l);
		strlist_add(&lines, l);
		free(l);
		p = *e == '\r' && e[1] == '\n' ? e + 2 : *e != '\0' ? e + 1 : e;
	}
	for (i = 0; i < lines.n && ret == 0; i++) {
		if (lines.v[i][0] == '\0')
			continue;
		ret = read_line(item(lines.v[i]), n_profiles, r);
		if (ret < 0 && r->error == CHOICE_EMPTY && read_items(&lines, &i, n_profiles, r) != 0)
			ret = r->n > 0 ? 1 : -1;
		if (ret == 1) {
			r->error = CHOICE_OK;
			motivation_read(r, &lines, i);
		}
	}
	if (ret < 0)
		r->n = 0;
	strlist_deinit(&lines);
	return ret;
}

void choice_reply_deinit(struct choice_reply *r)
{
	free(r->motivation);
	memset(r, 0, sizeof(*r));
}
