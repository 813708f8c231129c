/* mime: a raw RFC 5322 message in, a decoded message out (libetpan's MIME
 * parser is used here only).
 *
 * Everything in struct mime_msg lives in the message's arena and is freed by
 * mime_free(). Strings are UTF-8 with LF line ends, whatever the charset
 * and transfer encoding of the input. Headers are unfolded; subject and
 * names are decoded (RFC 2047); identifiers lose their angle brackets.
 *
 * mime_parse() fails (-1, with a static reason) only when the message is
 * over one of the limits of bounds.h; a malformed message is decoded as well
 * as can be, so that the robot can still tell what it is. */
#ifndef MENTORD_MIME_H
#define MENTORD_MIME_H

#include <stddef.h>
#include <time.h>

struct arena;

struct mime_header {
	const char *name;
	const char *value; /* unfolded, undecoded, trimmed */
};

struct mime_msg {
	struct arena *arena;
	size_t raw_len;

	struct mime_header *headers; /* top-level header block, in order */
	size_t n_headers;

	const char *message_id;    /* NULL if none */
	const char *in_reply_to;   /* first identifier, NULL if none */
	const char **references;   /* References then In-Reply-To identifiers */
	size_t n_references;
	const char *from_addr;     /* lower-cased address; NULL if none */
	const char *from_name;     /* decoded display name; NULL if none */
	const char *reply_to_addr;
	const char *return_path;   /* "" for the null path <>, NULL if absent */
	const char *subject;       /* decoded; "" if none */
	const char *content_type;  /* top level, "type/subtype" lower case */
	time_t date;               /* 0 if absent or unreadable */

	const char *text;          /* the body text to read: "" if none */
	int text_from_html;        /* 1 when text was converted from HTML */
	const char *text_html;     /* the HTML it came from, if any */

	const char *calendar;      /* first text/calendar part, or NULL */
	const char *calendar_method; /* its method= parameter, upper case */

	const char *report_type;   /* multipart/report report-type, lower case */
	const char *delivery_status; /* message/delivery-status text */
	const char *original_headers; /* returned headers in a report */
	const char *original_text; /* the returned message's body text, if any */

	size_t n_parts;
	int depth;
	int has_attachments;
};

int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r, const char **error_r);
void mime_free(struct mime_msg **msg);

/* The first top-level header of that name (case-insensitive), or NULL. */
const char *mime_header(const struct mime_msg *msg, const char *name);
/* The n-th (from 0) header of that name, or NULL. */
const char *mime_header_n(const struct mime_msg *msg, const char *name, size_t n);

/* Parses a header block (as found in a DSN or returned headers) and gives the
 * first value of name, unfolded, in the arena; NULL if absent. */
const char *mime_block_header(struct arena *a, const char *block, const char *name);

/* Decodes RFC 2047 encoded words; raw 8-bit text is taken as UTF-8 when it is
 * valid, else as windows-1252. Result in the arena. */
const char *mime_decode_words(struct arena *a, const char *value);

/* Converts bytes in charset to UTF-8 in the arena. An unknown charset is
 * taken as UTF-8 if valid, else windows-1252. */
const char *mime_to_utf8(struct arena *a, const char *data, size_t len, const char *charset);

/* The address part of a mailbox ("Name <a@b>" -> "a@b"), lower-cased, in
 * the arena; NULL if none can be found. */
const char *mime_address(struct arena *a, const char *value, const char **name_r);

#endif
