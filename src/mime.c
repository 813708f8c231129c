#include "mime.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "html.h"
#include "util.h"

struct walk {
	struct mime_msg *msg;
	const char *plain;     /* first inline text/plain */
	const char *html;      /* first inline text/html */
	int over_limit;
};

/* ---- header blocks ---- */

/* Length of the header block (up to and including the empty line, or the
 * whole input when there is none). */
static size_t header_block_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		/* at a line end: is the next line empty? */
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		if (i + 1 < len && s[i + 1] == '\n')
			return i + 2;
		if (i + 1 < len && s[i + 1] == '\r')
			return (i + 2 < len && s[i + 2] == '\n') ? i + 3 : i + 2;
	}
	return len;
}

/* Splits an unfolded header block into fields. Returns -1 over the limits. */
static int parse_header_block(struct arena *a, const char *s, size_t len,
    struct mime_header **hdrs_r, size_t *n_r)
{
	struct mime_header *h = NULL;
	size_t n = 0, cap = 0, i = 0, start, end;
	struct buf line;
	int ret = -1;

	buf_init(&line, HEADER_BYTES_MAX);
	while (i < len) {
		start = i;
		while (i < len && s[i] != '\n' && s[i] != '\r')
			i++;
		end = i;
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		if (end == start)
			break; /* the empty line */
		if ((s[start] == ' ' || s[start] == '\t') && line.len > 0) {
			/* RFC 5322 2.2.3: unfolding removes the line break only */
			if (buf_add(&line, s + start, end - start) < 0)
				goto out;
		} else {
			if (line.len > 0 && n < HEADER_FIELDS_MAX) {
				char *colon;

				if (n == cap) {
					cap = cap ? cap * 2 : 32;
					h = xrealloc(h, cap * sizeof(*h));
				}
				colon = memchr(line.s, ':', line.len);
				if (colon != NULL) {
					char *name = arena_strndup(a, line.s, (size_t)(colon - line.s));
					char *value = arena_strdup(a, colon + 1);

					h[n].name = str_trim(name);
					h[n].value = str_trim(value);
					n++;
				}
			} else if (n >= HEADER_FIELDS_MAX) {
				goto out;
			}
			buf_reset(&line);
			if (buf_add(&line, s + start, end - start) < 0)
				goto out;
		}
	}
	if (line.len > 0 && memchr(line.s, ':', line.len) != NULL && n < HEADER_FIELDS_MAX) {
		char *colon = memchr(line.s, ':', line.len);

		if (n == cap)
			h = xrealloc(h, (cap + 1) * sizeof(*h));
		h[n].name = str_trim(arena_strndup(a, line.s, (size_t)(colon - line.s)));
		h[n].value = str_trim(arena_strdup(a, colon + 1));
		n++;
	}
	*hdrs_r = arena_alloc(a, (n ? n : 1) * sizeof(*h));
	if (n > 0)
		memcpy(*hdrs_r, h, n * sizeof(*h));
	*n_r = n;
	ret = 0;
out:
	free(h);
	buf_deinit(&line);
	return ret;
}

const char *mime_block_header(struct arena *a, const char *block, const char *name)
{
	struct mime_header *h = NULL;
	size_t n = 0, i, len;

	if (block == NULL)
		return NULL;
	len = strlen(block);
	if (parse_header_block(a, block, len, &h, &n) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcasecmp(h[i].name, name) == 0)
			return h[i].value;
	return NULL;
}

const char *mime_header_n(const struct mime_msg *msg, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < msg->n_headers; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0 && nth-- == 0)
			return msg->headers[i].value;
	return NULL;
}

const char *mime_header(const struct mime_msg *msg, const char *name)
{
	return mime_header_n(msg, name, 0);
}

/* ---- charsets ---- */

