/* words: the words of each language, read from the words files (words.h). */
#include "words.h"

#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "util.h"

/* The shipped words files, built in (words_builtin.h is made from
 * templates/LANG/words by the Makefile). */
struct builtin_words {
	const char *lang;
	const unsigned char *data;
	size_t len;
};
#include "words_builtin.h"

#define VALUES_MAX 24

/* A list: its name in the files, how it folds, and the values it allows
 * (NULL-terminated; an empty set allows any value of the kind named by
 * open: "number" or "lang"). */
static const struct {
	const char *name;
	enum words_fold fold;
	const char *open;
	const char *values[VALUES_MAX];
} lists[WL_COUNT] = {
	[WL_PREFIX] = { "prefix", WORDS_FOLD_PLAIN, NULL, { "prefix" } },
	[WL_APPLICANT] = { "applicant", WORDS_FOLD_PLAIN, NULL,
		{ "apply", "confirm", "update", "withdraw", "status", "issue", "help", "forget" } },
	[WL_COMMITTEE] = { "committee", WORDS_FOLD_PLAIN, NULL,
		{ "commands", "match", "approve", "reject", "pair", "unpair", "training",
		  "training-update", "training-cancel", "close", "cohort-open", "cohort-close",
		  "digest", "status", "report", "profiles", "rematch", "help", "training-answers",
		  "resend", "cohort" } },
	[WL_APPROVE_ALL] = { "approve-all", WORDS_FOLD_PLAIN, NULL, { "all", "except" } },
	[WL_RSVP] = { "rsvp", WORDS_FOLD_PLAIN, NULL, { "yes", "no", "maybe" } },
	[WL_CHECKIN] = { "checkin", WORDS_FOLD_PLAIN, NULL,
		{ "ok", "met", "problem", "pause", "end" } },
	[WL_COURTESY] = { "courtesy", WORDS_FOLD_PLAIN, NULL, { "courtesy" } },
	[WL_FORM_KEY] = { "form-key", WORDS_FOLD_PLAIN, NULL,
		{ "role", "name", "department", "field", "language", "topics", "preference",
		  "capacity", "about", "gender" } },
	[WL_FORM_HINT] = { "form-hint", WORDS_FOLD_PLAIN, NULL, { "language", "preference" } },
	[WL_ROLE] = { "role", WORDS_FOLD_ACCENTS, NULL, { "mentor", "mentee" } },
	[WL_GENDER] = { "gender", WORDS_FOLD_PLAIN, NULL,
		{ "woman", "man", "nonbinary", "undisclosed" } },
	[WL_LANGUAGE] = { "language", WORDS_FOLD_PLAIN, "lang", { NULL } },
	[WL_DEPT_PREF] = { "department-preference", WORDS_FOLD_PLAIN, NULL,
		{ "same-department", "other-department", "any" } },
	[WL_PREF_FILLER] = { "preference-filler", WORDS_FOLD_PLAIN, NULL, { "filler" } },
	[WL_YES_NO] = { "yes-no", WORDS_FOLD_PLAIN, NULL, { "yes", "no", "maybe" } },
	[WL_NUMBER] = { "number", WORDS_FOLD_PLAIN, "number", { NULL } },
	[WL_NEGATION] = { "negation", WORDS_FOLD_PLAIN, NULL, { "negation" } },
	[WL_SURVEY_ROLE] = { "survey-role", WORDS_FOLD_ACCENTS, NULL,
		{ "mentor", "mentee", "either" } },
	[WL_APPLICANT_ALIAS] = { "applicant-alias", WORDS_FOLD_PLAIN, NULL,
		{ "apply", "confirm", "update", "withdraw", "status", "issue", "help", "forget" } },
	[WL_COMMITTEE_ALIAS] = { "committee-alias", WORDS_FOLD_PLAIN, NULL,
		{ "commands", "match", "approve", "reject", "pair", "unpair", "training",
		  "training-update", "training-cancel", "close", "cohort-open", "cohort-close",
		  "digest", "status", "report", "profiles", "rematch", "help", "training-answers",
		  "resend", "cohort" } },
	[WL_INTENT] = { "intent", WORDS_FOLD_PLAIN, NULL,
		{ "help", "issue", "withdraw", "erase", "status", "apply" } },
	[WL_ORDINARY] = { "ordinary", WORDS_FOLD_PLAIN, NULL, { "ordinary" } },
	[WL_MONTH] = { "month", WORDS_FOLD_PLAIN, "number", { NULL } },
	[WL_GREETING] = { "greeting", WORDS_FOLD_PLAIN, NULL, { "greeting" } },
	[WL_PAIR_WITH] = { "pair-with", WORDS_FOLD_PLAIN, NULL, { "with" } },
};

