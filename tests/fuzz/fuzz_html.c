/* libFuzzer target: HTML-only mail turned into text (doc/DESIGN.md 3):
 * html_to_text() on exactly size bytes, with a small and a large limit. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	free(html_to_text((const char *)data, size, 256));
	free(html_to_text((const char *)data, size, 1u << 20));
	return 0;
}
