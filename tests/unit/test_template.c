#include "testutil.h"


#include "form.h"
#include "roster.h"
#include "template.h"

/* A variable list written "name=value|name=value" ("|" separates, so that
 * values may hold spaces and line ends). The names live in the strlist. */
struct tvars {
	struct vars v;
	struct strlist names;
};

static void tvars_init(struct tvars *t, const char *spec)
{
	const char *p = spec, *bar, *eq;
	char *name;

	memset(t, 0, sizeof(*t));
	while (p != NULL && *p != '\0') {
		bar = strchr(p, '|');
		eq = strchr(p, '=');
		assert_non_null(eq);
		name = xstrndup(p, (size_t)(eq - p));
		strlist_add(&t->names, name);
		free(name);
		name = xstrndup(eq + 1, bar != NULL ? (size_t)(bar - eq - 1) : strlen(eq + 1));
		vars_set(&t->v, t->names.v[t->names.n - 1], name);
		free(name);
		p = bar != NULL ? bar + 1 : NULL;
	}
}

static void tvars_deinit(struct tvars *t)
{
	vars_deinit(&t->v);
	strlist_deinit(&t->names);
}

/* Writes dir/lang/name. */
static void put(const char *dir, const char *lang, const char *name, const char *text)
{
	char *d = xasprintf("%s/%s", dir, lang), *path = xasprintf("%s/%s", d, name);

	assert_int_equal(mkdir_p(d, 0700), 0);
	tu_write(path, text, 0644);
	free(d);
	free(path);
}

static char *source_templates(void)
{
	return tu_source_path("templates");
}

/* Renders text as templates/en/t in a fresh folder. */
static int render_text(const char *text, const char *spec, char **subject_r, char **body_r,
    char **error_r)
{
	char *dir = tu_tmpdir();
	struct template_dirs dirs = { NULL, dir };
	struct tvars t;
	int r;

	put(dir, "en", "t", text);
	tvars_init(&t, spec);
	*subject_r = *body_r = *error_r = NULL;
	r = template_render(&dirs, "en", "t", &t.v, subject_r, body_r, error_r);
	tvars_deinit(&t);
	tu_rmdir(dir);
	return r;
}

static void expect_render(const char *what, const char *text, const char *spec,
    const char *subject, const char *body)
{
	char *s = NULL, *b = NULL, *e = NULL;

	if (render_text(text, spec, &s, &b, &e) < 0)
		fail_msg("%s: %s", what, e);
	if (strcmp(s, subject) != 0)
		fail_msg("%s: subject [%s], expected [%s]", what, s, subject);
	if (strcmp(b, body) != 0)
		fail_msg("%s: body [%s], expected [%s]", what, b, body);
	free(s);
	free(b);
	free(e);
}

static void test_vars(void **state)
{
	struct vars v = { { NULL }, { NULL }, 0 };

	(void)state;
	assert_null(vars_get(&v, "a"));
	vars_set(&v, "a", "one");
	vars_set(&v, "b", NULL);
	vars_setf(&v, "c", "%d-%s", 7, "x");
	vars_set(&v, "a", "two\n\n");
	assert_int_equal(v.n, 3);
	assert_string_equal(vars_get(&v, "a"), "two");
	assert_string_equal(vars_get(&v, "b"), "");
	assert_string_equal(vars_get(&v, "c"), "7-x");
	vars_deinit(&v);
	assert_int_equal(v.n, 0);
}

