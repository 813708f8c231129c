/* Helpers shared by the unit tests (header-only, static). */
#ifndef MENTORD_TESTUTIL_H
#define MENTORD_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A fresh temporary folder (removed by the caller with tu_rmdir). */
static inline char *tu_tmpdir(void)
{
	char *d = xstrdup("/tmp/mentord-unit-XXXXXX");

	if (mkdtemp(d) == NULL)
		fail_msg("mkdtemp failed");
	return d;
}

static inline void tu_write(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static inline void tu_rmdir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	/* test-only clean-up of our own mkdtemp folder */
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(dir);
}

/* Reads a file of the source tree (MENTORD_SOURCE, else the cwd). */
static inline char *tu_read_source(const char *rel, size_t *len_r)
{
	const char *root = getenv("MENTORD_SOURCE");
	char *path = xasprintf("%s/%s", root != NULL ? root : ".", rel);
	char *data = NULL;
	size_t len = 0;

	if (file_read(path, 64u * 1024 * 1024, &data, &len) < 0)
		fail_msg("cannot read %s", path);
	free(path);
	if (len_r != NULL)
		*len_r = len;
	return data;
}

#endif
