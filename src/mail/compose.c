#include "compose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "charset.h"
#include "util.h"

/* RFC 2045 6.7 rule 5: encoded lines of at most 76 characters. */
#define QP_LINE_MAX 76
/* RFC 2047 section 2: an encoded word is at most 75 characters and a header
 * line holding one at most 76. Every header line we fold is kept to 76,
 * inside the 78 of RFC 5322 2.1.1. */
#define EW_MAX 75
#define HEADER_LINE_MAX 76
/* strlen("=?UTF-8?B?") + strlen("?=") */
#define EW_OVERHEAD 12
/* Below this room left on a line, an encoded word starts on the next one
 * rather than holding a character or two. */
#define EW_ROOM_MIN 24
/* A plain word longer than this is encoded, so that it can be split over
 * lines: a header line has no other place to break. */
#define WORD_PLAIN_MAX 60
/* Longest message identifier written; keeps a line far below the 998 of
 * RFC 5322 2.1.1. */
#define MSGID_MAX 250

/* ---- header lines ---- */

/* A header field being written: tokens separated by one space, folded
 * (RFC 5322 2.2.3) before a token that would pass HEADER_LINE_MAX. */
struct hdr {
	struct buf *b;
	size_t col;  /* characters on the current line */
	int fold;    /* 0: one line (compose_encode_words) */
	int lead;    /* a space before the first token, after "Name:" */
	int tokens;  /* tokens written */
};

static void hdr_begin(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	h->fold = 1;
	h->lead = 1;
	h->tokens = 0;
	buf_adds(b, name);
	buf_addc(b, ':');
	h->col = strlen(name) + 1;
}

static void hdr_end(struct hdr *h)
{
	buf_adds(h->b, "\r\n");
}

/* Characters left on the current line for a token after its space. */
static size_t hdr_room(const struct hdr *h)
{
	if (!h->fold)
		return EW_MAX;
	return h->col + 1 < HEADER_LINE_MAX ? HEADER_LINE_MAX - h->col - 1 : 0;
}

/* The first token stays on the "Name:" line: folding right after the colon
 * would make the value start with white space. */
static void hdr_token(struct hdr *h, const char *s, size_t n)
{
	if (h->tokens > 0 || h->lead) {
		if (h->fold && h->tokens > 0 && n > hdr_room(h)) {
			buf_adds(h->b, "\r\n ");
			h->col = 1;
		} else {
			buf_addc(h->b, ' ');
			h->col++;
		}
	}
	buf_add(h->b, s, n);
	h->col += n;
	h->tokens++;
}

static void hdr_tokens(struct hdr *h, const char *value)
{
	const char *p = value;
	size_t n;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n > 0)
			hdr_token(h, p, n);
		p += n;
	}
}

/* A whole header field of space-separated ASCII tokens. */
static void header_words(struct buf *b, const char *name, const char *value)
{
	struct hdr h;

	hdr_begin(&h, b, name);
	hdr_tokens(&h, value);
	hdr_end(&h);
}

/* ---- RFC 2047 encoded words ---- */

/* Length of the UTF-8 sequence starting at p, within n bytes; header text
 * was checked (text_ok), so a byte that starts none is only taken alone. */
static size_t seq_len(const unsigned char *p, size_t n)
{
	size_t l = utf8_seq((const char *)p, n, NULL);

	return l > 0 ? l : 1;
}

/* RFC 2047 5 rule 3: the only characters a Q-encoded word may show as
 * themselves where it stands for a phrase; we use that strict set in every
 * header, space aside (written "_"). */
static int q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == ' ' || (c != '\0' && strchr("!*+-/", c) != NULL);
}

static size_t q_cost(const unsigned char *p, size_t n)
{
	size_t i, cost = 0;

	for (i = 0; i < n; i++)
		cost += q_plain(p[i]) ? 1 : 3;
	return cost;
}

static size_t b_cost(size_t n)
{
	return 4 * ((n + 2) / 3);
}

