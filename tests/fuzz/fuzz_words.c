/* libFuzzer target: a words file (words.h) through the parser, then, when
 * it reads without a problem, as a language whose words the understanding
 * functions use: the input's first line is also given to words_nearest()
 * and words_intents(). A file with problems must report each with a line
 * number; one without must add a language that every lookup can read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct words_suggestion s[WORDS_NEAREST_MAX];
	char *report = NULL, *text = xstrndup((const char *)data, size);
	const char *folded, *value, *lang;
	size_t i, n;
	int problems = words_check("zz", (const char *)data, size, &report);

	if ((problems == 0) != (report == NULL))
		abort();
	if (report != NULL && strstr(report, "words zz line ") == NULL)
		abort();
	free(report);
	if (problems == 0) {
		if (words_add_language("zz", (const char *)data, size, &report) != 0)
			abort();
		for (i = 0; words_entry(WL_APPLICANT, i, &folded, &value, &lang) == 0; i++)
			if (*folded == '\0' || words_value_index(WL_APPLICANT, value) == 0)
				abort();
	}
	text[strcspn(text, "\n")] = '\0';
	n = words_nearest(WORDS_APPLICANT, text, s, WORDS_NEAREST_MAX);
	for (i = 0; i < n; i++)
		if (words_value_index(WL_APPLICANT, s[i].value) == 0)
			abort();
	(void)words_nearest(WORDS_COMMITTEE, text, s, WORDS_NEAREST_MAX);
	(void)words_intents(text);
	free(text);
	return 0;
}
