#include "testutil.h"

#include "bounds.h"
#include "form.h"

static void assert_str_or_null(const char *got, const char *want, const char *what)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got %s%s%s, want %s%s%s", what, got ? "\"" : "", got ? got : "NULL",
		    got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

static void print_errors(const struct form *f)
{
	size_t i;

	for (i = 0; i < f->errors.n; i++)
		print_message("  error: %s\n", f->errors.v[i]);
}

/* ---- forms as mail clients send them: tests/fixtures/form/ ---- */

struct form_case {
	const char *file;
	int ret;
	enum form_role role;
	const char *name, *department, *field, *language, *topics, *preference;
	const char *pref_gender, *pref_mentors;
	long capacity;
	const char *about, *gender, *written_lang;
	unsigned present;
};

#define ALL_NEW (FK_ROLE | FK_NAME | FK_DEPARTMENT | FK_FIELD)

static struct form_case form_cases[] = {
	{ "outlook-en-greeting-and-signature", 1, ROLE_MENTEE, "Alice Martin",
	  "Information Technology", "Software engineering, Security", "en",
	  "leadership, public speaking, negotiation", "same-department", "woman",
	  "bob.smith@example.org", 1,
	  "I joined the IT department in 2024.\nBefore that I studied physics.", "woman", "en",
	  ALL_NEW | FK_LANGUAGE | FK_TOPICS | FK_PREFERENCE | FK_ABOUT | FK_GENDER },
	{ "gmail-fr-nbsp-typography", 1, ROLE_MENTEE, "\xc3\x89lodie Durand", "Finances",
	  "Comptabilit\xc3\xa9, Audit", "fr", "n\xc3\xa9gociation, prise de parole",
	  "other-department", "woman", NULL, 1,
	  "Je travaille ici depuis 2020.\nJ'aime la montagne.", "woman", "fr",
	  ALL_NEW | FK_TOPICS | FK_PREFERENCE | FK_ABOUT | FK_GENDER },
	{ "apple-mail-keys-in-capitals", 1, ROLE_MENTOR, "Bob Smith", "HR", "Recruiting", "fr",
	  NULL, NULL, NULL, NULL, 3, NULL, NULL, "en", ALL_NEW | FK_CAPACITY | FK_LANGUAGE },
	/* a mentee's Capacity is ignored */
	{ "thunderbird-accents-missing", 1, ROLE_MENTEE, "Claire Petit", "Recherche", "Chimie",
	  "fr", NULL, "same-department", NULL, NULL, 1, "Chimiste.", NULL, "fr",
	  ALL_NEW | FK_PREFERENCE | FK_ABOUT },
	{ "continuation-lines", 1, ROLE_MENTOR, "Dan Brown", "Engineering",
	  "Mechanics, Electronics", "en", "career planning, mentoring", NULL, NULL, NULL, 1,
	  "First line.\nSecond line.\n\nSecond paragraph.", NULL, "en",
	  ALL_NEW | FK_TOPICS | FK_ABOUT },
	/* the blank form's hints left in place count as not given */
	{ "blank-form-hints-left", 1, ROLE_MENTEE, "Eve Adams", "Legal", "Contracts", "en",
	  NULL, NULL, NULL, NULL, 1, NULL, NULL, "en", ALL_NEW },
	/* "Subject: Role: mentor" is a Subject line */
	{ "quoted-headers-not-a-form", 0, ROLE_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, 1, NULL, NULL, "en", 0 },
};

static char *fixture(const char *name, size_t *len_r)
{
	return tu_fixture("form", name, ".txt", len_r);
}

static void test_form_case(void **state)
{
	const struct form_case *c = *state;
	char *text = fixture(c->file, NULL);
	struct form f;

	form_init(&f);
	assert_int_equal(form_parse(text, FORM_NEW, &f), c->ret);
	assert_int_equal(form_detect(text), c->ret);
	if (f.errors.n != 0)
		print_errors(&f);
	assert_int_equal(f.errors.n, 0);
	assert_int_equal(f.role, c->role);
	assert_str_or_null(f.name, c->name, "name");
	assert_str_or_null(f.department, c->department, "department");
	assert_str_or_null(f.field, c->field, "field");
	assert_str_or_null(f.language, c->language, "language");
	assert_str_or_null(f.topics, c->topics, "topics");
	assert_str_or_null(f.preference, c->preference, "preference");
	assert_str_or_null(f.pref_gender, c->pref_gender, "pref_gender");
	assert_str_or_null(f.pref_mentors, c->pref_mentors, "pref_mentors");
	assert_int_equal(f.capacity, c->capacity);
	assert_str_or_null(f.about, c->about, "about");
	assert_str_or_null(f.gender, c->gender, "gender");
	assert_string_equal(f.written_lang, c->written_lang);
	assert_int_equal(f.present, c->present);
	form_deinit(&f);
	free(text);
}

