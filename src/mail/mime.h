/* mime: a raw RFC 5322 message in, a decoded message out (libetpan's MIME
 * parser is used here only, for the part structure; headers, parameters,
 * transfer encodings and charsets are decoded here).
 *
 * Everything in struct mime_msg lives in the message's arena and is freed by
 * mime_free(). Every string is valid UTF-8 without NUL, with LF line ends,
 * whatever the charset and transfer encoding of the input: bytes that do not
 * decode become U+FFFD or are read as windows-1252, never dropped silently.
 * Headers are unfolded; subject and names are decoded (RFC 2047, raw 8-bit
 * text as UTF-8 when valid, else in the charset of the body, else as
 * windows-1252); identifiers lose their angle brackets.
 *
 * The body text (text) is chosen as a mail client would show it: in
 * multipart/alternative the text/plain part (HTML only when no non-empty
 * plain text is offered), in multipart/related its root, in multipart/mixed
 * the first inline text part (and the inline text parts that follow it,
 * as Apple Mail splits a body around pictures), in a report its first part.
 * Attachments, and messages attached or forwarded as message/rfc822, are
 * never the sender's words. text/plain; format=flowed is unwrapped
 * (RFC 3676). HTML-only mail is converted by html_to_text().
 *
 * mime_parse() fails (-1, with a static reason) only when the message is
 * over one of the limits of bounds.h (size, header size and fields, MIME
 * depth and parts, decoded text, calendar size); a malformed message is
 * decoded as well as can be, so that the robot can still tell what it is.
 * The nesting is bounded by a scan of the raw bytes before libetpan (which
 * recurses once per level) is given the message. */
#ifndef MENTORD_MIME_H
#define MENTORD_MIME_H

#include <stddef.h>
#include <time.h>

struct arena;

struct mime_header {
	const char *name;
	const char *value; /* unfolded, undecoded (RFC 2047 words stay), trimmed;
			    * control characters become spaces and bytes that are
			    * not UTF-8 are read as windows-1252 */
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
	/* From, read strictly (mime_mailbox): NULL unless it is exactly one
	 * usable mailbox; a quoted local part keeps its quotes, a UTF-8 address
	 * (RFC 6531) is kept as it is */
	const char *from_addr;     /* lower-cased (ASCII) address; NULL if none */
	const char *from_name;     /* decoded display name; NULL if none, too
				    * long, or holding a control character or a
				    * bidirectional override */
	const char *reply_to_addr;
	const char *return_path;   /* "" for the null path <>, NULL if absent */
	const char *subject;       /* decoded, one line; "" if none */
	const char *content_type;  /* top level, "type/subtype" lower case */
	time_t date;               /* 0 if absent or unreadable */

	const char *text;          /* the body text to read: "" if none */
	int text_from_html;        /* 1 when text was converted from HTML */
	const char *text_html;     /* the HTML text was converted from, else NULL */

	/* The first text/calendar or application/ics part (or a part whose file
	 * name ends in .ics and holds a VCALENDAR), inline or attached, outside
	 * attached messages; NULL if none. calendar_method is its method=
	 * parameter, else the METHOD property of the calendar, upper case. */
	const char *calendar;
	const char *calendar_method;

	/* Reports (RFC 6522), outside attached messages. report_type is the
	 * report-type parameter of the first multipart/report, lower case
	 * ("delivery-status", "disposition-notification", "feedback-report");
	 * delivery_status the first message/delivery-status or
	 * message/global-delivery-status part (RFC 3464, RFC 6533).
	 * original_headers is the text/rfc822-headers (or
	 * message/global-headers) part of a report, else the header block of
	 * the message it returns; in a message that is not a report, the
	 * header block of the first attached message (non-standard bounces
	 * attach the returned message so). original_text is the body text of
	 * that returned or attached message. NULL when absent. */
	const char *report_type;
	const char *delivery_status;
	const char *original_headers;
	const char *original_text;

	size_t n_parts;            /* MIME parts seen, the top level included */
	int depth;                 /* deepest nesting of multiparts and messages */
	int has_attachments;
};

/* 0 and *msg_r set, or -1 and *error_r set to a static reason (the caller
 * quarantines the message). The raw bytes need not outlive the call. */
int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r, const char **error_r);
void mime_free(struct mime_msg **msg);

/* The first top-level header of that name (case-insensitive), or NULL. */
const char *mime_header(const struct mime_msg *msg, const char *name);
/* The n-th (from 0) header of that name, or NULL. */
const char *mime_header_n(const struct mime_msg *msg, const char *name, size_t n);

/* Parses a header block (as found in a DSN or returned headers) and gives the
 * first value of name, unfolded, valid UTF-8, in the arena; NULL if absent. */
const char *mime_block_header(struct arena *a, const char *block, const char *name);

/* Decodes RFC 2047 encoded words (adjacent words joined, a character split
 * across two words mended); raw 8-bit text is taken as UTF-8 when it is
 * valid, else as windows-1252. Control characters become spaces. Result
 * in the arena. */
const char *mime_decode_words(struct arena *a, const char *value);

/* Converts bytes in charset to UTF-8 in the arena (NUL bytes dropped). An
 * unknown charset is taken as UTF-8 where valid, else windows-1252; so is
 * text declared as ASCII or Latin-1 that is in fact valid UTF-8. */
const char *mime_to_utf8(struct arena *a, const char *data, size_t len, const char *charset);

/* The address part of a mailbox ("Name <a@b>" -> "a@b"), lower-cased, in
 * the arena; NULL if none can be found. Lenient, for what delivery reports
 * quote: the first address of a list, a lost bracket. *name_r, when asked
 * for, gets the decoded display name or NULL. */
const char *mime_address(struct arena *a, const char *value, const char **name_r);
/* One mailbox read strictly (address.h), as From is: the address, or NULL
 * when value is not exactly one usable mailbox. *name_r, when asked for,
 * gets the display name as from_name has it. */
const char *mime_mailbox(struct arena *a, const char *value, const char **name_r);

#endif
