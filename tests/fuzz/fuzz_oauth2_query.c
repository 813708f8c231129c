/* libFuzzer target: the address the browser ended on after signing in
 * (pasted by the operator or requested of the loopback listener), through
 * oauth2_query_get() for each name the sign-in reads. The bytes are
 * exactly size long: they are copied to a C string first. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oauth2_browser.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "code", "state", "error", "error_description", "" };
	char *s = xstrndup((const char *)data, size), *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		v = oauth2_query_get(s, names[i]);
		/* a value is bounded and holds no control character */
		if (v != NULL && (strlen(v) > OAUTH2_QUERY_VALUE_MAX || str_has_ctl(v)))
			__builtin_trap();
		free(v);
	}
	free(s);
	return 0;
}