/* ---- every problem, in the form's language ---- */

struct error_case {
	const char *what;
	const char *text;
	enum form_mode mode;
	int ret;
	const char *errors[8]; /* all of them, in order */
};

#define NAME_101 "Abcdefghij Abcdefghij Abcdefghij Abcdefghij Abcdefghij " \
	"Abcdefghij Abcdefghij Abcdefghij Abcdefghij Abcdefghi"
#define E_ACUTE_10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E_ACUTE_100 E_ACUTE_10 E_ACUTE_10 E_ACUTE_10 E_ACUTE_10 E_ACUTE_10 \
	E_ACUTE_10 E_ACUTE_10 E_ACUTE_10 E_ACUTE_10 E_ACUTE_10
#define X_10 "xxxxxxxxxx"
#define ITEMS_20 "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t"
#define FORM_OK "Role: mentor\nName: Bob\nDepartment: HR\nField: Law\n"
#define FORM_FR_OK "R\xc3\xb4le : mentor\nNom : Bob\nD\xc3\xa9partement : RH\nDomaine : Droit\n"

static struct error_case error_cases[] = {
	{ "role", "Role: both\nName: A\nDepartment: X\nField: Y\n", FORM_NEW, 1,
	  { "Role: expected mentor or mentee, not \"both\"." } },
	{ "role fr", "R\xc3\xb4le : les deux\nNom : A\nD\xc3\xa9partement : X\nDomaine : Y\n",
	  FORM_NEW, 1,
	  { "R\xc3\xb4le : \xc2\xab les deux \xc2\xbb n'est pas reconnu ; \xc3\xa9" "crivez mentor "
	    "ou mentor\xc3\xa9." } },
	{ "missing name and bad capacity", "Role: mentor\nDepartment: X\nField: Y\nCapacity: 11\n",
	  FORM_NEW, 1,
	  { "Capacity: expected a whole number from 1 to 10, not \"11\".",
	    "Name: missing; this line is required." } },
	{ "every required key empty", "Role:\nName:\nDepartment:\nField:\n", FORM_NEW, 1,
	  { "Role: missing; this line is required.", "Name: missing; this line is required.",
	    "Department: missing; this line is required.", "Field: missing; this line is required." } },
	{ "every required key empty, fr", "R\xc3\xb4le :\nNom :\nD\xc3\xa9partement :\nDomaine :\n",
	  FORM_NEW, 1,
	  { "R\xc3\xb4le : manquant ; cette ligne est obligatoire.",
	    "Nom : manquant ; cette ligne est obligatoire.",
	    "D\xc3\xa9partement : manquant ; cette ligne est obligatoire.",
	    "Domaine : manquant ; cette ligne est obligatoire." } },
	{ "name of 101 characters", "Role: mentor\nName: " NAME_101 "\nDepartment: X\nField: Y\n",
	  FORM_NEW, 1, { "Name: at most 100 characters, please." } },
	{ "name of 100 characters, 200 bytes",
	  "Role: mentor\nName: " E_ACUTE_100 "\nDepartment: X\nField: Y\n", FORM_NEW, 1, { NULL } },
	{ "21 fields", "Role: mentor\nName: Bob\nDepartment: HR\nField: " ITEMS_20 ",u\n",
	  FORM_NEW, 1, { "Field: at most 20 items, separated by commas." } },
	{ "21 topics", FORM_OK "Topics: " ITEMS_20 ",u\n", FORM_NEW, 1,
	  { "Topics: at most 20 items, separated by commas." } },
	{ "20 topics", FORM_OK "Topics: " ITEMS_20 "\n", FORM_NEW, 1, { NULL } },
	{ "21 topics fr", FORM_FR_OK "Sujets : " ITEMS_20 ";u\n", FORM_NEW, 1,
	  { "Sujets : 20 \xc3\xa9l\xc3\xa9ments au plus, s\xc3\xa9par\xc3\xa9s par des virgules." } },
	{ "name twice", FORM_OK "Name: Robert\n", FORM_NEW, 1,
	  { "Name: given twice with different values; keep one." } },
	{ "name twice, same value", FORM_OK "Name: Bob\n", FORM_NEW, 1, { NULL } },
	{ "language", FORM_OK "Language: german\n", FORM_NEW, 1,
	  { "Language: expected en or fr, not \"german\"." } },
	{ "language fr", FORM_FR_OK "Langue : allemand\n", FORM_NEW, 1,
	  { "Langue : \xc2\xab allemand \xc2\xbb n'est pas reconnue ; \xc3\xa9" "crivez fr ou en." } },
	{ "capacity words", FORM_OK "Capacity: two\n", FORM_NEW, 1,
	  { "Capacity: expected a whole number from 1 to 10, not \"two\"." } },
	{ "capacity zero, fr", FORM_FR_OK "Capacit\xc3\xa9 : 0\n", FORM_NEW, 1,
	  { "Capacit\xc3\xa9 : \xc2\xab 0 \xc2\xbb n'est pas valable ; \xc3\xa9" "crivez un nombre "
	    "entier de 1 \xc3\xa0 10." } },
	{ "capacity fraction", FORM_OK "Capacity: 2.5\n", FORM_NEW, 1,
	  { "Capacity: expected a whole number from 1 to 10, not \"2.5\"." } },
	{ "mentee capacity ignored", "Role: mentee\nName: A\nDepartment: X\nField: Y\nCapacity: lots\n",
	  FORM_NEW, 1, { NULL } },
	{ "gender", FORM_OK "Gender: x\n", FORM_NEW, 1,
	  { "Gender: expected woman, man or non-binary, not \"x\"." } },
	{ "gender fr", FORM_FR_OK "Genre : autre chose\n", FORM_NEW, 1,
	  { "Genre : \xc2\xab autre chose \xc2\xbb n'est pas reconnu ; \xc3\xa9" "crivez femme, homme "
	    "ou non-binaire." } },
	{ "preference unknown", FORM_OK "Preference: nearby\n", FORM_NEW, 1,
	  { "Preference: \"nearby\" is not understood; write same-department, other-department or "
	    "any, a mentor's gender, or up to 3 mentors' addresses." } },
	{ "preference conflict", FORM_OK "Preference: same-department, other-department\n",
	  FORM_NEW, 1, { "Preference: choose one of same-department, other-department and any." } },
	{ "preference two genders", "Role: mentee\nName: A\nDepartment: X\nField: Y\n"
	  "Preference: woman and man\n", FORM_NEW, 1,
	  { "Preference: give one mentor gender at most." } },
	{ "preference four mentors, fr", "R\xc3\xb4le : mentor\xc3\xa9\nNom : A\nD\xc3\xa9partement : X\n"
	  "Domaine : Y\nPr\xc3\xa9" "f\xc3\xa9rence : a@x.org, b@x.org, c@x.org, d@x.org\n", FORM_NEW, 1,
	  { "Pr\xc3\xa9" "f\xc3\xa9rence : 3 adresses de mentors au plus." } },
	{ "preference bad address", "Role: mentee\nName: A\nDepartment: X\nField: Y\n"
	  "Preference: bob@@example.org\n", FORM_NEW, 1,
	  { "Preference: \"bob@@example.org\" is not a valid address." } },
	{ "about too long", FORM_OK "About: %4001\n", FORM_NEW, 1,
	  { "About: too long (at most 4000 bytes)." } },
	{ "about at the limit", FORM_OK "About: %4000\n", FORM_NEW, 1, { NULL } },
	{ "long value cut in the message", FORM_OK "Language: %200\n", FORM_NEW, 1,
	  { "Language: expected en or fr, not \"" X_10 X_10 X_10 X_10 X_10 X_10 "\xe2\x80\xa6\"." } },
	{ "update: any subset", "Topics: a, b\nLanguage: fr\n", FORM_UPDATE, 1, { NULL } },
	{ "update: values still checked", "Name: X\nCapacity: 99\n", FORM_UPDATE, 1,
	  { "Capacity: expected a whole number from 1 to 10, not \"99\"." } },
	{ "one key is not a form", "Topics: a, b\n", FORM_UPDATE, 0, { NULL } },
	{ "one key is a change", "Topics: a, b\n", FORM_CHANGE, 1, { NULL } },
	{ "one line changed, checked", "Preference: nearby\n", FORM_CHANGE, 1,
	  { "Preference: \"nearby\" is not understood; write same-department, other-department or "
	    "any, a mentor's gender, or up to 3 mentors' addresses." } },
	{ "no key is no change", "Hello,\nplease change my topics\n", FORM_CHANGE, 0, { NULL } },
	{ "all problems at once", "errors-everywhere", FORM_NEW, 1,
	  { "Role: expected mentor or mentee, not \"both\".",
	    "Language: expected en or fr, not \"german\".",
	    "Preference: \"nearby\" is not understood; write same-department, other-department or "
	    "any, a mentor's gender, or up to 3 mentors' addresses.",
	    "Preference: choose one of same-department, other-department and any.",
	    "Capacity: expected a whole number from 1 to 10, not \"lots\".",
	    "Gender: expected woman, man or non-binary, not \"x\".",
	    "Name: missing; this line is required.", "Field: missing; this line is required." } },
	{ "all problems at once, fr", "errors-everywhere-fr", FORM_NEW, 1,
	  { "R\xc3\xb4le : \xc2\xab les deux \xc2\xbb n'est pas reconnu ; \xc3\xa9" "crivez mentor "
	    "ou mentor\xc3\xa9.",
	    "Langue : \xc2\xab allemand \xc2\xbb n'est pas reconnue ; \xc3\xa9" "crivez fr ou en.",
	    "Pr\xc3\xa9" "f\xc3\xa9rence : 3 adresses de mentors au plus.",
	    "Capacit\xc3\xa9 : \xc2\xab 0 \xc2\xbb n'est pas valable ; \xc3\xa9" "crivez un nombre "
	    "entier de 1 \xc3\xa0 10.",
	    "Nom : manquant ; cette ligne est obligatoire.",
	    "Domaine : manquant ; cette ligne est obligatoire." } },
};