static void test_substitution(void **state)
{
	static const struct {
		const char *what, *text, *vars, *subject, *body;
	} cases[] = {
		{ "plain", "Subject: S {{a}}\n\nHello {{a}}!\n", "a=Zoé", "S Zoé", "Hello Zoé!\n" },
		{ "spaces inside the braces", "Subject: x\n\n{{ a }}.\n", "a=1", "x", "1.\n" },
		{ "adjacent and repeated", "Subject: x\n\n{{a}}{{b}}{{a}}\n", "a=A|b=B", "x", "ABA\n" },
		{ "a value is not read for placeholders", "Subject: x\n\n{{a}}\n", "a={{b}}|b=no",
		    "x", "{{b}}\n" },
		{ "a multi-line value loses its last line end", "Subject: x\n\n{{a}}\nend\n",
		    "a=l1\nl2\n", "x", "l1\nl2\nend\n" },
		{ "a line end in a subject value becomes a space", "Subject: {{a}} [{{b}}]\n\nb\n",
		    "a=one\ntwo|b=t", "one two [t]", "b\n" },
		{ "no empty line after the subject", "Subject: x\nbody\n", "", "x", "body\n" },
		{ "CRLF template", "Subject: x\r\n\r\nbody {{a}}\r\n", "a=1", "x", "body 1\r\n" },
		{ "single braces are text", "Subject: x\n\n{a} } {\n", "", "x", "{a} } {\n" },
		{ "empty value", "Subject: x\n\n[{{a}}]\n", "a=", "x", "[]\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_render(cases[i].what, cases[i].text, cases[i].vars, cases[i].subject,
		    cases[i].body);
}

static void test_sections(void **state)
{
	static const struct {
		const char *what, *text, *vars, *body;
	} cases[] = {
		{ "# shown", "Subject: x\n\nA{{#v}}[{{v}}]{{/v}}B\n", "v=1", "A[1]B\n" },
		{ "# hidden", "Subject: x\n\nA{{#v}}[{{v}}]{{/v}}B\n", "v=", "AB\n" },
		{ "^ shown", "Subject: x\n\nA{{^v}}none{{/v}}B\n", "v=", "AnoneB\n" },
		{ "^ hidden", "Subject: x\n\nA{{^v}}none{{/v}}B\n", "v=1", "AB\n" },
		{ "own lines shown", "Subject: x\n\nL1\n{{#v}}\nX {{v}}\n{{/v}}\nL2\n", "v=1",
		    "L1\nX 1\nL2\n" },
		{ "own lines hidden: no empty line", "Subject: x\n\nL1\n{{#v}}\nX\n{{/v}}\nL2\n",
		    "v=", "L1\nL2\n" },
		{ "own lines ^ hidden", "Subject: x\n\nL1\n{{^v}}\nX\n{{/v}}\nL2\n", "v=1",
		    "L1\nL2\n" },
		{ "blank line kept around a hidden section",
		    "Subject: x\n\nL1\n\n{{#v}}\nX\n\n{{/v}}\nL2\n", "v=", "L1\n\nL2\n" },
		{ "blank line inside a shown section",
		    "Subject: x\n\nL1\n\n{{#v}}\nX\n\n{{/v}}\nL2\n", "v=1", "L1\n\nX\n\nL2\n" },
		{ "section at the very start", "Subject: x\n\n{{#v}}\nX\n{{/v}}\nL\n", "v=", "L\n" },
		{ "hidden section holding a whole line", "Subject: x\n\nA\n{{#v}}B {{v}}{{/v}}\nC\n",
		    "v=", "A\nC\n" },
		{ "inline section ending a line", "Subject: x\n\nA{{#v}} {{v}}{{/v}}\nC\n", "v=",
		    "A\nC\n" },
		{ "opening tag after text keeps its line end",
		    "Subject: x\n\nHi {{#v}}\nfoo\n{{/v}}\nbar\n", "v=1", "Hi \nfoo\nbar\n" },
		{ "nested, both shown", "Subject: x\n\n{{#a}}A{{#b}}B{{/b}}{{^b}}-{{/b}}{{/a}}.\n",
		    "a=1|b=1", "AB.\n" },
		{ "nested, inner hidden", "Subject: x\n\n{{#a}}A{{#b}}B{{/b}}{{^b}}-{{/b}}{{/a}}.\n",
		    "a=1|b=", "A-.\n" },
		{ "nested, outer hidden", "Subject: x\n\n{{#a}}A{{#b}}B{{/b}}{{/a}}.\n", "a=|b=1",
		    ".\n" },
		{ "nested on own lines",
		    "Subject: x\n\nL1\n{{#a}}\nA\n{{#b}}\nB\n{{/b}}\nA2\n{{/a}}\nL2\n", "a=1|b=",
		    "L1\nA\nA2\nL2\n" },
		{ "spaces around section tags", "Subject: x\n\n{{ #v }}y{{/v}}\n", "v=1", "y\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_render(cases[i].what, cases[i].text, cases[i].vars, "x", cases[i].body);
	expect_render("section in the subject", "Subject: P{{#t}} [{{t}}]{{/t}}\n\nb\n", "t=9",
	    "P [9]", "b\n");
	expect_render("hidden section in the subject", "Subject: P{{#t}} [{{t}}]{{/t}}\n\nb\n",
	    "t=", "P", "b\n");
}

static void test_errors(void **state)
{
	static const struct {
		const char *what, *text, *vars, *error;
	} cases[] = {
		{ "unknown placeholder", "Subject: x\n\n{{nope}}\n", "a=1",
		    "unknown placeholder {{nope}}" },
		{ "unknown placeholder in the subject", "Subject: {{nope}}\n\nx\n", "",
		    "unknown placeholder {{nope}}" },
		{ "unknown section", "Subject: x\n\n{{#nope}}y{{/nope}}\n", "",
		    "unknown placeholder {{nope}}" },
		{ "unknown placeholder in a hidden section", "Subject: x\n\n{{#a}}{{nope}}{{/a}}\n",
		    "a=", "unknown placeholder {{nope}}" },
		{ "unknown placeholder in a hidden ^ section",
		    "Subject: x\n\n{{^a}}{{#b}}{{nope}}{{/b}}{{/a}}\n", "a=1|b=",
		    "unknown placeholder {{nope}}" },
		{ "no closing braces", "Subject: x\n\nHello {{a\n", "a=1", "{{ without }}" },
		{ "empty placeholder", "Subject: x\n\n{{}}\n", "", "bad placeholder" },
		{ "placeholder across lines", "Subject: x\n\n{{a\n}}\n", "a=1", "bad placeholder" },
		{ "section not closed", "Subject: x\n\n{{#a}}y\n", "a=1", "{{#a}} without {{/a}}" },
		{ "closing without opening", "Subject: x\n\ny{{/a}}\n", "a=1",
		    "{{/a}} without its opening" },
		{ "no subject line", "Hello\n\n{{a}}\n", "a=1", "the first line must be" },
		{ "empty file", "", "", "the first line must be" },
		{ "nested too deep",
		    "Subject: x\n\n{{#a}}{{#b}}{{#c}}{{#d}}{{#e}}{{#f}}{{#g}}{{#h}}{{#i}}{{#j}}."
		    "{{/j}}{{/i}}{{/h}}{{/g}}{{/f}}{{/e}}{{/d}}{{/c}}{{/b}}{{/a}}\n",
		    "a=1|b=1|c=1|d=1|e=1|f=1|g=1|h=1|i=1|j=1", "nested too deep" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = NULL, *b = NULL, *e = NULL;

		if (render_text(cases[i].text, cases[i].vars, &s, &b, &e) == 0)
			fail_msg("%s: rendered [%s]", cases[i].what, b);
		assert_non_null(e);
		if (strstr(e, cases[i].error) == NULL)
			fail_msg("%s: error [%s], expected [%s]", cases[i].what, e, cases[i].error);
		/* the error names the template */
		assert_non_null(strstr(e, "en/t"));
		free(s);
		free(b);
		free(e);
	}
}

static void test_missing_and_bad_files(void **state)
{
	char *dir = tu_tmpdir(), *s = NULL, *b = NULL, *e = NULL;
	struct template_dirs dirs = { NULL, dir };
	struct vars v = { { NULL }, { NULL }, 0 };

	(void)state;
	assert_int_equal(template_render(&dirs, "en", "absent", &v, &s, &b, &e), -1);
	assert_non_null(strstr(e, "en/absent"));
	assert_non_null(strstr(e, "not found"));
	xfree(&e);
	/* English exists, French does not: the bilingual form fails too */
	put(dir, "en", "half", "Subject: x\n\ny\n");
	assert_int_equal(template_render_bilingual(&dirs, "half", &v, &s, &b, &e), -1);
	assert_non_null(strstr(e, "fr/half"));
	xfree(&e);
	put(dir, "en", "latin1", "Subject: caf\xe9\n\ny\n");
	assert_int_equal(template_render(&dirs, "en", "latin1", &v, &s, &b, &e), -1);
	assert_non_null(strstr(e, "not UTF-8"));
	xfree(&e);
	assert_null(s);
	assert_null(b);
	tu_rmdir(dir);
}

/* The site folder overrides one template; the others still come from the
 * shipped folder. */
static void test_lookup_order(void **state)
{
	char *site = tu_tmpdir(), *shipped = tu_tmpdir(), *s = NULL, *b = NULL, *e = NULL;
	struct template_dirs both = { site, shipped }, only = { NULL, shipped };
	struct vars v = { { NULL }, { NULL }, 0 };

	(void)state;
	put(shipped, "en", "help", "Subject: shipped help\n\nshipped\n");
	put(shipped, "en", "status", "Subject: shipped status\n\nshipped\n");
	put(shipped, "fr", "help", "Subject: aide livrée\n\nlivrée\n");
	put(site, "en", "help", "Subject: site help\n\nsite\n");
	assert_int_equal(template_render(&both, "en", "help", &v, &s, &b, &e), 0);
	assert_string_equal(s, "site help");
	assert_string_equal(b, "site\n");
	xfree(&s);
	xfree(&b);
	assert_int_equal(template_render(&both, "en", "status", &v, &s, &b, &e), 0);
	assert_string_equal(s, "shipped status");
	xfree(&s);
	xfree(&b);
	/* the site has no French folder at all */
	assert_int_equal(template_render(&both, "fr", "help", &v, &s, &b, &e), 0);
	assert_string_equal(s, "aide livrée");
	xfree(&s);
	xfree(&b);
	assert_int_equal(template_render(&only, "en", "help", &v, &s, &b, &e), 0);
	assert_string_equal(s, "shipped help");
	xfree(&s);
	xfree(&b);
	assert_null(e);
	tu_rmdir(site);
	tu_rmdir(shipped);
}

static void test_bilingual(void **state)
{
	static const struct {
		const char *en, *fr, *subject;
	} cases[] = {
		{ "Subject: Hello \xe2\x80\x93 {{tag}}\n", "Subject: Bonjour \xe2\x80\x93 {{tag}}\n",
		    "Hello / Bonjour \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT" },
		{ "Subject: Please confirm \xe2\x80\x93 {{tag}} [MT-AB12-CD34]\n",
		    "Subject: Merci de confirmer \xe2\x80\x93 {{tag}} [MT-AB12-CD34]\n",
		    "Please confirm / Merci de confirmer \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT [MT-AB12-CD34]" },
		/* a dash of the words, before the tag's, stays */
		{ "Subject: A \xe2\x80\x93 {{tag}}: x \xe2\x80\x93 {{tag}}\n",
		    "Subject: B \xe2\x80\x93 {{tag}}\n",
		    "A \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT: x / B \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT" },
		{ "Subject: hello\n", "Subject: bonjour\n", "hello / bonjour" },
		{ "Subject: x \xe2\x80\x93 {{tag}}\n", "Subject: Programme : y\n",
		    "x \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT / Programme : y" },
		{ "Subject: x \xe2\x80\x93 {{tag}} [MT-AB12-CD34]\n",
		    "Subject: y \xe2\x80\x93 {{tag}} [MT-ZZZZ-ZZZZ]\n",
		    "x \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT [MT-AB12-CD34] / y \xe2\x80\x93 \xc3\x89galit\xc3\xa9 WIT [MT-ZZZZ-ZZZZ]" },
		{ "Subject: same\n", "Subject: same\n", "same" },
	};
	char *dir = tu_tmpdir(), *s = NULL, *b = NULL, *e = NULL, *text;
	struct template_dirs dirs = { NULL, dir };
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *en, *fr;
	size_t i;

	(void)state;
	vars_set(&v, "programme", "Égalité WIT");
	vars_set(&v, "tag", "Égalité WIT");
	vars_set(&v, "name", "Zoé");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		text = xasprintf("%s\nHello {{name}}.\n", cases[i].en);
		put(dir, "en", "t", text);
		free(text);
		text = xasprintf("%s\nBonjour {{name}}.\n", cases[i].fr);
		put(dir, "fr", "t", text);
		free(text);
		assert_int_equal(template_render_bilingual(&dirs, "t", &v, &s, &b, &e), 0);
		assert_string_equal(s, cases[i].subject);
		en = strstr(b, "Hello Zoé.\n");
		fr = strstr(b, "Bonjour Zoé.\n");
		assert_non_null(en);
		assert_non_null(fr);
		assert_true(en < fr);
		xfree(&s);
		xfree(&b);
	}
	vars_deinit(&v);
	tu_rmdir(dir);
}

/* Values that may be empty in real use. */
static int optional_var(const char *template, const char *var)
{
	static const char *const optional[] = { "next", "pair", "unmatched", "mentor_topics",
	    "mentor_about", "mentee_topics", "mentee_about", "reporter_name" };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(optional); k++)
		if (strcmp(var, optional[k]) == 0)
			return 1;
	return strcmp(template, "issue-notice") == 0 && strcmp(var, "role") == 0;
}

/* Sample values of the registry's variables: every one set, or (sparse)
 * the optional ones empty and only the first status flag set. */
static void sample_vars(struct vars *v, struct strlist *names, const char *template,
    const char *spec, int sparse)
{
	size_t k;

	strlist_split(names, spec, ' ');
	vars_set(v, "programme", "WIT");
	vars_set(v, "tag", "WIT");
	vars_set(v, "address", "mentoring@example.org");
	vars_set(v, "name", "Zoé");
	for (k = 0; k < names->n; k++) {
		const char *var = names->v[k];

		if (strcmp(var, "token") == 0)
			vars_set(v, var, "T0K3N");
		else if (str_has_prefix(var, "st_"))
			vars_set(v, var, !sparse || strcmp(var, "st_none") == 0 ? "1" : "");
		else
			vars_set(v, var, sparse && optional_var(template, var) ? "" : "value");
	}
}

/* A subject says what the message is first, then " – WIT" (the tag), then
 * a [token] if any: a list of mail at 80 columns shows what each one is. */
static int subject_ends_well(const char *s)
{
	const char *end = strstr(s, " \xe2\x80\x93 WIT");

	if (end == NULL || end == s || s[0] == ' ' || str_has_prefix(s, "WIT"))
		return 0;
	end += strlen(" \xe2\x80\x93 WIT");
	return *end == '\0' || strcmp(end, " [T0K3N]") == 0;
}

/* Every registry template renders in both languages with exactly its
 * variables, subjects start as the house style wants, token-bearing
 * subjects carry [token], and no section leaves a double empty line. */
static void test_registry_renders(void **state)
{
	static const char *const langs[] = { "en", "fr" };
	static const char *const sign[] = { "\nThe WIT committee\n", "\nLe comité WIT\n" };
	char *shipped = source_templates(), *report = NULL;
	struct template_dirs dirs = { NULL, shipped };
	const char *name, *spec;
	size_t i, j;
	int empty, checked = 0;

	(void)state;
	if (template_check_all(&dirs, &report) != 0)
		fail_msg("template_check_all:\n%s", report);
	assert_string_equal(report, "");
	free(report);
	for (i = 0; template_registry(i, &name, &spec) == 0; i++) {
		for (j = 0; j < ARRAY_SIZE(langs); j++) {
			for (empty = 0; empty < 2; empty++) {
				struct vars v = { { NULL }, { NULL }, 0 };
				struct strlist names = { NULL, 0 };
				char *s = NULL, *b = NULL, *e = NULL;

				sample_vars(&v, &names, name, spec, empty);
				if (template_render(&dirs, langs[j], name, &v, &s, &b, &e) < 0)
					fail_msg("%s", e);
				/* an event's title is its own (template.c) */
				if (strcmp(name, "calendar-entry") != 0 && !subject_ends_well(s))
					fail_msg("%s/%s: subject [%s]", langs[j], name, s);
				if (str_has_prefix(name, "confirm-") && strstr(s, "[T0K3N]") == NULL)
					fail_msg("%s/%s: no [token] in [%s]", langs[j], name, s);
				if (strstr(b, "\n\n\n") != NULL || b[0] == '\n')
					fail_msg("%s/%s: double empty line:\n%s", langs[j], name, b);
				/* calendar-entry is an event's text, no letter; the
				 * committee-command parts go into another message */
				if (strcmp(name, "calendar-entry") != 0 &&
				    !str_has_prefix(name, "committee-command") && (strlen(b) < strlen(sign[j]) ||
				    strcmp(b + strlen(b) - strlen(sign[j]), sign[j]) != 0))
					fail_msg("%s/%s: not signed by the committee", langs[j], name);
				assert_null(strstr(b, "{{"));
				vars_deinit(&v);
				strlist_deinit(&names);
				free(s);
				free(b);
				checked++;
			}
		}
	}
	assert_int_equal(checked, (int)(i * 4));
	assert_true(i >= 35);
	free(shipped);
}

/* A site template naming a variable the robot does not give it is
 * reported, even in a section that the sample values hide. */
static void test_unregistered_variable_reported(void **state)
{
	static const struct {
		const char *lang, *name, *text, *needle;
	} cases[] = {
		{ "en", "help", "Subject: {{programme}}: help\n\nYour token {{token}}\n", "{{token}}" },
		{ "fr", "withdrawn", "Subject: x\n\n{{^cohort}}{{partner_name}}{{/cohort}}\n",
		    "{{partner_name}}" },
		{ "en", "status", "Subject: x\n\n{{#st_none}}{{st_unknown}}{{/st_none}}\n",
		    "{{st_unknown}}" },
	};
	char *shipped = source_templates(), *report = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *site = tu_tmpdir(), *where = xasprintf("%s/%s", cases[i].lang, cases[i].name);
		struct template_dirs dirs = { site, shipped };

		put(site, cases[i].lang, cases[i].name, cases[i].text);
		assert_int_equal(template_check_all(&dirs, &report), 1);
		if (strstr(report, where) == NULL || strstr(report, cases[i].needle) == NULL)
			fail_msg("report [%s] misses %s %s", report, where, cases[i].needle);
		xfree(&report);
		free(where);
		tu_rmdir(site);
	}
	/* a missing French template is a problem too */
	{
		char *site = tu_tmpdir(), *copy = xasprintf("cp -r '%s/en' '%s/'", shipped, site);
		struct template_dirs dirs = { NULL, site };
		const char *name, *spec;
		size_t n;

		assert_int_equal(system(copy), 0);
		for (n = 0; template_registry(n, &name, &spec) == 0; n++)
			;
		assert_int_equal(template_check_all(&dirs, &report), (int)n);
		assert_non_null(strstr(report, "fr/erased: not found"));
		xfree(&report);
		free(copy);
		tu_rmdir(site);
	}
	free(shipped);
}

/* Count of code points before the end of the line at p. */
static size_t line_chars(const char *p, const char **next_r)
{
	const char *nl = strchr(p, '\n');
	size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
	char *line = xstrndup(p, n);
	size_t chars = utf8_len(line);

	free(line);
	*next_r = nl != NULL ? nl + 1 : p + n;
	return chars;
}

/* French typography: a space before : ; ? ! and inside « », no straight
 * double quotes; English: no space before them. Placeholders aside. */
static void check_punctuation(const char *lang, const char *name, size_t lineno,
    const char *line, size_t n)
{
	size_t i;
	int in_tag = 0;

	for (i = 0; i + 1 < n; i++) {
		if (strcmp(lang, "fr") == 0 && ((strncmp(line + i, "«", 2) == 0 && line[i + 2] != ' ') ||
		    (strncmp(line + i, "»", 2) == 0 && (i == 0 || line[i - 1] != ' '))))
			fail_msg("fr/%s:%zu: « » without their spaces: %.*s", name, lineno, (int)n, line);
	}
	for (i = 0; i < n; i++) {
		char c = line[i], prev = i > 0 ? line[i - 1] : ' ';

		if (c == '{' && i + 1 < n && line[i + 1] == '{')
			in_tag = 1;
		if (in_tag) {
			if (c == '}' && prev == '}')
				in_tag = 0;
			continue;
		}
		if (lineno == 1 && i < strlen("Subject:"))
			continue;
		if (strchr(":;?!", c) == NULL && c != '"')
			continue;
		if (strcmp(lang, "fr") == 0 && (c == '"' || prev != ' ' ||
		    (i + 1 < n && line[i + 1] != ' ')) && !(c == '?' && i + 1 < n && line[i + 1] == ')'))
			fail_msg("fr/%s:%zu: typography at column %zu: %.*s", name, lineno, i + 1,
			    (int)n, line);
		if (strcmp(lang, "en") == 0 && c != '"' && prev == ' ')
			fail_msg("en/%s:%zu: space before '%c': %.*s", name, lineno, c, (int)n, line);
	}
}

/* Placeholders a subject may hold: nothing confidential (DESIGN.md 7). */
static void check_subject_placeholders(const char *lang, const char *name, const char *line,
    size_t n)
{
	static const char *const allowed[] = { "programme", "tag", "token", "cohort", "title",
	    "date", "number", "case" };
	const char *p = line, *end = line + n, *close;
	size_t k, l;
	int ok;

	while ((p = strstr(p, "{{")) != NULL && p < end) {
		close = strstr(p, "}}");
		assert_non_null(close);
		ok = 0;
		for (k = 0; k < ARRAY_SIZE(allowed); k++) {
			l = strlen(allowed[k]);
			if ((size_t)(close - p - 2) == l && strncmp(p + 2, allowed[k], l) == 0)
				ok = 1;
		}
		if (!ok)
			fail_msg("%s/%s: placeholder %.*s in the subject", lang, name,
			    (int)(close - p + 2), p);
		p = close + 2;
	}
}

/* The shipped files themselves: one per registry entry and language, no
 * other; lines under 76 characters; no tab, no trailing space; house
 * typography; nothing confidential in a subject. */
static void test_shipped_style(void **state)
{
	static const char *const langs[] = { "en", "fr" };
	const char *name, *spec, *p, *next;
	size_t i, j, lineno, n_registry;

	(void)state;
	for (n_registry = 0; template_registry(n_registry, &name, &spec) == 0; n_registry++)
		;
	for (j = 0; j < ARRAY_SIZE(langs); j++) {
		struct strlist files = { NULL, 0 };
		char *d = xasprintf("templates/%s", langs[j]);
		size_t k;

		tu_source_dir(d, &files);
		tu_drop_words(&files);
		for (k = 0; k < files.n; k++) {
			int known = 0;

			for (i = 0; template_registry(i, &name, &spec) == 0; i++)
				known |= strcmp(name, files.v[k]) == 0;
			if (!known)
				fail_msg("%s/%s is in no registry entry", langs[j], files.v[k]);
		}
		assert_int_equal(files.n, n_registry);
		strlist_deinit(&files);
		free(d);
		for (i = 0; template_registry(i, &name, &spec) == 0; i++) {
			char *rel = xasprintf("templates/%s/%s", langs[j], name);
			char *text = tu_read_source(rel, NULL);

			assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
			for (p = text, lineno = 1; *p != '\0'; p = next, lineno++) {
				size_t chars = line_chars(p, &next), n = (size_t)(next - p) - 1;

				if (chars > 75)
					fail_msg("%s: line %zu has %zu characters", rel, lineno, chars);
				if (memchr(p, '\t', n) != NULL || (n > 0 && p[n - 1] == ' '))
					fail_msg("%s: line %zu: tab or trailing space", rel, lineno);
				check_punctuation(langs[j], name, lineno, p, n);
				if (lineno == 1)
					check_subject_placeholders(langs[j], name, p, n);
			}
			free(rel);
			free(text);
		}
	}
}

/* ---- widths: every line at most 78 characters (RFC 5322 2.1.1) ---- */

static void assert_width(const char *what, const char *body)
{
	const char *p, *next;
	size_t lineno;

	for (p = body, lineno = 1; *p != '\0'; p = next, lineno++) {
		size_t chars = line_chars(p, &next);

		if (chars > 78)
			fail_msg("%s: line %zu has %zu characters: %.*s\n%s", what, lineno, chars,
			    (int)(next - p - 1), p, body);
	}
}

/* The reflowing rules of template.c, one case each. */
static void test_reflow(void **state)
{
	static const char long_name[] = "Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour";
	static const struct {
		const char *what, *text, *vars, *body;
	} cases[] = {
		{ "a paragraph that fits is left as written", "Subject: x\n\nA short\nparagraph.\n",
		    "", "A short\nparagraph.\n" },
		{ "a paragraph that grew is refilled to 72",
		    "Subject: x\n\nHello {{n}} and {{n}}, the committee is happy to introduce\nyou"
		    " to each other.\n\nNext.\n", "",
		    "Hello Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour and Marie-H\xc3\xa9l\xc3\xa8ne\n"
		    "Dubois-Lef\xc3\xa8vre de La Tour, the committee is happy to introduce you to\n"
		    "each other.\n\nNext.\n" },
		{ "a value alone on its line is a paragraph of its own",
		    "Subject: x\n\nIn their own words:\n{{w}}\n", "w=I have been working on accelerator"
		    " controls for twelve years and would like to share what I learnt about leading",
		    "In their own words:\nI have been working on accelerator controls for twelve years"
		    " and would\nlike to share what I learnt about leading\n" },
		{ "a form keeps its lines", "Subject: x\n\nRole: mentor or mentee\nName:\nAbout: {{w}}\n",
		    "w=a few words about yourself, what you do and what you would like to learn or share",
		    "Role: mentor or mentee\nName:\nAbout: a few words about yourself, what you do and"
		    " what you would like\n       to learn or share\n" },
		{ "a table row wraps in its value column",
		    "Subject: x\n\n  Topics      {{w}}\n  Field       x\n", "w=leadership, negotiation,"
		    " public speaking, career planning, work-life balance",
		    "  Topics      leadership, negotiation, public speaking, career planning,\n"
		    "              work-life balance\n  Field       x\n" },
		{ "a colon ends no paragraph",
		    "Subject: x\n\nWrite to {{n}} and {{n}} with the subject \"issue\":\n"
		    "only the committee reads it, never your partner.\n",
		    "n=wit-mentoring-programme@example.org",
		    "Write to wit-mentoring-programme@example.org and\n"
		    "wit-mentoring-programme@example.org with the subject \"issue\": only the\n"
		    "committee reads it, never your partner.\n" },
		{ "a numbered item wraps after its number", "Subject: x\n\n1. mentor {{n}} <{{a}}>\n",
		    "a=marie-helene.dubois-lefevre@example.org",
		    "1. mentor Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour\n"
		    "   <marie-helene.dubois-lefevre@example.org>\n" },
		{ "a list item wraps after its dash",
		    "Subject: x\n\n{{l}}\n", "l=  - the value of Capacity must be a number from 1 to 10,"
		    " and \"forty\" is not one\n  - ok\n",
		    "  - the value of Capacity must be a number from 1 to 10, and \"forty\" is\n"
		    "    not one\n  - ok\n" },
		{ "the lines of a multi-line value are never joined",
		    "Subject: x\n\nResults:\n{{r}}\nDone.\n", "r=match: proposal 3\napprove all: done\n",
		    "Results:\nmatch: proposal 3\napprove all: done\nDone.\n" },
		{ "an address is never cut",
		    "Subject: x\n\nWrite to {{a}} or {{a}} whenever you like.\n",
		    "a=women-in-technology.mentoring-programme@example.org",
		    "Write to women-in-technology.mentoring-programme@example.org or\n"
		    "women-in-technology.mentoring-programme@example.org whenever you like.\n" },
		{ "a word longer than a line stands alone",
		    "Subject: x\n\nSee {{u}} now.\n", "u=https://example.org/a/very/long/path/that/"
		    "goes/on/and/on/and/on/and/on/and/on/and/on",
		    "See\nhttps://example.org/a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/"
		    "and/on\nnow.\n" },
		{ "CRLF lines stay CRLF", "Subject: x\r\n\r\n{{w}} {{w}} {{w}} {{w}} {{w}}\r\n",
		    "w=twenty characters.",
		    "twenty characters. twenty characters. twenty characters.\r\n"
		    "twenty characters. twenty characters.\r\n" },
		{ "a paragraph is refilled after its names are in, the closing is not",
		    "Subject: x\n\n{{a}} will be the mentor and {{b}}\nthe mentee, in cohort 2018.\n\n"
		    "With best wishes,\nThe {{c}} committee\n",
		    "a=Lucia Ferreira|b=Zo\xc3\xab M\xc3\xbcller|c=WIT",
		    "Lucia Ferreira will be the mentor and Zo\xc3\xab M\xc3\xbcller the mentee, in cohort\n"
		    "2018.\n\nWith best wishes,\nThe WIT committee\n" },
		{ "French quotes stay with what they quote, a colon with its word",
		    "Subject: x\n\nUne difficult\xc3\xa9 ? \xc3\x89" "crivez \xc3\xa0 {{a}} avec pour objet"
		    " \xc2\xab probl\xc3\xa8me \xc2\xbb : seul le comit\xc3\xa9 le lira.\n",
		    "a=mentoring@example.org",
		    "Une difficult\xc3\xa9 ? \xc3\x89" "crivez \xc3\xa0 mentoring@example.org avec pour objet\n"
		    "\xc2\xab probl\xc3\xa8me \xc2\xbb : seul le comit\xc3\xa9 le lira.\n" },
		{ "a short name is never cut at a line end",
		    "Subject: x\n\nThe committee is very glad to introduce you to one another today, {{b}}.\nReply to all.\n\nBye.\n", "b=Zo\xc3\xab M\xc3\xbcller",
		    "The committee is very glad to introduce you to one another today,\nZo\xc3\xab M\xc3\xbcller. Reply to all.\n\nBye.\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *spec = xasprintf("n=%s%s%s", long_name, cases[i].vars[0] ? "|" : "", cases[i].vars);

		expect_render(cases[i].what, cases[i].text, spec, "x", cases[i].body);
		free(spec);
	}
}

/* The words of a text, space- and line-separated, in order, joined by one
 * space (what reflowing must keep exactly). */
static char *words_of(const char *s)
{
	struct buf b;
	int sep = 0;

	buf_init(&b, 1024 * 1024);
	buf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\r') {
			sep = 1;
			continue;
		}
		if (sep && b.len > 0)
			buf_addc(&b, ' ');
		sep = 0;
		buf_addc(&b, *s);
	}
	return buf_steal(&b);
}

