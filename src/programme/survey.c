/* survey: the six feedback answers of a reply. Lines are classified
 * first (numbered, named, plain), then each answer is read from its own
 * text by the reader of its question. Words are compared folded
 * (str_fold: case, accents and punctuation do not matter); numbers are
 * read from the raw text, where "4.5" and "4/5" still differ. */
#include "survey.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "util.h"
#include "words.h"

/* A named line's name stands before its ':' or '?' within this many bytes. */
#define LABEL_BYTES_MAX 80

struct phrase {
	const char *words; /* folded words, one space apart */
	int value;
};

/* ---- words ---- */

static void words_of(const char *s, size_t n, struct strlist *w)
{
	char *raw = xstrndup(s, n), *f = str_fold(raw);

	memset(w, 0, sizeof(*w));
	strlist_split(w, f, ' ');
	free(f);
	free(raw);
}

/* How many words of w from i spell phrase; 0 if they do not. */
static size_t phrase_at(const struct strlist *w, size_t i, const char *phrase)
{
	const char *p = phrase;
	size_t n = 0, l;

	while (*p != '\0') {
		l = strcspn(p, " ");
		if (i + n >= w->n || strlen(w->v[i + n]) != l || strncmp(w->v[i + n], p, l) != 0)
			return 0;
		n++;
		p += l;
		if (*p == ' ')
			p++;
	}
	return n;
}

/* The longest phrase of t at word i; NULL if none. */
static const struct phrase *longest_at(const struct phrase *t, size_t nt, const struct strlist *w,
    size_t i, size_t *len_r)
{
	const struct phrase *best = NULL;
	size_t k, l, best_len = 0;

	for (k = 0; k < nt; k++) {
		l = phrase_at(w, i, t[k].words);
		if (l > best_len) {
			best_len = l;
			best = &t[k];
		}
	}
	*len_r = best_len;
	return best;
}

/* The longest phrase of the words list at word i: its value, NULL if none. */
static const char *longest_listed(enum words_list list, const struct strlist *w, size_t i,
    size_t *len_r)
{
	const char *folded, *value, *best = NULL;
	size_t k, l, best_len = 0;

	for (k = 0; words_entry(list, k, &folded, &value, NULL) == 0; k++) {
		l = phrase_at(w, i, folded);
		if (l > best_len) {
			best_len = l;
			best = value;
		}
	}
	*len_r = best_len;
	return best;
}

static int listed(enum words_list list, const char *word)
{
	return words_find_folded(list, word, NULL, NULL) != NULL;
}

static int word_in(const char *word, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(word, set[i]) == 0)
			return 1;
	return 0;
}

static int negated_from(const struct strlist *w, size_t from)
{
	size_t i;

	for (i = from; i < w->n; i++)
		if (listed(WL_NEGATION, w->v[i]))
			return 1;
	return 0;
}

/* ---- yes, no, maybe ---- */

/* The yes, no or maybe the answer starts with; *after_r: the next word. */
static enum survey_answer yes_no(const struct strlist *w, size_t *after_r)
{
	size_t l = 0;
	const char *v = longest_listed(WL_YES_NO, w, 0, &l);

	*after_r = l;
	return v != NULL ? (enum survey_answer)words_value_index(WL_YES_NO, v) : SURVEY_UNSET;
}

/* ---- usefulness ---- */

static int is_number_word(const char *s)
{
	return isdigit((unsigned char)s[0]) || listed(WL_NUMBER, s);
}

/* After the number: "out of 5", "sur 5", "/5" need a 5; "or 4", "to 4",
 * "à 4" make it a range, which is unclear. */
static int scale_ok(const struct strlist *w, size_t i)
{
	static const char *const scale[] = { "out of", "sur", "on", "of" };
	static const char *const range[] = { "or", "ou", "to", "a", "and", "et" };
	static const char *const fraction[] = { "half", "demi", "demie", "quarter", "point",
		"virgule" };
	size_t k, l;

	for (k = i; k < w->n && k < i + 3; k++)
		if (word_in(w->v[k], fraction, ARRAY_SIZE(fraction)))
			return 0; /* four and a half */

	for (k = 0; k < ARRAY_SIZE(scale); k++)
		if ((l = phrase_at(w, i, scale[k])) > 0)
			return i + l < w->n && (strcmp(w->v[i + l], "5") == 0 ||
			    strcmp(w->v[i + l], "five") == 0 || strcmp(w->v[i + l], "cinq") == 0);
	if (i < w->n && word_in(w->v[i], range, ARRAY_SIZE(range)))
		return !(i + 1 < w->n && is_number_word(w->v[i + 1]));
	return 1;
}

