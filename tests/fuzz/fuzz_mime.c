/* libFuzzer target: a raw message through everything that reads mail in:
 * mime_parse(), then dsn_parse(), classify(), quote_strip(), form_parse()
 * and survey_parse() on what it gives, and everything freed again. The bytes
 * given are exactly size long (no NUL after them), so that a read past the
 * end is caught by AddressSanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "classify.h"
#include "dsn.h"
#include "form.h"
#include "mime.h"
#include "quote.h"
#include "survey.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int never(const char *s, void *arg)
{
	(void)s;
	(void)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct classify_ctx ctx = {
		.is_ours = never,
		.is_member = never,
		.arg = NULL,
	};
	struct classification cls;
	struct mime_msg *m = NULL;
	const char *err = NULL;
	struct arena *a;
	struct dsn d;
	struct form f;
	struct survey sv;
	char *text;

	if (mime_parse((const char *)data, size, &m, &err) < 0)
		return 0;
	a = arena_new();
	dsn_parse(a, m, &d);
	classify(m, &ctx, &cls);
	text = quote_strip(m->text);
	form_init(&f);
	form_parse(text, FORM_NEW, &f);
	form_deinit(&f);
	survey_parse(text, &sv);
	survey_deinit(&sv);
	free(text);
	arena_free(&a);
	mime_free(&m);
	return 0;
}