/* "%N" in a case's text stands for N times 'x'; a text without a newline
 * names a fixture. */
static char *case_text(const char *t)
{
	const char *pct = strchr(t, '%');
	struct buf b;
	long n, i;
	char *num;

	if (strchr(t, '\n') == NULL)
		return fixture(t, NULL);
	if (pct == NULL)
		return xstrdup(t);
	buf_init(&b, 1u << 20);
	buf_add(&b, t, (size_t)(pct - t));
	num = xstrndup(pct + 1, strspn(pct + 1, "0123456789"));
	assert_int_equal(str_to_long(num, 1, 100000, &n), 0);
	for (i = 0; i < n; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, pct + 1 + strlen(num));
	free(num);
	return buf_steal(&b);
}

static void test_error_case(void **state)
{
	const struct error_case *c = *state;
	char *text = case_text(c->text);
	struct form f;
	size_t i, n = 0;

	form_init(&f);
	assert_int_equal(form_parse(text, c->mode, &f), c->ret);
	while (n < ARRAY_SIZE(c->errors) && c->errors[n] != NULL)
		n++;
	if (f.errors.n != n)
		print_errors(&f);
	assert_int_equal(f.errors.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(f.errors.v[i], c->errors[i]);
	form_deinit(&f);
	free(text);
}

/* ---- values ---- */

static void test_values(void **state)
{
	struct form f;

	(void)state;
	form_init(&f);
	/* control characters out, U+FFFD for invalid bytes, About keeps lines */
	assert_int_equal(form_parse("Role: Mentor\nName: Al\x01ice\t  Martin \xff\n"
	    "Department:  Human\x7f   Resources\nField: Law\nAbout: one\x07 two\n  three\xc2\x85\n",
	    FORM_NEW, &f), 1);
	assert_int_equal(f.errors.n, 0);
	assert_string_equal(f.name, "Alice Martin \xef\xbf\xbd");
	assert_string_equal(f.department, "Human Resources");
	assert_string_equal(f.about, "one two\nthree");
	form_deinit(&f);

	/* gender words, and a gender left unsaid */
	assert_int_equal(form_parse(FORM_FR_OK "Genre : non-binaire\n", FORM_NEW, &f), 1);
	assert_string_equal(f.gender, "nonbinary");
	assert_int_equal(form_parse(FORM_OK "Gender: prefer not to say\n", FORM_NEW, &f), 1);
	assert_null(f.gender);
	assert_int_equal(f.errors.n, 0);
	assert_true(f.present & FK_GENDER);

	/* a mentor's preferred mentors and gender mean nothing */
	assert_int_equal(form_parse(FORM_OK "Preference: any, woman, x@example.org\n", FORM_NEW, &f), 1);
	assert_string_equal(f.preference, "any");
	assert_null(f.pref_gender);
	assert_null(f.pref_mentors);

	/* Role values in every spelling */
	assert_int_equal(form_parse("Role: MENTOR\xc3\x89" "E\nName: A\n", FORM_UPDATE, &f), 1);
	assert_int_equal(f.role, ROLE_MENTEE);
	assert_int_equal(form_parse("R\xc3\xb4le: Mentor\xc3\xa9\xc2\xb7" "e\nNom: A\n", FORM_UPDATE, &f), 1);
	assert_int_equal(f.role, ROLE_MENTEE);
	/* French role words keep their accents: a mentore is a mentor */
	assert_int_equal(form_parse("Role: mentore\nName: A\n", FORM_UPDATE, &f), 1);
	assert_int_equal(f.role, ROLE_MENTOR);
	assert_string_equal(form_role_name(f.role), "mentor");

	/* Language spellings; "Service" for Department; bold keys */
	assert_int_equal(form_parse("*Langue :* Fran\xc3\xa7" "ais\n*Service :* Finances\n",
	    FORM_UPDATE, &f), 1);
	assert_string_equal(f.language, "fr");
	assert_string_equal(f.department, "Finances");
	assert_int_equal(f.present, FK_LANGUAGE | FK_DEPARTMENT);
	assert_int_equal(form_parse("Language: anglais\nName: A\n", FORM_UPDATE, &f), 1);
	assert_string_equal(f.language, "en");

	/* preferences: every spelling, addresses in angle brackets */
	assert_int_equal(form_parse("Role: mentee\nPr\xc3\xa9" "f\xc3\xa9rence : m\xc3\xaame "
	    "d\xc3\xa9partement, une mentore femme, <A@Example.org>, mailto:b@example.org\n",
	    FORM_UPDATE, &f), 1);
	assert_int_equal(f.errors.n, 0);
	assert_string_equal(f.preference, "same-department");
	assert_string_equal(f.pref_gender, "woman");
	assert_string_equal(f.pref_mentors, "a@example.org,b@example.org");
	assert_int_equal(form_parse("Role: mentee\nPreference: peu importe\n", FORM_UPDATE, &f), 1);
	assert_string_equal(f.preference, "any");
	assert_int_equal(form_parse("Role: mentee\nPreference: autre-departement\n", FORM_UPDATE, &f), 1);
	assert_string_equal(f.preference, "other-department");
	form_deinit(&f);
}

/* French if most keys given a value were French; ties go to English. */
static void test_written_language(void **state)
{
	static const struct {
		const char *text;
		const char *lang;
	} cases[] = {
		{ "Nom : A\nR\xc3\xb4le : mentor\nDepartment: X\nField: Y\n", "en" },
		{ "Nom: A\nRole: mentor\nD\xc3\xa9partement: X\nField: Y\n", "fr" },
		{ "Role : mentor\nName: A\n", "en" },
		{ "Role : mentor\nNom: A\n", "fr" },
		{ "Name:\nField:\nNom : A\nDomaine : B\nD\xc3\xa9partement : C\n", "fr" },
		{ "Nom :\nDomaine :\nName: A\nField: B\n", "en" },
	};
	struct form f;
	size_t i;

	(void)state;
	form_init(&f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(form_parse(cases[i].text, FORM_UPDATE, &f), 1);
		if (strcmp(f.written_lang, cases[i].lang) != 0)
			fail_msg("case %zu: written in %s", i, f.written_lang);
		assert_string_equal(f.language, cases[i].lang);
	}
	form_deinit(&f);
}

static void test_detect(void **state)
{
	static const struct {
		const char *text;
		int form;
	} cases[] = {
		{ "Role: mentor", 1 },
		{ "Hello,\n\n  r\xc3\xb4le\xe2\x80\xaf: x\n", 1 },
		{ "Name: A\nDepartment: B", 1 },
		{ "Nom : A\nLangue : fr", 1 },
		{ "Name: A\nName: B\n", 0 },
		{ "Topics: a\n", 0 },
		{ "Hello,\nI would like to apply: how do I do it?\nThanks\n", 0 },
		{ "Subject: Role: mentor\nTo: Name: x\n", 0 },
		{ "Role mentor\nName A\n", 0 },
		{ "", 0 },
		{ ":\n:\n: :\n", 0 },
	};
	struct form f;
	size_t i;

	(void)state;
	form_init(&f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (form_detect(cases[i].text) != cases[i].form)
			fail_msg("case %zu: form_detect", i);
		assert_int_equal(form_parse(cases[i].text, FORM_UPDATE, &f), cases[i].form);
		if (!cases[i].form)
			assert_int_equal(f.errors.n, 0);
	}
	form_deinit(&f);
}

/* ---- departments of the list ---- */

static void test_departments(void **state)
{
	static const char list[] = "IT = Information Technology, IT dept; HR = Human Resources,"
	    " People; Finance; Physique = Physics, D\xc3\xa9partement de physique";
	static const struct {
		const char *written;
		int r;
		const char *dept;
	} cases[] = {
		{ "IT", 1, "IT" },
		{ "it", 1, "IT" },
		{ "IT dept. (infrastructure team)", 1, "IT" },
		{ "Information Technology", 1, "IT" },
		{ "human resources", 1, "HR" },
		{ "Finances", 0, NULL },
		{ "finance", 1, "Finance" },
		{ "physique", 1, "Physique" },
		{ "D\xc3\xa9partement de Physique", 1, "Physique" },
		{ "departement de physique", 1, "Physique" },
		/* two named: not guessed */
		{ "IT and HR", -1, "IT, HR" },
		{ "People in IT", -1, "IT, HR" },
		/* its very name wins over a word of another */
		{ "Legal", 0, NULL },
		{ "", 0, NULL },
		{ "Audit", 0, NULL },
	};
	char *dept;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = form_department(list, cases[i].written, &dept);
		if (r != cases[i].r)
			fail_msg("'%s': %d, expected %d", cases[i].written, r, cases[i].r);
		if (cases[i].dept == NULL)
			assert_null(dept);
		else
			assert_string_equal(dept, cases[i].dept);
		free(dept);
	}
	assert_int_equal(form_department(NULL, "IT", &dept), 0);
	assert_int_equal(form_department("", "IT", &dept), 0);
	assert_int_equal(form_department(";;=;, ,", "IT", &dept), 0);
}