/* Hostile values, 2000 of them: long words, runs of spaces, line breaks,
 * list and form openings, multi-byte characters. Whatever they hold, the
 * words come out in order and whole, and a line over 78 characters is one
 * word too long for a line, after at most its indent or its key (a table's,
 * a form's, a list's). */
static void test_reflow_hostile_values(void **state)
{
	static const char *const pieces[] = { "word ", "w ", "a-very-long-unbreakable-word-of-"
	    "forty-characters ", "  ", "\n", "\n\n", "- ", "1. ", "Key: ", "Cl\xc3\xa9 : ",
	    "\xc3\xa9t\xc3\xa9 ", "x@example.org ", ":", "    indented ", "\xe2\x80\xa6",
	    "https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaa " };
	static const char text[] = "Subject: x\n\nHello {{a}}, here it is:\n{{a}}\n\n"
	    "  Key      {{a}}\n- item {{a}}\n{{b}}\nEnd of {{b}} and {{a}}.\n";
	char a[600], b[600], *spec, *s = NULL, *body = NULL, *e = NULL, *want, *got, *raw;
	uint32_t seed = 17;
	const char *p, *next;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		tu_random_pieces(&seed, pieces, ARRAY_SIZE(pieces), 1 + seed % 40, a, sizeof(a));
		tu_random_pieces(&seed, pieces, ARRAY_SIZE(pieces), 1 + seed % 40, b, sizeof(b));
		/* a value loses its last line ends (vars_set) */
		while (strlen(a) > 0 && a[strlen(a) - 1] == '\n')
			a[strlen(a) - 1] = '\0';
		while (strlen(b) > 0 && b[strlen(b) - 1] == '\n')
			b[strlen(b) - 1] = '\0';
		spec = xasprintf("a=%s|b=%s", a, b);
		if (render_text(text, spec, &s, &body, &e) < 0)
			fail_msg("case %d: %s", i, e);
		/* the same words as the plain substitution gives */
		raw = xasprintf("Hello %s, here it is: %s Key %s - item %s %s End of %s and %s.", a, a,
		    a, a, b, b, a);
		want = words_of(raw);
		got = words_of(body);
		if (strcmp(want, got) != 0)
			fail_msg("case %d: words changed:\n[%s]\n[%s]", i, want, got);
		for (p = body; *p != '\0'; p = next) {
			size_t chars = line_chars(p, &next), n = (size_t)(next - p - 1), w = n, head;
			char *prefix;

			if (chars <= 78)
				continue;
			while (w > 0 && p[w - 1] != ' ')
				w--;
			prefix = xstrndup(p, w);
			head = utf8_len(prefix);
			free(prefix);
			if (head > 36 || chars - head < 42)
				fail_msg("case %d: a line of %zu characters with room to break:\n%.*s\n\n%s",
				    i, chars, (int)n, p, body);
		}
		free(raw);
		free(want);
		free(got);
		xfree(&s);
		xfree(&body);
		free(spec);
	}
}

