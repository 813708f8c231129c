/* libFuzzer target: a calendar reply (iMIP REPLY, RFC 6047) as it comes in
 * a text/calendar part: ical_parse_reply() and everything freed again.
 * libical is loaded at run time, as in the daemon. */
#include <stddef.h>
#include <stdint.h>

#include "ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_reply *replies = NULL;
	size_t n = 0;

	if (ical_parse_reply((const char *)data, size, &replies, &n) == 0)
		ical_replies_free(&replies, n);
	return 0;
}
