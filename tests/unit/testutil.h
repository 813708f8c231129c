/* Helpers shared by the unit tests (header-only, static). */
#ifndef MENTORD_TESTUTIL_H
#define MENTORD_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
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

/* The path of a file or folder of the source tree (MENTORD_SOURCE, else
 * the cwd); allocated. */
static inline char *tu_source_path(const char *rel)
{
	const char *root = getenv("MENTORD_SOURCE");

	return xasprintf("%s/%s", root != NULL ? root : ".", rel);
}

/* Reads a file of the source tree. */
static inline char *tu_read_source(const char *rel, size_t *len_r)
{
	char *path = tu_source_path(rel);
	char *data = NULL;
	size_t len = 0;

	if (file_read(path, 64u * 1024 * 1024, &data, &len) < 0)
		fail_msg("cannot read %s", path);
	free(path);
	if (len_r != NULL)
		*len_r = len;
	return data;
}

/* A fixture file: tests/fixtures/<dir>/<name><ext>. */
static inline char *tu_fixture(const char *dir, const char *name, const char *ext, size_t *len_r)
{
	char *rel = xasprintf("tests/fixtures/%s/%s%s", dir, name, ext);
	char *text = tu_read_source(rel, len_r);

	free(rel);
	return text;
}

static int tu_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files of a folder of the source tree, sorted, dot
 * files left out (free names with strlist_deinit). Fails the test when the
 * folder cannot be read. */
static inline void tu_source_dir(const char *rel, struct strlist *names)
{
	char *path = tu_source_path(rel);
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL)
		fail_msg("cannot read the folder %s", path);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strlist_add(names, de->d_name);
	closedir(d);
	free(path);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), tu_name_cmp);
}

/* Drops the words file (words.h) from the names of a template folder. */
static inline void tu_drop_words(struct strlist *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (strcmp(names->v[i], "words") == 0) {
			free(names->v[i]);
			memmove(names->v + i, names->v + i + 1, (names->n - i - 1) * sizeof(char *));
			names->n--;
			return;
		}
}

/* Random input for a parser: up to count pieces picked by a xorshift32
 * generator (the same seed gives the same texts), joined in buf as long as
 * they fit. Returns the length; buf is NUL-terminated. */
static inline size_t tu_random_pieces(uint32_t *seed, const char *const *pieces, size_t n_pieces,
    size_t count, char *buf, size_t size)
{
	size_t len = 0, k, i;

	for (i = 0; i < count; i++) {
		*seed ^= *seed << 13;
		*seed ^= *seed >> 17;
		*seed ^= *seed << 5;
		k = strlen(pieces[*seed % n_pieces]);
		if (len + k >= size)
			break;
		memcpy(buf + len, pieces[*seed % n_pieces], k);
		len += k;
	}
	buf[len] = '\0';
	return len;
}

#endif