/* Long, realistic values: a real 35-character programme address, names,
 * departments and titles as people write them. */
static const struct {
	const char *name, *value;
} long_values[] = {
	{ "programme", "Women in Technology Mentoring Programme" },
	{ "address", "wit-mentoring-programme@example.org" },
	{ "name", "Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour" },
	{ "partner_name", "Anne-Sophie Vandenberghe-Moreau" },
	{ "mentor_name", "Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour" },
	{ "mentee_name", "Anne-Sophie Vandenberghe-Moreau" },
	{ "reporter_name", "Anne-Sophie Vandenberghe-Moreau" },
	{ "who", "Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour" },
	{ "partner_address", "anne-sophie.vandenberghe-moreau@example.org" },
	{ "mentor_address", "marie-helene.dubois-lefevre@example.org" },
	{ "mentee_address", "anne-sophie.vandenberghe-moreau@example.org" },
	{ "reporter", "anne-sophie.vandenberghe-moreau@example.org" },
	{ "mentor_department", "Information Technology Department, Collaboration, Devices and"
	    " Applications group" },
	{ "mentee_department", "Human Resources Department, Talent Acquisition and Diversity" },
	{ "mentor_field", "Software Engineering, Data Science, Machine Learning, Cloud"
	    " Infrastructure" },
	{ "mentee_field", "Recruitment, Organisational Development" },
	{ "mentor_topics", "leadership, negotiation, public speaking, career planning, work-life"
	    " balance, returning from parental leave" },
	{ "mentee_topics", "confidence in meetings, technical career paths, networking across"
	    " departments" },
	{ "mentor_about", "I have led software teams for fifteen years, first in industry and"
	    " then here, and I would like to help women who are starting out in technical roles to"
	    " find their voice in meetings and to plan the next steps of their career." },
	{ "mentee_about", "I joined the organisation two years ago after a degree in"
	    " psychology; I would like to understand how technical careers work here and how to"
	    " move towards a role closer to engineering." },
	{ "role", "mentee" }, { "cohort", "Autumn 2026, Engineering and Physics" },
	{ "token", "k7q2m9xa4b" }, { "days", "14" }, { "number", "3" }, { "case", "1234" },
	{ "pair", "117" }, { "count", "120" },
	{ "date", "2026-03-12" }, { "time", "14:00" }, { "end_time", "15:30" },
	{ "duration", "1 h 30" }, { "timezone", "America/Argentina/Buenos_Aires" },
	{ "title", "Mentoring basics: how to run a first meeting and agree on goals" },
	{ "location", "Main Building, Room 61-1-017 (Kjell Johnsen Auditorium), Meyrin site" },
	{ "next", "September 2026, after the summer break, with a call for applications" },
	{ "commands", "approve 1 3 4\nreject 2\npair marie-helene.dubois-lefevre@example.org"
	    " anne-sophie.vandenberghe-moreau@example.org\ntraining 2026-03-10 14:00 90m Main"
	    " Building, Room 61-1-017 (Kjell Johnsen Auditorium), Mentoring basics: how to run a"
	    " first meeting\n" },
	{ "results", "approve 1: pair 12 approved: Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre"
	    " de La Tour and Anne-Sophie Vandenberghe-Moreau introduced\ntraining: \"Mentoring"
	    " basics: how to run a first meeting and agree on goals\" planned; 120 matched people"
	    " invited\nreject 2: pair rejected\n" },
	{ "errors", "  - Role: \"mentorin\" is neither mentor nor mentee; write mentor or"
	    " mentee, as in the blank form below\n  - Capacity: \"forty\" is not a number of"
	    " mentees from 1 to 10\n" },
	{ "text", "Hello,\n\nI would like to talk to someone in the committee about my mentoring:"
	    " we have met twice, but the meetings were cancelled at the last minute three times"
	    " since, and I do not know how to raise it without hurting our relationship.\n\n"
	    "Thank you,\nAnne-Sophie\n" },
	{ "proposal", "1. mentor  Marie-H\xc3\xa9l\xc3\xa8ne Dubois-Lef\xc3\xa8vre de La Tour"
	    " <marie-helene.dubois-lefevre@example.org>\n" },
	{ "unmatched", "- mentee  Anne-Sophie Vandenberghe-Moreau"
	    " <anne-sophie.vandenberghe-moreau@example.org>\n" },
	{ "digest", "Applications\n  awaiting the applicant's confirmation  3\n" },
};

