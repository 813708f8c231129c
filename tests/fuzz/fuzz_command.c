/* libFuzzer target: what the robot reads as a command. The input is a
 * subject on its first line and a body after it: the subject goes
 * through command_subject_strip() and command_applicant(), each body line
 * through command_committee_parse() (as a committee member's commands
 * message is read), and the body through the check-in and RSVP answer
 * readers and the address check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *nl, *line, *subject, *arg = NULL;
	char *rest = NULL;
	const char *lang = NULL;
	struct committee_command cc;

	nl = strchr(text, '\n');
	if (nl != NULL)
		*nl = '\0';
	subject = command_subject_strip(text);
	(void)command_applicant(subject, &arg, &lang);
	free(arg);
	command_committee_parse(subject, &cc);
	command_committee_deinit(&cc);
	free(subject);
	(void)command_address_valid(text);
	if (nl != NULL) {
		for (line = nl + 1; line != NULL && *line != '\0'; line = nl) {
			nl = strchr(line, '\n');
			if (nl != NULL)
				*nl++ = '\0';
			command_committee_parse(line, &cc);
			command_committee_deinit(&cc);
		}
		/* the body as a whole, newlines back */
		free(text);
		text = xstrndup((const char *)data, size);
		nl = strchr(text, '\n');
		(void)command_rsvp_answer(nl + 1);
		(void)command_checkin_answer(nl + 1, &rest);
		free(rest);
	}
	free(text);
	return 0;
}