/* ---- every prefix ---- */

static int single_line_ok(const char *s)
{
	return s == NULL || (strchr(s, '\n') == NULL && strchr(s, '\r') == NULL &&
	    !str_has_ctl(s) && strlen(s) <= FORM_FIELD_BYTES_MAX);
}

static void assert_same_form(const struct form *a, const struct form *b)
{
	size_t i;

	assert_int_equal(a->role, b->role);
	assert_str_or_null(a->name, b->name, "name");
	assert_str_or_null(a->department, b->department, "department");
	assert_str_or_null(a->field, b->field, "field");
	assert_str_or_null(a->language, b->language, "language");
	assert_str_or_null(a->topics, b->topics, "topics");
	assert_str_or_null(a->preference, b->preference, "preference");
	assert_str_or_null(a->pref_gender, b->pref_gender, "pref_gender");
	assert_str_or_null(a->pref_mentors, b->pref_mentors, "pref_mentors");
	assert_int_equal(a->capacity, b->capacity);
	assert_str_or_null(a->about, b->about, "about");
	assert_str_or_null(a->gender, b->gender, "gender");
	assert_string_equal(a->written_lang, b->written_lang);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->errors.n, b->errors.n);
	for (i = 0; i < a->errors.n; i++)
		assert_string_equal(a->errors.v[i], b->errors.v[i]);
}