/* A value for each variable of a template: from the table above, a long
 * sentence for one the table does not know, "1" for a flag; the optional
 * ones empty and the flags "" when sparse. */
static const char *long_value(const char *template, const char *var, int sparse)
{
	size_t t;

	if (str_has_prefix(var, "st_") || strcmp(var, "cancelled") == 0)
		return sparse ? "" : "1";
	if (sparse && optional_var(template, var))
		return "";
	for (t = 0; t < ARRAY_SIZE(long_values); t++)
		if (strcmp(long_values[t].name, var) == 0)
			return long_values[t].value;
	return "a value the width test knows nothing of, long and realistic enough to fill"
	    " more than one line of any message on its own, the way free text does";
}

/* An About of two paragraphs, the first one long. */
static const char summary_about[] = "I have led software teams for fifteen years, first in"
    " industry and then here, and I would like to help women who are starting out in technical"
    " roles to find their voice in meetings.\n\nOutside work: choir, hiking, and a lot of"
    " bad puns.";

/* The application summary as the robot writes it (roster_summary). */
static char *long_summary(const char *lang)
{
	struct application a;

	memset(&a, 0, sizeof(a));
	a.role = (char *)(uintptr_t)"mentee";
	a.name = (char *)(uintptr_t)long_values[2].value;
	a.department = (char *)(uintptr_t)long_values[13].value;
	a.field = (char *)(uintptr_t)long_values[14].value;
	a.language = (char *)(uintptr_t)lang;
	a.topics = (char *)(uintptr_t)long_values[16].value;
	a.preference = (char *)(uintptr_t)"other-department";
	a.about = (char *)(uintptr_t)summary_about;
	return roster_summary(&a, lang);
}