/* Bytes of p, whole UTF-8 sequences only (RFC 2047 5, last paragraph),
 * that fit in one encoded word of at most room characters. */
static size_t ew_take(const unsigned char *p, size_t n, size_t room, int b64)
{
	size_t i = 0, qcost = 0, l, len;

	while (i < n) {
		l = seq_len(p + i, n - i);
		len = EW_OVERHEAD + (b64 ? b_cost(i + l) : qcost + q_cost(p + i, l));
		if (len > room)
			break;
		qcost += q_cost(p + i, l);
		i += l;
	}
	return i;
}

static void ew_write(struct buf *w, const unsigned char *p, size_t n, int b64)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	buf_adds(w, b64 ? "=?UTF-8?B?" : "=?UTF-8?Q?");
	if (b64)
		buf_add_base64(w, p, n, 0);
	for (i = 0; !b64 && i < n; i++) {
		if (p[i] == ' ') {
			buf_addc(w, '_');
		} else if (q_plain(p[i])) {
			buf_addc(w, (char)p[i]);
		} else {
			buf_addc(w, '=');
			buf_addc(w, hex[p[i] >> 4]);
			buf_addc(w, hex[p[i] & 15]);
		}
	}
	buf_adds(w, "?=");
}

/* Writes text as encoded words, each sized to the room left on its line.
 * The spaces inside the text are encoded too: white space between two
 * encoded words is dropped by the reader (RFC 2047 6.2). */
static void hdr_encoded(struct hdr *h, const unsigned char *p, size_t n)
{
	int b64 = b_cost(n) < q_cost(p, n);
	struct buf w;
	size_t i = 0, take, room;

	buf_init(&w, 2 * EW_MAX);
	while (i < n) {
		room = hdr_room(h);
		if (room > EW_MAX)
			room = EW_MAX;
		take = room >= EW_ROOM_MIN || h->tokens == 0 ? ew_take(p + i, n - i, room, b64) : 0;
		if (take == 0) /* hdr_token folds: a whole line is free */
			take = ew_take(p + i, n - i, EW_MAX, b64);
		buf_reset(&w);
		ew_write(&w, p + i, take, b64);
		hdr_token(h, w.s, w.len);
		i += take;
	}
	buf_deinit(&w);
}

/* RFC 5322 3.2.3 specials: not allowed in a phrase's atoms. */
static int is_special(unsigned char c)
{
	return c != '\0' && strchr("()<>[]:;@\\,.\"", c) != NULL;
}

