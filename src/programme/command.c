#include "command.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "util.h"
#include "words.h"

/* Longest reply prefix word ("doorst", "antw", "Réf"), in bytes. */
#define PREFIX_WORD_BYTES_MAX 10
/* Longest gateway tag ("[EXTERNAL SENDER]", "[Mentoring 2026]"). */
#define TAG_BYTES_MAX 40
/* An answer line longer than this is a sentence, not an answer. */
#define ANSWER_BYTES_MAX 100
#define ANSWER_WORDS_MAX 12
/* Pair and case numbers. */
#define NUM_MAX 1000000L

/* ---- small text helpers ---- */

/* Length of the white space at s: ASCII blanks, U+00A0 or U+202F. */
static size_t ws_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == ' ' || u[0] == '\t')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
		return 3;
	return 0;
}

static const char *skip_ws(const char *s)
{
	size_t k;

	while ((k = ws_at(s)) > 0)
		s += k;
	return s;
}

static char *fold_n(const char *s, size_t n)
{
	char *raw = xstrndup(s, n), *f = str_fold(raw);

	free(raw);
	return f;
}

/* Copy of s[0..n) with control characters dropped, white space runs made
 * one space, trimmed (U+00A0 included). */
static char *clean_text(const char *s, size_t n)
{
	struct buf b;
	size_t i = 0, k;
	int space = 0;

	buf_init(&b, n + 1);
	buf_add(&b, "", 0);
	while (i < n) {
		k = ws_at(s + i);
		if (k > 0 && i + k <= n) {
			space = 1;
			i += k;
			continue;
		}
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			i++;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		buf_addc(&b, s[i++]);
	}
	return buf_steal(&b);
}

/* Bytes of a word at s: up to white space, ':' or the end. */
static size_t run_len(const char *s)
{
	size_t i = 0;

	while (s[i] != '\0' && s[i] != ':' && ws_at(s + i) == 0)
		i++;
	return i;
}

/* ---- subjects ---- */

/* Length of one "Re:" / "RE :" / "Re[2]:" / "Réf. :" prefix at s, 0 if none. */
static size_t prefix_len(const char *s)
{
	size_t i = 0, w;
	char *f;
	int ok;

	while (s[i] != '\0' && i <= PREFIX_WORD_BYTES_MAX &&
	    (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) && ws_at(s + i) == 0 &&
	    strncmp(s + i, "\xef\xbc\x9a", 3) != 0)
		i++;
	w = i;
	if (w == 0 || w > PREFIX_WORD_BYTES_MAX)
		return 0;
	if (s[i] == '.')
		i++;
	if (s[i] == '[' || s[i] == '(') {
		char close = s[i] == '[' ? ']' : ')';

		i++;
		while (isdigit((unsigned char)s[i]))
			i++;
		if (s[i] != close)
			return 0;
		i++;
	}
	i = (size_t)(skip_ws(s + i) - s);
	if (s[i] == ':')
		i++;
	else if (strncmp(s + i, "\xef\xbc\x9a", 3) == 0) /* fullwidth colon */
		i += 3;
	else
		return 0;
	f = fold_n(s, w);
	ok = f[0] != '\0' && !strchr(f, ' ') && words_find_folded(WL_PREFIX, f, NULL, NULL) != NULL;
	free(f);
	return ok ? i : 0;
}

/* Length of a leading "[EXTERNAL]" tag, 0 if none. */
static size_t tag_len(const char *s)
{
	size_t i;

	if (s[0] != '[')
		return 0;
	for (i = 1; s[i] != '\0' && i <= TAG_BYTES_MAX; i++) {
		if (s[i] == ']')
			return i > 1 ? i + 1 : 0;
		if (s[i] == '[' || (unsigned char)s[i] < 0x20)
			return 0;
	}
	return 0;
}

char *command_subject_strip(const char *subject)
{
	const char *p = subject;
	size_t l;

	for (;;) {
		p = skip_ws(p);
		l = prefix_len(p);
		if (l == 0)
			l = tag_len(p);
		if (l == 0)
			break;
		p += l;
	}
	return str_trim(xstrdup(p));
}

/* ---- applicant keywords ---- */

/* A word of a list (words.h): its value's index, the enum of its list,
 * and its language. */
struct keyword {
	int value;
	const char *lang;
};

static int find_keyword(enum words_list list, const char *folded, struct keyword *k)
{
	const char *v = words_find_folded(list, folded, &k->lang, NULL);

	k->value = words_value_index(list, v);
	return k->value > 0;
}

/* Matches the first word, or the first two ("forget me"), of s against
 * the table; returns the entry and sets *end_r past the words matched. */
static int match_words(enum words_list list, const char *s, const char **end_r,
    struct keyword *k)
{
	int found = 0;
	size_t l1 = run_len(s), l2;
	const char *second;
	char *f1, *f2, *both;

