/* mac: keyed tags (HMAC-SHA-256, RFC 2104) for what the robot hands out
 * and must know again when it comes back, and that nobody else can make:
 * the unguessable part of its Message-IDs and of each person's calendar
 * UID. The key is the instance's own, kept in a file readable by its
 * owner only; it never leaves the machine and is never logged. gnutls is
 * used here for its HMAC and SHA-256 only (and by net/imap.c for TLS). */
#ifndef MENTORD_MAC_H
#define MENTORD_MAC_H

#include <stddef.h>

#define MAC_KEY_BYTES 32

/* Reads the key at path, or makes one (random, mode 0600) when there is
 * none; two processes starting at once end up with the same key. A key
 * file that group or others may read is made 0600. 0, or -1 with an
 * allocated reason. */
int mac_key_load(const char *path, unsigned char key[MAC_KEY_BYTES], char **error_r);

/* The tag of text under key: chars characters (at most 51) of base32 in
 * lower case, letters and digits only, so that it fits a dot-atom; out
 * holds chars + 1 bytes. */
void mac_tag(const unsigned char key[MAC_KEY_BYTES], const char *text, char *out, size_t chars);

/* SHA-256 of the n bytes at data (RFC 7636's S256 code challenge). */
#define MAC_SHA256_BYTES 32
void mac_sha256(const void *data, size_t n, unsigned char out[MAC_SHA256_BYTES]);

#endif