const char *mime_to_utf8(struct arena *a, const char *data, size_t len, const char *charset)
{
	char *out = NULL;
	size_t out_len = 0;
	const char *r;

	if (charset != NULL && (strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0 ||
	    strcasecmp(charset, "us-ascii") == 0 || strcasecmp(charset, "ascii") == 0))
		charset = NULL;
	if (charset == NULL && utf8_valid(data, len) && memchr(data, '\0', len) == NULL)
		return arena_strndup(a, data, len);
	if (charset == NULL || strcasecmp(charset, "iso-8859-1") == 0 ||
	    strcasecmp(charset, "latin1") == 0)
		charset = "windows-1252"; /* a superset in practice (WHATWG) */
	if (charconv_buffer("utf-8", charset, data, len, &out, &out_len) != MAIL_CHARCONV_NO_ERROR ||
	    !utf8_valid(out, out_len)) {
		if (out != NULL)
			charconv_buffer_free(out);
		out = NULL;
		if (strcasecmp(charset, "windows-1252") != 0 &&
		    charconv_buffer("utf-8", "windows-1252", data, len, &out, &out_len) != MAIL_CHARCONV_NO_ERROR) {
			if (out != NULL)
				charconv_buffer_free(out);
			out = NULL;
		}
	}
	if (out == NULL || !utf8_valid(out, out_len)) {
		/* last resort: keep the ASCII, replace the rest */
		char *s = arena_alloc(a, len + 1);
		size_t i;

		for (i = 0; i < len; i++)
			s[i] = ((unsigned char)data[i] < 0x80 && data[i] != '\0') ? data[i] : '?';
		s[len] = '\0';
		if (out != NULL)
			charconv_buffer_free(out);
		return s;
	}
	r = arena_strndup(a, out, strnlen(out, out_len));
	charconv_buffer_free(out);
	return r;
}

const char *mime_decode_words(struct arena *a, const char *value)
{
	const char *from = utf8_valid(value, strlen(value)) ? "utf-8" : "windows-1252";
	char *decoded = NULL;
	size_t idx = 0;
	const char *r;

	if (strstr(value, "=?") == NULL)
		return mime_to_utf8(a, value, strlen(value), NULL);
	if (mailmime_encoded_phrase_parse(from, value, strlen(value), &idx, "utf-8", &decoded) !=
	    MAILIMF_NO_ERROR || decoded == NULL || !utf8_valid(decoded, strlen(decoded))) {
		free(decoded);
		return mime_to_utf8(a, value, strlen(value), NULL);
	}
	r = arena_strdup(a, decoded);
	free(decoded);
	return r;
}

/* ---- identifiers and addresses ---- */

/* Every <id> in a header value (RFC 5322 3.6.4), in order. Bare tokens with
 * '@' are accepted too: some clients drop the brackets. */
static void parse_ids(struct arena *a, const char *v, const char ***ids, size_t *n, size_t max)
{
	const char *p = v, *end;

	while (p != NULL && *p != '\0' && *n < max) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '<') {
			end = strchr(p, '>');
			if (end == NULL)
				break;
			if (end - p > 1 && end - p < 998) {
				*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
				(*ids)[(*n)++] = arena_strndup(a, p + 1, (size_t)(end - p - 1));
			}
			p = end + 1;
		} else {
			size_t l = strcspn(p, " \t,<");

			if (memchr(p, '@', l) != NULL && l < 998) {
				*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
				(*ids)[(*n)++] = arena_strndup(a, p, l);
			}
			p += l;
		}
	}
}

static const char *first_id(struct arena *a, const char *v)
{
	const char **ids = NULL;
	const char *r = NULL;
	size_t n = 0;

	if (v == NULL)
		return NULL;
	parse_ids(a, v, &ids, &n, 1);
	if (n > 0)
		r = ids[0];
	free(ids);
	return r;
}