	if (l1 == 0)
		return 0;
	f1 = fold_n(s, l1);
	second = skip_ws(s + l1);
	l2 = second > s + l1 ? run_len(second) : 0;
	if (l2 > 0 && l1 + l2 < 64) {
		f2 = fold_n(second, l2);
		both = xasprintf("%s %s", f1, f2);
		if ((found = find_keyword(list, both, k)) != 0)
			*end_r = second + l2;
		free(both);
		free(f2);
	}
	if (!found && (found = find_keyword(list, f1, k)) != 0)
		*end_r = s + l1;
	free(f1);
	return found;
}

enum applicant_cmd command_applicant(const char *subject, char **arg_r, const char **lang_r)
{
	char *s = command_subject_strip(subject);
	struct keyword k;
	const char *rest = NULL;
	enum applicant_cmd r = ACMD_NONE;

	*arg_r = NULL;
	*lang_r = NULL;
	if (match_words(WL_APPLICANT, s, &rest, &k)) {
		rest = skip_ws(rest);
		while (*rest == ':' || *rest == '-')
			rest = skip_ws(rest + 1);
		if (*rest != '\0')
			*arg_r = str_trim(xstrdup(rest));
		*lang_r = k.lang;
		r = (enum applicant_cmd)k.value;
	}
	free(s);
	return r;
}

/* ---- addresses ---- */

