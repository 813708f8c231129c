/* mime_private.h: what the files of the mime module share. mime.h is the
 * contract with the rest of mentord; this header is included by
 * src/mail/mime*.c only, and so is libetpan.
 *
 * mime_parse() (mime.c) runs four passes over one message:
 *   1. mime_scan.c: a scan of the raw bytes bounds the nesting and the
 *      number of parts libetpan would build, before it is called;
 *   2. mime_walk.c: libetpan splits the message into parts, and the walk
 *      over its tree reads each part's header block, decodes the parts
 *      that matter and chooses the body text;
 *   3. mime_decode.c: transfer encodings, RFC 2047 words and charsets
 *      (charset.h) make every text valid UTF-8 (used by every pass);
 *   4. mime_envelope.c: identifiers, addresses, subject and date of the top
 *      header block, with the body's charset as a hint for raw 8-bit text.
 * mime_header.c reads header blocks and structured values (Content-Type,
 * Content-Disposition) for the walk, the envelope and the top level.
 *
 * Every string returned lives in the arena given; nothing here fails on a
 * malformed message, only on one over a limit of bounds.h, with a static
 * reason. The types below are the module's own, so they keep short names. */
#ifndef MENTORD_MIME_PRIVATE_H
#define MENTORD_MIME_PRIVATE_H

#include <stddef.h>

#include "mime.h"

struct arena;
struct buf;

/* The longest boundary the scan and the walk's own split accept. */
#define MIME_BOUNDARY_MAX 200

/* ---- mime_decode.c ---- */

/* The final form of every text: LF line ends, no NUL, no byte-order mark,
 * valid UTF-8. */
const char *mime_finish(struct arena *a, const char *s, size_t n);
/* A copy with every control character (CR, LF, TAB, NUL...) made a space:
 * a decoded header is one line and can never smuggle a line break. */
const char *mime_one_line(struct arena *a, const char *s);

/* Content-Transfer-Encoding (RFC 2045 6). */
enum cte { CTE_IDENTITY, CTE_QP, CTE_BASE64 };
/* The encoding a header value names, odd spellings included; NULL and
 * anything unknown are the identity. */
enum cte mime_cte_kind(const char *v);
/* Appends the n bytes at s, decoded leniently, to b. */
void mime_cte_decode(struct buf *b, enum cte cte, const char *s, size_t n);
/* The %XX of RFC 2231 extended values, appended to b. */
void mime_pct_decode(struct buf *b, const char *s);

/* mime_decode_words() with raw 8-bit text read in fallback (a charset name,
 * NULL for none) when it is not UTF-8. One line, in the arena. */
const char *mime_decode_words_as(struct arena *a, const char *v, const char *fallback);

/* The same, with the control characters the words decode to kept (for a
 * caller that refuses them rather than mending them). */
const char *mime_decode_words_kept(struct arena *a, const char *v, const char *fallback);

/* text/plain; format=flowed unwrapped (RFC 3676), in the arena. */
const char *mime_unflow(struct arena *a, const char *t, int delsp);

/* ---- mime_header.c ---- */

/* A header block (RFC 5322 2.2): raw values, unfolded. */
struct hblock {
	struct mime_header *h;
	size_t n;
	size_t body;           /* offset where the body starts */
};

/* Does the line [s, s+n) start a field: a name of printable ASCII, then a
 * colon (obsolete syntax allows white space before it, RFC 5322 4.5)? */
int mime_is_field_start(const char *s, size_t n);
/* Reads the header block at s: the fields end at the empty line, or at the
 * first line that is neither a field nor a continuation, where the body
 * then starts (as libetpan decides too). 0, or -1 and *why over
 * HEADER_BYTES_MAX or HEADER_FIELDS_MAX. */
int mime_header_block(struct arena *a, const char *s, size_t len, struct hblock *hb,
    const char **why);
/* The first raw value of that name (case-insensitive), or NULL. */
const char *mime_hblock_get(const struct hblock *hb, const char *name);
/* A raw header value made presentable: valid UTF-8, no control character. */
const char *mime_header_clean(struct arena *a, const char *v);

struct param {
	const char *name;  /* lower case, RFC 2231 sections already joined */
	const char *value; /* decoded UTF-8 */
};

/* A structured value: "type/subtype" or "attachment", and its parameters. */
struct hvalue {
	char token[128];   /* lower case */
	struct param *p;
	size_t n;
};

/* Parses a structured header value (RFC 2045 5.1, NULL for none);
 * parameter values come out decoded: RFC 2231 sections joined and
 * converted, RFC 2047 words decoded, raw 8-bit as UTF-8 or windows-1252. */
void mime_hvalue_parse(struct arena *a, const char *v, struct hvalue *hv);
/* The value of a parameter (name in lower case), or NULL. */
const char *mime_param_get(const struct hvalue *hv, const char *name);
/* A content type checked: "text" alone is text/plain, anything that is not
 * "type/subtype" becomes deftype. */
void mime_ctype_norm(char *token, size_t size, const char *deftype);

/* ---- mime_scan.c ---- */

/* 0 if libetpan may be given the message, -1 and *why when it would go
 * past MIME_DEPTH_MAX levels or MIME_PARTS_MAX parts. *backslash_r is set
 * when a Content-Type field holds a backslash (see mime_scan_defuse). */
int mime_scan_bounds(const char *s, size_t len, int *backslash_r, const char **why);
/* Makes every backslash of a Content-Type field a '/', in place: libetpan
 * 1.9.4 reads past its buffer when a boundary unquotes to a single '"'. */
void mime_scan_defuse(char *s, size_t len);

/* ---- mime_walk.c ---- */

/* Parses the message [s, s+n) whose top header block is hb into m: the
 * body text, calendar, report parts, attached message, n_parts, depth and
 * has_attachments. *charset_r gets the charset of the body text (NULL if
 * none). 0, or -1 and *why when the message is over a limit. */
int mime_walk(struct mime_msg *m, const char *s, size_t n, const struct hblock *hb,
    const char **charset_r, const char **why);

/* ---- mime_envelope.c ---- */

/* The envelope fields of m (identifiers, addresses, subject, date) and its
 * headers, from the top header block; raw 8-bit text that is not UTF-8 is
 * read in fallback, the charset of the body. */
void mime_envelope(struct mime_msg *m, const struct hblock *hb, const char *fallback);

#endif