struct entry {
	enum words_list list;
	char *folded;
	char *shown;       /* as written, trimmed */
	const char *value; /* a registry name, or an owned copy for open lists */
	char *value_own;
};

struct language {
	char lang[WORDS_LANG_BYTES_MAX];
	struct entry *e;
	size_t n, cap;
};

struct table {
	struct language l[WORDS_LANGS_MAX];
	size_t n;
};

static struct table words;
static int loaded;

/* Every entry of each list over the languages, in their order. */
struct item {
	const char *folded, *value, *lang, *shown;
};
static struct item *items[WL_COUNT];
static size_t n_items[WL_COUNT];

static void index_build(void)
{
	size_t l, k, c;
	int list;

	for (list = 0; list < WL_COUNT; list++) {
		free(items[list]);
		items[list] = NULL;
		n_items[list] = 0;
		for (l = 0, c = 0; l < words.n; l++)
			for (k = 0; k < words.l[l].n; k++)
				c += words.l[l].e[k].list == (enum words_list)list;
		if (c == 0)
			continue;
		items[list] = xmalloc(c * sizeof(struct item));
		for (l = 0; l < words.n; l++)
			for (k = 0; k < words.l[l].n; k++)
				if (words.l[l].e[k].list == (enum words_list)list) {
					items[list][n_items[list]].folded = words.l[l].e[k].folded;
					items[list][n_items[list]].value = words.l[l].e[k].value;
					items[list][n_items[list]].shown = words.l[l].e[k].shown;
					items[list][n_items[list]++].lang = words.l[l].lang;
				}
	}
}

/* ---- folding ---- */

/* Lower case with accents kept; white space and punctuation as str_fold. */
static char *fold_accents(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, n = strlen(s), l;
	uint32_t cp;
	int space = 0;
	char enc[4];

	buf_init(&b, n * 2 + 16);
	buf_add(&b, "", 0);
	while (i < n) {
		if (p[i] < 0x80) {
			cp = p[i];
			l = 1;
		} else if ((p[i] & 0xe0) == 0xc0 && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
			cp = ((uint32_t)(p[i] & 0x1f) << 6) | (p[i + 1] & 0x3f);
			l = 2;
		} else if ((p[i] & 0xf0) == 0xe0 && i + 2 < n && (p[i + 1] & 0xc0) == 0x80 &&
		    (p[i + 2] & 0xc0) == 0x80) {
			cp = ((uint32_t)(p[i] & 0x0f) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) |
			    (p[i + 2] & 0x3f);
			l = 3;
		} else if ((p[i] & 0xf8) == 0xf0 && i + 3 < n) {
			l = 4;
			cp = 0x10000;
		} else {
			i++;
			continue;
		}
		if ((cp < 0x80 && !isalnum((int)cp)) || cp == 0xa0 || (cp >= 0x2000 && cp <= 0x206f)) {
			space = 1;
			i += l;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		if (cp < 0x80) {
			buf_addc(&b, (char)tolower((int)cp));
		} else if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) {
			cp += 0x20; /* Latin-1 capitals */
			enc[0] = (char)(0xc0 | (cp >> 6));
			enc[1] = (char)(0x80 | (cp & 0x3f));
			buf_add(&b, enc, 2);
		} else {
			buf_add(&b, s + i, l);
		}
		i += l;
	}
	return buf_steal(&b);
}

char *words_fold(enum words_list list, const char *s)
{
	return lists[list].fold == WORDS_FOLD_ACCENTS ? fold_accents(s) : str_fold(s);
}

const char *words_list_name(enum words_list list)
{
	return (size_t)list < WL_COUNT ? lists[list].name : "";
}

/* ---- the table ---- */

static void language_free(struct language *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->e[i].folded);
		free(l->e[i].shown);
		free(l->e[i].value_own);
	}
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		language_free(&t->l[i]);
	t->n = 0;
}

static int list_of(const char *name, size_t n)
{
	int i;

	for (i = 0; i < WL_COUNT; i++)
		if (strlen(lists[i].name) == n && strncmp(lists[i].name, name, n) == 0)
			return i;
	return -1;
}

