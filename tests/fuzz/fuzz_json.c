/* libFuzzer target: an OAuth 2 token service's answer through
 * json_parse_object() and the getters the token code uses, and freed
 * again. The bytes are exactly size long (no NUL after them). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "access_token", "refresh_token", "error",
		"error_description", "device_code", "user_code", "verification_uri" };
	struct json_object o;
	const char *err = NULL, *s;
	size_t i;
	long v;

	if (json_parse_object((const char *)data, size, &o, &err) < 0) {
		if (err == NULL || o.n != 0 || o.v != NULL)
			__builtin_trap();
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		s = json_get_string(&o, names[i]);
		/* a decoded value is a C string of valid UTF-8 */
		if (s != NULL && !utf8_valid(s, strlen(s)))
			__builtin_trap();
	}
	(void)json_get_long(&o, "expires_in", &v);
	(void)json_get_long(&o, "interval", &v);
	json_object_deinit(&o);
	return 0;
}
