/* auth: which messages the receiving server vouches for, read as RFC 8601
 * writes Authentication-Results. */
#include "testutil.h"

#include "auth.h"
#include "mime.h"

/* auth_message_ok() on a message of these headers and this From */
static int check_policy(const char *headers, const char *from, const struct auth_policy *p)
{
	char *raw = xasprintf("%sFrom: %s\r\nSubject: match\r\n\r\n", headers, from);
	struct mime_msg *m = NULL;
	const char *err = NULL;
	int r;

	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	r = auth_message_ok(m, p);
	mime_free(&m);
	free(raw);
	return r;
}

static int check_from(const char *headers, const char *from, int trust_spf)
{
	return check_policy(headers, from, &(struct auth_policy){ .authserv_id = "mx.example.org",
	    .trust_spf = trust_spf });
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
	assert_false(auth_message_ok(m, &(struct auth_policy){ .trust_spf = 1 }));
	mime_free(&m);
}

/* ---- the providers' marks ---- */

static const char *const org_domains[] = { "contoso.example", "fabrikam.example" };

static int check_provider(const char *headers, const char *from, int exchange, int google,
    const char *authserv_id)
{
	return check_policy(headers, from, &(struct auth_policy){ .authserv_id = authserv_id,
	    .exchange = exchange, .google = google, .domains = org_domains, .n_domains = 2 });
}

#define AS "X-MS-Exchange-Organization-AuthAs: "
#define SOURCE "X-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n"
#define MECH "X-MS-Exchange-Organization-AuthMechanism: 04\r\n"
/* what Exchange Online writes, stray tokens and all */
#define EXO_PASS AR "spf=pass (sender IP is 203.0.113.5)\r\n smtp.mailfrom=contoso.example; dkim=none" \
	" (message not signed)\r\n header.d=none;dmarc=pass action=none\r\n header.from=contoso.example;" \
	"compauth=pass reason=100\r\n"
#define EXO_FAIL AR "spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=contoso.example;" \
	" dkim=none (message not signed) header.d=none;dmarc=fail action=oreject" \
	" header.from=contoso.example;compauth=fail reason=000\r\n"

