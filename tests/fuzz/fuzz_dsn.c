/* libFuzzer target: delivery reports (RFC 3464) and automatic replies, as
 * mime_parse() gives them: dsn_parse() on the parsed message, and the
 * Authentication-Results check that committee mail goes through. */
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "dsn.h"
#include "mime.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const domains[] = { "example.org" };
	struct mime_msg *m = NULL;
	const char *err = NULL;
	struct arena *a;
	struct dsn d;

	if (mime_parse((const char *)data, size, &m, &err) < 0)
		return 0;
	a = arena_new();
	dsn_parse(a, m, &d);
	(void)auth_message_ok(m, &(struct auth_policy){ .authserv_id = "mx.example.org" });
	(void)auth_message_ok(m, &(struct auth_policy){ .authserv_id = "mx.example.org", .trust_spf = 1,
	    .google = 1, .exchange = 1, .domains = domains, .n_domains = 1 });
	arena_free(&a);
	mime_free(&m);
	return 0;
}