const char *mime_address(struct arena *a, const char *value, const char **name_r)
{
	struct mailimf_mailbox_list *list = NULL;
	struct mailimf_mailbox *mb;
	size_t idx = 0;
	const char *lt, *gt, *r = NULL;
	char *addr;

	if (name_r != NULL)
		*name_r = NULL;
	if (value == NULL)
		return NULL;
	if (mailimf_mailbox_list_parse(value, strlen(value), &idx, &list) == MAILIMF_NO_ERROR &&
	    list != NULL && clist_count(list->mb_list) > 0) {
		mb = clist_content(clist_begin(list->mb_list));
		if (mb->mb_addr_spec != NULL && strchr(mb->mb_addr_spec, '@') != NULL) {
			r = arena_strdup(a, mb->mb_addr_spec);
			if (name_r != NULL && mb->mb_display_name != NULL)
				*name_r = mime_decode_words(a, mb->mb_display_name);
		}
	}
	if (list != NULL)
		mailimf_mailbox_list_free(list);
	if (r == NULL) {
		/* lenient fallback: <addr> or the first word with an @ */
		lt = strchr(value, '<');
		gt = lt != NULL ? strchr(lt, '>') : NULL;
		if (lt != NULL && gt != NULL && gt - lt > 1) {
			r = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
		} else {
			const char *p = value;

			while (*p != '\0') {
				size_t l = strcspn(p, " \t,;\"()");

				if (l > 0 && memchr(p, '@', l) != NULL) {
					r = arena_strndup(a, p, l);
					break;
				}
				p += l;
				if (*p != '\0')
					p++;
			}
		}
	}
	if (r == NULL || strchr(r, '@') == NULL || strlen(r) > ADDRESS_BYTES_MAX || str_has_ctl(r) ||
	    strpbrk(r, " <>\"") != NULL)
		return NULL;
	addr = arena_strdup(a, r);
	str_lower_ascii(addr);
	return addr;
}

/* ---- body parts ---- */

static const char *param(struct mailmime_content *ct, const char *name)
{
	clistiter *it;

	if (ct == NULL || ct->ct_parameters == NULL)
		return NULL;
	for (it = clist_begin(ct->ct_parameters); it != NULL; it = clist_next(it)) {
		struct mailmime_parameter *p = clist_content(it);

		if (p->pa_name != NULL && strcasecmp(p->pa_name, name) == 0)
			return p->pa_value;
	}
	return NULL;
}

static void content_type(struct arena *a, struct mailmime_content *ct, char *out, size_t size)
{
	const char *type = "text", *sub = "plain";
	char *s;

	if (ct != NULL && ct->ct_type != NULL) {
		if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
			struct mailmime_discrete_type *d = ct->ct_type->tp_data.tp_discrete_type;

			switch (d->dt_type) {
			case MAILMIME_DISCRETE_TYPE_TEXT: type = "text"; break;
			case MAILMIME_DISCRETE_TYPE_IMAGE: type = "image"; break;
			case MAILMIME_DISCRETE_TYPE_AUDIO: type = "audio"; break;
			case MAILMIME_DISCRETE_TYPE_VIDEO: type = "video"; break;
			case MAILMIME_DISCRETE_TYPE_APPLICATION: type = "application"; break;
			default: type = d->dt_extension ? d->dt_extension : "x-unknown"; break;
			}
		} else if (ct->ct_type->tp_data.tp_composite_type != NULL) {
			struct mailmime_composite_type *c = ct->ct_type->tp_data.tp_composite_type;

			type = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message"
			    : c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart"
			    : (c->ct_token ? c->ct_token : "x-unknown");
		}
		if (ct->ct_subtype != NULL)
			sub = ct->ct_subtype;
	}
	s = arena_printf(a, "%s/%s", type, sub);
	str_lower_ascii(s);
	str_copy(out, size, s);
}

