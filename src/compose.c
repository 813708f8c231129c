#include "compose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

#define LINE_MAX_QP 76
#define ENCODED_WORD_MAX 75 /* RFC 2047 section 2 */

static int needs_encoding(const char *s, int phrase)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80)
			return 1;
		if (phrase && strchr("()<>[]:;@\\,.\"", *p) != NULL)
			return 2; /* ASCII specials: a quoted string will do */
	}
	return strstr(s, "=?") != NULL;
}

/* Length of the UTF-8 sequence starting at p. */
static size_t seq_len(const unsigned char *p)
{
	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0)
		return 2;
	if ((*p & 0xf0) == 0xe0)
		return 3;
	if ((*p & 0xf8) == 0xf0)
		return 4;
	return 1;
}

static void b64_chunk(struct buf *b, const unsigned char *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_addc(b, tbl[p[i] >> 2]);
		buf_addc(b, tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_addc(b, tbl[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_addc(b, tbl[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_addc(b, tbl[p[i] >> 2]);
		buf_addc(b, tbl[(p[i] & 3) << 4]);
		buf_adds(b, "==");
	} else if (n - i == 2) {
		buf_addc(b, tbl[p[i] >> 2]);
		buf_addc(b, tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_addc(b, tbl[(p[i + 1] & 15) << 2]);
		buf_addc(b, '=');
	}
}

/* RFC 2047 B encoding in words of at most 75 characters, never splitting a
 * UTF-8 sequence (section 5, last paragraph), separated by a folding space. */
char *compose_encode_words(const char *text, int phrase)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, start, l;
	struct buf b;
	int need = needs_encoding(text, phrase);

	buf_init(&b, n * 4 + 64);
	if (need == 0) {
		buf_adds(&b, text);
		return buf_steal(&b);
	}
	if (need == 2) {
		/* quoted-string, RFC 5322 3.2.4 */
		buf_addc(&b, '"');
		for (; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, (char)*p);
		}
		buf_addc(&b, '"');
		return buf_steal(&b);
	}
	/* 12 = strlen("=?UTF-8?B?") + strlen("?="); 45 input bytes -> 60 */
	while (i < n) {
		start = i;
		while (i < n) {
			l = seq_len(p + i);
			if (i + l - start > 45)
				break;
			i += l;
		}
		if (i == start)
			i += seq_len(p + i) <= n - i ? seq_len(p + i) : n - i;
		if (b.len > 0)
			buf_adds(&b, "\r\n ");
		buf_adds(&b, "=?UTF-8?B?");
		b64_chunk(&b, p + start, i - start);
		buf_adds(&b, "?=");
	}
	return buf_steal(&b);
}

char *compose_qp(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct buf b;
	size_t col = 0, i, n = strlen(text);
	char enc[4];

	buf_init(&b, n * 3 + n / 25 + 64);
	for (i = 0; i < n; i++) {
		unsigned char ch = p[i];
		int line_end = ch == '\n' || (ch == '\r' && i + 1 < n && p[i + 1] == '\n');
		size_t need;

		if (line_end) {
			if (ch == '\r')
				i++;
			buf_adds(&b, "\r\n");
			col = 0;
			continue;
		}
		if (ch == '\r')
			continue;
		/* white space before a line end and every non-printable byte are
		 * encoded (RFC 2045 6.7 rules 3 and 1); a leading dot or "From "
		 * too, for transports that mangle them */
		if ((ch == ' ' || ch == '\t') && (i + 1 == n || p[i + 1] == '\n' || p[i + 1] == '\r'))
			need = 3;
		else if (ch == '=' || ch >= 0x7f || (ch < 0x20 && ch != '\t'))
			need = 3;
		else if (col == 0 && (ch == '.' || (ch == 'F' && strncmp((const char *)p + i, "From ", 5) == 0)))
			need = 3;
		else
			need = 1;
		/* a soft line break keeps lines within 76 characters, and never
		 * splits an =XX triple */
		if (col + need > LINE_MAX_QP - 1) {
			buf_adds(&b, "=\r\n");
			col = 0;
		}
		if (need == 3) {
			snprintf(enc, sizeof(enc), "=%02X", ch);
			buf_adds(&b, enc);
		} else {
			buf_addc(&b, (char)ch);
		}
		col += need;
	}
	if (b.len == 0 || b.s[b.len - 1] != '\n')
		buf_adds(&b, "\r\n");
	return buf_steal(&b);
}

int compose_address_ok(const char *addr)
{
	const char *at;

	if (addr == NULL || *addr == '\0' || strlen(addr) > ADDRESS_BYTES_MAX || str_has_ctl(addr))
		return 0;
	at = strchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	return strpbrk(addr, " <>()[]\\,;:\"") == NULL;
}

/* Appends "Name: value", folding at spaces so that lines stay under 78
 * characters where the value allows (RFC 5322 2.2.3). */
static void header(struct buf *b, const char *name, const char *value)
{
	size_t col, n, i, last_space_out;
	const char *p;

	buf_adds(b, name);
	buf_adds(b, ": ");
	col = strlen(name) + 2;
	p = value;
	n = strlen(p);
	last_space_out = 0;
	(void)last_space_out;
	for (i = 0; i < n;) {
		size_t word = strcspn(p + i + 1, " ") + 1;

		if (p[i] == '\r' && i + 2 < n && p[i + 1] == '\n') {
			/* pre-folded encoded words */
			buf_adds(b, "\r\n");
			i += 2;
			col = 0;
			continue;
		}
		if (p[i] == ' ' && col + word > 76 && col > 1) {
			buf_adds(b, "\r\n");
			col = 0;
		}
		buf_add(b, p + i, 1);
		col++;
		i++;
	}
	buf_adds(b, "\r\n");
}

static int header_text_ok(const char *s)
{
	return s == NULL || !str_has_ctl(s);
}

static void address_list(struct buf *b, const char *hname, const struct compose_addr *a, size_t n)
{
	struct buf v;
	size_t i;
	char *enc;

	buf_init(&v, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&v, ", ");
		if (a[i].name != NULL && a[i].name[0] != '\0') {
			enc = compose_encode_words(a[i].name, 1);
			buf_printf(&v, "%s <%s>", enc, a[i].addr);
			free(enc);
		} else {
			buf_adds(&v, a[i].addr);
		}
	}
	header(b, hname, v.s != NULL ? v.s : "");
	buf_deinit(&v);
}

static int check_fields(const struct compose *c, const char **error_r)
{
	size_t i;

	if (!compose_address_ok(c->from_addr)) {
		*error_r = "unusable From address";
		return -1;
	}
	if (c->n_to == 0) {
		*error_r = "no recipient";
		return -1;
	}
	for (i = 0; i < c->n_to; i++)
		if (!compose_address_ok(c->to[i].addr) || !header_text_ok(c->to[i].name)) {
			*error_r = "unusable To address or name";
			return -1;
		}
	for (i = 0; i < c->n_cc; i++)
		if (!compose_address_ok(c->cc[i].addr) || !header_text_ok(c->cc[i].name)) {
			*error_r = "unusable Cc address or name";
			return -1;
		}
	if (c->reply_to != NULL && (!compose_address_ok(c->reply_to->addr) ||
	    !header_text_ok(c->reply_to->name))) {
		*error_r = "unusable Reply-To";
		return -1;
	}
	if (!header_text_ok(c->subject) || !header_text_ok(c->from_name) ||
	    !header_text_ok(c->message_id) || !header_text_ok(c->in_reply_to) ||
	    !header_text_ok(c->list_id) || !header_text_ok(c->list_name) ||
	    (c->list_id != NULL && strpbrk(c->list_id, "<> ") != NULL) || !header_text_ok(c->kind) || !header_text_ok(c->language) ||
	    !header_text_ok(c->alt_type)) {
		*error_r = "control character in a header field";
		return -1;
	}
	for (i = 0; i < c->n_references; i++)
		if (!header_text_ok(c->references[i]) || strpbrk(c->references[i], "<> ") != NULL) {
			*error_r = "unusable References entry";
			return -1;
		}
	if (c->message_id == NULL || strpbrk(c->message_id, "<> ") != NULL ||
	    (c->in_reply_to != NULL && strpbrk(c->in_reply_to, "<> ") != NULL)) {
		*error_r = "unusable Message-ID";
		return -1;
	}
	return 0;
}

static void text_part(struct buf *b, const struct compose *c)
{
	char *qp = compose_qp(c->body != NULL ? c->body : "");

	buf_adds(b, "Content-Type: text/plain; charset=UTF-8\r\n");
	(void)c;
	buf_adds(b, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	buf_adds(b, qp);
	free(qp);
}

int compose_render(const struct compose *c, char **msg_r, size_t *len_r, const char **error_r)
{
	struct buf b, refs;
	char date[64], *enc, boundary[64];
	size_t i;

	if (check_fields(c, error_r) < 0)
		return -1;
	buf_init(&b, 4 * MSG_BYTES_MAX);
	time_rfc5322(c->date, date, sizeof(date));
	header(&b, "Date", date);
	enc = compose_encode_words(c->from_name != NULL ? c->from_name : "", 1);
	if (c->from_name != NULL && c->from_name[0] != '\0')
		buf_printf(&b, "From: %s <%s>\r\n", enc, c->from_addr);
	else
		buf_printf(&b, "From: %s\r\n", c->from_addr);
	free(enc);
	address_list(&b, "To", c->to, c->n_to);
	if (c->n_cc > 0)
		address_list(&b, "Cc", c->cc, c->n_cc);
	if (c->reply_to != NULL)
		address_list(&b, "Reply-To", c->reply_to, 1);
	enc = compose_encode_words(c->subject != NULL ? c->subject : "", 0);
	header(&b, "Subject", enc);
	free(enc);
	buf_printf(&b, "Message-ID: <%s>\r\n", c->message_id);
	if (c->in_reply_to != NULL)
		buf_printf(&b, "In-Reply-To: <%s>\r\n", c->in_reply_to);
	if (c->n_references > 0) {
		buf_init(&refs, 64 * 1024);
		for (i = 0; i < c->n_references; i++)
			buf_printf(&refs, "%s<%s>", i ? " " : "", c->references[i]);
		header(&b, "References", refs.s);
		buf_deinit(&refs);
	}
	if (c->auto_submitted != NULL)
		buf_printf(&b, "Auto-Submitted: %s\r\n", c->auto_submitted);
	/* RFC 3834 5.1 and Microsoft's own header: no autoreplies to us */
	buf_adds(&b, "X-Auto-Response-Suppress: All\r\n");
	if (c->list_id != NULL) {
		/* RFC 2919: List-Id: phrase <list-label.domain> */
		enc = compose_encode_words(c->list_name != NULL ? c->list_name : "", 1);
		buf_printf(&b, "List-Id: %s <%s>\r\n", enc, c->list_id);
		free(enc);
	}
	if (c->loop != NULL)
		buf_printf(&b, "X-Loop: %s\r\n", c->loop);
	if (c->kind != NULL)
		buf_printf(&b, "X-Mentord-Kind: %s\r\n", c->kind);
	if (c->language != NULL)
		buf_printf(&b, "Content-Language: %s\r\n", c->language);
	buf_adds(&b, "MIME-Version: 1.0\r\n");
	if (c->alt_type == NULL) {
		text_part(&b, c);
	} else {
		char *qp = compose_qp(c->alt_body != NULL ? c->alt_body : "");

		snprintf(boundary, sizeof(boundary), "=_mentord_%016llx",
		    (unsigned long long)hash64(c->message_id, strlen(c->message_id)));
		buf_printf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
		buf_printf(&b, "--%s\r\n", boundary);
		text_part(&b, c);
		buf_printf(&b, "--%s\r\n", boundary);
		buf_printf(&b, "Content-Type: %s\r\n", c->alt_type);
		buf_adds(&b, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		buf_adds(&b, qp);
		buf_printf(&b, "--%s--\r\n", boundary);
		free(qp);
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
