#include "testutil.h"

#include "config.h"
#include "mac.h"
#include "oauth2.h"
#include "oauth2_browser.h"

/* A small base64 decoder, to read back what the client would send. */
static char *unbase64(const char *s, size_t *len_r)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0, i;
	char *out = xmalloc(n + 1);
	unsigned v = 0;
	int bits = 0;

	for (i = 0; i < n && s[i] != '='; i++) {
		const char *p = strchr(tbl, s[i]);

		assert_non_null(p);
		v = v << 6 | (unsigned)(p - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(v >> bits & 0xff);
		}
	}
	out[o] = '\0';
	*len_r = o;
	return out;
}

static void test_xoauth2_initial_response(void **state)
{
	char *b64 = oauth2_sasl_initial(AUTH_XOAUTH2, "robot@example.org", "imap.example.org", 993,
	    "ya29.tok");
	size_t n = 0;
	char *raw = unbase64(b64, &n);
	static const char want[] = "user=robot@example.org\001auth=Bearer ya29.tok\001\001";

	(void)state;
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(raw, want, n);
	free(raw);
	free(b64);
}

static void test_oauthbearer_initial_response(void **state)
{
	/* RFC 7628 3.1 and its example in 4.1; ',' and '=' in the authzid
	 * are escaped (RFC 5801 4) */
	char *b64 = oauth2_sasl_initial(AUTH_OAUTHBEARER, "a,b=c@example.org", "server.example.com",
	    143, "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
	size_t n = 0;
	char *raw = unbase64(b64, &n);
	static const char want[] = "n,a=a=2Cb=3Dc@example.org,\001host=server.example.com\001port=143"
	    "\001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001";

	(void)state;
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(raw, want, n);
	free(raw);
	free(b64);
}

static void test_bearer_tokens(void **state)
{
	static const char *const good[] = { "ya29.a0Af-x_y~z+/0", "abc==", "eyJ0.eyJh.c2ln" };
	static const char *const bad[] = { "", "two words", "a\001b", "=abc", "a=b", "tok\r\n",
		"t\xc3\xa9", "a,b" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(oauth2_token_ok(good[i]));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (oauth2_token_ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
}

static void test_secure_urls(void **state)
{
	static const struct {
		const char *url;
		int ok;
	} cases[] = {
		{ "https://login.microsoftonline.com/x/oauth2/v2.0/token", 1 },
		{ "https://oauth2.googleapis.com/token", 1 },
		{ "http://127.0.0.1:8080/token", 1 },
		{ "http://localhost/token", 1 },
		{ "http://[::1]:9/token", 1 },
		{ "http://127.1.2.3/t", 1 },
		{ "http://login.example.org/token", 0 },
		{ "http://127.0.0.1.evil.example/token", 0 },
		{ "http://user@127.0.0.1/token", 0 },
		{ "http://10.0.0.1/token", 0 },
		{ "https://", 0 },
		{ "ftp://127.0.0.1/", 0 },
		{ "HTTPS://x", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (config_url_secure(cases[i].url) != cases[i].ok)
			fail_msg("%s: expected %d", cases[i].url, cases[i].ok);
}

/* The [oauth2] section, loaded as the operator writes it. */
static const char base[] =
    "[programme]\nname = P\naddress = mentoring@example.org\n"
    "[committee]\nmembers = chair@example.org\n"
    "[imap]\nhost = imap.example.org\nuser = mentoring@example.org\nauth = oauthbearer\n"
    "[smtp]\nurl = smtps://smtp.example.org:465\nuser = mentoring@example.org\nauth = xoauth2\n";

static int load(const char *dir, const char *extra, struct config **cfg, char **errors)
{
	char *path = xasprintf("%s/m.conf", dir), *text = xasprintf("%s%s", base, extra);
	int r;

	tu_write(path, text, 0644);
	*cfg = NULL;
	*errors = NULL;
	r = config_load(path, cfg, errors);
	free(path);
	free(text);
	return r;
}

static void test_config_section(void **state)
{
	char *dir = tu_tmpdir(), *errors = NULL, *secret = xasprintf("%s/client.secret", dir);
	struct config *cfg = NULL;

	(void)state;
	/* a bearer mechanism with neither [oauth2] nor a token file */
	assert_int_equal(load(dir, "", &cfg, &errors), -1);
	assert_non_null(strstr(errors, "[imap] auth = oauthbearer needs an [oauth2] section"));
	assert_non_null(strstr(errors, "[smtp] auth = xoauth2 needs an [oauth2] section"));
	free(errors);

	/* Microsoft 365 by tenant: both endpoints follow; the refresh token
	 * file need not exist before `oauth2 login` */
	assert_int_equal(load(dir, "[oauth2]\ntenant = contoso.onmicrosoft.com\nclient_id = abc\n"
	    "scope = https://outlook.office.com/IMAP.AccessAsUser.All offline_access\n"
	    "refresh_token_file = rt\n", &cfg, &errors), 0);
	assert_true(cfg->oauth2.enabled);
	assert_string_equal(cfg->oauth2.token_url,
	    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
	assert_string_equal(cfg->oauth2.device_url,
	    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
	assert_int_equal(cfg->oauth2.grant, GRANT_REFRESH_TOKEN);
	assert_int_equal(cfg->oauth2.timeout_seconds, 30);
	assert_true(str_has_prefix(cfg->oauth2.refresh_token_file, dir));
	assert_int_equal(cfg->imap.auth, AUTH_OAUTHBEARER);
	config_free(&cfg);

	/* what is wrong is said, all at once */
	assert_int_equal(load(dir, "[oauth2]\ntoken_url = http://login.example.org/token\n"
	    "tenant = x\ngrant = client_credentials\nrefresh_token_file = credential:rt\n",
	    &cfg, &errors), -1);
	assert_non_null(strstr(errors, "give tenant or token_url, not both"));
	assert_non_null(strstr(errors, "token_url: expected https://"));
	assert_non_null(strstr(errors, "client_id is required"));
	assert_non_null(strstr(errors, "scope is required"));
	assert_non_null(strstr(errors, "client_credentials needs client_secret_file"));
	free(errors);
	assert_int_equal(load(dir, "[oauth2]\ntoken_url = https://t.example/token\nclient_id = a\n"
	    "scope = s\nrefresh_token_file = credential:rt\ngrant = password\n", &cfg, &errors), -1);
	assert_non_null(strstr(errors, "grant: expected refresh_token or client_credentials"));
	assert_non_null(strstr(errors, "it must be a file mentord can rewrite"));
	free(errors);
	assert_int_equal(load(dir, "[oauth2]\ntenant = bad/tenant\nclient_id = a\nscope = s\n"
	    "refresh_token_file = rt\n", &cfg, &errors), -1);
	assert_non_null(strstr(errors, "tenant: expected a tenant name"));
	free(errors);

	/* client_credentials with a secret readable by others: refused */
	tu_write(secret, "s3cret\n", 0644);
	assert_int_equal(load(dir, "[oauth2]\ntoken_url = https://t.example/token\nclient_id = a\n"
	    "scope = s\ngrant = client_credentials\nclient_secret_file = client.secret\n",
	    &cfg, &errors), -1);
	assert_non_null(strstr(errors, "client_secret_file: "));
	assert_non_null(strstr(errors, "readable by group or others"));
	free(errors);
	assert_int_equal(chmod(secret, 0600), 0);
	assert_int_equal(load(dir, "[oauth2]\ntoken_url = https://t.example/token\nclient_id = a\n"
	    "scope = s\ngrant = client_credentials\nclient_secret_file = client.secret\n",
	    &cfg, &errors), 0);
	assert_int_equal(cfg->oauth2.grant, GRANT_CLIENT_CREDENTIALS);
	assert_int_equal(cfg->warnings.n, 0);
	config_free(&cfg);
	free(secret);
	tu_rmdir(dir);
}

/* The query of the address the browser ended on: a value found, decoded,
 * or refused. */
static void test_query_values(void **state)
{
	static const struct {
		const char *s, *name, *want; /* want NULL: absent or refused */
	} cases[] = {
		{ "http://127.0.0.1:8080/?code=abc&state=s1", "code", "abc" },
		{ "http://127.0.0.1:8080/?code=abc&state=s1", "state", "s1" },
		{ "/?state=s1&code=a%2Fb%3D", "code", "a/b=" },
		{ "/?error_description=The+user+declined", "error_description", "The user declined" },
		{ "code=x&state=y", "state", "y" },
		{ "/?code=abc#state=s1", "state", NULL },
		{ "/?code=abc&state=s1 HTTP/1.1", "state", "s1" },
		{ "/?xcode=1&code=2", "code", "2" },
		{ "/?code", "code", NULL },
		{ "/?code=", "code", "" },
		{ "/?code=a%0Ab", "code", NULL },
		{ "/?code=a%00b", "code", NULL },
		{ "/?code=a%7fb", "code", NULL },
		{ "/?code=a%2", "code", NULL },
		{ "/?code=a%zz", "code", NULL },
		{ "/path/without/query", "code", NULL },
		{ "", "code", NULL },
		{ "?&&=&code=ok", "code", "ok" },
	};
	size_t i;
	char *v;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = oauth2_query_get(cases[i].s, cases[i].name);
		if ((v == NULL) != (cases[i].want == NULL) || (v != NULL && strcmp(v, cases[i].want) != 0))
			fail_msg("case %zu (%s): got %s", i, cases[i].s, v != NULL ? v : "(null)");
		free(v);
	}
}

/* Every prefix of an answer: the value is found whole or not at all,
 * never read past the end. */
static void test_query_cut_anywhere(void **state)
{
	const char *full = "http://127.0.0.1:1/?state=0123abcd&code=Zm9v%2Bbar";
	char cut[128];
	size_t n;
	char *v;

	(void)state;
	for (n = 0; n <= strlen(full); n++) {
		memcpy(cut, full, n);
		cut[n] = '\0';
		v = oauth2_query_get(cut, "code");
		if (n == strlen(full))
			assert_string_equal(v, "Zm9v+bar");
		else if (v != NULL)
			assert_true(strlen(v) < strlen("Zm9v+bar") || n >= strlen(full) - 3);
		free(v);
	}
	/* a value too long is refused, not cut */
	{
		struct buf b;

		buf_init(&b, 3 * OAUTH2_QUERY_VALUE_MAX);
		buf_adds(&b, "/?code=");
		for (n = 0; n <= OAUTH2_QUERY_VALUE_MAX; n++)
			buf_addc(&b, 'a');
		assert_null(oauth2_query_get(b.s, "code"));
		buf_deinit(&b);
	}
}

/* RFC 7636 appendix B: the verifier and S256 challenge of its example. */
static void test_pkce_s256(void **state)
{
	unsigned char d[MAC_SHA256_BYTES];
	static const unsigned char want[MAC_SHA256_BYTES] = {
		0x13, 0xd3, 0x1e, 0x96, 0x1a, 0x1a, 0xd8, 0xec, 0x2f, 0x16, 0xb1, 0x0c, 0x4c, 0x98,
		0x2e, 0x08, 0x76, 0xa8, 0x78, 0xad, 0x6d, 0xf1, 0x44, 0x56, 0x6e, 0xe1, 0x89, 0x4a,
		0xcb, 0x70, 0xf9, 0xc3 };
	const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

	(void)state;
	mac_sha256(verifier, strlen(verifier), d);
	assert_memory_equal(d, want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xoauth2_initial_response),
		cmocka_unit_test(test_oauthbearer_initial_response),
		cmocka_unit_test(test_bearer_tokens),
		cmocka_unit_test(test_secure_urls),
		cmocka_unit_test(test_config_section),
		cmocka_unit_test(test_query_values),
		cmocka_unit_test(test_query_cut_anywhere),
		cmocka_unit_test(test_pkce_s256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
