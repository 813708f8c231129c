/* libFuzzer target: a From value through the strict mailbox reader
 * (address.h). What it accepts must read again as itself: the address it
 * gives is one strict mailbox. The bytes given are exactly size long. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address a, again;

	if (address_parse((const char *)data, size, &a) != 1)
		return 0;
	if (address_parse(a.addr, strlen(a.addr), &again) != 1 || strcmp(again.addr, a.addr) != 0 ||
	    strlen(a.name) > sizeof(a.name) - 1)
		abort();
	return 0;
}
