#include "testutil.h"

#include "bounds.h"
#include "json.h"

static const char *const fixtures[] = {
	"tests/fixtures/json/microsoft-token.json", "tests/fixtures/json/google-token.json",
	"tests/fixtures/json/quoted-expires-in.json", "tests/fixtures/json/invalid-grant.json",
	"tests/fixtures/json/consent-required.json", "tests/fixtures/json/device-code.json",
	"tests/fixtures/json/escapes.json",
};

static void test_token_answers(void **state)
{
	struct json_object o;
	const char *err = NULL;
	char *data;
	size_t len;
	long v = 0;

	(void)state;
	data = tu_read_source(fixtures[0], &len);
	assert_int_equal(json_parse_object(data, len, &o, &err), 0);
	assert_string_equal(json_get_string(&o, "token_type"), "Bearer");
	assert_true(str_has_prefix(json_get_string(&o, "access_token"), "eyJ0eXAi"));
	assert_true(str_has_prefix(json_get_string(&o, "refresh_token"), "0.AVYA-rotated"));
	assert_int_equal(json_get_long(&o, "expires_in", &v), 0);
	assert_int_equal(v, 4970);
	/* a number is not a string, a string is not a number */
	assert_null(json_get_string(&o, "expires_in"));
	assert_int_equal(json_get_long(&o, "scope", &v), -1);
	assert_null(json_get_string(&o, "absent"));
	json_object_deinit(&o);
	free(data);

	data = tu_read_source(fixtures[2], &len);
	assert_int_equal(json_parse_object(data, len, &o, &err), 0);
	assert_int_equal(json_get_long(&o, "expires_in", &v), 0);
	assert_int_equal(v, 3599);
	json_object_deinit(&o);
	free(data);

	data = tu_read_source(fixtures[4], &len);
	assert_int_equal(json_parse_object(data, len, &o, &err), 0);
	assert_string_equal(json_get_string(&o, "error"), "invalid_grant");
	assert_string_equal(json_get_string(&o, "suberror"), "consent_required");
	assert_non_null(strstr(json_get_string(&o, "error_description"), "AADSTS65001"));
	json_object_deinit(&o);
	free(data);
}

static void test_escapes_nesting_duplicates(void **state)
{
	struct json_object o;
	const char *err = NULL;
	char *data;
	size_t len;

	(void)state;
	data = tu_read_source(fixtures[6], &len);
	assert_int_equal(json_parse_object(data, len, &o, &err), 0);
	assert_string_equal(json_get_string(&o, "a"),
	    "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t");
	assert_string_equal(json_get_string(&o, "lone"), "\xef\xbf\xbdx");
	assert_string_equal(json_get_string(&o, "nul"), "a\xef\xbf\xbd" "b");
	assert_null(json_get_string(&o, "nested"));
	assert_null(json_get_string(&o, "x"));
	assert_int_equal(o.n, 5);
	json_object_deinit(&o);
	free(data);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", " ", "[]", "\"s\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1}x",
		"{\"a\":1}{}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\t\"}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{a:1}", "{\"a\" 1}", "{\"a\":[1 2]}",
		"{\"a\":[}", "{\"a\":{\"b\":1]}", "{\"a\":'x'}", "{\"a\":+1}", "{\"a\":NaN}",
	};
	struct json_object o;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = NULL;
		if (json_parse_object(bad[i], strlen(bad[i]), &o, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(err);
		assert_int_equal(o.n, 0);
		assert_null(o.v);
	}
	/* a NUL inside is not a character */
	assert_int_equal(json_parse_object("{\"a\":\"x\0y\"}", 11, &o, &err), -1);
}

static void test_bounds(void **state)
{
	struct buf b;
	struct json_object o;
	const char *err = NULL;
	size_t i;

	(void)state;
	buf_init(&b, 1u << 20);
	buf_adds(&b, "{\"deep\":");
	for (i = 0; i < JSON_DEPTH_MAX + 1; i++)
		buf_adds(&b, "[");
	for (i = 0; i < JSON_DEPTH_MAX + 1; i++)
		buf_adds(&b, "]");
	buf_adds(&b, "}");
	assert_int_equal(json_parse_object(b.s, b.len, &o, &err), -1);
	assert_string_equal(err, "nested too deep");
	buf_reset(&b);
	buf_adds(&b, "{\"long\":\"");
	for (i = 0; i <= JSON_STRING_BYTES_MAX; i++)
		buf_adds(&b, i % 2 ? "a" : "\\u0041");
	buf_adds(&b, "\"}");
	assert_int_equal(json_parse_object(b.s, b.len, &o, &err), -1);
	assert_string_equal(err, "a string is too long");
	buf_reset(&b);
	buf_adds(&b, "{");
	for (i = 0; i <= JSON_MEMBERS_MAX; i++)
		buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	buf_adds(&b, "}");
	assert_int_equal(json_parse_object(b.s, b.len, &o, &err), -1);
	assert_string_equal(err, "too many members");
	buf_deinit(&b);
}

/* Every fixture cut short at every byte is refused cleanly, and only the
 * whole (give or take trailing white space) is accepted. */
static void test_every_prefix(void **state)
{
	struct json_object o;
	const char *err;
	char *data, *copy;
	size_t len, n, i, whole;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		data = tu_read_source(fixtures[i], &len);
		for (whole = len; whole > 0 && strchr(" \t\r\n", data[whole - 1]) != NULL; whole--)
			;
		for (n = 0; n <= len; n++) {
			/* a copy of exactly n bytes, so that ASan sees any over-read */
			copy = xmalloc(n + 1);
			memcpy(copy, data, n);
			err = NULL;
			if (json_parse_object(copy, n, &o, &err) == 0) {
				if (n < whole)
					fail_msg("%s: accepted cut at %zu", fixtures[i], n);
				json_object_deinit(&o);
			} else if (n >= whole) {
				fail_msg("%s: refused whole: %s", fixtures[i], err);
			}
			free(copy);
		}
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_answers),
		cmocka_unit_test(test_escapes_nesting_duplicates),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
