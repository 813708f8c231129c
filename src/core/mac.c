#include "mac.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The file holds the key in hex and a line end. */
#define KEY_FILE_BYTES (2 * MAC_KEY_BYTES + 1)

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Replies are matched by the Message-IDs stored with what was sent, so a
 * new key loses nothing: it only makes the Message-IDs from then on. */
#define KEY_DAMAGED "not a key written by mentord (remove it: a new one is made," \
	" and replies to mail sent before are still recognised)"

/* 1 read, 0 no such file, -1 unreadable or not a key (errno or *why). */
static int key_read(const char *path, unsigned char key[MAC_KEY_BYTES], const char **why)
{
	char text[KEY_FILE_BYTES + 8];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), i, ret = -1;

	*why = NULL;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &sb) < 0)
		goto out;
	/* the key proves our Message-IDs: nobody else may read it */
	if ((sb.st_mode & 077) != 0 && fchmod(fd, 0600) < 0)
		goto out;
	n = read(fd, text, sizeof(text));
	if (n < 0)
		goto out;
	if (n != KEY_FILE_BYTES || text[2 * MAC_KEY_BYTES] != '\n') {
		*why = KEY_DAMAGED;
		goto out;
	}
	for (i = 0; i < MAC_KEY_BYTES; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			*why = KEY_DAMAGED;
			goto out;
		}
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	ret = 1;
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	return ret;
}

/* A new key, written whole under a temporary name and linked into place:
 * link(2) fails when another process was first, whose key then wins. */
static int key_make(const char *path)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[MAC_KEY_BYTES];
	char text[KEY_FILE_BYTES], *tmp = xasprintf("%s.new.%ld", path, (long)getpid());
	int fd, i, ret = -1;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		fatal("no random bytes");
	for (i = 0; i < MAC_KEY_BYTES; i++) {
		text[2 * i] = hex[raw[i] >> 4];
		text[2 * i + 1] = hex[raw[i] & 15];
	}
	text[2 * MAC_KEY_BYTES] = '\n';
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	/* order matters: the key is on disk before its name is */
	if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text) || fsync(fd) < 0) {
		close(fd);
		goto unlink;
	}
	if (close(fd) < 0 || (link(tmp, path) < 0 && errno != EEXIST))
		goto unlink;
	ret = 0;
unlink:
	unlink(tmp);
out:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(text, sizeof(text));
	free(tmp);
	return ret;
}

int mac_key_load(const char *path, unsigned char key[MAC_KEY_BYTES], char **error_r)
{
	const char *why = NULL;
	int r = key_read(path, key, &why);

	if (r == 0) {
		if (key_make(path) < 0) {
			char *e = file_error(path, errno);

			*error_r = xasprintf("cannot write the key %s", e);
			free(e);
			return -1;
		}
		r = key_read(path, key, &why);
	}
	if (r < 0 && why == NULL) {
		*error_r = file_error(path, errno);
		return -1;
	}
	if (r <= 0) {
		*error_r = xasprintf("%s: %s", path, why != NULL ? why : "vanished");
		return -1;
	}
	return 0;
}

void mac_tag(const unsigned char key[MAC_KEY_BYTES], const char *text, char *out, size_t chars)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char digest[32];
	size_t i, bit;

	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, MAC_KEY_BYTES, text, strlen(text), digest) < 0)
		fatal("HMAC-SHA-256 is not available");
	if (chars > 51)
		chars = 51;
	for (i = 0; i < chars; i++) {
		unsigned v = 0;

		for (bit = i * 5; bit < i * 5 + 5; bit++)
			v = v << 1 | ((digest[bit / 8] >> (7 - bit % 8)) & 1);
		out[i] = b32[v];
	}
	out[chars] = '\0';
}

void mac_sha256(const void *data, size_t n, unsigned char out[MAC_SHA256_BYTES])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, n, out) < 0)
		fatal("gnutls_hash_fast failed");
}