/* The registry's name for value, or NULL when the list does not allow it. */
static const char *value_of(enum words_list list, const char *v)
{
	size_t i, n = strlen(v);

	if (lists[list].open != NULL) {
		if (strcmp(lists[list].open, "number") == 0) {
			long x;

			return str_to_long(v, 0, 1000000, &x) == 0 ? v : NULL;
		}
		if (n == 0 || n >= WORDS_LANG_BYTES_MAX)
			return NULL;
		for (i = 0; i < n; i++)
			if (!islower((unsigned char)v[i]) && v[i] != '-')
				return NULL;
		return v;
	}
	for (i = 0; i < VALUES_MAX && lists[list].values[i] != NULL; i++)
		if (strcmp(lists[list].values[i], v) == 0)
			return lists[list].values[i];
	return NULL;
}

static const struct entry *find_in(const struct language *l, enum words_list list,
    const char *folded)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->e[i].list == list && strcmp(l->e[i].folded, folded) == 0)
			return &l->e[i];
	return NULL;
}

static void problem(struct buf *r, int *count, const char *lang, size_t line, const char *what,
    const char *word, size_t wn)
{
	char *shown, *raw;

	(*count)++;
	buf_printf(r, "words %s line %zu: %s", lang, line, what);
	if (word != NULL) {
		raw = xstrndup(word, wn > 40 ? 40 : wn);
		shown = str_shown(raw, 0);
		buf_printf(r, " '%s'", shown);
		free(shown);
		free(raw);
	}
	buf_adds(r, "\n");
}

static void add_entry(struct language *l, enum words_list list, char *folded, const char *value,
    const char *shown)
{
	struct entry *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
	}
	e = &l->e[l->n++];
	e->list = list;
	e->folded = folded;
	e->shown = str_trim(xstrdup(shown));
	e->value_own = lists[list].open != NULL ? xstrdup(value) : NULL;
	e->value = e->value_own != NULL ? e->value_own : value;
}

static int is_name_char(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-';
}

/* One line "LIST VALUE: PHRASE | PHRASE". */
static void parse_line(struct language *l, const char *s, size_t n, size_t line, struct buf *r,
    int *count)
{
	const char *p = s, *end = s + n, *name, *val, *ph;
	size_t nn, vn, pn;
	char *value = NULL, *raw, *f;
	const char *v;
	int list;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return;
	name = p;
	while (p < end && is_name_char(*p))
		p++;
	nn = (size_t)(p - name);
	if (p == end || (*p != ' ' && *p != '\t')) {
		problem(r, count, l->lang, line, "expected LIST VALUE: PHRASE, not", s, n);
		return;
	}
	if ((list = list_of(name, nn)) < 0) {
		problem(r, count, l->lang, line, "no such list", name, nn);
		return;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	val = p;
	while (p < end && *p != ':' && *p != ' ' && *p != '\t')
		p++;
	vn = (size_t)(p - val);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (vn == 0 || p == end || *p != ':') {
		problem(r, count, l->lang, line, "expected LIST VALUE: PHRASE, not", s, n);
		return;
	}
	p++;
	value = xstrndup(val, vn);
	if ((v = value_of((enum words_list)list, value)) == NULL) {
		problem(r, count, l->lang, line, "not a value of this list:", val, vn);
		goto out;
	}
	for (;;) {
		ph = p;
		while (p < end && *p != '|')
			p++;
		pn = (size_t)(p - ph);
		raw = xstrndup(ph, pn);
		f = words_fold((enum words_list)list, raw);
		if (pn > WORDS_PHRASE_BYTES_MAX)
			problem(r, count, l->lang, line, "phrase too long:", ph, pn);
		else if (*f == '\0')
			problem(r, count, l->lang, line, "an empty phrase", NULL, 0);
		else if (find_in(l, (enum words_list)list, f) != NULL &&
		    strcmp(find_in(l, (enum words_list)list, f)->value, v) != 0)
			problem(r, count, l->lang, line, "a phrase with two values:", ph, pn);
		else if (find_in(l, (enum words_list)list, f) == NULL) {
			add_entry(l, (enum words_list)list, f, v, raw);
			f = NULL;
		}
		free(f);
		free(raw);
		if (p == end)
			break;
		p++;
	}
out:
	free(value);
}

static int parse(struct language *l, const char *data, size_t n, struct buf *r)
{
	size_t line = 0, i = 0, e;
	int count = 0;

	if (!utf8_valid(data, n) || memchr(data, '\0', n) != NULL) {
		problem(r, &count, l->lang, 1, "not UTF-8 text", NULL, 0);
		return count;
	}
	while (i < n) {
		line++;
		e = i;
		while (e < n && data[e] != '\n')
			e++;
		if (e - i > WORDS_LINE_BYTES_MAX) {
			problem(r, &count, l->lang, line, "line too long", NULL, 0);
		} else {
			size_t k, m = e - i;

			if (m > 0 && data[i + m - 1] == '\r')
				m--;
			for (k = 0; k < m; k++)
				if ((unsigned char)data[i + k] < 0x20 && data[i + k] != '\t')
					break;
			if (k < m)
				problem(r, &count, l->lang, line, "a control character", NULL, 0);
			else
				parse_line(l, data + i, m, line, r, &count);
		}
		i = e < n ? e + 1 : e;
	}
	return count;
}

static int lang_name_ok(const char *lang)
{
	size_t i, n = strlen(lang);

	if (n == 0 || n >= WORDS_LANG_BYTES_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)lang[i]) && lang[i] != '-')
			return 0;
	return 1;
}

