/* Runs a fuzz target's entry point over files, outside libFuzzer: the
 * seeds and every reproducer kept in tests/fuzz/regress/TARGET/ go
 * through the parsers in `make unit`, in the normal build and under
 * AddressSanitizer and UndefinedBehaviorSanitizer, so that a crash once
 * found and fixed stays fixed.
 *   replay_TARGET FILE|FOLDER...   (a folder: every file below it) */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long replayed;

static int replay(const char *path)
{
	struct stat sb;
	struct dirent *de;
	char *data = NULL, *sub;
	size_t len = 0;
	DIR *d;
	int ret = 0;

	if (stat(path, &sb) < 0) {
		fprintf(stderr, "replay: %s: cannot stat\n", path);
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		if ((d = opendir(path)) == NULL)
			return -1;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			if (replay(sub) < 0)
				ret = -1;
			free(sub);
		}
		closedir(d);
		return ret;
	}
	if (file_read(path, 64u * 1024 * 1024, &data, &len) < 0) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		return -1;
	}
	/* exactly len bytes, as libFuzzer gives them: a copy without the NUL */
	{
		uint8_t *exact = xmalloc(len ? len : 1);

		memcpy(exact, data, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(data);
	replayed++;
	return 0;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	for (i = 1; i < argc; i++)
		if (replay(argv[i]) < 0)
			ret = 1;
	printf("%s: %ld input(s) replayed\n", argv[0], replayed);
	return ret;
}