/* Decodes the transfer encoding and charset of a single part. */
static const char *part_text(struct walk *w, struct mailmime *mime, size_t *len_r)
{
	struct mailmime_data *d = mime->mm_data.mm_single;
	const char *charset = param(mime->mm_content_type, "charset");
	char *decoded = NULL;
	size_t idx = 0, dlen = 0;
	const char *r;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT) {
		*len_r = 0;
		return "";
	}
	if (d->dt_encoded && (d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE)) {
		if (mailmime_part_parse(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length, &idx,
		    d->dt_encoding, &decoded, &dlen) != MAILIMF_NO_ERROR) {
			decoded = NULL;
		}
	}
	if (decoded != NULL) {
		if (dlen > TEXT_BYTES_MAX)
			dlen = TEXT_BYTES_MAX;
		r = mime_to_utf8(w->msg->arena, decoded, dlen, charset);
		mailmime_decoded_part_free(decoded);
	} else {
		dlen = d->dt_data.dt_text.dt_length;
		if (dlen > TEXT_BYTES_MAX)
			dlen = TEXT_BYTES_MAX;
		r = mime_to_utf8(w->msg->arena, d->dt_data.dt_text.dt_data, dlen, charset);
	}
	*len_r = strlen(r);
	return r;
}

/* CRLF and lone CR to LF. */
static const char *normalise_eol(struct arena *a, const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *r;

	if (strchr(s, '\r') == NULL)
		return s;
	r = arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			r[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			r[o++] = s[i];
		}
	}
	r[o] = '\0';
	return r;
}

static int is_attachment(struct mailmime *mime)
{
	struct mailmime_single_fields f;

	if (mime->mm_mime_fields == NULL)
		return 0;
	mailmime_single_fields_init(&f, mime->mm_mime_fields, mime->mm_content_type);
	return f.fld_disposition != NULL && f.fld_disposition->dsp_type != NULL &&
	    f.fld_disposition->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
}

static void walk_part(struct walk *w, struct mailmime *mime, int depth, int in_report);

static void walk_single(struct walk *w, struct mailmime *mime, const char *ct, int in_report)
{
	struct mime_msg *m = w->msg;
	const char *text, *method;
	size_t len = 0;

	if (strcmp(ct, "text/calendar") == 0 || strcmp(ct, "application/ics") == 0) {
		if (m->calendar == NULL) {
			text = part_text(w, mime, &len);
			if (len <= ICAL_BYTES_MAX) {
				m->calendar = text;
				method = param(mime->mm_content_type, "method");
				if (method != NULL) {
					char *up = arena_strdup(m->arena, method);
					char *p;

					for (p = up; *p; p++)
						*p = (char)toupper((unsigned char)*p);
					m->calendar_method = up;
				}
			}
		}
		return;
	}
	if (strcmp(ct, "message/delivery-status") == 0 || strcmp(ct, "message/global-delivery-status") == 0) {
		if (m->delivery_status == NULL)
			m->delivery_status = normalise_eol(m->arena, part_text(w, mime, &len));
		return;
	}
	if (strcmp(ct, "text/rfc822-headers") == 0 || strcmp(ct, "text/rfc822-header") == 0) {
		if (m->original_headers == NULL)
			m->original_headers = normalise_eol(m->arena, part_text(w, mime, &len));
		return;
	}
	if (is_attachment(mime)) {
		m->has_attachments = 1;
		return;
	}
	if (in_report)
		return;
	if (strcmp(ct, "text/plain") == 0 && w->plain == NULL)
		w->plain = part_text(w, mime, &len);
	else if (strcmp(ct, "text/html") == 0 && w->html == NULL)
		w->html = part_text(w, mime, &len);
	else if (!str_has_prefix(ct, "text/"))
		m->has_attachments = 1;
}

static void walk_message(struct walk *w, struct mailmime *mime, int depth, int in_report)
{
	struct mime_msg *m = w->msg;
	struct mailmime *inner = mime->mm_data.mm_message.mm_msg_mime;
	const char *start;
	size_t len;

	if (in_report && inner != NULL) {
		/* the returned message of a DSN: keep its headers, for the
		 * original Message-ID, and its text */
		if (m->original_headers == NULL && mime->mm_body != NULL &&
		    mime->mm_body->dt_type == MAILMIME_DATA_TEXT) {
			start = mime->mm_body->dt_data.dt_text.dt_data;
			len = header_block_len(start, mime->mm_body->dt_data.dt_text.dt_length);
			if (len > HEADER_BYTES_MAX)
				len = HEADER_BYTES_MAX;
			m->original_headers = normalise_eol(m->arena, mime_to_utf8(m->arena, start, len, NULL));
		}
		return;
	}
	if (inner != NULL) {
		/* a forwarded message: its parts are not the sender's words;
		 * only look for a calendar and count parts */
		m->has_attachments = 1;
		(void)depth;
	}
}