static int table_add(struct table *t, const char *lang, const char *data, size_t n,
    struct buf *r)
{
	struct language l;
	size_t i;
	int count;

	memset(&l, 0, sizeof(l));
	if (!lang_name_ok(lang)) {
		buf_printf(r, "words: '%s' is not a language folder's name\n", lang);
		return 1;
	}
	memcpy(l.lang, lang, strlen(lang) + 1);
	count = parse(&l, data, n, r);
	if (count > 0) {
		language_free(&l);
		return count;
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->l[i].lang, lang) == 0) {
			language_free(&t->l[i]);
			t->l[i] = l;
			return 0;
		}
	if (t->n == WORDS_LANGS_MAX) {
		language_free(&l);
		buf_printf(r, "words: more than %d languages\n", WORDS_LANGS_MAX);
		return 1;
	}
	t->l[t->n++] = l;
	return 0;
}

static int lang_rank(const char *lang)
{
	return strcmp(lang, "en") == 0 ? 0 : strcmp(lang, "fr") == 0 ? 1 : 2;
}

static int lang_cmp(const void *a, const void *b)
{
	const struct language *x = a, *y = b;
	int rx = lang_rank(x->lang), ry = lang_rank(y->lang);

	return rx != ry ? rx - ry : strcmp(x->lang, y->lang);
}

static void builtin_load(void)
{
	size_t i;
	struct buf r;

	if (loaded)
		return;
	loaded = 1;
	buf_init(&r, 64 * 1024);
	for (i = 0; i < ARRAY_SIZE(builtin_words); i++)
		if (table_add(&words, builtin_words[i].lang, (const char *)builtin_words[i].data,
		    builtin_words[i].len, &r) > 0)
			fatal("built-in words: %s", r.s);
	qsort(words.l, words.n, sizeof(words.l[0]), lang_cmp);
	index_build();
	buf_deinit(&r);
}

static char *take_report(struct buf *r)
{
	if (r->len == 0) {
		buf_deinit(r);
		return NULL;
	}
	return buf_steal(r);
}

int words_check(const char *lang, const char *data, size_t n, char **report_r)
{
	struct language l;
	struct buf r;
	int count;

	memset(&l, 0, sizeof(l));
	buf_init(&r, 64 * 1024);
	snprintf(l.lang, sizeof(l.lang), "%s", lang);
	count = parse(&l, data, n, &r);
	language_free(&l);
	*report_r = take_report(&r);
	return count;
}

int words_add_language(const char *lang, const char *data, size_t n, char **report_r)
{
	struct buf r;
	int count;

	builtin_load();
	buf_init(&r, 64 * 1024);
	count = table_add(&words, lang, data, n, &r);
	qsort(words.l, words.n, sizeof(words.l[0]), lang_cmp);
	index_build();
	*report_r = take_report(&r);
	return count > 0 ? -1 : 0;
}

/* The language folders of root holding a file "words", added to names. */
static void scan(const char *root, struct strlist *names)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char *path;

	if (root == NULL || (d = opendir(root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!lang_name_ok(de->d_name))
			continue;
		path = xasprintf("%s/%s/words", root, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    !strlist_contains_ci(names, de->d_name))
			strlist_add(names, de->d_name);
		free(path);
	}
	closedir(d);
}

