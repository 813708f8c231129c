/* compose: an outgoing RFC 5322 / MIME message from plain fields.
 *
 * Pure: no I/O. Every line ends in CRLF. Header text that needs it (non-ASCII
 * words, text that would read as an encoded word, a word too long to fold)
 * is written as RFC 2047 encoded words (UTF-8, B or Q, whichever is
 * shorter), each at most 75 characters and never splitting a UTF-8
 * sequence; other words stay readable. A display name with specials and no
 * other need is a quoted-string. Header lines are folded at 76 characters
 * (RFC 2047 2, within RFC 5322 2.1.1's 78); only a single token longer than
 * a line (an address, a message identifier) can make a longer one. The body
 * is UTF-8 in quoted-printable, lines of at most 76 characters (RFC 2045
 * 6.7). Header data holding CR, LF or another control character, or bytes
 * that are not UTF-8, is refused: header injection cannot happen. */
#ifndef MENTORD_COMPOSE_H
#define MENTORD_COMPOSE_H

#include <stddef.h>
#include <time.h>

struct compose_addr {
	const char *name; /* may be NULL */
	const char *addr;
};

struct compose {
	const char *from_name;
	const char *from_addr;
	const struct compose_addr *to;
	size_t n_to;
	const struct compose_addr *cc;
	size_t n_cc;
	const struct compose_addr *reply_to; /* NULL: none */
	const char *subject;
	const char *body;           /* UTF-8 text, LF or CRLF line ends */
	const char *language;       /* Content-Language, e.g. "en" or "en, fr" */
	const char *message_id;     /* without brackets */
	const char *in_reply_to;    /* without brackets, or NULL */
	const char *const *references; /* without brackets */
	size_t n_references;
	time_t date;
	const char *auto_submitted; /* "auto-replied" or "auto-generated" */
	const char *list_name;      /* List-Id phrase: the programme's name */
	const char *list_id;        /* List-Id identifier, e.g. mentoring.example.org */
	const char *kind;           /* X-Mentord-Kind */
	const char *loop;           /* X-Loop value: our own address */
	/* Optional second alternative (an iCalendar object): the message becomes
	 * multipart/alternative of the text and this part. */
	const char *alt_type;       /* e.g. "text/calendar; charset=UTF-8; method=REQUEST" */
	const char *alt_body;
	/* Optional attachment (a report's CSV): the message becomes
	 * multipart/mixed of the text and this part, which a client offers
	 * as a file. Not together with alt_type. */
	const char *attach_type;    /* e.g. "text/csv; charset=UTF-8" */
	const char *attach_name;    /* file name: letters, digits, '.', '-', '_'; at most 64 */
	const char *attach_body;
	/* Optional binary file beside that attachment (a report's PDF), in
	 * base64 (RFC 2045 6.8); only together with attach_type. */
	const char *file_type;      /* e.g. "application/pdf" */
	const char *file_name;      /* as attach_name */
	const void *file_data;
	size_t file_len;
};

/* Renders into an allocated CRLF message. Returns -1 with a static reason
 * when a field is unusable (control characters, bad UTF-8, an address or
 * message identifier compose_address_ok / compose_msgid_ok refuse, no
 * recipient, alt_type without alt_body, an attachment without its type,
 * name or body, or with an unusable name, an attachment beside an
 * alternative, a file without its type, name or data, or without the
 * attachment). */
int compose_render(const struct compose *c, char **msg_r, size_t *len_r, const char **error_r);

/* A header text as it would be written, words separated by one space but
 * not folded; allocated. phrase: a display name (RFC 5322 3.2.5), else
 * unstructured text (a Subject). Runs of spaces count as one; ASCII text
 * without specials (in a phrase) and with words of at most 60 characters
 * comes back unchanged. The text must be valid UTF-8 without control
 * characters (compose_render checks that). */
char *compose_encode_words(const char *text, int phrase);

/* Quoted-printable body encoding (RFC 2045 6.7), CRLF line ends, lines of
 * at most 76 characters; LF or CRLF in the text are line ends, a lone CR is
 * encoded; the result ends with a line end; allocated. */
char *compose_qp(const char *text);

/* Is the address safe for a header and an SMTP envelope? 1 or 0: printable
 * ASCII or valid UTF-8 (RFC 6531, 6532: such an address goes only to a
 * server that offers SMTPUTF8), one '@' with both sides non-empty, no
 * space, no control character, no specials, at most ADDRESS_BYTES_MAX
 * bytes. */
int compose_address_ok(const char *addr);
/* 1 if the address holds a byte outside ASCII (it needs SMTPUTF8). */
int compose_address_utf8(const char *addr);

/* Is a message identifier (without brackets) safe to write inside <>? 1 or
 * 0: printable ASCII without space, '<' or '>', at most 250 bytes.
 * compose_render also wants '@' in the message's own Message-ID. */
int compose_msgid_ok(const char *id);

#endif
