#include "form.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "command.h"
#include "words.h"

/* The form is read in two passes. The first collects the raw value of each
 * key, line by line, and counts the keys' languages; the second validates
 * the values, so that every error is written in the language of the whole
 * form, which is known only at its end. */

enum key {
	K_ROLE, K_NAME, K_DEPARTMENT, K_FIELD, K_LANGUAGE, K_TOPICS, K_PREFERENCE, K_CAPACITY,
	K_ABOUT, K_GENDER, K_COUNT
};

enum lang { L_ANY, L_EN, L_FR };

/* The longest key written ("Nom et prénom", "À propos de moi"). */
#define FORM_KEY_BYTES_MAX 40
/* Bytes of a wrong value repeated in an error message. */
#define FORM_ECHO_CHARS_MAX 60
/* Preferred mentors named by address (doc/DESIGN.md 3.3). */
#define FORM_PREF_MENTORS_MAX 3

/* Each key as the writer of either language knows it: [0] English, [1] French. */
static const char *const key_display[K_COUNT][2] = {
	{ "Role", "R\xc3\xb4le" }, { "Name", "Nom" }, { "Department", "D\xc3\xa9partement" },
	{ "Field", "Domaine" }, { "Language", "Langue" }, { "Topics", "Sujets" },
	{ "Preference", "Pr\xc3\xa9" "f\xc3\xa9rence" }, { "Capacity", "Capacit\xc3\xa9" },
	{ "About", "\xc3\x80 propos" }, { "Gender", "Genre" },
};

static const unsigned key_bit[K_COUNT] = {
	FK_ROLE, FK_NAME, FK_DEPARTMENT, FK_FIELD, FK_LANGUAGE, FK_TOPICS, FK_PREFERENCE,
	FK_CAPACITY, FK_ABOUT, FK_GENDER,
};

void form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
	f->capacity = 1;
	f->written_lang = "en";
}

void form_deinit(struct form *f)
{
	free(f->name);
	free(f->department);
	free(f->field);
	free(f->language);
	free(f->topics);
	free(f->preference);
	free(f->pref_gender);
	free(f->pref_mentors);
	free(f->about);
	free(f->gender);
	strlist_deinit(&f->errors);
	form_init(f);
}

const char *form_role_name(enum form_role role)
{
	return role == ROLE_MENTOR ? "mentor" : role == ROLE_MENTEE ? "mentee" : "";
}

/* ---- text helpers ---- */

/* Length of the white space at s: ASCII blanks, U+00A0 and U+202F (the
 * spaces French typography puts before a colon). */
static size_t space_at(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (n >= 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
		return 2;
	if (n >= 3 && (unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0xaf)
		return 3;
	return 0;
}

static void trim_span(const char **s, size_t *n)
{
	size_t k;

	while (*n > 0 && (k = space_at(*s, *n)) > 0) {
		*s += k;
		*n -= k;
	}
	for (;;) {
		if (*n >= 1 && isspace((unsigned char)(*s)[*n - 1]))
			*n -= 1;
		else if (*n >= 2 && space_at(*s + *n - 2, 2) == 2)
			*n -= 2;
		else if (*n >= 3 && space_at(*s + *n - 3, 3) == 3)
			*n -= 3;
		else
			break;
	}
}

static char *fold_n(const char *s, size_t n)
{
	char *raw = xstrndup(s, n), *f = str_fold(raw);

	free(raw);
	return f;
}

/* Valid UTF-8 without control characters (C0, DEL, C1, U+2028/9). multi
 * keeps newlines (About); otherwise every run of white space becomes one
 * space. Invalid bytes become U+FFFD. Trimmed. */
static char *clean_value(const char *s, int multi)
{
	size_t n = strlen(s), i = 0, l;
	struct buf b;
	int space = 0;

	buf_init(&b, n * 3 + 1);
	buf_add(&b, "", 0);
	while (i < n) {
		l = utf8_seq(s + i, n - i, NULL);
		if (l == 0) {
			buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
			space = 0;
			continue;
		}
		if (multi && s[i] == '\n') {
			buf_addc(&b, '\n');
			space = 0;
		} else if (space_at(s + i, n - i) > 0 || s[i] == '\n' ||
		    (l == 3 && memcmp(s + i, "\xe2\x80\xa8", 2) == 0 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))) {
			if (!space || multi)
				buf_addc(&b, ' ');
			space = 1;
		} else if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    (l == 2 && (unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] < 0xa0)) {
			;
		} else {
			buf_add(&b, s + i, l);
			space = 0;
		}
		i += l;
	}
	return str_trim(buf_steal(&b));
}