static void walk_part(struct walk *w, struct mailmime *mime, int depth, int in_report)
{
	struct mime_msg *m = w->msg;
	char ct[128];
	clistiter *it;
	int report;

	if (++m->n_parts > MIME_PARTS_MAX || depth > MIME_DEPTH_MAX) {
		w->over_limit = 1;
		return;
	}
	if (depth > m->depth)
		m->depth = depth;
	content_type(m->arena, mime->mm_content_type, ct, sizeof(ct));
	switch (mime->mm_type) {
	case MAILMIME_SINGLE:
		walk_single(w, mime, ct, in_report);
		break;
	case MAILMIME_MULTIPLE:
		report = strcmp(ct, "multipart/report") == 0;
		if (report && m->report_type == NULL) {
			const char *rt = param(mime->mm_content_type, "report-type");
			char *lower = arena_strdup(m->arena, rt != NULL ? rt : "unknown");

			str_lower_ascii(lower);
			m->report_type = lower;
		}
		if (mime->mm_data.mm_multipart.mm_mp_list == NULL)
			break;
		for (it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it != NULL && !w->over_limit;
		    it = clist_next(it)) {
			struct mailmime *child = clist_content(it);
			/* in a report, the first part is the human-readable
			 * explanation; the rest is machine data */
			int child_in_report = in_report || (report && it != clist_begin(mime->mm_data.mm_multipart.mm_mp_list));

			walk_part(w, child, depth + 1, child_in_report);
		}
		break;
	case MAILMIME_MESSAGE:
		if (depth == 0) {
			if (mime->mm_data.mm_message.mm_msg_mime != NULL)
				walk_part(w, mime->mm_data.mm_message.mm_msg_mime, depth + 1, in_report);
		} else {
			walk_message(w, mime, depth, in_report);
		}
		break;
	default:
		break;
	}
}

/* libetpan recurses once per nesting level; a message built to nest deeper
 * than our limits is refused before it is handed over. */
static int too_many_parts(const char *raw, size_t len)
{
	size_t count = 0, i;
	static const char needle[] = "content-type";

	for (i = 0; i + sizeof(needle) - 1 <= len; i++) {
		if ((i == 0 || raw[i - 1] == '\n') && strncasecmp(raw + i, needle, sizeof(needle) - 1) == 0 &&
		    ++count > MIME_PARTS_MAX)
			return 1;
	}
	return 0;
}