static int atext(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 5322 3.2.3 dot-atom: atext runs separated by single dots. */
static int dot_atom(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!atext((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* RFC 1035 2.3.1 labels: letters, digits, inner hyphens, 1..63 each. */
static int host_name(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

int command_address_valid(const char *addr)
{
	size_t n = strlen(addr);
	const char *at = strchr(addr, '@');

	if (n < 3 || n > ADDRESS_BYTES_MAX || at == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at - addr > 64 || !dot_atom(addr, (size_t)(at - addr)))
		return 0;
	return host_name(at + 1, strlen(at + 1));
}

/* ---- committee commands ---- */

/* "cohort" alone (the last value of the list committee): the second
 * word decides */
#define CCMD_COHORT_WORD (CCMD_RESEND + 1)

static const char *const ccmd_names[] = {
	"", "commands", "match", "approve", "reject", "pair", "unpair", "training",
	"training update", "training cancel", "close", "cohort open", "cohort close", "digest",
	"status", "report", "profiles", "rematch", "help", "training answers", "resend",
};

const char *command_committee_name(enum committee_cmd cmd)
{
	if ((size_t)cmd >= ARRAY_SIZE(ccmd_names))
		return "";
	return ccmd_names[cmd];
}

#define TRAINING_USAGE "expected DATE START DURATION PLACE[, TITLE], like training 2026-05-14 " \
    "14:00 2h Room 40-S2-A01, Mentoring basics (DURATION like 90m, 2h or 1h30, or an end time: " \
    "14:00-16:00)"

static void set_error(struct committee_command *c, const char *msg)
{
	if (c->error == NULL)
		c->error = xasprintf("%s: %s", command_committee_name(c->cmd), msg);
}

/* An error that repeats the word at fault, made printable and short. */
static void set_error_word(struct committee_command *c, const char *word, size_t n,
    const char *msg)
{
	char *w = clean_text(word, n < 40 ? n : 40);
	size_t i;

	for (i = 0; w[i] != '\0'; i++)
		if (w[i] == '"')
			w[i] = '\'';
	if (c->error == NULL)
		c->error = xasprintf("%s: \"%s%s\" %s", command_committee_name(c->cmd), w,
		    n > 40 ? "..." : "", msg);
	free(w);
}

/* The next token of s up to white space or one of seps; *s moves past it. */
static size_t next_token(const char **s, const char *seps, const char **tok_r)
{
	const char *p = *s;
	size_t n = 0;

	for (;;) {
		p = skip_ws(p);
		if (*p == '\0' || strchr(seps, *p) == NULL)
			break;
		p++;
	}
	*tok_r = p;
	while (p[n] != '\0' && ws_at(p + n) == 0 && strchr(seps, p[n]) == NULL)
		n++;
	*s = p + n;
	return n;
}

/* Strict decimal of 1..7 digits. */
static int parse_num(const char *s, size_t n, long *r)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 7)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*r = v;
	return 0;
}

static int add_num(struct committee_command *c, long v)
{
	size_t i;

	for (i = 0; i < c->n_nums; i++)
		if (c->nums[i] == v)
			return 0;
	if (c->n_nums >= COMMAND_NUMS_MAX)
		return -1;
	c->nums[c->n_nums++] = v;
	return 0;
}

/* "N" or "N-M" (also "#N", and an en dash); adds the numbers. */
static int number_item(struct committee_command *c, const char *t, size_t n)
{
	const char *dash;
	size_t a_len, skip = 1;
	long a, b, v;

	if (n > 0 && *t == '#') {
		t++;
		n--;
	}
	dash = memchr(t, '-', n);
	if (dash == NULL && (dash = memmem(t, n, "\xe2\x80\x93", 3)) != NULL)
		skip = 3;
	a_len = dash != NULL ? (size_t)(dash - t) : n;
	if (parse_num(t, a_len, &a) < 0 || a < 1 || a > NUM_MAX)
		return -1;
	b = a;
	if (dash != NULL) {
		const char *m = dash + skip;

		if (*m == '#')
			m++;
		if (parse_num(m, n - (size_t)(m - t), &b) < 0 || b < a || b > NUM_MAX)
			return -1;
	}
	if (b - a >= COMMAND_NUMS_MAX)
		return -2;
	for (v = a; v <= b; v++)
		if (add_num(c, v) < 0)
			return -2;
	return 0;
}

/* Every number of s; 0, or -1 with c->error set. */
static int parse_numbers(struct committee_command *c, const char *s, const char *usage)
{
	const char *tok;
	char *msg;
	size_t n;
	int r;

	for (;;) {
		n = next_token(&s, ",;", &tok);
		if (n == 0)
			break;
		r = number_item(c, tok, n);
		if (r == -2) {
			msg = xasprintf("at most %d numbers at a time", COMMAND_NUMS_MAX);
			set_error(c, msg);
			free(msg);
			return -1;
		}
		if (r < 0) {
			msg = xasprintf("is not a number from 1 to %ld; %s", NUM_MAX, usage);
			set_error_word(c, tok, n, msg);
			free(msg);
			return -1;
		}
	}
	if (c->n_nums == 0) {
		set_error(c, usage);
		return -1;
	}
	return 0;
}

static int is_empty_folded(const char *s)
{
	char *f = str_fold(s);
	int r = *f == '\0';

	free(f);
	return r;
}

static void parse_approve(struct committee_command *c, const char *rest)
{
	static const char usage[] = "expected all, all except NUMBERS, or pair numbers, like "
	    "approve 1 3 4 or approve all except 9";
	struct keyword k;
	const char *after = NULL;

	if (match_words(WL_APPROVE_ALL, rest, &after, &k) && k.value == 1) {
		c->all = 1;
		after = skip_ws(after);
		if (is_empty_folded(after))
			return;
		/* "all except 9", "tout sauf 9" */
		if (match_words(WL_APPROVE_ALL, after, &after, &k) && k.value == 2)
			parse_numbers(c, after, usage);
		else
			set_error(c, usage);
		return;
	}
	parse_numbers(c, rest, usage);
}

/* One address token: "<a@b>", "mailto:a@b" or "a@b"; lower case. */
static char *address_arg(struct committee_command *c, const char *t, size_t n)
{
	char *a;

	if (n >= 2 && t[0] == '<' && t[n - 1] == '>') {
		t++;
		n -= 2;
	}
	if (n > 7 && strncasecmp(t, "mailto:", 7) == 0) {
		t += 7;
		n -= 7;
	}
	a = xstrndup(t, n);
	if (strlen(a) != n || !command_address_valid(a)) {
		set_error_word(c, t, n, "is not a valid address");
		free(a);
		return NULL;
	}
	str_lower_ascii(a);
	return a;
}

static const char *ends_with_word(const char *s, const char *const *words, size_t n);
static char *text_arg(struct committee_command *c, const char *s, size_t n, const char *what);

/* "Olga Ivanova with Nadia Benali": the two names either side of the
 * first word of the list pair-with; 0, or -1 when there is none. */
static int pair_names(struct committee_command *c, const char *s)
{
	const char *p = s, *tok, *before = NULL;
	size_t n;

	for (;;) {
		n = next_token(&p, "", &tok);
		if (n == 0)
			return -1;
		if (before != NULL && n < 16) {
			char *f = fold_n(tok, n);
			int with = words_find_folded(WL_PAIR_WITH, f, NULL, NULL) != NULL;

			free(f);
			if (with)
				break;
		}
		before = tok;
	}
	c->by_name = 1;
	c->arg1 = text_arg(c, s, (size_t)(tok - s), "expected two names, like pair Olga Ivanova "
	    "with Nadia Benali");
	if (c->arg1 != NULL)
		c->arg2 = text_arg(c, p, strlen(p), "expected two names, like pair Olga Ivanova "
		    "with Nadia Benali");
	return 0;
}

static void parse_pair(struct committee_command *c, const char *rest)
{
	static const char *const anyway[] = { "anyway", "--anyway", "quand m\xc3\xaame",
		"malgr\xc3\xa9 tout" };
	const char *t1, *t2, *t3, *flag = ends_with_word(rest, anyway, ARRAY_SIZE(anyway));
	char *r = xstrndup(rest, flag != NULL ? (size_t)(flag - rest) : strlen(rest));
	const char *p = r;
	size_t n1 = next_token(&p, ",;", &t1);
	size_t n2 = next_token(&p, ",;", &t2);
	size_t n3 = next_token(&p, ",;", &t3);

	(void)t3;
	c->anyway = flag != NULL;
	/* names rather than addresses: "pair Olga Ivanova with Nadia Benali" */
	if (n1 > 0 && memchr(t1, '@', n1) == NULL && pair_names(c, r) == 0) {
		free(r);
		return;
	}
	if (n1 == 0 || n2 == 0 || n3 != 0)
		set_error(c, "expected the mentor's address, then the mentee's, like pair "
		    "anna@example.org bea@example.org");
	else if ((c->arg1 = address_arg(c, t1, n1)) != NULL &&
	    (c->arg2 = address_arg(c, t2, n2)) != NULL && strcmp(c->arg1, c->arg2) == 0)
		set_error(c, "the mentor and the mentee must be two people");
	free(r);
}

/* Text argument: control characters removed, 1..SUBJECT_BYTES_MAX bytes. */
static char *text_arg(struct committee_command *c, const char *s, size_t n, const char *what)
{
	char *t = clean_text(s, n);

	if (*t == '\0' || strlen(t) > SUBJECT_BYTES_MAX) {
		set_error(c, what);
		free(t);
		return NULL;
	}
	return t;
}

static void parse_unpair(struct committee_command *c, const char *rest)
{
	static const char usage[] = "expected a pair number and a reason, like unpair 3 moved away";
	const char *tok;
	size_t n = next_token(&rest, "", &tok);
	long v;

	if (n > 1 && *tok == '#') {
		tok++;
		n--;
	}
	if (parse_num(tok, n, &v) < 0 || v < 1 || v > NUM_MAX) {
		set_error(c, usage);
		return;
	}
	c->nums[0] = v;
	c->n_nums = 1;
	if (is_empty_folded(rest)) {
		char *msg = xasprintf("the reason is missing (it stays with the committee): write it "
		    "after the number, like unpair %ld moved to another site", v);

		set_error(c, msg);
		free(msg);
		return;
	}
	c->arg1 = text_arg(c, rest, strlen(rest), usage);
}

static void parse_close(struct committee_command *c, const char *rest)
{
	static const char usage[] = "expected one case number, like close 4";

	if (parse_numbers(c, rest, usage) == 0 && c->n_nums != 1) {
		c->n_nums = 0;
		set_error(c, usage);
	}
}

/* Does s end with one of the words (after white space)? Its start, or NULL. */
static const char *ends_with_word(const char *s, const char *const *words, size_t n)
{
	size_t len = strlen(s), i, l;

	for (i = 0; i < n; i++) {
		l = strlen(words[i]);
		if (len >= l && strcasecmp(s + len - l, words[i]) == 0 &&
		    (len == l || ws_at(s + len - l - 1) > 0))
			return s + len - l;
	}
	return NULL;
}

static void parse_cohort_open(struct committee_command *c, const char *rest)
{
	static const char *const announce[] = { "--announce", "--annonce", "--annoncer" };
	const char *flag = ends_with_word(rest, announce, ARRAY_SIZE(announce));

	c->announce = flag != NULL;
	c->arg1 = text_arg(c, rest, flag != NULL ? (size_t)(flag - rest) : strlen(rest),
	    "expected a NAME, like cohort open 2026");
}

/* "report", "report 2026", "report --cohort 2026". */
static void parse_report(struct committee_command *c, const char *rest)
{
	static const char *const flags[] = { "--cohort", "--cohorte" };
	size_t i, l;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		l = strlen(flags[i]);
		if (strncasecmp(rest, flags[i], l) == 0 && (rest[l] == '\0' || ws_at(rest + l) > 0 ||
		    rest[l] == '=')) {
			rest = skip_ws(rest + l + (rest[l] == '='));
			if (*rest == '\0') {
				set_error(c, "expected a cohort's NAME after --cohort");
				return;
			}
		}
	}
	if (*rest != '\0')
		c->arg1 = text_arg(c, rest, strlen(rest), "expected a cohort's NAME");
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static size_t count_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* YYYY-MM-DD, a date of the real calendar. */
static int parse_date(struct committee_command *c, const char *s, size_t n)
{
	if (n != 10 || count_digits(s, 4) != 4 || s[4] != '-' || count_digits(s + 5, 2) != 2 ||
	    s[7] != '-' || count_digits(s + 8, 2) != 2)
		return -1;
	c->year = digits(s, 4);
	c->month = digits(s + 5, 2);
	c->day = digits(s + 8, 2);
	if (c->year < 1970 || c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->month))
		return -1;
	return 0;
}

/* HH:MM, H:MM, and the French 14h30 and 14h. */
static int parse_time(struct committee_command *c, const char *s, size_t n)
{
	size_t h = count_digits(s, n), m;

	if (h < 1 || h > 2 || h >= n)
		return -1;
	c->hour = digits(s, h);
	if (s[h] == ':') {
		m = count_digits(s + h + 1, n - h - 1);
		if (m != 2 || h + 1 + m != n)
			return -1;
	} else if (s[h] == 'h' || s[h] == 'H') {
		m = count_digits(s + h + 1, n - h - 1);
		if ((m != 0 && m != 2) || h + 1 + m != n)
			return -1;
	} else {
		return -1;
	}
	c->minute = m > 0 ? digits(s + h + 1, 2) : 0;
	return c->hour <= 23 && c->minute <= 59 ? 0 : -1;
}

/* Length of a minutes unit at s: "m", "min", "mn", "mins", 0 if none. */
static size_t minutes_unit(const char *s, size_t n)
{
	static const char *const units[] = { "mins", "min", "mn", "m" };
	size_t i, l;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		l = strlen(units[i]);
		if (l == n && strncasecmp(s, units[i], l) == 0)
			return l;
	}
	return 0;
}

/* 90m, 45min, 2h, 1h30, 1h30m: 1 minute to 24 hours. */
static int parse_duration(struct committee_command *c, const char *s, size_t n)
{
	size_t a = count_digits(s, n), b;
	long v;

	if (a < 1 || a > 4 || a == n)
		return -1;
	v = digits(s, a);
	if (s[a] == 'h' || s[a] == 'H') {
		v *= 60;
		/* "1h30": the minutes in two digits */
		b = count_digits(s + a + 1, n - a - 1);
		if (b != 0 && b != 2)
			return -1;
		if (b > 0) {
			if (digits(s + a + 1, b) > 59)
				return -1;
			v += digits(s + a + 1, b);
		}
		if (a + 1 + b != n && (b == 0 || minutes_unit(s + a + 1 + b, n - a - 1 - b) == 0))
			return -1;
	} else if (minutes_unit(s + a, n - a) == 0) {
		return -1;
	}
	if (v < 1 || v > 24 * 60)
		return -1;
	c->duration_min = v;
	return 0;
}

/* Words that may stand before a part of a training line: "move training
 * to 2026-05-15 at 15:00". */
static const char *skip_filler(const char *s)
{
	static const char *const fillers[] = { "to", "on", "at", "from", "au", "le", "\xc3\xa0",
		"a", "du", "pour" };
	const char *tok, *p = s;
	size_t n = next_token(&p, "", &tok), i;

	for (i = 0; i < ARRAY_SIZE(fillers); i++)
		if (n == strlen(fillers[i]) && strncasecmp(tok, fillers[i], n) == 0)
			return skip_ws(p);
	return s;
}

/* A month's name of the words (list month): 1..12, or 0. */
static int month_word(const char *s, size_t n)
{
	char *f = fold_n(s, n);
	const char *v = words_find_folded(WL_MONTH, f, NULL, NULL);
	long m = 0;

	free(f);
	if (v == NULL || parse_num(v, strlen(v), &m) < 0 || m < 1 || m > 12)
		return 0;
	return (int)m;
}

static const char *const month_names[] = { "January", "February", "March", "April", "May",
	"June", "July", "August", "September", "October", "November", "December" };

static int set_date(struct committee_command *c, int y, int m, int d)
{
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	c->year = y;
	c->month = m;
	c->day = d;
	return 0;
}

/* The date at *s: YYYY-MM-DD, DD/MM/YYYY (DD.MM.YYYY), "14 May 2026" or
 * "May 14, 2026". 1 and *s past it, 0 when *s is no date (untouched), -1
 * with c->error set when it is one that cannot be used. */
static int date_at(struct committee_command *c, const char **s)
{
	const char *p = *s, *t1, *t2, *t3;
	size_t n1 = next_token(&p, "", &t1), n2, n3, a, b;
	int m;

	if (n1 == 10 && count_digits(t1, 4) == 4 && t1[4] == '-') {
		if (parse_date(c, t1, n1) < 0) {
			set_error_word(c, t1, n1, "is not a date of the calendar; " TRAINING_USAGE);
			return -1;
		}
		*s = p;
		return 1;
	}
	a = count_digits(t1, n1);
	if (a >= 1 && a <= 2 && a < n1 && (t1[a] == '/' || t1[a] == '.')) {
		/* D/M/YYYY: the day first, unless it cannot be */
		b = count_digits(t1 + a + 1, n1 - a - 1);
		if (b < 1 || b > 2 || a + 1 + b >= n1 || t1[a + 1 + b] != t1[a] ||
		    count_digits(t1 + a + 2 + b, n1 - a - 2 - b) != 4 || a + 2 + b + 4 != n1) {
			set_error_word(c, t1, n1, "is not a date like 14/05/2026; " TRAINING_USAGE);
			return -1;
		}
		{
			int x = digits(t1, a), y = digits(t1 + a + 1, b), yr = digits(t1 + a + 2 + b, 4);

			if (x >= 1 && y >= 1 && x <= 12 && y <= 12 && x != y) {
				char *msg = xasprintf("could be %d %s or %d %s %d: write it as YYYY-MM-DD,"
				    " like %04d-%02d-%02d or %04d-%02d-%02d", x, month_names[y - 1], y,
				    month_names[x - 1], yr, yr, y, x, yr, x, y);

				set_error_word(c, t1, n1, msg);
				free(msg);
				return -1;
			}
			/* the day first; the month first only when the day cannot be */
			if (set_date(c, yr, y > 12 ? x : y, y > 12 ? y : x) < 0) {
				set_error_word(c, t1, n1, "is not a date of the calendar; " TRAINING_USAGE);
				return -1;
			}
		}
		*s = p;
		return 1;
	}
	/* "14 May 2026", "May 14, 2026", "14 mai 2026" */
	n2 = next_token(&p, ",", &t2);
	n3 = next_token(&p, ",", &t3);
	if (a == n1 && a <= 2 && (m = month_word(t2, n2)) > 0) {
		if (n3 != 4 || count_digits(t3, 4) != 4 || set_date(c, digits(t3, 4), m,
		    digits(t1, a)) < 0) {
			set_error(c, "the date needs its day, month and year, like 14 May 2026; "
			    TRAINING_USAGE);
			return -1;
		}
		*s = p;
		return 1;
	}
	if ((m = month_word(t1, n1)) > 0 && (b = count_digits(t2, n2)) >= 1 && b <= 2 && b == n2) {
		if (n3 != 4 || count_digits(t3, 4) != 4 || set_date(c, digits(t3, 4), m,
		    digits(t2, b)) < 0) {
			set_error(c, "the date needs its day, month and year, like May 14, 2026; "
			    TRAINING_USAGE);
			return -1;
		}
		*s = p;
		return 1;
	}
	return 0;
}

/* The start at *s, with its end when one is given ("14:00-16:00",
 * "14h-16h", "14:00 - 16:00"): 1 and *s past it, 0 when *s is no time,
 * -1 with c->error set. */
static int time_at(struct committee_command *c, const char **s)
{
	const char *p = *s, *t, *dash, *q, *e;
	size_t n = next_token(&p, "", &t), ne;
	struct committee_command end;
	int start;

	if (n == 0 || !isdigit((unsigned char)t[0]))
		return 0;
	dash = memchr(t, '-', n);
	if (parse_time(c, t, dash != NULL ? (size_t)(dash - t) : n) < 0) {
		memset(&end, 0, sizeof(end));
		/* a duration is the next part; anything else with a digit first is a bad time */
		if (dash != NULL || parse_duration(&end, t, n) < 0) {
			set_error_word(c, t, n, "is not a time of day; " TRAINING_USAGE);
			return -1;
		}
		return 0;
	}
	c->given |= TRAINING_GIVEN_TIME;
	*s = p;
	/* an end time: stuck to the start, or after a lone dash */
	if (dash != NULL) {
		e = dash + 1;
		ne = n - (size_t)(e - t);
	} else {
		q = p;
		if (next_token(&q, "", &e) != 1 || *e != '-')
			return 1;
		p = q;
		ne = next_token(&p, "", &e);
	}
	memset(&end, 0, sizeof(end));
	if (parse_time(&end, e, ne) < 0) {
		set_error_word(c, e, ne, "is not an end time; " TRAINING_USAGE);
		return -1;
	}
	start = c->hour * 60 + c->minute;
	if (end.hour * 60 + end.minute <= start) {
		set_error_word(c, e, ne, "ends before the start; " TRAINING_USAGE);
		return -1;
	}
	c->duration_min = end.hour * 60 + end.minute - start;
	c->given |= TRAINING_GIVEN_DURATION;
	*s = p;
	return 1;
}

/* A part a new training must give is missing at rest: says which. */
static void part_missing(struct committee_command *c, const char *rest, const char *what)
{
	const char *p = rest, *tok;
	size_t n = next_token(&p, "", &tok);

	if (n == 0)
		set_error(c, TRAINING_USAGE);
	else
		set_error_word(c, tok, n, what);
}

static void parse_training(struct committee_command *c, const char *rest, int partial)
{
	const char *dur, *comma, *p;
	size_t nu;
	int r;

	if (partial)
		rest = skip_filler(skip_ws(rest));
	if ((r = date_at(c, &rest)) < 0)
		return;
	if (r == 0 && !partial) {
		part_missing(c, rest, "is not a date of the calendar; " TRAINING_USAGE);
		return;
	}
	c->given |= r == 1 ? TRAINING_GIVEN_DATE : 0;
	if (partial)
		rest = skip_filler(skip_ws(rest));
	if ((r = time_at(c, &rest)) < 0)
		return;
	if (r == 0 && !partial) {
		part_missing(c, rest, "is not a time of day; " TRAINING_USAGE);
		return;
	}
	if (!(c->given & TRAINING_GIVEN_DURATION)) {
		p = rest;
		nu = next_token(&p, "", &dur);
		if (nu > 0 && parse_duration(c, dur, nu) == 0) {
			c->given |= TRAINING_GIVEN_DURATION;
			rest = p;
		} else if (!partial || (nu > 0 && isdigit((unsigned char)dur[0]))) {
			if (nu == 0)
				set_error(c, "a DURATION is missing; " TRAINING_USAGE);
			else
				set_error_word(c, dur, nu, "is not a duration from 1 minute to 24 "
				    "hours, like 90m, 2h or 1h30; " TRAINING_USAGE);
			return;
		}
	}
	rest = skip_ws(rest);
	if (partial && *rest == '\0') {
		if (c->given == 0)
			set_error(c, "nothing to change: give what changes, like training update "
			    "2026-05-15, or move training to 2026-05-15 15:00");
		return;
	}
	comma = strchr(rest, ',');
	c->location = text_arg(c, rest, comma != NULL ? (size_t)(comma - rest) : strlen(rest),
	    "a PLACE is missing; " TRAINING_USAGE);
	if (c->location != NULL)
		c->given |= TRAINING_GIVEN_LOCATION;
	if (c->location != NULL && comma != NULL) {
		c->title = clean_text(comma + 1, strlen(comma + 1));
		if (*c->title == '\0')
			xfree(&c->title);
		else if (strlen(c->title) > SUBJECT_BYTES_MAX)
			set_error(c, "the TITLE is too long");
	}
}

/* "help", "help training", "aide formation modifier": the command's words
 * name the topic; other words ("help me please") ask for the whole help. */
static void parse_help(struct committee_command *c, const char *rest)
{
	struct keyword k;
	const char *end = NULL;

	if (match_words(WL_COMMITTEE, rest, &end, &k) && k.value != CCMD_HELP)
		c->topic = k.value == CCMD_COHORT_WORD ? CCMD_COHORT_OPEN : (enum committee_cmd)k.value;
}

/* A session's number before the rest ("training cancel 1"): in nums[0];
 * what follows it. */
static const char *session_number(struct committee_command *c, const char *rest)
{
	const char *p = rest, *tok;
	size_t n = next_token(&p, "", &tok);
	long v;

	if (n > 1 && *tok == '#') {
		tok++;
		n--;
	}
	if (n == 0 || parse_num(tok, n, &v) < 0 || v < 1 || v > NUM_MAX)
		return rest;
	c->nums[0] = v;
	c->n_nums = 1;
	return skip_ws(p);
}

static void no_arguments(struct committee_command *c, const char *rest)
{
	if (!is_empty_folded(rest))
		set_error(c, "takes no arguments");
}

static void parse_arguments(struct committee_command *c, int verb, const char *rest)
{
	switch (verb) {
	case CCMD_COMMANDS:
		/* the subject "commands" may say more ("commands for Monday") */
		break;
	case CCMD_APPROVE:
		parse_approve(c, rest);
		break;
	case CCMD_REJECT:
		parse_numbers(c, rest, "expected pair numbers, like reject 2");
		break;
	case CCMD_PAIR:
		parse_pair(c, rest);
		break;
	case CCMD_UNPAIR:
		parse_unpair(c, rest);
		break;
	case CCMD_TRAINING:
		/* "training" alone: the sessions */
		if (!is_empty_folded(rest))
			parse_training(c, rest, 0);
		break;
	case CCMD_TRAINING_UPDATE:
		parse_training(c, session_number(c, rest), 1);
		break;
	case CCMD_TRAINING_CANCEL:
	case CCMD_TRAINING_ANSWERS:
		no_arguments(c, session_number(c, rest));
		break;
	case CCMD_CLOSE:
		parse_close(c, rest);
		break;
	case CCMD_REMATCH:
		if (parse_numbers(c, rest, "expected one pair number, like rematch 3") == 0 &&
		    c->n_nums != 1) {
			c->n_nums = 0;
			set_error(c, "expected one pair number, like rematch 3");
		}
		break;
	case CCMD_RESEND:
		if (parse_numbers(c, rest, "expected the number of an undelivered message (the "
		    "status lists them), like resend 12") == 0 && c->n_nums != 1) {
			c->n_nums = 0;
			set_error(c, "expected one number, like resend 12");
		}
		break;
	case CCMD_COHORT_OPEN:
		parse_cohort_open(c, rest);
		break;
	case CCMD_REPORT:
		parse_report(c, rest);
		break;
	case CCMD_HELP:
		parse_help(c, rest);
		break;
	case CCMD_COHORT_WORD:
		c->cmd = CCMD_COHORT_OPEN;
		c->error = xstrdup("cohort: expected open NAME or close");
		break;
	default: /* match, digest, status, training cancel, cohort close */
		no_arguments(c, rest);
		break;
	}
}

int command_committee_parse(const char *line, struct committee_command *c)
{
	char *l = xstrndup(line, strcspn(line, "\r\n"));
	struct keyword k;
	const char *rest = NULL;

	memset(c, 0, sizeof(*c));
	if (!match_words(WL_COMMITTEE, skip_ws(l), &rest, &k)) {
		free(l);
		return 0;
	}
	c->cmd = k.value == CCMD_COHORT_WORD ? CCMD_COHORT_OPEN : (enum committee_cmd)k.value;
	c->lang = k.lang;
	rest = skip_ws(rest);
	if (*rest == ':')
		rest = skip_ws(rest + 1);
	parse_arguments(c, k.value, rest);
	free(l);
	return 1;
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

/* ---- one-line answers ---- */

/* Bytes of a word at s: letters and digits (any non-ASCII byte counts as
 * a letter), with inner hyphens ("peut-être"). */
static size_t word_len(const char *s, const char *end)
{
	size_t i = 0;

	for (;;) {
		while (s + i < end && (isalnum((unsigned char)s[i]) ||
		    ((unsigned char)s[i] >= 0x80 && ws_at(s + i) == 0)))
			i++;
		if (i > 0 && s + i + 1 < end && s[i] == '-' && isalpha((unsigned char)s[i + 1]))
			i++;
		else
			return i;
	}
}

/* Finds the first non-empty line of text; returns its start, *end_r its end. */
static const char *first_line(const char *text, const char **end_r)
{
	const char *p = text, *e;

	while (*p != '\0') {
		e = p + strcspn(p, "\r\n");
		p = skip_ws(p);
		if (p < e) {
			*end_r = e;
			return p;
		}
		p = *e != '\0' ? e + 1 : e;
	}
	*end_r = p;
	return p;
}

/* Reads the answer keyword at the start of [s, end): the entry, and
 * *after_r just past the keyword; NULL if the line does not start with one. */
static int answer_word(enum words_list list, const char *s, const char *end,
    const char **after_r, struct keyword *k)
{
	int found;
	size_t l1 = word_len(s, end), l2;
	const char *second = s + l1;
	char *f, *f2;

	if (l1 == 0 || l1 > 32)
		return 0;
	f = fold_n(s, l1);
	/* "peut être" in two words */
	if (strcmp(f, "peut") == 0 && second < end && (*second == ' ' || *second == '-')) {
		l2 = word_len(second + 1, end);
		f2 = fold_n(second + 1, l2 < 32 ? l2 : 32);
		if (strcmp(f2, "etre") == 0)
			l1 += 1 + l2;
		free(f2);
		free(f);
		f = fold_n(s, l1);
	}
	if ((found = find_keyword(list, f, k)) != 0)
		*after_r = s + l1;
	free(f);
	return found;
}

/* Does what follows the keyword keep the line an answer? Nothing,
 * punctuation first ("Yes, I will come"), or a courtesy ("no thanks"). */
static int answer_tail_ok(const char *after, const char *end)
{
	const char *p = skip_ws(after);
	size_t l;
	char *f;
	int r;

	if (p >= end)
		return 1;
	l = word_len(p, end);
	if (l == 0)
		return 1;
	f = fold_n(p, l < 32 ? l : 32);
	r = words_find_folded(WL_COURTESY, f, NULL, NULL) != NULL;
	free(f);
	return r;
}

/* A short line: at most ANSWER_BYTES_MAX bytes and ANSWER_WORDS_MAX words. */
static int short_line(const char *s, const char *end)
{
	size_t words = 0, l;

	if (end - s > ANSWER_BYTES_MAX)
		return 0;
	while (s < end) {
		l = word_len(s, end);
		words += l > 0;
		s += l > 0 ? l : 1;
	}
	return words <= ANSWER_WORDS_MAX;
}

enum rsvp_answer command_rsvp_answer(const char *text)
{
	const char *end, *after = NULL, *s = first_line(text, &end);
	struct keyword k;

	if (!short_line(s, end))
		return RSVP_NONE;
	if (!answer_word(WL_RSVP, s, end, &after, &k) || !answer_tail_ok(after, end))
		return RSVP_NONE;
	return (enum rsvp_answer)k.value;
}

/* The text after "problem": its separator skipped, trimmed, at most
 * CASE_TEXT_BYTES_MAX bytes cut on a character boundary; NULL if empty. */
static char *problem_rest(const char *after)
{
	const char *p = after;
	size_t n;
	char *r;

	while (*p != '\0' && (ws_at(p) > 0 || *p == ':' || *p == '-' || *p == ',' || *p == '.'))
		p += ws_at(p) > 0 ? ws_at(p) : 1;
	n = strlen(p);
	if (n > CASE_TEXT_BYTES_MAX) {
		n = CASE_TEXT_BYTES_MAX;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	}
	r = str_trim(xstrndup(p, n));
	if (*r == '\0')
		xfree(&r);
	return r;
}

enum checkin_answer command_checkin_answer(const char *text, char **rest_r)
{
	const char *end, *after = NULL, *s = first_line(text, &end);
	struct keyword k;

	*rest_r = NULL;
	if (!answer_word(WL_CHECKIN, s, end, &after, &k))
		return CHK_NONE;
	if (k.value == CHK_PROBLEM) {
		*rest_r = problem_rest(after);
		return CHK_PROBLEM;
	}
	if (!short_line(s, end) || !answer_tail_ok(after, end))
		return CHK_NONE;
	return (enum checkin_answer)k.value;
}
