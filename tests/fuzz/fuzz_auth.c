/* libFuzzer target: an Authentication-Results value through the RFC 8601
 * reader (auth.h). Whatever it gives is within its bounds: at most
 * AUTH_RESULTS_MAX clauses, none when the header did not parse. The same
 * bytes through Exchange's lenient reader. The bytes given are exactly
 * size long. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_results ar;
	size_t i;
	int r = auth_parse((const char *)data, size, &ar);

	if (ar.n > AUTH_RESULTS_MAX || (r != 1 && ar.n != 0) ||
	    strlen(ar.authserv_id) >= sizeof(ar.authserv_id))
		abort();
	for (i = 0; i < ar.n; i++)
		if (strlen(ar.r[i].method) == 0 || strlen(ar.r[i].result) == 0 ||
		    strlen(ar.r[i].header_d) >= sizeof(ar.r[i].header_d))
			abort();
	r = auth_parse_exchange((const char *)data, size, &ar);
	if (ar.n > AUTH_RESULTS_MAX || (r != 1 && ar.n != 0) || (r == 1 && ar.n == 0))
		abort();
	for (i = 0; i < ar.n; i++)
		if (strlen(ar.r[i].method) == 0 || strlen(ar.r[i].result) == 0 ||
		    strlen(ar.r[i].header_i) >= sizeof(ar.r[i].header_i))
			abort();
	return 0;
}