/* The input cut at every byte, each cut in a buffer of its exact size so
 * that ASan sees any read past it; one struct reused throughout, so that
 * the whole form parsed last must equal a fresh one-shot parse. */
static void test_every_prefix(void **state)
{
	static const char *const files[] = {
		"outlook-en-greeting-and-signature", "gmail-fr-nbsp-typography",
		"continuation-lines", "errors-everywhere-fr", "thunderbird-accents-missing",
	};
	struct form reused, once;
	size_t i, n, len;
	char *text, *cut;
	int r;

	(void)state;
	form_init(&reused);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		text = fixture(files[i], &len);
		for (n = 0; n <= len; n++) {
			cut = xmalloc(n + 1);
			memcpy(cut, text, n);
			cut[n] = '\0';
			r = form_parse(cut, FORM_NEW, &reused);
			assert_int_equal(r, form_detect(cut));
			if (r == 0)
				assert_int_equal(reused.errors.n, 0);
			assert_true(single_line_ok(reused.name) && single_line_ok(reused.department) &&
			    single_line_ok(reused.field) && single_line_ok(reused.topics) &&
			    single_line_ok(reused.pref_mentors));
			assert_true(reused.about == NULL || strchr(reused.about, '\r') == NULL);
			free(cut);
		}
		form_init(&once);
		form_parse(text, FORM_NEW, &once);
		assert_same_form(&reused, &once);
		form_deinit(&once);
		free(text);
	}
	form_deinit(&reused);
}