/* ---- errors ---- */

/* One error sentence. In en and fr, "%k" is the key's name and "%v" the
 * value quoted as the language does; "%s" is arg as it is. Built without
 * printf so that no text from the message can act as a format. */
static void add_error(struct form *f, enum key k, const char *en, const char *fr,
    const char *arg)
{
	int french = strcmp(f->written_lang, "fr") == 0;
	const char *t = french ? fr : en, *p;
	char *echo = NULL, *flat = NULL;
	size_t n = 0, i = 0;
	struct buf b;

	if (arg != NULL) {
		flat = clean_value(arg, 0);
		/* cut on a character boundary */
		for (i = 0; flat[i] != '\0' && n < FORM_ECHO_CHARS_MAX; i++)
			n += ((unsigned char)flat[i] & 0xc0) != 0x80;
		while (flat[i] != '\0' && ((unsigned char)flat[i] & 0xc0) == 0x80)
			i++;
		echo = xasprintf(french ? "\xc2\xab %.*s%s \xc2\xbb" : "\"%.*s%s\"", (int)i, flat,
		    flat[i] != '\0' ? "\xe2\x80\xa6" : "");
	}
	buf_init(&b, 4 * FORM_FIELD_BYTES_MAX);
	for (p = t; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'k') {
			buf_adds(&b, key_display[k][french]);
			p++;
		} else if (p[0] == '%' && p[1] == 'v') {
			buf_adds(&b, echo != NULL ? echo : "");
			p++;
		} else if (p[0] == '%' && p[1] == 's') {
			buf_adds(&b, arg != NULL ? arg : "");
			p++;
		} else {
			buf_addc(&b, *p);
		}
	}
	strlist_add(&f->errors, b.s != NULL ? b.s : "");
	buf_deinit(&b);
	free(echo);
	free(flat);
}

/* ---- pass 1: lines ---- */

struct keyline {
	enum key key;
	enum lang lang;
	const char *value;
	size_t value_len;
};

/* Is s[0..n) a "Key: value" line with a key of the form? The key is what
 * stands before the first colon, so that "Subject: Re: Role: x" is a
 * Subject line and never a form line. */
static int key_line(const char *s, size_t n, struct keyline *kl)
{
	const char *colon = memchr(s, ':', n < FORM_KEY_BYTES_MAX + 8 ? n : FORM_KEY_BYTES_MAX + 8);
	const char *k = s, *v;
	size_t kn, vn, i;
	char *f;
	const char *value, *lang;
	int found = 0, langs;

	if (colon == NULL)
		return 0;
	kn = (size_t)(colon - s);
	trim_span(&k, &kn);
	if (kn == 0 || kn > FORM_KEY_BYTES_MAX)
		return 0;
	f = fold_n(k, kn);
	if ((value = words_find_folded(WL_FORM_KEY, f, &lang, &langs)) != NULL) {
		kl->key = (enum key)(words_value_index(WL_FORM_KEY, value) - 1);
		kl->lang = langs > 1 ? L_ANY : strcmp(lang, "en") == 0 ? L_EN :
		    strcmp(lang, "fr") == 0 ? L_FR : L_ANY;
		found = 1;
	}
	free(f);
	if (!found)
		return 0;
	/* Rôle, Préférence, or a space before the colon: French */
	if (kl->lang == L_ANY) {
		if (k + kn < colon)
			kl->lang = L_FR;
		for (i = 0; i < kn; i++)
			if ((unsigned char)k[i] >= 0x80)
				kl->lang = L_FR;
	}
	v = colon + 1;
	vn = n - (size_t)(v - s);
	/* "*Role:* mentor", bold turned to text */
	if (vn > 0 && *v == '*' && *k == '*') {
		v++;
		vn--;
	}
	trim_span(&v, &vn);
	kl->value = v;
	kl->value_len = vn;
	return 1;
}

