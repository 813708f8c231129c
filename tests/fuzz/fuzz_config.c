/* libFuzzer target: the configuration file, through config_load() as the
 * daemon reads it: the bytes are written to a file in a private folder
 * (with a password file beside it that "secret" names), loaded, and the
 * result or the error report freed. The folder is left behind in /tmp. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *path;

static void prepare(void)
{
	char *secret;

	dir = xstrdup("/tmp/mentord-fuzz-config-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	path = xasprintf("%s/mentord.conf", dir);
	secret = xasprintf("%s/secret", dir);
	if (file_write_atomic(secret, "s3cret\n", 7, 0600) < 0)
		abort();
	free(secret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	char *errors = NULL;
	FILE *f;

	if (dir == NULL)
		prepare();
	f = fopen(path, "w");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if (config_load(path, &cfg, &errors) == 0)
		config_free(&cfg);
	free(errors);
	return 0;
}