/* Random texts built from the pieces the parser looks for. */
static void test_random_pieces(void **state)
{
	static const char *const pieces[] = {
		"Role", "R\xc3\xb4le", "Name", "About", "\xc3\x80 propos", "Preference", "Capacity",
		"Field", "Topics", "Gender", ":", " :", "\xc2\xa0", "\xe2\x80\xaf", "\n", "\r", "  ",
		"\t", "mentor", "mentor\xc3\xa9", "x", ",", ";", "@", "a@b.org", "woman", "3", "(",
		")", "\xff", "\xc3", "\x01", "same-department", " and ",
	};
	uint32_t seed = 88172645u;
	struct form f;
	char buf[300];
	int round, r;

	(void)state;
	form_init(&f);
	for (round = 0; round < 20000; round++) {
		tu_random_pieces(&seed, pieces, ARRAY_SIZE(pieces), 30, buf, sizeof(buf));
		r = form_parse(buf, round % 2 ? FORM_NEW : FORM_UPDATE, &f);
		assert_int_equal(r, form_detect(buf));
		assert_true(single_line_ok(f.name) && single_line_ok(f.department) &&
		    single_line_ok(f.field) && single_line_ok(f.topics) &&
		    single_line_ok(f.pref_mentors));
		assert_true(f.about == NULL || utf8_valid(f.about, strlen(f.about)));
		assert_true(f.name == NULL || utf8_valid(f.name, strlen(f.name)));
	}
	form_deinit(&f);
}

