/* profile: an anonymous mentor profile, rendered (profile.h). */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

#define PROFILE_WORD_CHARS_MAX 60

static const struct {
	int bit;
	const char *en, *fr;
} names[] = {
	{ PROFILE_DEPARTMENT, "department", "departement" },
	{ PROFILE_FIELD, "field", "domaine" },
	{ PROFILE_TOPICS, "topics", "sujets" },
	{ PROFILE_ABOUT, "about", "a propos" },
};

int profile_field_bit(const char *name)
{
	char *f = str_fold(name);
	size_t i;
	int bit = 0;

	for (i = 0; i < ARRAY_SIZE(names) && bit == 0; i++)
		if (strcmp(f, names[i].en) == 0 || strcmp(f, names[i].fr) == 0)
			bit = names[i].bit;
	free(f);
	return bit;
}

unsigned profile_fields_bits(const struct strlist *list)
{
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < list->n; i++)
		bits |= (unsigned)profile_field_bit(list->v[i]);
	return bits;
}

void profile_name_words(struct strlist *words, const char *name)
{
	struct strlist w = { NULL, 0 };
	char *f;
	size_t i;

	if (name == NULL)
		return;
	f = str_fold(name);
	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n; i++)
		if (strlen(w.v[i]) >= 3 && !strlist_contains_ci(words, w.v[i]))
			strlist_add(words, w.v[i]);
	strlist_deinit(&w);
	free(f);
}

int profile_names_someone(const struct strlist *words, const char *text)
{
	struct strlist w = { NULL, 0 };
	char *f;
	size_t i;
	int found = strchr(text, '@') != NULL;

	f = str_fold(text);
	/* a name glued to a number ("Lovelace3") is still a word of it */
	for (i = 0; f[i] != '\0'; i++)
		if (f[i] >= '0' && f[i] <= '9')
			f[i] = ' ';
	strlist_split(&w, f, ' ');
	for (i = 0; i < w.n && !found; i++)
		found = strlist_contains_ci(words, w.v[i]);
	strlist_deinit(&w);
	free(f);
	return found;
}

/* A word longer than PROFILE_WORD_CHARS_MAX characters is broken with
 * spaces, so that every line of the profile fits (takes ownership of v). */
static char *break_words(char *v)
{
	struct buf b;
	size_t run = 0;
	const char *p;

	buf_init(&b, 2 * strlen(v) + 16);
	buf_add(&b, "", 0);
	for (p = v; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (run == PROFILE_WORD_CHARS_MAX && *p != ' ') {
				buf_addc(&b, ' ');
				run = 0;
			}
			run = *p == ' ' ? 0 : run + 1;
		}
		buf_addc(&b, *p);
	}
	free(v);
	return buf_steal(&b);
}

/* A value as shown: printable, one line, single spaces, cut to the bound
 * on a character boundary (an ellipsis says so); NULL when empty. */
static char *shown_value(const char *s)
{
	char *v, *o, *p;
	size_t n;

	if (s == NULL)
		return NULL;
	v = str_shown(s, 0);
	for (p = o = v; *p != '\0'; p++)
		if (*p != ' ' || (o > v && o[-1] != ' '))
			*o++ = *p;
	*o = '\0';
	str_trim(v);
	n = strlen(v);
	if (n > PROFILE_VALUE_BYTES_MAX) {
		n = PROFILE_VALUE_BYTES_MAX;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
		v[n] = '\0';
		str_trim(v);
		o = xasprintf("%s…", v);
		free(v);
		v = o;
	}
	if (*v == '\0' || !utf8_valid(v, strlen(v)))
		xfree(&v);
	return v == NULL ? NULL : break_words(v);
}

static void line(struct buf *b, const char *key, const char *value, const struct strlist *words,
    const char *withheld)
{
	char *v = shown_value(value);
	size_t col = utf8_len(key) + 1;

	if (v == NULL)
		return;
	buf_printf(b, "%s ", key);
	/* the value as written too: a mark dropped for display may have
	 * split a name ("me<RLO>Dupont") */
	if (profile_names_someone(words, v) || profile_names_someone(words, value))
		buf_fill(b, withheld, strlen(withheld), col, col, TEXT_LINE_MAX, "\n");
	else
		buf_fill(b, v, strlen(v), col, col, TEXT_LINE_MAX, "\n");
	free(v);
}

char *profile_render(const struct profile_in *in, unsigned fields, const struct strlist *words,
    const char *lang, long number)
{
	static const struct strlist none = { NULL, 0 };
	int fr = lang != NULL && strcmp(lang, "fr") == 0;
	const char *withheld = fr ? "(non affiché : ce texte nomme quelqu'un ou donne une adresse)"
	    : "(not shown: this text names someone or gives an address)";
	struct buf b;
	size_t start;

	if (words == NULL)
		words = &none;
	buf_init(&b, 64u * 1024);
	buf_add(&b, "", 0);
	if (number > 0)
		buf_printf(&b, fr ? "Profil %ld\n" : "Profile %ld\n", number);
	start = b.len;
	if (fields & PROFILE_DEPARTMENT)
		line(&b, fr ? "  Département :" : "  Department:", in->department, words, withheld);
	if (fields & PROFILE_FIELD)
		line(&b, fr ? "  Domaine :" : "  Field:", in->field, words, withheld);
	if (fields & PROFILE_TOPICS)
		line(&b, fr ? "  Sujets :" : "  Topics:", in->topics, words, withheld);
	if (fields & PROFILE_ABOUT)
		line(&b, fr ? "  À propos :" : "  About:", in->about, words, withheld);
	if (b.len == start)
		buf_adds(&b, fr ? "  (rien à montrer)\n" : "  (nothing to show)\n");
	return buf_steal(&b);
}