struct collect {
	struct buf val[K_COUNT]; /* the first value given to each key */
	int seen[K_COUNT];       /* a line with the key was seen */
	int twice[K_COUNT];      /* two different values */
	int toobig[K_COUNT];
	struct buf cur;          /* the value being read */
	int cur_key;             /* -1: none */
	enum lang cur_lang;
	int para;                /* About: a blank line before the next one */
	int n_en, n_fr;          /* keys given a value, by language */
	int n_en_all, n_fr_all;  /* every key line, by language */
};

/* The blank form of templates/<lang>/help holds hints; a value left as its
 * hint is not given. */
static int is_hint(enum key k, const char *v)
{
	size_t n = strlen(v);
	const char *hint;

	if (n >= 2 && v[0] == '(' && v[n - 1] == ')')
		return 1;
	if (k != K_LANGUAGE && k != K_PREFERENCE)
		return 0;
	hint = words_find(WL_FORM_HINT, v, NULL, NULL);
	return hint != NULL && strcmp(hint, k == K_LANGUAGE ? "language" : "preference") == 0;
}

static void finish_value(struct collect *c)
{
	int k = c->cur_key;
	const char *v = c->cur.s != NULL ? c->cur.s : "";

	if (k < 0)
		return;
	c->cur_key = -1;
	c->para = 0;
	if (c->cur.toobig)
		c->toobig[k] = 1;
	if (*v == '\0' || is_hint((enum key)k, v)) {
		buf_reset(&c->cur);
		return;
	}
	c->n_en += c->cur_lang == L_EN;
	c->n_fr += c->cur_lang == L_FR;
	if (c->val[k].len == 0) {
		buf_add(&c->val[k], v, strlen(v));
	} else if (strcmp(c->val[k].s, v) != 0) {
		c->twice[k] = 1;
	}
	buf_reset(&c->cur);
}

static void start_value(struct collect *c, const struct keyline *kl)
{
	finish_value(c);
	c->cur_key = (int)kl->key;
	c->cur_lang = kl->lang;
	c->seen[kl->key] = 1;
	c->n_en_all += kl->lang == L_EN;
	c->n_fr_all += kl->lang == L_FR;
	buf_add(&c->cur, kl->value, kl->value_len);
}

static void continue_value(struct collect *c, const char *s, size_t n)
{
	trim_span(&s, &n);
	if (c->cur.len > 0) {
		if (c->cur_key == K_ABOUT)
			buf_adds(&c->cur, c->para ? "\n\n" : "\n");
		else
			buf_addc(&c->cur, ' ');
	}
	c->para = 0;
	buf_add(&c->cur, s, n);
}

static void collect_line(struct collect *c, const char *s, size_t n)
{
	struct keyline kl;
	const char *t = s;
	size_t tn = n;

	trim_span(&t, &tn);
	if (tn == 0) {
		/* a blank line ends a value; About may go on with a paragraph */
		if (c->cur_key == K_ABOUT && c->cur.len > 0)
			c->para = 1;
		else if (c->cur_key != K_ABOUT)
			finish_value(c);
	} else if (key_line(s, n, &kl)) {
		start_value(c, &kl);
	} else if (c->cur_key >= 0 && space_at(s, n) > 0) {
		continue_value(c, s, n);
	} else {
		finish_value(c);
	}
}

static void collect_init(struct collect *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < K_COUNT; k++)
		buf_init(&c->val[k], FORM_FIELD_BYTES_MAX);
	buf_init(&c->cur, FORM_FIELD_BYTES_MAX);
	c->cur_key = -1;
}

static void collect_deinit(struct collect *c)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		buf_deinit(&c->val[k]);
	buf_deinit(&c->cur);
}

/* Runs pass 1 over the whole text; returns the number of keys seen, with
 * the Role key counting as a whole form. */