/* Collapses white space, for comparing a value with what a form gives back. */
static char *squeeze(const char *s)
{
	struct buf b;
	int space = 0;

	buf_init(&b, 1024 * 1024);
	buf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		buf_addc(&b, *s);
	}
	return buf_steal(&b);
}

/* The summary quoted in a message still reads back as the same form. */
static void assert_form_intact(const char *what, const char *body)
{
	struct form f;
	char *a, *b;

	form_init(&f);
	if (form_parse(body, FORM_UPDATE, &f) != 1)
		fail_msg("%s: the quoted form does not read back:\n%s", what, body);
	assert_string_equal(f.name, long_values[2].value);
	assert_string_equal(f.department, long_values[13].value);
	assert_string_equal(f.field, long_values[14].value);
	assert_string_equal(f.topics, long_values[16].value);
	a = squeeze(f.about);
	b = squeeze(summary_about);
	if (strcmp(a, b) != 0)
		fail_msg("%s: About read back as [%s]", what, f.about);
	free(a);
	free(b);
	form_deinit(&f);
}

/* Every template found in templates/ (not a list of them), in both
 * languages and bilingual, with long values and with the optional ones
 * empty: every line of the body at most 78 characters, every address
 * whole, a quoted form still a form, the blank form as applicants copy it. */