/* A large text of form-like lines stays linear and bounded. */
static void test_large_text(void **state)
{
	struct buf b;
	struct form f;
	size_t i;

	(void)state;
	buf_init(&b, TEXT_BYTES_MAX);
	buf_adds(&b, "Role: mentor\nName: A\nDepartment: B\nField: C\nAbout: x\n");
	for (i = 0; b.len + 16 < TEXT_BYTES_MAX; i++)
		buf_adds(&b, i % 2 ? "  more words\n" : "  \n");
	form_init(&f);
	assert_int_equal(form_parse(b.s, FORM_NEW, &f), 1);
	assert_int_equal(f.errors.n, 1);
	assert_string_equal(f.errors.v[0], "About: too long (at most 4000 bytes).");
	form_deinit(&f);
	buf_deinit(&b);
}

int main(void)
{
	struct CMUnitTest forms[ARRAY_SIZE(form_cases)];
	struct CMUnitTest errors[ARRAY_SIZE(error_cases)];
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_written_language),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_departments),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_pieces),
		cmocka_unit_test(test_large_text),
	};
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(form_cases); i++) {
		forms[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_form_case, &form_cases[i]);
		forms[i].name = form_cases[i].file;
	}
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		errors[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_error_case,
		    &error_cases[i]);
		errors[i].name = error_cases[i].what;
	}
	failed += cmocka_run_group_tests_name("form: mail clients", forms, NULL, NULL);
	failed += cmocka_run_group_tests_name("form: errors", errors, NULL, NULL);
	failed += cmocka_run_group_tests_name("form: values and robustness", other, NULL, NULL);
	return failed != 0;
}