int words_load(const struct template_dirs *dirs, char **report_r)
{
	const char *roots[2] = { dirs->site, dirs->shipped };
	struct strlist names = { NULL, 0 };
	struct table t;
	struct buf r;
	size_t i, j, len;
	char *path, *data;
	int count = 0, found;

	memset(&t, 0, sizeof(t));
	buf_init(&r, 64 * 1024);
	scan(dirs->site, &names);
	scan(dirs->shipped, &names);
	for (i = 0; i < names.n; i++) {
		found = 0;
		for (j = 0; j < 2 && !found; j++) {
			if (roots[j] == NULL)
				continue;
			path = xasprintf("%s/%s/words", roots[j], names.v[i]);
			if (file_read(path, WORDS_FILE_BYTES_MAX, &data, &len) == 0) {
				found = 1;
				count += table_add(&t, names.v[i], data, len, &r);
				free(data);
			}
			free(path);
		}
		if (!found) {
			buf_printf(&r, "words %s: cannot be read (more than %d bytes?)\n", names.v[i],
			    WORDS_FILE_BYTES_MAX);
			count++;
		}
	}
	if (count == 0 && t.n == 0) {
		buf_adds(&r, "words: no language folder holds a file 'words'\n");
		count++;
	}
	strlist_deinit(&names);
	if (count > 0) {
		table_free(&t);
	} else {
		if (loaded)
			table_free(&words);
		words = t;
		loaded = 1;
		qsort(words.l, words.n, sizeof(words.l[0]), lang_cmp);
		index_build();
	}
	*report_r = take_report(&r);
	return count;
}

const char *words_language(size_t i)
{
	builtin_load();
	return i < words.n ? words.l[i].lang : NULL;
}

int words_language_known(const char *lang)
{
	size_t i;

	builtin_load();
	for (i = 0; lang != NULL && i < words.n; i++)
		if (strcmp(words.l[i].lang, lang) == 0)
			return 1;
	return 0;
}

/* ---- lookups ---- */

const char *words_find_folded(enum words_list list, const char *folded, const char **lang_r,
    int *langs_r)
{
	const struct entry *e, *first = NULL;
	const char *lang = NULL;
	size_t i;
	int langs = 0;

	builtin_load();
	for (i = 0; i < words.n; i++) {
		if ((e = find_in(&words.l[i], list, folded)) == NULL)
			continue;
		langs++;
		if (first == NULL) {
			first = e;
			lang = words.l[i].lang;
		}
	}
	if (lang_r != NULL)
		*lang_r = lang;
	if (langs_r != NULL)
		*langs_r = langs;
	return first != NULL ? first->value : NULL;
}

const char *words_find(enum words_list list, const char *text, const char **lang_r,
    int *langs_r)
{
	char *f = words_fold(list, text);
	const char *v = words_find_folded(list, f, lang_r, langs_r);

	free(f);
	return v;
}

int words_value_index(enum words_list list, const char *value)
{
	int i;

	if (value == NULL || lists[list].open != NULL)
		return 0;
	for (i = 0; i < VALUES_MAX && lists[list].values[i] != NULL; i++)
		if (strcmp(lists[list].values[i], value) == 0)
			return i + 1;
	return 0;
}

int words_entry(enum words_list list, size_t i, const char **folded_r, const char **value_r,
    const char **lang_r)
{
	builtin_load();
	if (i >= n_items[list])
		return -1;
	*folded_r = items[list][i].folded;
	*value_r = items[list][i].value;
	if (lang_r != NULL)
		*lang_r = items[list][i].lang;
	return 0;
}

/* ---- understanding plain words ---- */

#define DISTANCE_BYTES_MAX 64

int words_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j;
	int d[DISTANCE_BYTES_MAX + 1][DISTANCE_BYTES_MAX + 1], cost, v;

	if (n > DISTANCE_BYTES_MAX || m > DISTANCE_BYTES_MAX)
		return DISTANCE_BYTES_MAX * 2;
	for (i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			cost = a[i - 1] != b[j - 1];
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

/* The first k words of w joined by spaces (allocated), NULL when w has
 * fewer. */
static char *first_words(const struct strlist *w, size_t k)
{
	struct buf b;
	size_t i;

	if (k == 0 || k > w->n)
		return NULL;
	buf_init(&b, 4096);
	buf_add(&b, "", 0);
	for (i = 0; i < k; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, w->v[i]);
	}
	return buf_steal(&b);
}

static size_t word_count(const char *folded)
{
	size_t n = 1;

	for (; *folded != '\0'; folded++)
		n += *folded == ' ';
	return n;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	return i;
}

/* The distance a misspelling of a command word of len bytes may have. */
static int allowed_distance(size_t len)
{
	return len <= 3 ? 0 : len <= 5 ? 1 : 2;
}

struct candidate {
	struct words_suggestion s;
	size_t prefix;
};