static int collect_text(struct collect *c, const char *text)
{
	const char *p = text, *nl;
	size_t n;
	int k, found = 0;

	while (*p != '\0') {
		nl = strpbrk(p, "\r\n");
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		collect_line(c, p, n);
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	finish_value(c);
	for (k = 0; k < K_COUNT; k++)
		found += c->seen[k];
	return c->seen[K_ROLE] ? K_COUNT : found;
}

/* ---- pass 2: values ---- */

static enum form_role parse_role(const char *v)
{
	const char *r = words_find(WL_ROLE, v, NULL, NULL);

	if (r == NULL)
		return ROLE_NONE;
	return strcmp(r, "mentor") == 0 ? ROLE_MENTOR : ROLE_MENTEE;
}

/* "woman", "man", "nonbinary" or NULL for a gender word. */
static const char *gender_word(const char *folded)
{
	const char *g = words_find_folded(WL_GENDER, folded, NULL, NULL);

	return g != NULL && strcmp(g, "undisclosed") != 0 ? g : NULL;
}

static void check_role(struct form *f, const char *v)
{
	f->role = parse_role(v);
	if (f->role == ROLE_NONE)
		add_error(f, K_ROLE, "%k: expected mentor or mentee, not %v.",
		    "%k : %v n'est pas reconnu ; \xc3\xa9" "crivez mentor ou mentor\xc3\xa9.", v);
}

static void check_name(struct form *f, const char *v)
{
	char *num;

	if (utf8_len(v) > FORM_NAME_CHARS_MAX) {
		num = xasprintf("%d", FORM_NAME_CHARS_MAX);
		add_error(f, K_NAME, "%k: at most %s characters, please.",
		    "%k : %s caract\xc3\xa8res au plus, s'il vous pla\xc3\xaet.", num);
		free(num);
		return;
	}
	f->name = xstrdup(v);
}

static void check_language(struct form *f, const char *v)
{
	const char *lang = words_find(WL_LANGUAGE, v, NULL, NULL);

	free(f->language);
	f->language = NULL;
	if (lang != NULL)
		f->language = xstrdup(lang);
	else
		add_error(f, K_LANGUAGE, "%k: expected en or fr, not %v.",
		    "%k : %v n'est pas reconnue ; \xc3\xa9" "crivez fr ou en.", v);
}

/* Items separated by ',' or ';', trimmed, joined with ", ". */
static void check_list(struct form *f, enum key k, const char *v, char **out)
{
	struct buf b;
	const char *p = v, *end;
	size_t n, items = 0;
	char *num;

	buf_init(&b, FORM_FIELD_BYTES_MAX);
	while (*p != '\0') {
		end = p + strcspn(p, ",;");
		n = (size_t)(end - p);
		trim_span(&p, &n);
		if (n > 0) {
			if (items++ > 0)
				buf_adds(&b, ", ");
			buf_add(&b, p, n);
		}
		p = *end != '\0' ? end + 1 : end;
	}
	if (items > FORM_LIST_ITEMS_MAX) {
		num = xasprintf("%d", FORM_LIST_ITEMS_MAX);
		add_error(f, k, "%k: at most %s items, separated by commas.",
		    "%k : %s \xc3\xa9l\xc3\xa9ments au plus, s\xc3\xa9par\xc3\xa9s par des virgules.", num);
		free(num);
	} else if (items > 0) {
		*out = buf_steal(&b);
	} else {
		f->present &= ~key_bit[k]; /* only separators */
	}
	buf_deinit(&b);
}

static void check_capacity(struct form *f, const char *v)
{
	long n;

	if (str_to_long(v, 1, 10, &n) < 0) {
		add_error(f, K_CAPACITY, "%k: expected a whole number from 1 to 10, not %v.",
		    "%k : %v n'est pas valable ; \xc3\xa9" "crivez un nombre entier de 1 \xc3\xa0 10.", v);
		return;
	}
	f->capacity = n;
}

static void check_gender(struct form *f, const char *v)
{
	char *fold = str_fold(v);
	const char *g = gender_word(fold);

	if (g != NULL)
		f->gender = xstrdup(g);
	else if (words_find_folded(WL_GENDER, fold, NULL, NULL) == NULL)
		add_error(f, K_GENDER, "%k: expected woman, man or non-binary, not %v.",
		    "%k : %v n'est pas reconnu ; \xc3\xa9" "crivez femme, homme ou non-binaire.", v);
	free(fold);
}

struct prefs {
	const char *dept;
	const char *gender;
	struct buf mentors;
	size_t n_mentors;
	int dept_conflict, gender_conflict, too_many;
};

static const char *dept_word(const char *folded)
{
	return words_find_folded(WL_DEPT_PREF, folded, NULL, NULL);
}

/* "a woman mentor", "une mentore femme": the gender without the filler. */
static const char *pref_gender_word(const char *folded)
{
	struct buf b;
	const char *p = folded, *sp, *g;
	char *w;

	buf_init(&b, strlen(folded) + 1);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		sp = strchr(p, ' ');
		w = xstrndup(p, sp != NULL ? (size_t)(sp - p) : strlen(p));
		if (words_find_folded(WL_PREF_FILLER, w, NULL, NULL) == NULL) {
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_adds(&b, w);
		}
		free(w);
		p = sp != NULL ? sp + 1 : p + strlen(p);
	}
	g = gender_word(b.s);
	buf_deinit(&b);
	return g;
}

