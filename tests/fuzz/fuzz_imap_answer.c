/* libFuzzer target: a server's status answer through imap_answer_parse().
 * The bytes are exactly size long (no NUL after them). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "imap_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_answer a;

	imap_answer_parse((const char *)data, size, &a);
	if (strlen(a.text) >= sizeof(a.text) || strlen(a.code_name) >= sizeof(a.code_name) ||
	    a.backoff_ms < 0 || a.backoff_ms > IMAP_ANSWER_BACKOFF_MAX_MS ||
	    (a.code == IMAP_CODE_NONE) != (a.code_name[0] == '\0'))
		__builtin_trap();
	(void)imap_answer_meaning(&a);
	return 0;
}