static void consider(struct candidate *c, size_t *n, size_t max, const struct item *it,
    int dist, size_t k, size_t prefix)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(c[i].s.value, it->value) == 0)
			break;
	if (i < *n) {
		if (dist > c[i].s.distance || (dist == c[i].s.distance &&
		    (k < c[i].s.words || (k == c[i].s.words && prefix <= c[i].prefix))))
			return;
	} else if (*n < max) {
		(*n)++;
	} else {
		return;
	}
	c[i].s.value = it->value;
	c[i].s.phrase = it->folded;
	c[i].s.shown = it->shown;
	c[i].s.lang = it->lang;
	c[i].s.distance = dist;
	c[i].s.words = k;
	c[i].prefix = prefix;
}

static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->s.distance != y->s.distance)
		return x->s.distance - y->s.distance;
	if (x->s.words != y->s.words)
		return x->s.words > y->s.words ? -1 : 1;
	return x->prefix > y->prefix ? -1 : x->prefix < y->prefix;
}

#define CANDIDATES_MAX 32

size_t words_nearest(enum words_audience audience, const char *text,
    struct words_suggestion *out, size_t max)
{
	enum words_list cmd = audience == WORDS_COMMITTEE ? WL_COMMITTEE : WL_APPLICANT;
	enum words_list alias = audience == WORDS_COMMITTEE ? WL_COMMITTEE_ALIAS : WL_APPLICANT_ALIAS;
	struct candidate c[CANDIDATES_MAX];
	struct strlist w = { NULL, 0 };
	char *f = str_fold(text), *lead;
	size_t n = 0, i, k;
	int d;

	builtin_load();
	strlist_split(&w, f, ' ');
	if (w.n == 0 || w.n > WORDS_NEAREST_TEXT_WORDS)
		goto out;
	for (i = 0; i < n_items[alias]; i++) {
		k = word_count(items[alias][i].folded);
		lead = first_words(&w, k);
		if (lead != NULL && strcmp(lead, items[alias][i].folded) == 0)
			consider(c, &n, CANDIDATES_MAX, &items[alias][i], 0, k, 0);
		free(lead);
	}
	if (n > 0)
		goto out;
	for (i = 0; i < n_items[cmd]; i++) {
		k = word_count(items[cmd][i].folded);
		lead = first_words(&w, k);
		if (lead == NULL)
			continue;
		d = words_distance(lead, items[cmd][i].folded);
		if (d == 0 || (d <= allowed_distance(strlen(items[cmd][i].folded)) &&
		    strlen(w.v[0]) > 3 && words_find_folded(WL_ORDINARY, lead, NULL, NULL) == NULL &&
		    words_find_folded(WL_ORDINARY, w.v[0], NULL, NULL) == NULL))
			consider(c, &n, CANDIDATES_MAX, &items[cmd][i], d, k,
			    common_prefix(lead, items[cmd][i].folded));
		free(lead);
	}
out:
	qsort(c, n, sizeof(c[0]), candidate_cmp);
	for (i = 0; i < n && i < max; i++)
		out[i] = c[i].s;
	strlist_deinit(&w);
	free(f);
	return n < max ? n : max;
}

unsigned words_intent_bit(const char *value)
{
	int i = words_value_index(WL_INTENT, value);

	return i > 0 ? 1u << (i - 1) : 0;
}

unsigned words_intents(const char *text)
{
	return words_intents_lang(text, NULL);
}

unsigned words_intents_lang(const char *text, const char **lang_r)
{
	struct strlist w = { NULL, 0 };
	char *f = str_fold(text);
	const struct item *it;
	size_t i, j, k, m;
	unsigned r = 0;

	builtin_load();
	if (lang_r != NULL)
		*lang_r = NULL;
	strlist_split(&w, f, ' ');
	for (i = 0; i < n_items[WL_INTENT]; i++) {
		it = &items[WL_INTENT][i];
		k = word_count(it->folded);
		for (j = 0; j + k <= w.n; j++) {
			const char *p = it->folded;

			for (m = 0; m < k; m++) {
				size_t l = strcspn(p, " ");

				if (strlen(w.v[j + m]) != l || strncmp(w.v[j + m], p, l) != 0)
					break;
				p += l + (p[l] == ' ');
			}
			if (m == k) {
				if (r == 0 && lang_r != NULL)
					*lang_r = it->lang;
				r |= words_intent_bit(it->value);
				break;
			}
		}
	}
	strlist_deinit(&w);
	free(f);
	return r;
}