static void pref_address(struct form *f, struct prefs *pr, const char *item)
{
	const char *lt = strchr(item, '<'), *gt;
	char *a;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		a = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	else
		a = xstrdup(item);
	str_trim(a);
	if (str_has_prefix_ci(a, "mailto:"))
		memmove(a, a + 7, strlen(a + 7) + 1);
	if (!command_address_valid(a)) {
		add_error(f, K_PREFERENCE, "%k: %v is not a valid address.",
		    "%k : %v n'est pas une adresse valide.", item);
	} else if (pr->n_mentors >= FORM_PREF_MENTORS_MAX) {
		pr->too_many = 1;
	} else {
		str_lower_ascii(a);
		if (pr->n_mentors++ > 0)
			buf_addc(&pr->mentors, ',');
		buf_adds(&pr->mentors, a);
	}
	free(a);
}

static void pref_item(struct form *f, struct prefs *pr, const char *item, enum form_role role)
{
	char *fold;
	const char *w;

	if (strchr(item, '@') != NULL) {
		/* a mentor's own preferences of mentor are meaningless: ignored */
		if (role != ROLE_MENTOR)
			pref_address(f, pr, item);
		return;
	}
	fold = str_fold(item);
	if ((w = dept_word(fold)) != NULL) {
		pr->dept_conflict |= pr->dept != NULL && strcmp(pr->dept, w) != 0;
		pr->dept = w;
	} else if ((w = pref_gender_word(fold)) != NULL) {
		pr->gender_conflict |= pr->gender != NULL && strcmp(pr->gender, w) != 0;
		pr->gender = w;
	} else {
		add_error(f, K_PREFERENCE, "%k: %v is not understood; write same-department, "
		    "other-department or any, a mentor's gender, or up to 3 mentors' addresses.",
		    "%k : %v n'est pas compris ; \xc3\xa9" "crivez m\xc3\xaame-d\xc3\xa9partement, "
		    "autre-d\xc3\xa9partement ou indiff\xc3\xa9rent, un genre de mentor, ou jusqu'\xc3\xa0 "
		    "3 adresses de mentors.", item);
	}
	free(fold);
}

/* Separators of preference items: ',' ';' and the words "and" / "et". */
static char *pref_split_words(const char *v)
{
	struct buf b;
	const char *p = v;

	buf_init(&b, strlen(v) + 1);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		if (strncasecmp(p, " and ", 5) == 0) {
			buf_addc(&b, ',');
			p += 4;
		} else if (strncasecmp(p, " et ", 4) == 0) {
			buf_addc(&b, ',');
			p += 3;
		} else {
			buf_addc(&b, *p == ';' ? ',' : *p);
			p++;
		}
	}
	return buf_steal(&b);
}