static void test_rendered_width(void **state)
{
	static const char *const langs[] = { "en", "fr", NULL };
	char *shipped = source_templates();
	struct template_dirs dirs = { NULL, shipped };
	struct strlist files = { NULL, 0 };
	size_t i, j, k, n, checked = 0;
	int sparse;

	(void)state;
	tu_source_dir("templates/en", &files);
	tu_drop_words(&files);
	assert_true(files.n >= 36);
	for (i = 0; i < files.n; i++) {
		const char *name = files.v[i], *reg, *spec = NULL;
		char *rel = xasprintf("templates/en/%s", name), *source = tu_read_source(rel, NULL);

		for (n = 0; template_registry(n, &reg, &spec) == 0 && strcmp(reg, name) != 0; n++)
			;
		if (strcmp(reg, name) != 0)
			fail_msg("%s is in no registry entry", rel);
		for (j = 0; j < ARRAY_SIZE(langs); j++) {
			for (sparse = 0; sparse < 2; sparse++) {
				struct vars v = { { NULL }, { NULL }, 0 };
				struct strlist names = { NULL, 0 };
				char *subject = NULL, *body = NULL, *e = NULL, *summary = NULL;
				char *what = xasprintf("%s/%s%s", langs[j] != NULL ? langs[j] : "bilingual",
				    name, sparse ? " (optional values empty)" : "");

				strlist_split(&names, spec, ' ');
				strlist_add(&names, "programme");
				strlist_add(&names, "address");
				strlist_add(&names, "name");
				strlist_add(&names, "tag");
				for (k = 0; k < names.n; k++)
					vars_set(&v, names.v[k], long_value(name, names.v[k], sparse));
				if (vars_get(&v, "summary") != NULL) {
					summary = long_summary(langs[j] != NULL ? langs[j] : "en");
					vars_set(&v, "summary", summary);
				}
				if ((langs[j] != NULL ? template_render(&dirs, langs[j], name, &v, &subject,
				    &body, &e) : template_render_bilingual(&dirs, name, &v, &subject, &body,
				    &e)) < 0)
					fail_msg("%s: %s", what, e);
				assert_width(what, body);
				for (k = 0; k < names.n && !sparse; k++) {
					char *tag = xasprintf("{{%s}}", names.v[k]);
					const char *value = vars_get(&v, names.v[k]);

					if (strchr(value, '@') != NULL && strchr(value, ' ') == NULL &&
					    strstr(source, tag) != NULL && strstr(body, value) == NULL)
						fail_msg("%s: the address %s was cut:\n%s", what, value, body);
					free(tag);
				}
				if (summary != NULL && langs[j] != NULL)
					assert_form_intact(what, body);
				if (strcmp(name, "help") == 0 && langs[j] != NULL)
					assert_non_null(strstr(body, strcmp(langs[j], "en") == 0 ?
					    "\nRole: mentor or mentee\nName:\nDepartment:\nField:\n" :
					    "\nR\xc3\xb4le : mentor ou mentor\xc3\xa9\nNom :\nD\xc3\xa9partement :\n"));
				checked++;
				vars_deinit(&v);
				strlist_deinit(&names);
				free(subject);
				free(body);
				free(summary);
				free(what);
			}
		}
		free(rel);
		free(source);
	}
	assert_int_equal(checked, files.n * 6);
	strlist_deinit(&files);
	free(shipped);
}

