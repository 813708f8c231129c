/* auth: which committee messages are vouched for by the receiving server. */
#include "testutil.h"

#include "auth.h"
#include "mime.h"

static int check(const char *headers)
{
	char *raw = xasprintf("%sFrom: Chair <chair@example.org>\r\nSubject: match\r\n\r\n", headers);
	struct mime_msg *m = NULL;
	const char *err = NULL;
	int r;

	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	r = auth_message_ok(m, "mx.example.org");
	mime_free(&m);
	free(raw);
	return r;
}

static void test_table(void **state)
{
	static const struct {
		const char *headers;
		int ok;
	} cases[] = {
		{ "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\r\n", 1 },
		{ "Authentication-Results: mx.example.org;\r\n\tdkim=pass (2048-bit key) header.d=example.org header.i=@example.org\r\n", 1 },
		{ "Authentication-Results: MX.Example.ORG; spf=pass smtp.mailfrom=chair@example.org\r\n", 1 },
		{ "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.org\r\n", 1 },
		{ "Authentication-Results: mx.example.org; dkim=pass header.d=evil.example\r\n", 0 },
		{ "Authentication-Results: mx.example.org; dkim=fail header.d=example.org\r\n", 0 },
		{ "Authentication-Results: mx.example.org; dkim=passed header.d=example.org\r\n", 0 },
		{ "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=x@example.org.evil\r\n", 0 },
		{ "Authentication-Results: mx.example.org; spf=softfail smtp.mailfrom=chair@example.org\r\n", 0 },
		/* another server's verdict proves nothing */
		{ "Authentication-Results: mx.evil.example; dkim=pass header.d=example.org\r\n", 0 },
		{ "Authentication-Results: mx.example.org.evil; dkim=pass header.d=example.org\r\n", 0 },
		/* a forged pass below our server's real fail */
		{ "Authentication-Results: mx.example.org; dkim=fail header.d=example.org\r\n"
		  "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\r\n", 0 },
		/* an internal hop's header above ours is skipped */
		{ "Authentication-Results: relay.internal; none\r\n"
		  "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\r\n", 1 },
		{ "", 0 },
		{ "Authentication-Results: mx.example.org\r\n", 0 },
		{ "Authentication-Results: mx.example.org; dkim=pass header.d=\r\n", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (check(cases[i].headers) != cases[i].ok)
			fail_msg("case %zu: %s", i, cases[i].headers);
}

static void test_no_authserv_id(void **state)
{
	const char *raw = "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\r\n"
	    "From: chair@example.org\r\n\r\n";
	struct mime_msg *m = NULL;
	const char *err = NULL;

	(void)state;
	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	assert_false(auth_message_ok(m, NULL));
	mime_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_no_authserv_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