static void check_preference(struct form *f, const char *v)
{
	struct prefs pr;
	char *s = pref_split_words(v), *item;
	const char *p = s, *end;
	size_t n, items = 0;

	memset(&pr, 0, sizeof(pr));
	buf_init(&pr.mentors, FORM_FIELD_BYTES_MAX);
	while (*p != '\0' && items <= FORM_LIST_ITEMS_MAX) {
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		trim_span(&p, &n);
		if (n > 0) {
			items++;
			item = xstrndup(p, n);
			pref_item(f, &pr, item, f->role);
			free(item);
		}
		p = *end != '\0' ? end + 1 : end;
	}
	if (pr.dept_conflict)
		add_error(f, K_PREFERENCE, "%k: choose one of same-department, other-department and any.",
		    "%k : choisissez une seule option parmi m\xc3\xaame-d\xc3\xa9partement, "
		    "autre-d\xc3\xa9partement et indiff\xc3\xa9rent.", NULL);
	if (pr.gender_conflict)
		add_error(f, K_PREFERENCE, "%k: give one mentor gender at most.",
		    "%k : un seul genre de mentor, s'il vous pla\xc3\xaet.", NULL);
	if (pr.too_many || items > FORM_LIST_ITEMS_MAX)
		add_error(f, K_PREFERENCE, "%k: at most 3 mentors by address.",
		    "%k : 3 adresses de mentors au plus.", NULL);
	if (pr.dept != NULL)
		f->preference = xstrdup(pr.dept);
	if (pr.gender != NULL && f->role != ROLE_MENTOR)
		f->pref_gender = xstrdup(pr.gender);
	if (pr.n_mentors > 0)
		f->pref_mentors = buf_steal(&pr.mentors);
	buf_deinit(&pr.mentors);
	free(s);
}

/* Validates one key's value (already cleaned and non-empty). */
static void check_key(struct form *f, enum key k, const char *v)
{
	switch (k) {
	case K_ROLE:
		check_role(f, v);
		break;
	case K_NAME:
		check_name(f, v);
		break;
	case K_DEPARTMENT:
		f->department = xstrdup(v);
		break;
	case K_FIELD:
		check_list(f, k, v, &f->field);
		break;
	case K_LANGUAGE:
		check_language(f, v);
		break;
	case K_TOPICS:
		check_list(f, k, v, &f->topics);
		break;
	case K_PREFERENCE:
		check_preference(f, v);
		break;
	case K_CAPACITY:
		check_capacity(f, v);
		break;
	case K_ABOUT:
		f->about = xstrdup(v);
		break;
	case K_GENDER:
		check_gender(f, v);
		break;
	case K_COUNT:
		break;
	}
}

static void validate(struct form *f, struct collect *c, enum form_mode mode)
{
	static const enum key required[] = { K_ROLE, K_NAME, K_DEPARTMENT, K_FIELD };
	char *v, *num;
	size_t i;
	int k;

	for (k = 0; k < K_COUNT; k++) {
		v = clean_value(c->val[k].s != NULL ? c->val[k].s : "", k == K_ABOUT);
		/* given, even if wrongly: not reported missing as well */
		if (c->toobig[k] || c->twice[k])
			f->present |= key_bit[k];
		if (c->toobig[k] || strlen(v) > FORM_FIELD_BYTES_MAX) {
			num = xasprintf("%u", FORM_FIELD_BYTES_MAX);
			add_error(f, (enum key)k, "%k: too long (at most %s bytes).",
			    "%k : trop long (%s octets au plus).", num);
			free(num);
		} else if (c->twice[k]) {
			add_error(f, (enum key)k, "%k: given twice with different values; keep one.",
			    "%k : donn\xc3\xa9 deux fois avec des valeurs diff\xc3\xa9rentes ; "
			    "n'en gardez qu'une.", NULL);
		} else if (*v != '\0' && !(k == K_CAPACITY && f->role == ROLE_MENTEE)) {
			/* Capacity means nothing for a mentee: ignored */
			f->present |= key_bit[k];
			check_key(f, (enum key)k, v);
		}
		free(v);
	}
	if (mode != FORM_NEW)
		return;
	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (!(f->present & key_bit[required[i]]))
			add_error(f, required[i], "%k: missing; this line is required.",
			    "%k : manquant ; cette ligne est obligatoire.", NULL);
}

