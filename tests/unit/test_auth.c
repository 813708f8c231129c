/* auth: which messages the receiving server vouches for, read as RFC 8601
 * writes Authentication-Results. */
#include "testutil.h"

#include "auth.h"
#include "mime.h"

static int check_from(const char *headers, const char *from, int trust_spf)
{
	char *raw = xasprintf("%sFrom: %s\r\nSubject: match\r\n\r\n", headers, from);
	struct mime_msg *m = NULL;
	const char *err = NULL;
	int r;

	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	r = auth_message_ok(m, "mx.example.org", trust_spf);
	mime_free(&m);
	free(raw);
	return r;
}

static int check(const char *headers, int trust_spf)
{
	return check_from(headers, "Chair <chair@example.org>", trust_spf);
}

#define AR "Authentication-Results: "

static void test_table(void **state)
{
	static const struct {
		const char *headers;
		int ok, ok_with_spf;
	} cases[] = {
		{ AR "mx.example.org; dkim=pass header.d=example.org\r\n", 1, 1 },
		{ AR "mx.example.org;\r\n\tdkim=pass (2048-bit key) header.d=example.org header.i=@example.org\r\n", 1, 1 },
		{ AR "mx.example.org; dmarc=pass (p=none dis=none) header.from=example.org\r\n", 1, 1 },
		{ AR "mx.example.org 1; dkim=pass reason=\"good; yes\" header.d=example.org\r\n", 1, 1 },
		{ AR "\"mx.example.org\"; dkim/1 = pass header . d = example.org\r\n", 1, 1 },
		{ AR "mx.example.org; spf=pass smtp.mailfrom=chair@example.org;\r\n"
		  "\tdkim=pass header.d=example.org; dmarc=pass header.from=example.org\r\n", 1, 1 },
		/* spf=pass alone only when the configuration trusts it */
		{ AR "MX.Example.ORG; spf=pass smtp.mailfrom=chair@example.org\r\n", 0, 1 },
		{ AR "mx.example.org; spf=pass smtp.mailfrom=example.org\r\n", 0, 1 },
		{ AR "mx.example.org; spf=pass smtp.mailfrom=x@example.org.evil\r\n", 0, 0 },
		{ AR "mx.example.org; spf=softfail smtp.mailfrom=chair@example.org\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=pass header.d=evil.example\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=pass header.d=sub.example.org\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=fail header.d=example.org\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=passed header.d=example.org\r\n", 0, 0 },
		{ AR "mx.example.org; dmarc=pass header.from=evil.example\r\n", 0, 0 },
		{ AR "mx.example.org; dmarc=fail header.from=example.org\r\n", 0, 0 },
		/* another server's verdict proves nothing */
		{ AR "mx.evil.example; dkim=pass header.d=example.org\r\n", 0, 0 },
		{ AR "mx.example.org.evil; dkim=pass header.d=example.org\r\n", 0, 0 },
		/* a forged pass below our server's real fail */
		{ AR "mx.example.org; dkim=fail header.d=example.org\r\n"
		  AR "mx.example.org; dkim=pass header.d=example.org\r\n", 0, 0 },
		/* an internal hop's header above ours is skipped */
		{ AR "relay.internal; none\r\n"
		  AR "mx.example.org; dkim=pass header.d=example.org\r\n", 1, 1 },
		{ "", 0, 0 },
		{ AR "mx.example.org\r\n", 0, 0 },
		{ AR "mx.example.org; none\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=pass header.d=\r\n", 0, 0 },
		/* a header that does not parse proves nothing, even its good part */
		{ AR "mx.example.org; dkim=pass header.d=example.org; ???\r\n", 0, 0 },
		{ AR "mx.example.org; dkim=pass header.d=example.org (unclosed\r\n", 0, 0 },
		{ AR "mx.example.org dkim=pass header.d=example.org\r\n", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (check(cases[i].headers, 0) != cases[i].ok)
			fail_msg("case %zu: %s", i, cases[i].headers);
		if (check(cases[i].headers, 1) != cases[i].ok_with_spf)
			fail_msg("case %zu with trust_spf: %s", i, cases[i].headers);
	}
}

/* The attacks that passed when the header was split on every ';': a
 * "dkim=pass" inside a comment, and one inside a quoted string. */
static void test_pass_inside_a_comment(void **state)
{
	(void)state;
	assert_false(check(AR "mx.example.org; dkim=fail (bad; dkim=pass header.d=example.org)"
	    " header.d=evil.example\r\n", 0));
	assert_false(check(AR "mx.example.org; dkim=fail (bad; dkim=pass header.d=example.org)"
	    " header.d=evil.example\r\n", 1));
}

static void test_pass_inside_a_quoted_string(void **state)
{
	(void)state;
	assert_false(check(AR "mx.example.org; spf=fail smtp.mailfrom=\"x; dkim=pass"
	    " header.d=example.org y\"@evil.example\r\n", 0));
	assert_false(check(AR "mx.example.org; spf=fail smtp.mailfrom=\"x; dkim=pass"
	    " header.d=example.org y\"@evil.example\r\n", 1));
}

/* The same checks for a From that the reader refuses or quotes. */
static void test_from(void **state)
{
	(void)state;
	assert_false(check_from(AR "mx.example.org; dkim=pass header.d=example.org\r\n",
	    "\"chair@example.org\"@evil.example", 0));
	assert_false(check_from(AR "mx.example.org; dkim=pass header.d=example.org\r\n",
	    "chair@example.org, mallory@evil.example", 0));
	assert_true(check_from(AR "mx.example.org; dkim=pass header.d=evil.example\r\n",
	    "\"chair@example.org\"@evil.example", 0));
}

static void test_parse(void **state)
{
	struct auth_results ar;
	const char *v = "mx.example.org 1; dkim=pass (2048-bit key; unprotected) header.d=Example.org"
	    " header.s=sel header.b=\"AbC+/=\"; spf=pass smtp.mailfrom=\"odd;local\"@Mail.Example.org"
	    " smtp.helo=mail.example.org; dmarc=pass header.from=example.org";

	(void)state;
	assert_int_equal(auth_parse(v, strlen(v), &ar), 1);
	assert_string_equal(ar.authserv_id, "mx.example.org");
	assert_int_equal(ar.n, 3);
	assert_string_equal(ar.r[0].method, "dkim");
	assert_string_equal(ar.r[0].result, "pass");
	assert_string_equal(ar.r[0].header_d, "Example.org");
	assert_string_equal(ar.r[1].method, "spf");
	assert_string_equal(ar.r[1].mailfrom, "Mail.Example.org");
	assert_string_equal(ar.r[2].header_from, "example.org");
	assert_int_equal(auth_parse("", 0, &ar), -1);
	assert_int_equal(auth_parse("(only a comment)", 16, &ar), -1);
	assert_int_equal(auth_parse("mx; dkim", 8, &ar), 0);
	assert_int_equal(ar.n, 0);
}

/* Every prefix of a long header, given exactly as long as the prefix:
 * parsed or refused, never a read past the end. */
static void test_every_prefix(void **state)
{
	const char *v = "mx.example.org 1; dkim=pass (a (nested) comment \\) ) header.d=example.org;"
	    " spf=fail smtp.mailfrom=\"x; dkim=pass\"@evil.example reason=\"q\\\"uote\"; none";
	struct auth_results ar;
	size_t n, len = strlen(v);

	(void)state;
	for (n = 0; n <= len; n++) {
		char *copy = xmalloc(n > 0 ? n : 1);

		memcpy(copy, v, n);
		(void)auth_parse(copy, n, &ar);
		assert_true(ar.n <= AUTH_RESULTS_MAX);
		free(copy);
	}
}

static void test_no_authserv_id(void **state)
{
	const char *raw = AR "mx.example.org; dkim=pass header.d=example.org\r\n"
	    "From: chair@example.org\r\n\r\n";
	struct mime_msg *m = NULL;
	const char *err = NULL;

	(void)state;
	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	assert_false(auth_message_ok(m, NULL, 1));
	mime_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_pass_inside_a_comment),
		cmocka_unit_test(test_pass_inside_a_quoted_string),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_no_authserv_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
