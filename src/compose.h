/* compose: an outgoing RFC 5322 / MIME message from plain fields.
 *
 * Pure: no I/O. Non-ASCII header text is encoded by RFC 2047 (UTF-8, B or
 * Q, whichever is shorter), display names too; long header lines are folded;
 * the body is UTF-8 in quoted-printable with lines of at most 76 characters
 * (RFC 2045 6.7). Header data holding CR, LF or another control character
 * is refused: header injection cannot happen. */
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
};

/* Renders into an allocated CRLF message. Returns -1 with a static reason
 * when a field is unusable (control characters, missing address). */
int compose_render(const struct compose *c, char **msg_r, size_t *len_r, const char **error_r);

/* RFC 2047 encoding of a header text (no folding); allocated. ASCII text
 * without specials comes back unchanged. */
char *compose_encode_words(const char *text, int phrase);

/* Quoted-printable body encoding, CRLF line ends; allocated. */
char *compose_qp(const char *text);

/* Is the address safe for a header and an SMTP envelope? */
int compose_address_ok(const char *addr);

#endif