int form_parse(const char *text, enum form_mode mode, struct form *f)
{
	struct collect c;
	int found, fr, min;

	form_deinit(f);
	collect_init(&c);
	found = collect_text(&c, text);
	/* a change may be one line; a form needs two keys at least */
	min = mode == FORM_CHANGE ? 1 : 2;
	if (found < min)
		goto out;
	if (c.n_en + c.n_fr > 0)
		fr = c.n_fr > c.n_en;
	else
		fr = c.n_fr_all > c.n_en_all;
	f->written_lang = fr ? "fr" : "en";
	/* keys are checked in enum order: Role first, as Capacity and
	 * Preference depend on it */
	validate(f, &c, mode);
	if (f->language == NULL)
		f->language = xstrdup(f->written_lang);
out:
	collect_deinit(&c);
	return found >= min;
}

/* Does the folded phrase stand in the folded text as whole words? */
static int has_words(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p = text;

	if (n == 0)
		return 0;
	while ((p = strstr(p, phrase)) != NULL) {
		if ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p++;
	}
	return 0;
}

int form_department(const char *list, const char *written, char **dept_r)
{
	struct strlist entries = { NULL, 0 }, names = { NULL, 0 };
	struct buf found;
	char *w = str_fold(written), *f, *eq, *canon;
	size_t i, k;
	int n = 0, exact = 0, hit;

	*dept_r = NULL;
	buf_init(&found, 4096);
	buf_add(&found, "", 0);
	strlist_split(&entries, list != NULL ? list : "", ';');
	for (i = 0; i < entries.n; i++) {
		eq = strchr(entries.v[i], '=');
		canon = str_trim(xstrndup(entries.v[i], eq != NULL ? (size_t)(eq - entries.v[i])
		    : strlen(entries.v[i])));
		strlist_split(&names, eq != NULL ? eq + 1 : "", ',');
		strlist_add(&names, canon);
		hit = 0;
		for (k = 0; k < names.n; k++) {
			f = str_fold(names.v[k]);
			if (*f != '\0' && strcmp(f, w) == 0)
				hit = 2;
			else if (!hit && has_words(w, f))
				hit = 1;
			free(f);
		}
		if (hit > 0 && *canon != '\0') {
			if (hit == 2 && !exact) {
				/* its very name: no other entry counts */
				exact = 1;
				n = 0;
				buf_reset(&found);
				buf_add(&found, "", 0);
			}
			if (hit == 2 || !exact) {
				if (n++ > 0)
					buf_adds(&found, ", ");
				buf_adds(&found, canon);
			}
		}
		strlist_deinit(&names);
		free(canon);
	}
	strlist_deinit(&entries);
	free(w);
	if (n == 0) {
		buf_deinit(&found);
		return 0;
	}
	*dept_r = buf_steal(&found);
	return n == 1 ? 1 : -1;
}

/* The keys of text's key lines, as bits of key_bit. */
static unsigned keys_of(const char *text)
{
	const char *p = text;
	struct keyline kl;
	unsigned seen = 0;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, "\r\n");
		if (key_line(p, n, &kl))
			seen |= key_bit[kl.key];
		p += n;
		p += strspn(p, "\r\n");
	}
	return seen;
}

char *form_merge(const char *base, const char *changes)
{
	unsigned changed = keys_of(changes);
	const char *p = base;
	struct keyline kl;
	struct buf b;
	size_t n;
	int skip = 0;

	buf_init(&b, 2 * TEXT_BYTES_MAX);
	buf_adds(&b, changes);
	buf_adds(&b, "\n");
	while (*p != '\0') {
		n = strcspn(p, "\r\n");
		if (key_line(p, n, &kl))
			skip = (changed & key_bit[kl.key]) != 0;
		else if (n == 0)
			skip = 0;
		/* a changed key's line and the lines that go on its value */
		if (!skip) {
			buf_add(&b, p, n);
			buf_addc(&b, '\n');
		}
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	return buf_steal(&b);
}

int form_detect(const char *text)
{
	const char *p = text, *nl;
	struct keyline kl;
	unsigned seen = 0;
	size_t n;
	int count = 0;

	while (*p != '\0') {
		nl = strpbrk(p, "\r\n");
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (key_line(p, n, &kl)) {
			if (kl.key == K_ROLE)
				return 1;
			if (!(seen & key_bit[kl.key])) {
				seen |= key_bit[kl.key];
				if (++count >= 2)
					return 1;
			}
		}
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	return 0;
}