static void test_exchange_internal(void **state)
{
	const char *chair = "Chair <chair@contoso.example>";

	(void)state;
	/* a signed-in user of the organisation, with no DKIM at all */
	assert_true(check_provider(AS "Internal\r\n" SOURCE MECH, chair, 1, 0, NULL));
	assert_true(check_provider(AS "Internal\r\n" SOURCE MECH, "x@Fabrikam.Example", 1, 0, NULL));
	/* only for the organisation's domains */
	assert_false(check_provider(AS "Internal\r\n" SOURCE MECH, "x@evil.example", 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\n" SOURCE MECH, "x@sub.contoso.example", 1, 0, NULL));
	/* never without the provider: an AuthAs from outside with other */
	assert_false(check_provider(AS "Internal\r\n" SOURCE MECH, chair, 0, 0, NULL));
	assert_false(check_provider(AS "Internal\r\n" SOURCE MECH, chair, 0, 1, "mx.google.com"));
	/* AuthSource missing, empty, not a host name, or a look-alike name */
	assert_false(check_provider(AS "Internal\r\n" MECH, chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\nX-MS-Exchange-Organization-AuthSource: \r\n", chair,
	    1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\nX-MS-Exchange-Organization-AuthSource: a b.c\r\n",
	    chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\nX-MS-Exchange-Organisation-AuthSource:"
	    " AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n", chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\nX-MS-Exchange-Organization-AuthSource-Evil:"
	    " AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n", chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\nX-MS-Exchange-Organization-AuthSourc:"
	    " AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n", chair, 1, 0, NULL));
	/* another value, or a look-alike one */
	assert_false(check_provider(AS "Anonymous\r\n" SOURCE, chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internalx\r\n" SOURCE, chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal, Anonymous\r\n" SOURCE, chair, 1, 0, NULL));
	/* two AuthAs headers, or two AuthSource: one came from elsewhere */
	assert_false(check_provider(AS "Internal\r\n" AS "Internal\r\n" SOURCE, chair, 1, 0, NULL));
	assert_false(check_provider(AS "Anonymous\r\n" AS "Internal\r\n" SOURCE, chair, 1, 0, NULL));
	assert_false(check_provider(AS "Internal\r\n" SOURCE SOURCE, chair, 1, 0, NULL));
	/* Exchange's verdict of failure outweighs an AuthAs */
	assert_false(check_provider(EXO_FAIL AS "Internal\r\n" SOURCE, chair, 1, 0, NULL));
}

static void test_exchange_authentication_results(void **state)
{
	const char *chair = "Chair <chair@contoso.example>";

	(void)state;
	/* Exchange's own header, without an authserv-id, from outside */
	assert_true(check_provider(EXO_PASS AS "Anonymous\r\n", chair, 1, 0, NULL));
	assert_true(check_provider(AR "spf=pass smtp.mailfrom=contoso.example; domain; dkim=pass"
	    " header.d=contoso.example\r\n", chair, 1, 0, NULL));
	/* any domain the header proves, not only the organisation's */
	assert_true(check_provider(AR "dmarc=pass action=none header.from=other.example\r\n",
	    "x@other.example", 1, 0, NULL));
	/* AuthAs Anonymous with dmarc=fail or compauth=fail proves nothing */
	assert_false(check_provider(EXO_FAIL AS "Anonymous\r\n" SOURCE, chair, 1, 0, NULL));
	assert_false(check_provider(AR "dkim=pass header.d=contoso.example; compauth=fail reason=001\r\n"
	    AS "Anonymous\r\n", chair, 1, 0, NULL));
	/* only the topmost: the sender's header below Exchange's counts not */
	assert_false(check_provider(EXO_FAIL EXO_PASS, chair, 1, 0, NULL));
	assert_false(check_provider(AR "spf=none smtp.mailfrom=evil.example\r\n" EXO_PASS, chair, 1, 0,
	    NULL));
	/* nor without the provider, or without a pass for From */
	assert_false(check_provider(EXO_PASS, chair, 0, 0, NULL));
	assert_false(check_provider(EXO_PASS, chair, 0, 0, "spf"));
	assert_false(check_provider(EXO_PASS, "x@evil.example", 1, 0, NULL));
	/* a comment or a quoted string holds no result */
	assert_false(check_provider(AR "spf=fail (dmarc=pass header.from=contoso.example)"
	    " smtp.mailfrom=evil.example\r\n", chair, 1, 0, NULL));
	assert_false(check_provider(AR "spf=fail smtp.mailfrom=\"a;dmarc=pass"
	    " header.from=contoso.example\"@evil.example\r\n", chair, 1, 0, NULL));
	/* a header with an authserv-id on top is read the usual way */
	assert_true(check_provider(AR "mx.contoso.example; dkim=pass header.d=contoso.example\r\n",
	    chair, 1, 0, "mx.contoso.example"));
	assert_false(check_provider(AR "mx.contoso.example; dkim=pass header.d=contoso.example\r\n",
	    chair, 1, 0, NULL));
}

static void test_exchange_parse(void **state)
{
	struct auth_results ar;
	const char *v = "spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=contoso.example; domain;"
	    " dkim=none (message not signed) header.d=none;dmarc=pass action=none"
	    " header.from=contoso.example;compauth=pass reason=100";

	(void)state;
	assert_int_equal(auth_parse_exchange(v, strlen(v), &ar), 1);
	assert_int_equal(ar.n, 4);
	assert_string_equal(ar.r[0].mailfrom, "contoso.example");
	assert_string_equal(ar.r[1].method, "dkim");
	assert_string_equal(ar.r[1].header_d, "none");
	assert_string_equal(ar.r[2].header_from, "contoso.example");
	assert_string_equal(ar.r[3].method, "compauth");
	assert_int_equal(auth_parse_exchange("mx.example.org; dkim=pass", 25, &ar), 0);
	assert_int_equal(auth_parse_exchange("domain; other", 13, &ar), 0);
	assert_int_equal(auth_parse_exchange("", 0, &ar), -1);
	assert_int_equal(auth_parse_exchange("x=", 2, &ar), -1);
	assert_int_equal(auth_parse_exchange("spf=pass (unclosed", 18, &ar), -1);
	/* every prefix, exactly as long: read or refused within bounds */
	{
		size_t n;

		for (n = 0; n <= strlen(v); n++) {
			char *copy = xmalloc(n + 1);

			memcpy(copy, v, n);
			(void)auth_parse_exchange(copy, n, &ar);
			assert_true(ar.n <= AUTH_RESULTS_MAX);
			free(copy);
		}
	}
}

#define GMAIL AR "mx.google.com;\r\n dkim=pass header.i=@contoso.example header.s=g" \
	" header.b=AbCd;\r\n spf=pass (google.com: domain of chair@contoso.example designates" \
	" 203.0.113.9 as permitted sender) smtp.mailfrom=chair@contoso.example\r\n"

static void test_google(void **state)
{
	const char *gmail = GMAIL;

	(void)state;
	/* header.i counts without header.d, for that domain only */
	assert_true(check_provider(gmail, "chair@contoso.example", 0, 1, "mx.google.com"));
	assert_false(check_provider(gmail, "chair@evil.example", 0, 1, "mx.google.com"));
	assert_false(check_provider(gmail, "chair@contoso.example", 0, 0, "mx.google.com"));
	assert_false(check_provider(AR "mx.google.com; dkim=pass header.d=evil.example"
	    " header.i=@contoso.example\r\n", "chair@contoso.example", 0, 1, "mx.google.com"));
	assert_true(check_provider(AR "mx.google.com; dkim=pass header.i=chair@contoso.example\r\n",
	    "chair@contoso.example", 0, 1, "mx.google.com"));
	/* another server's header, or Google's below a forged one */
	assert_false(check_provider(gmail, "chair@contoso.example", 0, 1, "mx.contoso.example"));
	assert_false(check_provider(AR "mx.google.com; dkim=fail header.i=@contoso.example\r\n" GMAIL,
	    "chair@contoso.example", 0, 1, "mx.google.com"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_exchange_internal),
		cmocka_unit_test(test_exchange_authentication_results),
		cmocka_unit_test(test_exchange_parse),
		cmocka_unit_test(test_google),
		cmocka_unit_test(test_pass_inside_a_comment),
		cmocka_unit_test(test_pass_inside_a_quoted_string),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_no_authserv_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