/* The help text keeps the blank form exactly as applicants copy it. */
static void test_help_form_lines(void **state)
{
	static const char *const en[] = { "\nRole: mentor or mentee\n", "\nName:\n",
	    "\nDepartment:\n", "\nField:\n", "\nLanguage:\n", "\nTopics:\n", "\nPreference:\n",
	    "\nCapacity:\n", "\nGender:\n", "\nAbout:\n" };
	static const char *const fr[] = { "\nRôle : mentor ou mentoré\n", "\nNom :\n",
	    "\nDépartement :\n", "\nDomaine :\n", "\nLangue :\n", "\nSujets :\n",
	    "\nPréférence :\n", "\nCapacité :\n", "\nGenre :\n", "\nÀ propos :\n" };
	static const char *const files[] = { "templates/en/help", "templates/en/form-errors",
	    "templates/fr/help", "templates/fr/form-errors" };
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *text = tu_read_source(files[i], NULL);
		const char *const *keys = i < 2 ? en : fr;

		for (k = 0; k < ARRAY_SIZE(en); k++)
			if (strstr(text, keys[k]) == NULL)
				fail_msg("%s: no line %s", files[i], keys[k] + 1);
		free(text);
	}
}

/* status: each state shows its own paragraph, and only it. */
static void test_status_states(void **state)
{
	static const char *const flags[] = { "st_none", "st_pending", "st_confirmed",
	    "st_matched", "st_withdrawn", "st_waitlisted" };
	static const char *const langs[] = { "en", "fr" };
	char *shipped = source_templates(), *bodies[ARRAY_SIZE(flags)];
	struct template_dirs dirs = { NULL, shipped };
	size_t i, j, k;

	(void)state;
	for (j = 0; j < ARRAY_SIZE(langs); j++) {
		for (i = 0; i < ARRAY_SIZE(flags); i++) {
			struct vars v = { { NULL }, { NULL }, 0 };
			char *s = NULL, *e = NULL;

			vars_set(&v, "programme", "WIT");
			vars_set(&v, "address", "m@example.org");
			vars_set(&v, "tag", "WIT");
			vars_set(&v, "name", "Zoé");
			vars_set(&v, "role", "mentee");
			vars_set(&v, "cohort", "2026");
			vars_set(&v, "partner_name", "Ada Lovelace");
			vars_set(&v, "partner_address", "ada@example.org");
			vars_set(&v, "token", "T0K3N");
			vars_set(&v, "summary", "");
			vars_set(&v, "opened", "");
			vars_set(&v, "next", "");
			for (k = 0; k < ARRAY_SIZE(flags); k++)
				vars_set(&v, flags[k], k == i ? "1" : "");
			if (template_render(&dirs, langs[j], "status", &v, &s, &bodies[i], &e) < 0)
				fail_msg("%s", e);
			assert_null(strstr(bodies[i], "\n\n\n"));
			/* the token and the partner show only where they belong */
			assert_int_equal(strstr(bodies[i], "T0K3N") != NULL, i == 1);
			assert_int_equal(strstr(bodies[i], "ada@example.org") != NULL, i == 3);
			vars_deinit(&v);
			free(s);
		}
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			for (k = i + 1; k < ARRAY_SIZE(flags); k++)
				assert_string_not_equal(bodies[i], bodies[k]);
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			free(bodies[i]);
	}
	free(shipped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_and_bad_files),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_bilingual),
		cmocka_unit_test(test_registry_renders),
		cmocka_unit_test(test_unregistered_variable_reported),
		cmocka_unit_test(test_shipped_style),
		cmocka_unit_test(test_reflow),
		cmocka_unit_test(test_reflow_hostile_values),
		cmocka_unit_test(test_rendered_width),
		cmocka_unit_test(test_help_form_lines),
		cmocka_unit_test(test_status_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