static int word_needs_encoding(const unsigned char *w, size_t n, int phrase)
{
	size_t i;

	if (n > WORD_PLAIN_MAX)
		return 1;
	for (i = 0; i < n; i++) {
		if (w[i] >= 0x80 || (phrase && is_special(w[i])))
			return 1;
		/* text that would read as an encoded word */
		if (w[i] == '=' && i + 1 < n && w[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* An ASCII phrase with specials: a quoted-string (RFC 5322 3.2.4), which
 * may be folded at its spaces. Returns 0 when a quoted-string will not do. */
static int hdr_quoted(struct hdr *h, const char *text)
{
	const char *p;
	struct buf q;
	size_t n;

	for (p = text; *p != '\0'; p += n) {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (word_needs_encoding((const unsigned char *)p, n, 0))
			return 0;
	}
	buf_init(&q, 2 * strlen(text) + 3);
	buf_addc(&q, '"');
	for (p = text; *p != '\0'; p++) {
		if (*p == ' ' && (q.len == 1 || q.s[q.len - 1] == ' '))
			continue;
		if (*p == '"' || *p == '\\')
			buf_addc(&q, '\\');
		buf_addc(&q, *p);
	}
	while (q.len > 1 && q.s[q.len - 1] == ' ')
		q.s[--q.len] = '\0';
	buf_addc(&q, '"');
	hdr_tokens(h, q.s);
	buf_deinit(&q);
	return 1;
}

/* Header text: unstructured (a Subject) or a phrase (a display name). Plain
 * words stay readable; each run of words that need it becomes encoded
 * words. Runs of spaces count as one. */
static void hdr_text_shown(struct hdr *h, const char *text, int phrase)
{
	const unsigned char *p = (const unsigned char *)text, *run = NULL, *run_end = NULL;
	int specials = 0, ascii = 1;
	size_t n;

	for (n = 0; p[n] != '\0'; n++) {
		specials |= is_special(p[n]);
		ascii &= p[n] < 0x80;
	}
	if (phrase && specials && ascii && hdr_quoted(h, text))
		return;
	for (;;) {
		while (*p == ' ')
			p++;
		n = strcspn((const char *)p, " ");
		if (n > 0 && word_needs_encoding(p, n, phrase)) {
			if (run == NULL)
				run = p;
			run_end = p + n;
		} else {
			if (run != NULL)
				hdr_encoded(h, run, (size_t)(run_end - run));
			run = NULL;
			if (n == 0)
				break;
			hdr_token(h, (const char *)p, n);
		}
		p += n;
	}
}

/* What a header shows follows the rule of bodies (util.h str_shown()): no
 * bidirectional override, embedding or isolate, no C1 control, reaches a
 * display name or a subject, where it would reorder what is around it. */
static void hdr_text(struct hdr *h, const char *text, int phrase)
{
	char *shown = str_shown(text, 0);

	hdr_text_shown(h, shown, phrase);
	free(shown);
}

char *compose_encode_words(const char *text, int phrase)
{
	struct buf b;
	struct hdr h;

	buf_init(&b, 8 * strlen(text) + 64);
	buf_add(&b, "", 0);
	memset(&h, 0, sizeof(h));
	h.b = &b;
	hdr_text(&h, text, phrase);
	return buf_steal(&b);
}

/* ---- quoted-printable body ---- */

/* Is p[i] the last byte of its line (before a line end or the end)? */
static int qp_last_on_line(const unsigned char *p, size_t i, size_t n)
{
	return i + 1 == n || p[i + 1] == '\n' ||
	    (p[i + 1] == '\r' && (i + 2 == n || p[i + 2] == '\n'));
}

/* Characters the byte at p[i] takes on a line starting at column col: 1, or
 * 3 for =XX. White space before a line end and every byte outside printable
 * ASCII are encoded (RFC 2045 6.7 rules 1 and 3); so are a dot or "From "
 * opening a line, for transports that mangle them. */
static size_t qp_need(const unsigned char *p, size_t i, size_t n, size_t col)
{
	unsigned char ch = p[i];

	if ((ch == ' ' || ch == '\t') && qp_last_on_line(p, i, n))
		return 3;
	if (ch == '=' || ch >= 0x7f || (ch < 0x20 && ch != '\t'))
		return 3;
	if (col == 0 && (ch == '.' || (ch == 'F' && n - i >= 5 && memcmp(p + i, "From ", 5) == 0)))
		return 3;
	return 1;
}

char *compose_qp(const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0, i, n = strlen(text), need, limit;
	struct buf b;

	buf_init(&b, n * 3 + n / 20 + 64);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		unsigned char ch = p[i];

		if (ch == '\n' || (ch == '\r' && i + 1 < n && p[i + 1] == '\n')) {
			if (ch == '\r')
				i++;
			buf_adds(&b, "\r\n");
			col = 0;
			continue;
		}
		need = qp_need(p, i, n, col);
		/* a soft line break "=" keeps lines within 76 characters and
		 * never splits an =XX triple; the last character of a line
		 * may take the 76th column itself */
		limit = qp_last_on_line(p, i, n) ? QP_LINE_MAX : QP_LINE_MAX - 1;
		if (col + need > limit) {
			buf_adds(&b, "=\r\n");
			col = 0;
			need = qp_need(p, i, n, col);
		}
		if (need == 3) {
			buf_addc(&b, '=');
			buf_addc(&b, hex[ch >> 4]);
			buf_addc(&b, hex[ch & 15]);
		} else {
			buf_addc(&b, (char)ch);
		}
		col += need;
	}
	if (b.len == 0 || b.s[b.len - 1] != '\n')
		buf_adds(&b, "\r\n");
	return buf_steal(&b);
}

/* ---- fields ---- */

int compose_address_ok(const char *addr)
{
	const unsigned char *p;
	const char *at;

	if (addr == NULL || *addr == '\0' || strlen(addr) > ADDRESS_BYTES_MAX)
		return 0;
	/* printable ASCII, or UTF-8 (RFC 6531: only over SMTPUTF8, which the
	 * SMTP layer checks) */
	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	if (compose_address_utf8(addr) && !utf8_valid(addr, strlen(addr)))
		return 0;
	at = strchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	return strpbrk(addr, "<>()[]\\,;:\"") == NULL;
}

int compose_address_utf8(const char *addr)
{
	const unsigned char *p;

	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p >= 0x80)
			return 1;
	return 0;
}

int compose_msgid_ok(const char *id)
{
	const unsigned char *p;

	if (id == NULL || *id == '\0' || strlen(id) > MSGID_MAX)
		return 0;
	for (p = (const unsigned char *)id; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* Text for a header: valid UTF-8 without any control character (CR and LF
 * above all: header injection), NULL allowed. */
static int text_ok(const char *s)
{
	return s == NULL || (!str_has_ctl(s) && utf8_valid(s, strlen(s)) &&
	    strlen(s) <= SUBJECT_BYTES_MAX);
}

/* A structured value we write as it is: printable ASCII and spaces. */
static int ascii_ok(const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return 1;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return strlen(s) <= SUBJECT_BYTES_MAX;
}

static int addresses_ok(const struct compose_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!compose_address_ok(a[i].addr) || !text_ok(a[i].name))
			return 0;
	return 1;
}

/* A file name that needs no quoting nor encoding (RFC 2183 2.3). */
static int file_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return 0;
	return i > 0 && i <= 64 && s[0] != '.';
}

static int check_fields(const struct compose *c, const char **error_r)
{
	size_t i;

	*error_r = NULL;
	if (!compose_address_ok(c->from_addr) || !text_ok(c->from_name))
		*error_r = "unusable From address or name";
	else if (c->n_to == 0)
		*error_r = "no recipient";
	else if (!addresses_ok(c->to, c->n_to))
		*error_r = "unusable To address or name";
	else if (!addresses_ok(c->cc, c->n_cc))
		*error_r = "unusable Cc address or name";
	else if (c->reply_to != NULL && !addresses_ok(c->reply_to, 1))
		*error_r = "unusable Reply-To";
	else if (!text_ok(c->subject) || !text_ok(c->list_name))
		*error_r = "control character or bad UTF-8 in a header field";
	else if (!ascii_ok(c->kind) || !ascii_ok(c->language) || !ascii_ok(c->alt_type) ||
	    !ascii_ok(c->auto_submitted) || (c->loop != NULL && !compose_address_ok(c->loop)))
		*error_r = "unusable header value";
	else if (!compose_msgid_ok(c->message_id) || strchr(c->message_id, '@') == NULL ||
	    (c->in_reply_to != NULL && !compose_msgid_ok(c->in_reply_to)))
		*error_r = "unusable Message-ID";
	else if (c->list_id != NULL && !compose_msgid_ok(c->list_id))
		*error_r = "unusable List-Id";
	else if ((c->alt_type == NULL) != (c->alt_body == NULL))
		*error_r = "alternative part without its type or body";
	else if ((c->attach_type == NULL) != (c->attach_body == NULL) ||
	    (c->attach_type == NULL) != (c->attach_name == NULL))
		*error_r = "attachment without its type, name or body";
	else if (c->attach_type != NULL && (c->alt_type != NULL || !ascii_ok(c->attach_type) ||
	    !file_name_ok(c->attach_name)))
		*error_r = "unusable attachment";
	else if ((c->file_type == NULL) != (c->file_data == NULL) ||
	    (c->file_type == NULL) != (c->file_name == NULL))
		*error_r = "file without its type, name or data";
	else if (c->file_type != NULL && (c->attach_type == NULL || !ascii_ok(c->file_type) ||
	    !file_name_ok(c->file_name)))
		*error_r = "unusable file";
	for (i = 0; *error_r == NULL && i < c->n_references; i++)
		if (!compose_msgid_ok(c->references[i]))
			*error_r = "unusable References entry";
	return *error_r == NULL ? 0 : -1;
}

static void header_addresses(struct buf *b, const char *name, const struct compose_addr *a,
    size_t n)
{
	struct hdr h;
	char *tok;
	size_t i;

	hdr_begin(&h, b, name);
	for (i = 0; i < n; i++) {
		const char *sep = i + 1 < n ? "," : "";

		if (a[i].name != NULL && a[i].name[0] != '\0') {
			hdr_text(&h, a[i].name, 1);
			tok = xasprintf("<%s>%s", a[i].addr, sep);
		} else {
			tok = xasprintf("%s%s", a[i].addr, sep);
		}
		hdr_token(&h, tok, strlen(tok));
		free(tok);
	}
	hdr_end(&h);
}

static void header_ids(struct buf *b, const char *name, const char *const *ids, size_t n)
{
	struct hdr h;
	char *tok;
	size_t i;

	hdr_begin(&h, b, name);
	for (i = 0; i < n; i++) {
		tok = xasprintf("<%s>", ids[i]);
		hdr_token(&h, tok, strlen(tok));
		free(tok);
	}
	hdr_end(&h);
}

static void header_text(struct buf *b, const char *name, const char *text, int phrase,
    const char *id)
{
	struct hdr h;
	char *tok;

	hdr_begin(&h, b, name);
	hdr_text(&h, text, phrase);
	if (id != NULL) {
		tok = xasprintf("<%s>", id);
		hdr_token(&h, tok, strlen(tok));
		free(tok);
	}
	hdr_end(&h);
}

static void text_part(struct buf *b, const char *type, const char *body)
{
	char *qp = compose_qp(body != NULL ? body : "");

	header_words(b, "Content-Type", type);
	buf_adds(b, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	buf_adds(b, qp);
	free(qp);
}

/* RFC 2045 6.8: base64 in lines of 76 characters, CRLF after each */
static void base64_part(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	/* 57 bytes make the 76 characters of a line */
	for (i = 0; i < n; i += 57) {
		buf_add_base64(b, p + i, n - i < 57 ? n - i : 57, 0);
		buf_adds(b, "\r\n");
	}
}

static void headers(struct buf *b, const struct compose *c)
{
	struct compose_addr from = { c->from_name, c->from_addr };
	char date[64];

	time_rfc5322(c->date, date, sizeof(date));
	header_words(b, "Date", date);
	header_addresses(b, "From", &from, 1);
	header_addresses(b, "To", c->to, c->n_to);
	if (c->n_cc > 0)
		header_addresses(b, "Cc", c->cc, c->n_cc);
	if (c->reply_to != NULL)
		header_addresses(b, "Reply-To", c->reply_to, 1);
	header_text(b, "Subject", c->subject != NULL ? c->subject : "", 0, NULL);
	header_ids(b, "Message-ID", &c->message_id, 1);
	/* RFC 5322 3.6.4 */
	if (c->in_reply_to != NULL)
		header_ids(b, "In-Reply-To", &c->in_reply_to, 1);
	if (c->n_references > 0)
		header_ids(b, "References", c->references, c->n_references);
	if (c->auto_submitted != NULL)
		header_words(b, "Auto-Submitted", c->auto_submitted);
	/* RFC 3834 5 and Microsoft's own header: no automatic replies to us */
	buf_adds(b, "X-Auto-Response-Suppress: All\r\n");
	/* RFC 2919: List-Id: phrase <list-label.domain> */
	if (c->list_id != NULL)
		header_text(b, "List-Id", c->list_name != NULL ? c->list_name : "", 1, c->list_id);
	if (c->loop != NULL)
		header_words(b, "X-Loop", c->loop);
	if (c->kind != NULL)
		header_words(b, "X-Mentord-Kind", c->kind);
	if (c->language != NULL)
		header_words(b, "Content-Language", c->language);
	buf_adds(b, "MIME-Version: 1.0\r\n");
}

int compose_render(const struct compose *c, char **msg_r, size_t *len_r, const char **error_r)
{
	struct buf b;
	char boundary[64], *type;

	if (check_fields(c, error_r) < 0)
		return -1;
	buf_init(&b, 4 * MSG_BYTES_MAX);
	headers(&b, c);
	if (c->attach_type != NULL) {
		/* "=_" cannot occur in quoted-printable text (RFC 2045 6.7) */
		snprintf(boundary, sizeof(boundary), "=_mentord_%016llx",
		    (unsigned long long)hash64(c->message_id, strlen(c->message_id)));
		type = xasprintf("multipart/mixed; boundary=\"%s\"", boundary);
		header_words(&b, "Content-Type", type);
		free(type);
		buf_printf(&b, "\r\n--%s\r\n", boundary);
		text_part(&b, "text/plain; charset=UTF-8", c->body);
		buf_printf(&b, "--%s\r\n", boundary);
		/* RFC 2183: the part is a file to save, under its name */
		buf_printf(&b, "Content-Disposition: attachment; filename=\"%s\"\r\n", c->attach_name);
		type = xasprintf("%s; name=\"%s\"", c->attach_type, c->attach_name);
		text_part(&b, type, c->attach_body);
		free(type);
		if (c->file_type != NULL) {
			buf_printf(&b, "--%s\r\n", boundary);
			buf_printf(&b, "Content-Disposition: attachment; filename=\"%s\"\r\n",
			    c->file_name);
			type = xasprintf("%s; name=\"%s\"", c->file_type, c->file_name);
			header_words(&b, "Content-Type", type);
			free(type);
			buf_adds(&b, "Content-Transfer-Encoding: base64\r\n\r\n");
			base64_part(&b, c->file_data, c->file_len);
		}
		buf_printf(&b, "--%s--\r\n", boundary);
	} else if (c->alt_type == NULL) {
		text_part(&b, "text/plain; charset=UTF-8", c->body);
	} else {
		/* "=_" cannot occur in quoted-printable text (RFC 2045 6.7), so
		 * the boundary never appears inside a part (RFC 2046 5.1.1) */
		snprintf(boundary, sizeof(boundary), "=_mentord_%016llx",
		    (unsigned long long)hash64(c->message_id, strlen(c->message_id)));
		type = xasprintf("multipart/alternative; boundary=\"%s\"", boundary);
		header_words(&b, "Content-Type", type);
		free(type);
		/* the line break before a delimiter belongs to the delimiter
		 * (RFC 2046 5.1.1): each part's own last line break, the
		 * calendar's CRLF above all (RFC 5545 3.1), is kept by one more */
		buf_printf(&b, "\r\n--%s\r\n", boundary);
		text_part(&b, "text/plain; charset=UTF-8", c->body);
		buf_printf(&b, "\r\n--%s\r\n", boundary);
		text_part(&b, c->alt_type, c->alt_body);
		buf_printf(&b, "\r\n--%s--\r\n", boundary);
	}
	if (b.toobig) {
		buf_deinit(&b);
		*error_r = "message too large";
		return -1;
	}
	*len_r = b.len;
	*msg_r = buf_steal(&b);
	return 0;
}