static void set_envelope_fields(struct mime_msg *m)
{
	const char *v;
	size_t i;

	m->message_id = first_id(m->arena, mime_header(m, "Message-ID"));
	m->in_reply_to = first_id(m->arena, mime_header(m, "In-Reply-To"));
	for (i = 0; (v = mime_header_n(m, "References", i)) != NULL; i++)
		parse_ids(m->arena, v, &m->references, &m->n_references, 100);
	for (i = 0; (v = mime_header_n(m, "In-Reply-To", i)) != NULL; i++)
		parse_ids(m->arena, v, &m->references, &m->n_references, 110);
	if (m->references != NULL) {
		const char **copy = arena_alloc(m->arena, m->n_references * sizeof(char *));

		memcpy(copy, m->references, m->n_references * sizeof(char *));
		free(m->references);
		m->references = copy;
	}
	m->from_addr = mime_address(m->arena, mime_header(m, "From"), &m->from_name);
	m->reply_to_addr = mime_address(m->arena, mime_header(m, "Reply-To"), NULL);
	v = mime_header(m, "Return-Path");
	if (v != NULL) {
		char *rp = arena_strdup(m->arena, v);

		str_trim(rp);
		m->return_path = (strcmp(rp, "<>") == 0 || rp[0] == '\0') ? ""
		    : mime_address(m->arena, rp, NULL);
		if (m->return_path == NULL)
			m->return_path = rp;
	}
	v = mime_header(m, "Subject");
	m->subject = v != NULL ? normalise_eol(m->arena, mime_decode_words(m->arena, v)) : "";
	if (strlen(m->subject) > SUBJECT_BYTES_MAX)
		m->subject = arena_strndup(m->arena, m->subject, SUBJECT_BYTES_MAX);
	v = mime_header(m, "Date");
	if (v != NULL) {
		struct mailimf_date_time *dt = NULL;
		size_t idx = 0;

		if (mailimf_date_time_parse(v, strlen(v), &idx, &dt) == MAILIMF_NO_ERROR && dt != NULL) {
			struct tm tm;

			memset(&tm, 0, sizeof(tm));
			tm.tm_year = dt->dt_year - 1900;
			tm.tm_mon = dt->dt_month - 1;
			tm.tm_mday = dt->dt_day;
			tm.tm_hour = dt->dt_hour;
			tm.tm_min = dt->dt_min;
			tm.tm_sec = dt->dt_sec;
			m->date = timegm(&tm) - (dt->dt_zone / 100) * 3600 - (dt->dt_zone % 100) * 60;
			mailimf_date_time_free(dt);
		}
	}
}

int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r, const char **error_r)
{
	struct mime_msg *m = NULL;
	struct mailmime *mime = NULL;
	struct walk w;
	struct arena *a;
	size_t hlen, idx = 0;
	char ct[128];

	if (len > MSG_BYTES_MAX) {
		*error_r = "message over the size limit";
		return -1;
	}
	hlen = header_block_len(raw, len);
	if (hlen > HEADER_BYTES_MAX) {
		*error_r = "header over the size limit";
		return -1;
	}
	if (too_many_parts(raw, len)) {
		*error_r = "too many MIME parts";
		return -1;
	}
	a = arena_new();
	m = arena_alloc(a, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->raw_len = len;
	if (parse_header_block(a, raw, hlen, &m->headers, &m->n_headers) < 0) {
		arena_free(&a);
		*error_r = "header over the size limit";
		return -1;
	}
	set_envelope_fields(m);

	memset(&w, 0, sizeof(w));
	w.msg = m;
	if (mailmime_parse(raw, len, &idx, &mime) == MAILIMF_NO_ERROR && mime != NULL) {
		if (mime->mm_type == MAILMIME_MESSAGE && mime->mm_data.mm_message.mm_msg_mime != NULL)
			content_type(a, mime->mm_data.mm_message.mm_msg_mime->mm_content_type, ct, sizeof(ct));
		else
			content_type(a, mime->mm_content_type, ct, sizeof(ct));
		m->content_type = arena_strdup(a, ct);
		walk_part(&w, mime, 0, 0);
		mailmime_free(mime);
	} else {
		/* not MIME at all: the body after the header is the text */
		m->content_type = "text/plain";
		w.plain = mime_to_utf8(a, raw + hlen, len - hlen > TEXT_BYTES_MAX ? TEXT_BYTES_MAX : len - hlen, NULL);
	}
	if (w.over_limit) {
		mime_free(&m);
		*error_r = "MIME structure over the limits (depth or parts)";
		return -1;
	}
	if (w.plain != NULL) {
		m->text = normalise_eol(a, w.plain);
	} else if (w.html != NULL) {
		char *t = html_to_text(w.html, strlen(w.html), TEXT_BYTES_MAX);

		m->text = normalise_eol(a, arena_strdup(a, t));
		m->text_from_html = 1;
		free(t);
	} else {
		m->text = "";
	}
	if (w.html != NULL)
		m->text_html = w.html;
	*msg_r = m;
	return 0;
}

void mime_free(struct mime_msg **mp)
{
	struct arena *a;

	if (*mp == NULL)
		return;
	a = (*mp)->arena;
	arena_free(&a);
	*mp = NULL;
}