static size_t dash_at(const char *s)
{
	if (*s == '-' || *s == '~')
		return 1;
	if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
		return 3;
	return 0;
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* skip_blank, never past end. */
static const char *skip_blank_to(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* 1..5, or 0 when the text is no such number. */
static int usefulness_of(const char *s)
{
	struct strlist w;
	const char *word;
	const char *p = skip_blank(s), *q;
	int v = 0;
	size_t d;

	while (*p == '*' || *p == '"' || *p == '(' || *p == '[')
		p++;
	if (isdigit((unsigned char)p[0])) {
		if (isdigit((unsigned char)p[1]) || p[0] < '1' || p[0] > '5')
			return 0;
		v = p[0] - '0';
		q = p + 1;
		if ((*q == '.' || *q == ',') && isdigit((unsigned char)q[1]))
			return 0; /* 4.5, 4,5 */
		q = skip_blank(q);
		if (*q == '/') {
			q = skip_blank(q + 1);
			return q[0] == '5' && !isdigit((unsigned char)q[1]) ? v : 0;
		}
		if ((d = dash_at(q)) > 0 && isdigit((unsigned char)*skip_blank(q + d)))
			return 0; /* 3-4 */
	}
	words_of(p, strlen(p), &w);
	if (v == 0 && w.n > 0 && (word = words_find_folded(WL_NUMBER, w.v[0], NULL, NULL)) != NULL)
		v = (int)strtol(word, NULL, 10);
	if (v != 0 && !scale_ok(&w, 1))
		v = 0;
	strlist_deinit(&w);
	return v;
}

/* ---- meetings ---- */

/* Days between meetings to a band. */
static enum survey_meet band_of(double days)
{
	if (days <= 0)
		return MEET_UNSET;
	if (days <= 9)
		return MEET_WEEKLY;
	if (days <= 17)
		return MEET_FORTNIGHTLY;
	if (days <= 38)
		return MEET_MONTHLY;
	return MEET_RARELY;
}

static const struct phrase meet_words[] = {
	{ "weekly", MEET_WEEKLY }, { "daily", MEET_WEEKLY }, { "hebdomadaire", MEET_WEEKLY },
	{ "hebdomadaires", MEET_WEEKLY }, { "hebdo", MEET_WEEKLY }, { "quotidien", MEET_WEEKLY },
	{ "fortnightly", MEET_FORTNIGHTLY }, { "biweekly", MEET_FORTNIGHTLY },
	{ "bi weekly", MEET_FORTNIGHTLY }, { "every other week", MEET_FORTNIGHTLY },
	{ "bimensuel", MEET_FORTNIGHTLY }, { "bimensuelle", MEET_FORTNIGHTLY },
	{ "bimensuels", MEET_FORTNIGHTLY },
	{ "monthly", MEET_MONTHLY }, { "mensuel", MEET_MONTHLY }, { "mensuelle", MEET_MONTHLY },
	{ "mensuels", MEET_MONTHLY }, { "mensuellement", MEET_MONTHLY },
	{ "a few times a week", MEET_WEEKLY }, { "quelques fois par semaine", MEET_WEEKLY },
	{ "a few times a month", MEET_FORTNIGHTLY }, { "quelques fois par mois", MEET_FORTNIGHTLY },
	{ "rarely", MEET_RARELY }, { "seldom", MEET_RARELY }, { "occasionally", MEET_RARELY },
	{ "sporadically", MEET_RARELY }, { "quarterly", MEET_RARELY }, { "a few times", MEET_RARELY },
	{ "once or twice", MEET_RARELY }, { "only once", MEET_RARELY }, { "just once", MEET_RARELY },
	{ "not often", MEET_RARELY }, { "not very often", MEET_RARELY }, { "less often", MEET_RARELY },
	{ "less than monthly", MEET_RARELY }, { "less than once a month", MEET_RARELY },
	{ "rarement", MEET_RARELY }, { "occasionnellement", MEET_RARELY },
	{ "sporadiquement", MEET_RARELY }, { "trimestriel", MEET_RARELY },
	{ "quelques fois", MEET_RARELY }, { "de temps en temps", MEET_RARELY },
	{ "de temps a autre", MEET_RARELY }, { "une ou deux fois", MEET_RARELY },
	{ "une seule fois", MEET_RARELY }, { "moins souvent", MEET_RARELY },
	{ "pas souvent", MEET_RARELY }, { "peu souvent", MEET_RARELY },
	{ "moins d une fois par mois", MEET_RARELY },
	{ "never", MEET_NEVER }, { "jamais", MEET_NEVER }, { "not at all", MEET_NEVER },
	{ "not once", MEET_NEVER }, { "did not meet", MEET_NEVER }, { "didn t meet", MEET_NEVER },
	{ "have not met", MEET_NEVER }, { "haven t met", MEET_NEVER }, { "pas du tout", MEET_NEVER },
	{ "aucune fois", MEET_NEVER },
};

static const struct phrase counts[] = {
	{ "once", 1 }, { "twice", 2 }, { "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 },
	{ "five", 5 }, { "six", 6 }, { "eight", 8 }, { "ten", 10 }, { "un", 1 }, { "une", 1 },
	{ "deux", 2 }, { "trois", 3 }, { "quatre", 4 }, { "cinq", 5 }, { "huit", 8 }, { "dix", 10 },
	{ "quinze", 15 }, { "other", 2 }, { "several", 3 }, { "plusieurs", 3 },
};

/* A count at word i: a listed word, "3" or "3x"; its value, 0 if none. */
static int count_at(const struct strlist *w, size_t i)
{
	const char *s;
	size_t k, n = 0;
	long v = 0;

	if (i >= w->n)
		return 0;
	s = w->v[i];
	for (k = 0; k < ARRAY_SIZE(counts); k++)
		if (strcmp(s, counts[k].words) == 0)
			return counts[k].value;
	while (isdigit((unsigned char)s[n]) && n < 3)
		v = v * 10 + (s[n++] - '0');
	if (n == 0 || (s[n] != '\0' && !(s[n] == 'x' && s[n + 1] == '\0')))
		return 0;
	return (int)v;
}

static const struct phrase periods[] = {
	{ "day", 1 }, { "days", 1 }, { "jour", 1 }, { "jours", 1 }, { "week", 7 }, { "weeks", 7 },
	{ "semaine", 7 }, { "semaines", 7 }, { "fortnight", 14 }, { "month", 30 }, { "months", 30 },
	{ "mois", 30 }, { "year", 365 }, { "years", 365 }, { "an", 365 }, { "ans", 365 },
	{ "annee", 365 },
};

static int period_at(const struct strlist *w, size_t i)
{
	size_t l;
	const struct phrase *p = i < w->n ? longest_at(periods, ARRAY_SIZE(periods), w, i, &l) : NULL;

	return p != NULL ? p->value : 0;
}

/* "every 2 weeks", "tous les quinze jours", "once every month": the days
 * between meetings, *len_r the words read; 0 if none. */
static double every_at(const struct strlist *w, size_t i, size_t *len_r)
{
	static const char *const every[] = { "once every", "une fois tous les", "une fois toutes les",
		"every", "each", "chaque", "tous les", "toutes les" };
	size_t k, l = 0, j;
	int n = 1, per;

	for (k = 0; k < ARRAY_SIZE(every) && l == 0; k++)
		l = phrase_at(w, i, every[k]);
	if (l == 0)
		return 0;
	j = i + l;
	if (count_at(w, j) > 0)
		n = count_at(w, j++);
	per = period_at(w, j);
	if (per == 0)
		return 0;
	*len_r = j + 1 - i;
	return (double)n * per;
}

/* "twice a month", "3 times per week", "une fois par mois". */
static double times_at(const struct strlist *w, size_t i, size_t *len_r)
{
	static const char *const times[] = { "times", "time", "fois", "x" };
	static const char *const per[] = { "a", "per", "par", "each", "every", "chaque", "an" };
	size_t j = i + 1;
	int n = count_at(w, i), days;

	if (n == 0 || n > 100)
		return 0;
	if (j < w->n && word_in(w->v[j], times, ARRAY_SIZE(times)))
		j++;
	if (j < w->n && word_in(w->v[j], per, ARRAY_SIZE(per)))
		j++;
	else
		return 0;
	days = period_at(w, j);
	if (days == 0)
		return 0;
	*len_r = j + 1 - i;
	return (double)days / n;
}

static enum survey_meet meetings_of(const char *s, size_t n)
{
	struct strlist w;
	unsigned bands = 0;
	size_t i = 0, l;
	enum survey_meet m = MEET_UNSET, b;
	const struct phrase *p;
	double days;

	words_of(s, n, &w);
	while (i < w.n) {
		l = 0;
		if ((p = longest_at(meet_words, ARRAY_SIZE(meet_words), &w, i, &l)) != NULL)
			b = (enum survey_meet)p->value;
		else if ((days = every_at(&w, i, &l)) > 0 || (days = times_at(&w, i, &l)) > 0)
			b = band_of(days);
		else
			b = MEET_UNSET;
		if (b != MEET_UNSET)
			bands |= 1u << b;
		i += l > 0 ? l : 1;
	}
	strlist_deinit(&w);
	for (b = MEET_WEEKLY; b < SURVEY_MEET_BANDS; b++)
		if (bands == 1u << b)
			m = b;
	return m;
}

/* ---- continuing, again, quote ---- */

static enum survey_answer continuing_of(const char *s, size_t n)
{
	static const char *const stems[] = { "continu", "poursuiv", "keep meeting", "keep in touch",
		"stay in touch", "rester en contact", "garder le contact", "go on" };
	struct strlist w;
	size_t after, i, k;
	enum survey_answer a;

	words_of(s, n, &w);
	a = yes_no(&w, &after);
	if (a == SURVEY_UNSET && !negated_from(&w, 0))
		for (i = 0; i < w.n && a == SURVEY_UNSET; i++)
			for (k = 0; k < ARRAY_SIZE(stems); k++)
				if (strchr(stems[k], ' ') != NULL ? phrase_at(&w, i, stems[k]) > 0
				    : str_has_prefix(w.v[i], stems[k]))
					a = SURVEY_YES;
	strlist_deinit(&w);
	return a;
}

/* Roles are read from the words with their accents (wa: the same words
 * as w, folded by words_fold(WL_SURVEY_ROLE, ...)): a "mentore" is a
 * mentor, a "mentorée" a mentee. */
static void role_words_of(const char *s, size_t n, struct strlist *w)
{
	char *raw = xstrndup(s, n), *f = words_fold(WL_SURVEY_ROLE, raw);

	memset(w, 0, sizeof(*w));
	strlist_split(w, f, ' ');
	free(f);
	free(raw);
}

static const char *role_at(const struct strlist *wa, size_t i, size_t *len_r)
{
	return i < wa->n ? longest_listed(WL_SURVEY_ROLE, wa, i, len_r) : NULL;
}

static enum survey_role roles_from(const struct strlist *wa, size_t from)
{
	int mentor = 0, mentee = 0, either = 0;
	const char *v;
	size_t i, l;

	for (i = from; i < wa->n; i++) {
		if ((v = role_at(wa, i, &l)) == NULL)
			continue;
		mentor |= strcmp(v, "mentor") == 0;
		mentee |= strcmp(v, "mentee") == 0;
		either |= strcmp(v, "either") == 0;
	}
	if (either || (mentor && mentee))
		return AS_EITHER;
	return mentor ? AS_MENTOR : mentee ? AS_MENTEE : AS_UNSET;
}

/* 1 and *a, *as set, or 0 when unclear. */
static int again_of(const char *s, size_t n, enum survey_answer *a_r, enum survey_role *as_r)
{
	static const char *const as[] = { "as an", "as a", "as", "comme", "en tant que",
		"en tant qu", "en" };
	struct strlist w, wa;
	size_t after = 0, k, l = 0, rl;
	enum survey_answer a;
	int ok = 1;

	words_of(s, n, &w);
	role_words_of(s, n, &wa);
	a = yes_no(&w, &after);
	if (a == SURVEY_UNSET) {
		for (k = 0; k < ARRAY_SIZE(as) && l == 0; k++)
			l = phrase_at(&w, 0, as[k]);
		if (role_at(&wa, l, &rl) != NULL) {
			a = SURVEY_YES;
			after = 0;
		}
	}
	*a_r = a;
	*as_r = AS_UNSET;
	if (a == SURVEY_UNSET || (a == SURVEY_YES && negated_from(&w, after)))
		ok = 0;
	else if (a == SURVEY_YES)
		*as_r = roles_from(&wa, after);
	strlist_deinit(&w);
	strlist_deinit(&wa);
	return ok;
}

/* A yes to quoting must be plain: "yes, but ..." sets a condition that
 * the robot cannot keep. */
static enum survey_answer quote_ok_of(const char *s, size_t n)
{
	static const char *const conditions[] = { "but", "mais", "if", "si", "only", "seulement",
		"unless", "sauf", "except", "provided", "pourvu", "uniquement" };
	struct strlist w;
	size_t after = 0, i;
	enum survey_answer a;

	words_of(s, n, &w);
	a = yes_no(&w, &after);
	for (i = after; a == SURVEY_YES && i < w.n; i++)
		if (word_in(w.v[i], conditions, ARRAY_SIZE(conditions)) ||
		    listed(WL_NEGATION, w.v[i]))
			a = SURVEY_UNSET;
	strlist_deinit(&w);
	return a;
}

static int no_quote(const char *s, size_t n)
{
	static const char *const none[] = { "", "no", "non", "none", "nothing", "rien", "aucune",
		"aucun", "pas de citation", "no quote", "n a", "na", "pass", "skip", "no thanks",
		"non merci" };
	char *raw = xstrndup(s, n), *f = str_fold(raw);
	int r = word_in(f, none, ARRAY_SIZE(none));

	free(f);
	free(raw);
	return r;
}

/* ---- answers ---- */

/* s[0..n) cut to SURVEY_ANSWER_BYTES_MAX on a character boundary, control
 * characters made spaces. */
static char *answer_dup(const char *s, size_t n)
{
	char *r;
	size_t i;

	if (n > SURVEY_ANSWER_BYTES_MAX) {
		n = SURVEY_ANSWER_BYTES_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	r = xstrndup(s, n);
	for (i = 0; r[i] != '\0'; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			r[i] = ' ';
	return str_trim(r);
}

static void forget_answer(struct survey *s, enum survey_question q)
{
	xfree(&s->unclear[q]);
	switch (q) {
	case SQ_USEFUL: s->usefulness = 0; break;
	case SQ_MEETINGS: s->meetings = MEET_UNSET; break;
	case SQ_CONTINUE: s->continuing = SURVEY_UNSET; break;
	case SQ_AGAIN: s->again = SURVEY_UNSET; s->again_as = AS_UNSET; break;
	case SQ_QUOTE: xfree(&s->quote); break;
	case SQ_QUOTE_OK: s->quote_ok = SURVEY_UNSET; break;
	default: break;
	}
}

/* Quote marks around a quote go: the robot puts its own. */
static void unquote(const char **s, size_t *n)
{
	static const char *const marks[] = { "\"", "'", "\xc2\xab", "\xc2\xbb", "\xe2\x80\x9c",
		"\xe2\x80\x9d", "\xe2\x80\x98", "\xe2\x80\x99" };
	size_t k, l;
	int again = 1;

	while (again) {
		again = 0;
		while (*n > 0 && ((*s)[0] == ' ' || (*s)[*n - 1] == ' ')) {
			if ((*s)[0] == ' ') {
				(*s)++;
				(*n)--;
			} else {
				(*n)--;
			}
		}
		for (k = 0; k < ARRAY_SIZE(marks); k++) {
			l = strlen(marks[k]);
			if (*n >= l && strncmp(*s, marks[k], l) == 0) {
				*s += l;
				*n -= l;
				again = 1;
			}
			if (*n >= l && strncmp(*s + *n - l, marks[k], l) == 0) {
				*n -= l;
				again = 1;
			}
		}
	}
}

/* Reads the answer to q in s[0..n) into *s. 1: read; 0: unclear, kept as
 * written; -1: nothing there. */
static int read_answer(struct survey *sv, enum survey_question q, const char *s, size_t n)
{
	char *t = NULL;
	int ok = 1;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return -1;
	forget_answer(sv, q);
	switch (q) {
	case SQ_USEFUL:
		t = xstrndup(s, n > SURVEY_ANSWER_BYTES_MAX ? SURVEY_ANSWER_BYTES_MAX : n);
		ok = (sv->usefulness = usefulness_of(t)) != 0;
		free(t);
		break;
	case SQ_MEETINGS:
		ok = (sv->meetings = meetings_of(s, n)) != MEET_UNSET;
		break;
	case SQ_CONTINUE:
		ok = (sv->continuing = continuing_of(s, n)) != SURVEY_UNSET;
		break;
	case SQ_AGAIN:
		ok = again_of(s, n, &sv->again, &sv->again_as);
		if (!ok)
			sv->again = SURVEY_UNSET;
		break;
	case SQ_QUOTE:
		unquote(&s, &n);
		if (n > 0 && !no_quote(s, n))
			sv->quote = answer_dup(s, n);
		break;
	case SQ_QUOTE_OK:
		ok = (sv->quote_ok = quote_ok_of(s, n)) != SURVEY_UNSET;
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok)
		sv->unclear[q] = answer_dup(s, n);
	return ok;
}

/* Would s[0..n) be a clear answer to q? */
static int clear_answer(enum survey_question q, const char *s, size_t n)
{
	struct survey scratch;
	int r;

	memset(&scratch, 0, sizeof(scratch));
	r = read_answer(&scratch, q, s, n);
	survey_deinit(&scratch);
	return r == 1;
}

/* ---- lines ---- */

static const struct phrase labels[] = {
	{ "usefulness", SQ_USEFUL }, { "useful", SQ_USEFUL }, { "how useful", SQ_USEFUL },
	{ "utility", SQ_USEFUL }, { "utilite", SQ_USEFUL }, { "utile", SQ_USEFUL },
	{ "rating", SQ_USEFUL },
	{ "how often", SQ_MEETINGS }, { "how often did you meet", SQ_MEETINGS },
	{ "meetings", SQ_MEETINGS }, { "frequency", SQ_MEETINGS }, { "frequence", SQ_MEETINGS },
	{ "rythme", SQ_MEETINGS }, { "a quel rythme", SQ_MEETINGS }, { "rencontres", SQ_MEETINGS },
	{ "will you go on", SQ_CONTINUE }, { "will you continue", SQ_CONTINUE },
	{ "continue", SQ_CONTINUE }, { "continuing", SQ_CONTINUE },
	{ "after the programme", SQ_CONTINUE }, { "continuerez", SQ_CONTINUE },
	{ "continuer", SQ_CONTINUE }, { "apres le programme", SQ_CONTINUE },
	{ "again", SQ_AGAIN }, { "take part again", SQ_AGAIN },
	{ "would you take part again", SQ_AGAIN }, { "participate again", SQ_AGAIN },
	{ "next edition", SQ_AGAIN }, { "participeriez", SQ_AGAIN }, { "participer", SQ_AGAIN },
	{ "a nouveau", SQ_AGAIN }, { "prochaine edition", SQ_AGAIN },
	{ "quote", SQ_QUOTE }, { "a sentence", SQ_QUOTE }, { "sentence", SQ_QUOTE },
	{ "citation", SQ_QUOTE }, { "une phrase", SQ_QUOTE }, { "phrase", SQ_QUOTE },
	{ "may we quote", SQ_QUOTE_OK }, { "can we quote", SQ_QUOTE_OK },
	{ "quote it", SQ_QUOTE_OK }, { "quote ok", SQ_QUOTE_OK }, { "quoting", SQ_QUOTE_OK },
	{ "permission", SQ_QUOTE_OK }, { "anonymously", SQ_QUOTE_OK },
	{ "anonymous", SQ_QUOTE_OK }, { "pouvons nous", SQ_QUOTE_OK }, { "peut on", SQ_QUOTE_OK },
	{ "citer", SQ_QUOTE_OK }, { "anonymement", SQ_QUOTE_OK },
};

/* The question s[0..n) starts by naming, -1 if none. */
static int label_of(const char *s, size_t n)
{
	struct strlist w;
	size_t l = 0;
	const struct phrase *p;

	words_of(s, n < LABEL_BYTES_MAX ? n : LABEL_BYTES_MAX, &w);
	p = longest_at(labels, ARRAY_SIZE(labels), &w, 0, &l);
	strlist_deinit(&w);
	return p != NULL ? p->value : -1;
}

/* The first ':' or '?' of s[0..n) (the full-width ones too); NULL if none. */
static const char *label_end(const char *s, size_t n, size_t *len_r)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == ':' || s[i] == '?') {
			*len_r = 1;
			return s + i;
		}
		if (i + 3 <= n && (memcmp(s + i, "\xef\xbc\x9a", 3) == 0 ||
		    memcmp(s + i, "\xef\xbc\x9f", 3) == 0)) {
			*len_r = 3;
			return s + i;
		}
	}
	return NULL;
}

/* "1. 4", "Q2) monthly", "Question 3: yes", "#4 - oui": 1 with the
 * question and its answer's bounds. */
static int numbered(const char *s, size_t n, int *q_r, const char **a_r, size_t *an_r)
{
	const char *p = s, *end = s + n, *e;
	size_t d = 0, l;
	int q, dash = 0;

	if (n >= 8 && strncasecmp(p, "question", 8) == 0)
		p = skip_blank_to(p + 8, end);
	else if ((*p == 'q' || *p == 'Q' || *p == '#') && p + 1 < end && isdigit((unsigned char)p[1]))
		p++;
	if (p + 1 >= end || !isdigit((unsigned char)p[0]) || isdigit((unsigned char)p[1]))
		return 0;
	q = p[0] - '1';
	if (q < 0 || q >= SURVEY_QUESTIONS)
		return 0;
	p = skip_blank_to(p + 1, end);
	if (p >= end)
		return 0;
	if (*p == '.' || *p == '/') {
		e = *p == '/' ? skip_blank_to(p + 1, end) : p + 1;
		if (e < end && isdigit((unsigned char)*e))
			return 0; /* 1.5, 4/5, 4 / 5 */
		p++;
	} else if (*p == ')' || *p == ':') {
		p++;
	} else if ((d = dash_at(p)) > 0 && p + d <= end) {
		p += d;
		dash = 1;
	} else {
		return 0;
	}
	p = skip_blank_to(p, end);
	if (p >= end)
		return 0;
	/* the question copied before its answer */
	if (label_of(p, (size_t)(end - p)) == q && (e = label_end(p, (size_t)(end - p), &l)) != NULL)
		p = skip_blank_to(e + l, end);
	if (dash && !clear_answer((enum survey_question)q, p, (size_t)(end - p)))
		return 0;
	*q_r = q;
	*a_r = p;
	*an_r = (size_t)(end - p);
	/* "5 - very useful": any text is a quote, so with a dash it is one
	 * only beside other numbered answers */
	return dash && q == SQ_QUOTE ? 2 : 1;
}

/* "Usefulness: 4", "Utilité : 4": 1 with the question and its answer. */
static int named(const char *s, size_t n, int *q_r, const char **a_r, size_t *an_r)
{
	const char *e;
	size_t l;
	int q;

	e = label_end(s, n < LABEL_BYTES_MAX ? n : LABEL_BYTES_MAX, &l);
	if (e == NULL || (q = label_of(s, (size_t)(e - s))) < 0)
		return 0;
	*q_r = q;
	*a_r = skip_blank_to(e + l, s + n);
	*an_r = n - (size_t)(*a_r - s);
	return 1;
}

struct line {
	const char *s;
	size_t n;
	int q;           /* the question a numbered or named line answers, else -1 */
	int tentative;   /* numbered only if other lines are */
	const char *a;   /* its answer */
	size_t an;
};

static size_t lines_of(const char *text, struct line *v, size_t max)
{
	const char *p = text, *nl;
	size_t n = 0, len;
	int r;

	while (*p != '\0' && n < max) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		v[n].s = skip_blank(p);
		v[n].n = len - (size_t)(v[n].s - p);
		while (v[n].n > 0 && (v[n].s[v[n].n - 1] == '\r' || v[n].s[v[n].n - 1] == ' ' ||
		    v[n].s[v[n].n - 1] == '\t'))
			v[n].n--;
		v[n].q = -1;
		v[n].tentative = 0;
		if (v[n].n > 0 && (r = numbered(v[n].s, v[n].n, &v[n].q, &v[n].a, &v[n].an)) > 0)
			v[n].tentative = r == 2;
		else if (v[n].n == 0 || !named(v[n].s, v[n].n, &v[n].q, &v[n].a, &v[n].an))
			v[n].q = -1;
		/* a question copied without its answer is no answer */
		if (v[n].q >= 0 && v[n].an == 0)
			v[n].q = -1;
		n++;
		p = nl != NULL ? nl + 1 : p + len;
	}
	return n;
}

/* An answer read, clear or not, counts as given. */
static void note(int r, unsigned *seen, enum survey_question q)
{
	if (r >= 0)
		*seen |= 1u << q;
}

/* A quote goes on over the plain lines after it, up to an empty one. */
static void quote_lines(struct survey *s, const struct line *v, size_t n, size_t i,
    unsigned *seen)
{
	struct buf b;
	size_t j;

	/* each piece at most the whole answer's room: the cut is made later */
	buf_init(&b, 4 * SURVEY_ANSWER_BYTES_MAX);
	buf_add(&b, v[i].a, v[i].an < SURVEY_ANSWER_BYTES_MAX ? v[i].an : SURVEY_ANSWER_BYTES_MAX);
	for (j = i + 1; j < n && v[j].n > 0 && v[j].q < 0 && b.len < SURVEY_ANSWER_BYTES_MAX; j++) {
		buf_addc(&b, ' ');
		buf_add(&b, v[j].s, v[j].n < SURVEY_ANSWER_BYTES_MAX ? v[j].n : SURVEY_ANSWER_BYTES_MAX);
	}
	note(read_answer(s, SQ_QUOTE, b.s != NULL ? b.s : "", b.len), seen, SQ_QUOTE);
	buf_deinit(&b);
}

/* No numbered or named line: the first lines in the questions' order. */
static void positional(struct survey *s, const struct line *v, size_t n, unsigned *seen)
{
	size_t i, k = 0, next;
	enum survey_question q = SQ_USEFUL;

	for (i = 0; i < n && q < SURVEY_QUESTIONS; i = next) {
		next = i + 1;
		if (v[i].n == 0)
			continue;
		if (q == SQ_QUOTE) {
			/* a quote only with its yes or no after it */
			for (k = next; k < n && v[k].n == 0; k++)
				;
			if (k == n || !clear_answer(SQ_QUOTE_OK, v[k].s, v[k].n))
				break;
		} else if (!clear_answer(q, v[i].s, v[i].n)) {
			break;
		}
		note(read_answer(s, q, v[i].s, v[i].n), seen, q);
		q++;
	}
}

int survey_parse(const char *text, struct survey *s)
{
	struct line *v = xcalloc(SURVEY_LINES_MAX + 1, sizeof(*v));
	size_t n = lines_of(text, v, SURVEY_LINES_MAX), i, first = 0;
	unsigned seen = 0;
	int any = 0, q;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++)
		any |= v[i].q >= 0 && !v[i].tentative;
	for (i = 0; i < n; i++)
		if (v[i].tentative && !any)
			v[i].q = -1;
	if (any) {
		for (i = 0; i < n; i++) {
			if (v[i].q < 0)
				continue;
			if (v[i].q == SQ_QUOTE)
				quote_lines(s, v, n, i, &seen);
			else
				note(read_answer(s, (enum survey_question)v[i].q, v[i].a, v[i].an), &seen,
				    (enum survey_question)v[i].q);
		}
	} else {
		while (first < n && v[first].n == 0)
			first++;
		if (first < n && clear_answer(SQ_USEFUL, v[first].s, v[first].n))
			positional(s, v, n, &seen);
	}
	for (q = 0; q < SURVEY_QUESTIONS; q++)
		s->answered += (seen >> q) & 1;
	free(v);
	return s->answered;
}

void survey_deinit(struct survey *s)
{
	int q;

	free(s->quote);
	for (q = 0; q < SURVEY_QUESTIONS; q++)
		free(s->unclear[q]);
	memset(s, 0, sizeof(*s));
}

const char *survey_meet_name(enum survey_meet m)
{
	static const char *const names[] = { NULL, "weekly", "fortnightly", "monthly", "rarely",
		"never" };

	return (size_t)m < ARRAY_SIZE(names) ? names[m] : NULL;
}

const char *survey_answer_name(enum survey_answer a)
{
	static const char *const names[] = { NULL, "yes", "no", "maybe" };

	return (size_t)a < ARRAY_SIZE(names) ? names[a] : NULL;
}

const char *survey_role_name(enum survey_role r)
{
	static const char *const names[] = { NULL, "mentor", "mentee", "either" };

	return (size_t)r < ARRAY_SIZE(names) ? names[r] : NULL;
}
