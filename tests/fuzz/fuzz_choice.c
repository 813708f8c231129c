/* libFuzzer target: a mentee's reply read for her ranked choice and as
 * an answer to the fit check, and a mentor profile built from the same
 * bytes. The first byte is the number
 * of profiles sent; checks the promises of choice.h and profile.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "choice.h"
#include "fit.h"
#include "profile.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist words = { NULL, 0 };
	struct choice_reply r;
	struct profile_in in;
	long n_profiles = size > 0 ? data[0] : 0;
	char *text = xstrndup(size > 0 ? (const char *)data + 1 : "", size > 0 ? size - 1 : 0);
	char *p, *line, *save = NULL;
	size_t i;
	int ret = choice_parse(text, n_profiles, &r);

	if (ret < -1 || ret > 1 || r.n > CHOICE_MAX || (ret == 1) != (r.n > 0))
		abort();
	for (i = 0; i < r.n; i++)
		if (r.ranked[i] < 1 || r.ranked[i] > n_profiles)
			abort();
	if (r.motivation != NULL && (strlen(r.motivation) > CHOICE_MOTIVATION_BYTES_MAX ||
	    strchr(r.motivation, '\n') != NULL))
		abort();
	choice_reply_deinit(&r);
	if (fit_name(fit_parse(text)) == NULL && fit_parse(text) != FIT_NONE)
		abort();
	profile_name_words(&words, "Ada Lovelace");
	in = (struct profile_in){ text, text, text, text };
	p = profile_render(&in, PROFILE_DEFAULT | PROFILE_DEPARTMENT, &words, n_profiles % 2 ? "fr" : "en",
	    n_profiles);
	/* no line shows an address or a word of the name */
	if (strchr(p, '@') != NULL || profile_names_someone(&words, p))
		abort();
	for (line = strtok_r(p, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (utf8_valid(line, strlen(line)) && utf8_len(line) > TEXT_LINE_MAX)
			abort();
	free(p);
	strlist_deinit(&words);
	free(text);
	return 0;
}
