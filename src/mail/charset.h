/* charset: what the bytes of a message mean, for every reader of mail text
 * (MIME parts and headers, HTML character references).
 *
 * One windows-1252 table here, and the one UTF-8 sequence check (util.h,
 * utf8_seq), serve them all, so that a byte means the same wherever it is
 * met. Text that comes out of here is valid UTF-8: a byte that does not
 * decode becomes U+FFFD, never disappears without a trace.
 *
 * The five bytes windows-1252 leaves unassigned (0x81, 0x8d, 0x8f, 0x90,
 * 0x9d) become U+FFFD, in MIME text and in HTML references (&#129;) alike.
 * WHATWG maps them to the C1 controls of the same number; we do not, because
 * no mail means a control there (the byte is a mislabelled or broken
 * character) and because U+0090 and U+009D open device and operating-system
 * commands on a terminal that reads C1 controls: decoded text goes into
 * logs, digests and replies, where a control character has no place.
 *
 * Nothing here allocates except through the struct buf given, which bounds
 * the output (util.h). */
#ifndef MENTORD_CHARSET_H
#define MENTORD_CHARSET_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* A decoded string is at most this many times its input (one windows-1252
 * byte becomes up to 3 UTF-8 bytes; U+FFFD takes 3 for 1). */
#define CHARSET_DECODE_GROWTH 4
/* The longest charset name taken from a message (longer ones are unknown). */
#define CHARSET_NAME_MAX 40

/* The code point of a windows-1252 byte: ASCII and 0xa0-0xff as in
 * ISO-8859-1, 0x80-0x9f from the table, U+FFFD for the five unassigned. */
uint32_t charset_cp1252(unsigned char c);

/* 1 when one of the n bytes at s is 0x80 or above. */
int charset_has_8bit(const char *s, size_t n);

/* Appends s to b as UTF-8: valid UTF-8 sequences are kept, any other byte
 * is read as windows-1252 (the charset of mislabelled mail in practice);
 * NUL bytes are dropped. */
void charset_mend(struct buf *b, const char *s, size_t n);

/* Appends data in charset (a MIME charset name, with or without quotes or
 * an RFC 2231 language; NULL for none) to b as UTF-8; NUL bytes are kept.
 * An unknown charset is read as UTF-8 where valid, else windows-1252; so is
 * text labelled ASCII or Latin-1 that is in fact valid UTF-8 with 8-bit
 * bytes, and text that iconv decodes with errors but that is valid UTF-8. */
void charset_decode(struct buf *b, const char *data, size_t len, const char *charset);

#endif
