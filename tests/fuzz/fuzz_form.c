/* libFuzzer target: the application form (doc/DESIGN.md 3.3) as people
 * type it, after the quoted text is taken out: form_detect(), then
 * form_parse() for a new application and for an update. The bytes are
 * copied with a NUL after them; anything past size is never read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "quote.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *body;
	struct form f;

	body = quote_strip(text);
	(void)form_detect(body);
	form_init(&f);
	form_parse(body, FORM_NEW, &f);
	form_deinit(&f);
	form_init(&f);
	form_parse(text, FORM_UPDATE, &f);
	form_deinit(&f);
	free(body);
	free(text);
	return 0;
}
