/* libFuzzer target: a From value through the strict mailbox reader
 * (address.h). What it accepts must read again as itself: the address it
 * gives is one strict mailbox, and holds no control character, white
 * space of a fold included. The bytes given are exactly size long. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address a, again;
	const char *p;

	if (address_parse((const char *)data, size, &a) != 1)
		return 0;
	for (p = a.addr; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	if (address_parse(a.addr, strlen(a.addr), &again) != 1 || strcmp(again.addr, a.addr) != 0 ||
	    strlen(a.name) > sizeof(a.name) - 1)
		abort();
	return 0;
}
