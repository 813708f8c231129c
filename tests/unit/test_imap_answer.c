/* imap_answer: response codes and the providers' words in a server's
 * status answers, read from hostile lines. */
#include "testutil.h"

#include "imap_answer.h"

static void parse(const char *line, struct imap_answer *a)
{
	imap_answer_parse(line, strlen(line), a);
}

static void test_table(void **state)
{
	static const struct {
		const char *line;
		const char *status, *code_name, *text;
		enum imap_code code;
		long backoff_ms;
		int too_many, token_expired;
	} t[] = {
		{ "NO [ALERT] Too many simultaneous connections. (Failure)", "NO", "ALERT",
		  "Too many simultaneous connections. (Failure)", IMAP_CODE_ALERT, 0, 1, 0 },
		{ "NO Request is throttled. Suggested Backoff Time: 56092 milliseconds", "NO", "",
		  "Request is throttled. Suggested Backoff Time: 56092 milliseconds", IMAP_CODE_NONE,
		  56092, 0, 0 },
		{ "* BYE Session invalidated - AccessTokenExpired", "BYE", "",
		  "Session invalidated - AccessTokenExpired", IMAP_CODE_NONE, 0, 0, 1 },
		{ "NO User is authenticated but not connected.", "NO", "",
		  "User is authenticated but not connected.", IMAP_CODE_NONE, 0, 1, 0 },
		{ "NO [OVERQUOTA] Quota exceeded", "NO", "OVERQUOTA", "Quota exceeded",
		  IMAP_CODE_OVERQUOTA, 0, 0, 0 },
		{ "NO [UNAVAILABLE] Try later\r\n", "NO", "UNAVAILABLE", "Try later",
		  IMAP_CODE_UNAVAILABLE, 0, 0, 0 },
		{ "NO [AUTHENTICATIONFAILED] Authentication failed.", "NO", "AUTHENTICATIONFAILED",
		  "Authentication failed.", IMAP_CODE_AUTHENTICATIONFAILED, 0, 0, 0 },
		{ "no [limit] too many", "NO", "LIMIT", "too many", IMAP_CODE_LIMIT, 0, 0, 0 },
		{ "OK [PERMANENTFLAGS (\\Seen \\Deleted)] Permanent flags", "OK", "PERMANENTFLAGS",
		  "Permanent flags", IMAP_CODE_OTHER, 0, 0, 0 },
		{ "BAD Command Argument Error. 11", "BAD", "", "Command Argument Error. 11",
		  IMAP_CODE_NONE, 0, 0, 0 },
		/* not an answer, or a code that does not close: text as it is */
		{ "hello [ALERT] x", "", "", "hello [ALERT] x", IMAP_CODE_NONE, 0, 0, 0 },
		{ "NO [ALERT unclosed", "NO", "", "[ALERT unclosed", IMAP_CODE_NONE, 0, 0, 0 },
		{ "NO [] empty", "NO", "", "[] empty", IMAP_CODE_NONE, 0, 0, 0 },
		{ "NOPE [ALERT] x", "", "", "NOPE [ALERT] x", IMAP_CODE_NONE, 0, 0, 0 },
		{ "", "", "", "", IMAP_CODE_NONE, 0, 0, 0 },
		/* a wait past a day is a day; in seconds where it says so */
		{ "NO Suggested Backoff Time: 99999999999999999999 milliseconds", "NO", "",
		  NULL, IMAP_CODE_NONE, IMAP_ANSWER_BACKOFF_MAX_MS, 0, 0 },
		{ "NO Suggested Backoff Time: 30 seconds", "NO", "", NULL, IMAP_CODE_NONE, 30000, 0, 0 },
		{ "NO Suggested Backoff Time: 0 milliseconds", "NO", "", NULL, IMAP_CODE_NONE, 1, 0, 0 },
		{ "NO Suggested Backoff Time: soon", "NO", "", NULL, IMAP_CODE_NONE, 0, 0, 0 },
	};
	struct imap_answer a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		parse(t[i].line, &a);
		if (strcmp(a.status, t[i].status) != 0 || strcmp(a.code_name, t[i].code_name) != 0 ||
		    (t[i].text != NULL && strcmp(a.text, t[i].text) != 0) || a.code != t[i].code ||
		    a.backoff_ms != t[i].backoff_ms || a.too_many != t[i].too_many ||
		    a.token_expired != t[i].token_expired)
			fail_msg("%s: status %s code %s (%d) text '%s' backoff %ld too_many %d expired %d",
			    t[i].line, a.status, a.code_name, a.code, a.text, a.backoff_ms, a.too_many,
			    a.token_expired);
	}
	assert_string_equal(imap_answer_meaning(&(struct imap_answer){ .code = IMAP_CODE_OVERQUOTA }),
	    "the mailbox is over its quota");
	assert_null(imap_answer_meaning(&(struct imap_answer){ .code = IMAP_CODE_ALERT }));
}

/* From pieces libetpan took apart: the same reading. */
static void test_from_pieces(void **state)
{
	struct imap_answer a;

	(void)state;
	imap_answer_from(&a, "NO", "ALERT", "Too many simultaneous connections.");
	assert_int_equal(a.code, IMAP_CODE_ALERT);
	assert_true(a.too_many);
	imap_answer_from(&a, "NO", NULL, "Request is throttled. Suggested Backoff Time: 1500 milliseconds");
	assert_int_equal(a.backoff_ms, 1500);
	imap_answer_from(&a, "BYE", NULL, "Session invalidated - AccessTokenExpired");
	assert_true(a.token_expired);
	imap_answer_from(&a, NULL, "overquota extra", NULL);
	assert_int_equal(a.code, IMAP_CODE_OVERQUOTA);
	assert_string_equal(a.text, "");
}

/* Every prefix of each line, without a NUL after it, and a text far over
 * the limit: read within bounds (ASan watches), the text always a string. */
static void test_split_at_every_byte(void **state)
{
	static const char *const lines[] = {
		"NO [ALERT] Too many simultaneous connections. (Failure)",
		"NO Request is throttled. Suggested Backoff Time: 56092 milliseconds",
		"* BYE Session invalidated - AccessTokenExpired",
		"OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)] flags",
	};
	struct imap_answer a;
	char *long_line;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		for (n = 0; n <= strlen(lines[i]); n++) {
			char *copy = xmalloc(n > 0 ? n : 1);

			memcpy(copy, lines[i], n);
			imap_answer_parse(copy, n, &a);
			assert_true(strlen(a.text) <= n);
			free(copy);
		}
	long_line = xmalloc(100001);
	memset(long_line, 'x', 100000);
	memcpy(long_line, "NO [", 4);
	long_line[100000] = '\0';
	parse(long_line, &a);
	assert_int_equal(strlen(a.text), IMAP_ANSWER_TEXT_MAX - 1);
	assert_true(strlen(a.code_name) < sizeof(a.code_name));
	free(long_line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_from_pieces),
		cmocka_unit_test(test_split_at_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
