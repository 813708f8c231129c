/* mime_walk: the second pass of mime_parse() (mime_private.h): libetpan
 * splits the message into parts; the walk over its tree reads each part's
 * own header block (mime_header.c), decodes the parts that matter
 * (mime_decode.c) and chooses the body text as mime.h says. Where
 * libetpan's split disagrees with RFC 2046's, the multipart is split here
 * and each part given to libetpan again, under the same bounds (mime_scan.c).
 * Every libetpan tree is freed before mime_walk() returns: what it keeps is
 * in the message's arena. */
#include "mime_private.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "charset.h"
#include "html.h"
#include "util.h"

/* ---- the walk over libetpan's tree ---- */

/* Where a part sits: in the body the sender wrote, among the machine parts
 * of a report, or inside an attached or returned message (whose words are
 * not the sender's and whose calendars and reports are not ours). */
enum ctx { CTX_BODY, CTX_REPORT, CTX_INNER };

/* A second libetpan parse: a part libetpan could not split (RFC 2231
 * boundary), or a returned message in a transfer encoding. */
struct sub {
	struct sub *next;
	char *buf;
	struct mailmime *root;
};

struct cand {
	const char *text;  /* decoded; HTML when html is set */
	int html;
	int blank;         /* white space only */
	int plain_inline;  /* text/plain without a file name */
	const char *charset;
};

struct walk {
	struct mime_msg *m;
	struct arena *a;
	const char *why;          /* set when over a limit */
	struct sub *subs;
	const char *fwd_headers;  /* first attached message outside reports */
	const char *fwd_text;
};

struct part {
	struct hblock hb;
	struct hvalue ct;         /* ct.token: "type/subtype" */
	struct hvalue disp;
	enum cte cte;
	int attachment;
	const char *filename;
	const char *data;         /* the body, transfer-encoded */
	size_t len;
};

static void node(struct walk *w, struct mailmime *mm, const char *hdr, int depth, enum ctx ctx,
    const char *deftype, struct cand *out);

/* Reads a part's own header block: [hdr, start of its body). */
static int part_read(struct walk *w, struct mailmime *mm, const char *hdr, const char *deftype,
    struct part *p)
{
	const struct mailmime_data *d = mm->mm_type == MAILMIME_SINGLE ? mm->mm_data.mm_single : mm->mm_body;
	const char *why = NULL;

	memset(p, 0, sizeof(*p));
	if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT && d->dt_data.dt_text.dt_data != NULL) {
		p->data = d->dt_data.dt_text.dt_data;
		p->len = d->dt_data.dt_text.dt_length;
	} else {
		p->data = hdr;
	}
	if (mime_header_block(w->a, hdr, p->data >= hdr ? (size_t)(p->data - hdr) : 0, &p->hb, &why) < 0) {
		w->why = why;
		return -1;
	}
	mime_hvalue_parse(w->a, mime_hblock_get(&p->hb, "Content-Type"), &p->ct);
	mime_ctype_norm(p->ct.token, sizeof(p->ct.token), deftype);
	mime_hvalue_parse(w->a, mime_hblock_get(&p->hb, "Content-Disposition"), &p->disp);
	p->attachment = strcmp(p->disp.token, "attachment") == 0;
	p->filename = mime_param_get(&p->disp, "filename");
	if (p->filename == NULL)
		p->filename = mime_param_get(&p->ct, "name");
	p->cte = mime_cte_kind(mime_hblock_get(&p->hb, "Content-Transfer-Encoding"));
	return 0;
}

/* An HTML part without a charset parameter often names it in a <meta>. */
static const char *html_meta_charset(struct arena *a, const char *s, size_t n)
{
	const char *p;
	size_t l;
	char head[2049];

	if (n > sizeof(head) - 1)
		n = sizeof(head) - 1;
	memcpy(head, s, n);
	head[n] = '\0';
	if ((p = strcasestr(head, "charset=")) == NULL)
		return NULL;
	p += 8;
	while (*p == '"' || *p == '\'' || *p == ' ')
		p++;
	l = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");
	return l > 0 && l <= CHARSET_NAME_MAX ? arena_strndup(a, p, l) : NULL;
}

/* The content of a single part, transfer- and charset-decoded. */
static const char *part_text(struct walk *w, const struct part *p, const char **charset_r)
{
	const char *charset = mime_param_get(&p->ct, "charset");
	struct buf raw, out;
	const char *r;

	buf_init(&raw, p->len + 16);
	buf_add(&raw, "", 0);
	mime_cte_decode(&raw, p->cte, p->data, p->len);
	if (charset == NULL && strcmp(p->ct.token, "text/html") == 0)
		charset = html_meta_charset(w->a, raw.s, raw.len);
	buf_init(&out, raw.len * CHARSET_DECODE_GROWTH + 16);
	buf_add(&out, "", 0);
	charset_decode(&out, raw.s, raw.len, charset);
	r = mime_finish(w->a, out.s, out.len);
	buf_deinit(&raw);
	buf_deinit(&out);
	if (charset_r != NULL)
		*charset_r = charset;
	return r;
}

static int is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static void text_cand(struct walk *w, const struct part *p, struct cand *out)
{
	const char *fmt = mime_param_get(&p->ct, "format"), *delsp = mime_param_get(&p->ct, "delsp");

	out->html = strcmp(p->ct.token, "text/html") == 0;
	out->text = part_text(w, p, &out->charset);
	if (!out->html && fmt != NULL && strcasecmp(fmt, "flowed") == 0)
		out->text = mime_unflow(w->a, out->text, delsp != NULL && strcasecmp(delsp, "yes") == 0);
	out->blank = is_blank(out->text);
	out->plain_inline = !out->html && p->filename == NULL;
}

/* The text of a candidate, HTML converted. */
static const char *cand_text(struct walk *w, const struct cand *c)
{
	char *t;
	const char *r;

	if (c->text == NULL)
		return NULL;
	if (!c->html)
		return c->text;
	t = html_to_text(c->text, strlen(c->text), TEXT_BYTES_MAX);
	r = mime_finish(w->a, t, strlen(t));
	free(t);
	return r;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), l = strlen(suffix);

	return n >= l && strcasecmp(s + n - l, suffix) == 0;
}

/* RFC 5545 3.7.2 METHOD, for a calendar sent without the method= parameter:
 * a property of the calendar, before its first component; lines unfolded
 * (RFC 5545 3.1), which libical's own samples fold even after the name. */
static const char *ical_method(struct arena *a, const char *cal)
{
	struct buf b;
	const char *p, *r = NULL;
	size_t i, l;

	buf_init(&b, ICAL_BYTES_MAX);
	buf_add(&b, "", 0);
	for (i = 0; cal[i] != '\0' && !b.toobig; i++) {
		if (cal[i] == '\n' && (cal[i + 1] == ' ' || cal[i + 1] == '\t'))
			i++;
		else
			buf_addc(&b, cal[i]);
	}
	for (p = b.s; p != NULL && *p != '\0'; p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL) {
		if (strncasecmp(p, "BEGIN:V", 7) == 0 && strncasecmp(p, "BEGIN:VCALENDAR", 15) != 0)
			break;
		if (strncasecmp(p, "METHOD:", 7) == 0) {
			l = strcspn(p + 7, "\r\n; \t");
			r = arena_strndup(a, p + 7, l);
			break;
		}
	}
	buf_deinit(&b);
	return r;
}

static int calendar_part(struct walk *w, const struct part *p)
{
	struct mime_msg *m = w->m;
	const char *t = p->ct.token, *text, *method;
	char *up;

	if (strcmp(t, "text/calendar") != 0 && strcmp(t, "application/ics") != 0 &&
	    (p->filename == NULL || !ends_with_ci(p->filename, ".ics")))
		return 0;
	if (m->calendar != NULL)
		return 1;
	text = part_text(w, p, NULL);
	if (strcmp(t, "text/calendar") != 0 && strcmp(t, "application/ics") != 0 &&
	    strncasecmp(text + strspn(text, " \t\n"), "BEGIN:VCALENDAR", 15) != 0)
		return 0;
	if (strlen(text) > ICAL_BYTES_MAX) {
		w->why = "calendar part over the size limit";
		return 1;
	}
	m->calendar = text;
	method = mime_param_get(&p->ct, "method");
	if (method == NULL)
		method = ical_method(w->a, text);
	if (method != NULL && method[0] != '\0') {
		up = arena_strdup(w->a, method);
		for (char *c = up; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		m->calendar_method = mime_one_line(w->a, up);
	}
	return 1;
}

/* The parts of a report meant for programs (RFC 3464, RFC 6522, RFC 6533). */
static int report_part(struct walk *w, const struct part *p)
{
	const char *t = p->ct.token;
	struct mime_msg *m = w->m;

	if (strcmp(t, "message/delivery-status") == 0 || strcmp(t, "message/global-delivery-status") == 0) {
		if (m->delivery_status == NULL)
			m->delivery_status = part_text(w, p, NULL);
		return 1;
	}
	if (strcmp(t, "text/rfc822-headers") == 0 || strcmp(t, "text/rfc822-header") == 0 ||
	    strcmp(t, "message/rfc822-headers") == 0 || strcmp(t, "message/global-headers") == 0) {
		if (m->original_headers == NULL)
			m->original_headers = part_text(w, p, NULL);
		return 1;
	}
	return 0;
}

/* The header block of a message at s, as text. */
static const char *header_text(struct arena *a, const char *s, size_t len)
{
	struct hblock hb;
	const char *why;
	size_t n = len < HEADER_BYTES_MAX ? len : HEADER_BYTES_MAX;

	if (mime_header_block(a, s, len, &hb, &why) == 0)
		n = hb.body;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n > 0 ? mime_finish(a, s, n) : NULL;
}

/* Keeps what an attached message says: in a report it is the returned
 * message; elsewhere the first one is kept for non-standard bounces. */
static void keep_attached(struct walk *w, enum ctx ctx, const char *headers, const char *text)
{
	struct mime_msg *m = w->m;

	if (ctx == CTX_REPORT) {
		if (m->original_headers == NULL)
			m->original_headers = headers;
		if (m->original_text == NULL)
			m->original_text = text;
	} else if (ctx == CTX_BODY && w->fwd_headers == NULL) {
		w->fwd_headers = headers;
		w->fwd_text = text;
	}
}

/* A second parse by libetpan of a buffer of ours (owned by w from now on),
 * under the same bounds. Returns the body part of its message, or NULL. */
static struct mailmime *subparse(struct walk *w, char *buf, size_t len)
{
	struct sub *s = xcalloc(1, sizeof(*s));
	const char *why = NULL;
	size_t idx = 0;
	int bs = 0;

	s->buf = buf;
	s->next = w->subs;
	w->subs = s;
	if (mime_scan_bounds(buf, len, &bs, &why) < 0) {
		w->why = why;
		return NULL;
	}
	if (bs)
		mime_scan_defuse(buf, len);
	if (mailmime_parse(buf, len, &idx, &s->root) != MAILIMF_NO_ERROR) {
		s->root = NULL;
		return NULL;
	}
	return s->root->mm_type == MAILMIME_MESSAGE ? s->root->mm_data.mm_message.mm_msg_mime : NULL;
}

/* message/rfc822 that libetpan left whole (base64 or quoted-printable, as
 * some servers return messages) and message/global (RFC 6532). */
static void encoded_message(struct walk *w, const struct part *p, int depth, enum ctx ctx)
{
	struct buf raw;
	struct mailmime *inner;
	struct cand c;
	const char *headers;
	char *copy;
	size_t len;

	if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
	if (ctx == CTX_INNER)
		return;
	buf_init(&raw, p->len + 16);
	buf_add(&raw, "", 0);
	mime_cte_decode(&raw, p->cte, p->data, p->len);
	len = raw.len;
	copy = buf_steal(&raw);
	headers = header_text(w->a, copy, len);
	memset(&c, 0, sizeof(c));
	if ((inner = subparse(w, copy, len)) != NULL)
		node(w, inner, copy, depth + 1, CTX_INNER, "text/plain", &c);
	keep_attached(w, ctx, headers, cand_text(w, &c));
}

static void single(struct walk *w, const struct part *p, int depth, enum ctx ctx, struct cand *out)
{
	const char *t = p->ct.token;

	if (ctx != CTX_INNER && (calendar_part(w, p) || report_part(w, p)))
		return;
	if (strcmp(t, "message/rfc822") == 0 || strcmp(t, "message/global") == 0) {
		encoded_message(w, p, depth, ctx);
		return;
	}
	if (p->attachment || ctx == CTX_REPORT) {
		if (ctx == CTX_BODY)
			w->m->has_attachments = 1;
		return;
	}
	if (strcmp(t, "text/plain") == 0 || strcmp(t, "text/html") == 0)
		text_cand(w, p, out);
	else if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
}

/* 3: non-empty plain text, 2: non-empty HTML, 1: an empty text, 0: none. */
static int cand_score(const struct cand *c)
{
	if (c->text == NULL)
		return 0;
	if (c->blank)
		return 1;
	return c->html ? 2 : 3;
}

/* The inline text parts of a multipart/mixed, joined (Apple Mail splits a
 * body around pictures): appended once each to one buffer, so that memory
 * stays linear in the message however many parts it has, and never more
 * than TEXT_BYTES_MAX, past which the message is over the limit. */
struct join {
	struct buf b;
};

static void join_init(struct join *j)
{
	buf_init(&j->b, TEXT_BYTES_MAX);
}

static void join_add(struct walk *w, struct join *j, const char *text)
{
	if (j->b.toobig)
		return;
	if (j->b.len > 0 && j->b.s[j->b.len - 1] != '\n')
		buf_addc(&j->b, '\n');
	buf_adds(&j->b, text);
	if (j->b.toobig)
		w->why = "decoded text over the size limit";
}

/* The joined text becomes the multipart's candidate. */
static void join_end(struct walk *w, struct join *j, struct cand *out)
{
	if (j->b.len > 0 && !j->b.toobig)
		out->text = arena_strndup(w->a, j->b.s, j->b.len);
	buf_deinit(&j->b);
}

/* Folds the candidate of a child into the candidate of its multipart. */
static void cand_merge(struct walk *w, const char *sub, int first, struct cand *out, const struct cand *c,
    struct join *j)
{
	if (strcmp(sub, "alternative") == 0) {
		/* RFC 2046 5.1.4: we take plain text over richer forms */
		if (cand_score(c) > cand_score(out))
			*out = *c;
	} else if (strcmp(sub, "related") == 0 || strcmp(sub, "signed") == 0) {
		if (first)
			*out = *c; /* RFC 2387 root; RFC 1847 signed content */
	} else if (strcmp(sub, "encrypted") == 0) {
		return;
	} else if (cand_score(out) <= 1) {
		if (cand_score(c) > cand_score(out))
			*out = *c;
	} else if (!out->html && out->plain_inline && cand_score(c) == 3 && c->plain_inline) {
		/* inline text parts around a picture (Apple Mail) */
		if (j->b.len == 0)
			join_add(w, j, out->text);
		join_add(w, j, c->text);
	}
}

/* Starts a multipart: its subtype, the default type of its parts, and the
 * report type when it is a report. */
static const char *mp_begin(struct walk *w, const struct part *p, enum ctx ctx, const char **deftype_r,
    int *report_r)
{
	const char *sub = str_has_prefix(p->ct.token, "multipart/") ? p->ct.token + 10 : "mixed";

	*deftype_r = strcmp(sub, "digest") == 0 ? "message/rfc822" : "text/plain";
	*report_r = strcmp(sub, "report") == 0;
	if (*report_r && ctx == CTX_BODY && w->m->report_type == NULL) {
		const char *rt = mime_param_get(&p->ct, "report-type");
		char *lower = arena_strdup(w->a, rt != NULL && rt[0] != '\0' ? rt : "unknown");

		str_lower_ascii(lower);
		w->m->report_type = lower;
	}
	return sub;
}

/* RFC 6522 3: the first part of a report is for people, the others for
 * programs. */
static enum ctx mp_child_ctx(int report, int i, enum ctx ctx)
{
	return report && i > 0 && ctx == CTX_BODY ? CTX_REPORT : ctx;
}

/* Is the line at s the delimiter "--boundary" (close: followed by "--")?
 * Strict: only white space may follow (RFC 2046 5.1.1). */
static int is_delimiter(const char *s, size_t n, const char *b, size_t bl, int *close)
{
	size_t j = bl + 2;

	*close = 0;
	if (n < j || s[0] != '-' || s[1] != '-' || memcmp(s + 2, b, bl) != 0)
		return 0;
	if (n >= j + 2 && s[j] == '-' && s[j + 1] == '-') {
		*close = 1;
		j += 2;
	}
	for (; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'); j++)
		;
	return j == n;
}

/* The parts of a multipart body as RFC 2046 5.1.1 has them: after the
 * first line starting with "--boundary" (libetpan's preamble rule), up to
 * the close delimiter; a part ends before the line break of the next
 * delimiter. Returns the number of parts (at most max are stored), -1 when
 * there is no delimiter at all. */
static long split_scan(const char *s, size_t len, const char *b, size_t *starts, size_t *ends, size_t max)
{
	size_t bl = strlen(b), i = 0, end, start = 0, n = 0, pe;
	const char *nl;
	int found = 0, close, delim;

	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		end = nl != NULL ? (size_t)(nl - s) : len;
		delim = is_delimiter(s + i, end - i, b, bl, &close);
		if (!found && !delim)
			delim = end - i >= bl + 2 && s[i] == '-' && s[i + 1] == '-' && memcmp(s + i + 2, b, bl) == 0;
		if (delim) {
			pe = i > start + 1 && s[i - 2] == '\r' ? i - 2 : (i > start ? i - 1 : start);
			if (found && n < max) {
				starts[n] = start;
				ends[n] = pe;
			}
			n += found;
			found = 1;
			if (close)
				return (long)n;
			start = nl != NULL ? end + 1 : len;
		}
		i = nl != NULL ? end + 1 : len;
	}
	if (!found)
		return -1;
	if (start < len) {
		if (n < max) {
			starts[n] = start;
			ends[n] = len;
		}
		n++;
	}
	return (long)n;
}

/* One part of a multipart split here, read by libetpan as a message of
 * its own. */
static void split_one(struct walk *w, const char *s, size_t n, int depth, enum ctx ctx, const char *deftype,
    struct cand *c)
{
	struct mailmime *inner;
	char *copy = xmalloc(n + 1);

	memcpy(copy, s, n);
	copy[n] = '\0';
	memset(c, 0, sizeof(*c));
	if ((inner = subparse(w, copy, n)) != NULL)
		node(w, inner, copy, depth, ctx, deftype, c);
}

/* A multipart split here rather than by libetpan (RFC 2231 boundary,
 * cpython msg_33; an empty part, which makes libetpan drop them all;
 * doubled delimiters). Returns -1 when the body holds no delimiter. */
static int split_parts(struct walk *w, const struct part *p, int depth, enum ctx ctx, struct cand *out)
{
	const char *b = mime_param_get(&p->ct, "boundary"), *deftype, *sub;
	size_t *starts, *ends, i;
	long n;
	int report, k = 0;
	struct cand c;
	struct join j;

	if (b == NULL || b[0] == '\0' || strlen(b) > MIME_BOUNDARY_MAX || strpbrk(b, "\r\n") != NULL)
		return -1;
	join_init(&j);
	starts = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	ends = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	n = split_scan(p->data, p->len, b, starts, ends, MIME_PARTS_MAX + 1);
	if (n > 0) {
		sub = mp_begin(w, p, ctx, &deftype, &report);
		for (i = 0; i < (size_t)n && i <= MIME_PARTS_MAX && w->why == NULL; i++) {
			if (ends[i] <= starts[i])
				continue;
			split_one(w, p->data + starts[i], ends[i] - starts[i], depth + 1,
			    mp_child_ctx(report, k, ctx), deftype, &c);
			cand_merge(w, sub, k == 0, out, &c, &j);
			k++;
		}
	}
	join_end(w, &j, out);
	free(starts);
	free(ends);
	return n >= 0 ? 0 : -1;
}

/* A multipart without a usable boundary is read as text, as other mail
 * readers do (cpython msg_25, msg_31, msg_41). */
static void as_plain_text(struct walk *w, const struct part *p, struct cand *out)
{
	struct part q = *p;

	str_copy(q.ct.token, sizeof(q.ct.token), "text/plain");
	text_cand(w, &q, out);
}

/* Does libetpan's split agree with RFC 2046's: as many parts, ending at
 * the same places? It does not with empty parts (it drops them all),
 * doubled delimiters or a close delimiter right after the first one. */
static int split_agrees(const struct part *p, clist *list, const char *b)
{
	size_t *starts, *ends, i = 0;
	clistiter *it;
	long n;
	int ok;

	if (b == NULL || b[0] == '\0' || list == NULL)
		return 0;
	starts = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	ends = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	n = split_scan(p->data, p->len, b, starts, ends, MIME_PARTS_MAX + 1);
	ok = n >= 0 && n <= MIME_PARTS_MAX && (size_t)n == (size_t)clist_count(list);
	for (it = clist_begin(list); ok && it != NULL; it = clist_next(it), i++) {
		const struct mailmime *child = clist_content(it);

		ok = child->mm_mime_start + child->mm_length == p->data + ends[i];
	}
	free(starts);
	free(ends);
	return ok;
}

static void multipart(struct walk *w, struct mailmime *mm, const struct part *p, int depth,
    enum ctx ctx, struct cand *out)
{
	clist *list = mm->mm_data.mm_multipart.mm_mp_list;
	const char *deftype, *sub;
	struct cand c;
	struct join j;
	clistiter *it;
	int report, i = 0;

	if (!split_agrees(p, list, mime_param_get(&p->ct, "boundary"))) {
		if (split_parts(w, p, depth, ctx, out) < 0)
			as_plain_text(w, p, out);
		return;
	}
	sub = mp_begin(w, p, ctx, &deftype, &report);
	join_init(&j);
	for (it = clist_begin(list); it != NULL && w->why == NULL; it = clist_next(it), i++) {
		struct mailmime *child = clist_content(it);

		node(w, child, child->mm_mime_start, depth + 1, mp_child_ctx(report, i, ctx), deftype, &c);
		cand_merge(w, sub, i == 0, out, &c, &j);
	}
	join_end(w, &j, out);
}

/* An attached message/rfc822 (or the one a report returns). */
static void message(struct walk *w, struct mailmime *mm, const struct part *p, int depth, enum ctx ctx)
{
	struct mailmime *inner = mm->mm_data.mm_message.mm_msg_mime;
	const char *ihdr = p->data, *headers;
	struct cand c;

	memset(&c, 0, sizeof(c));
	if (inner != NULL)
		node(w, inner, ihdr, depth + 1, CTX_INNER, "text/plain", &c);
	if (ctx == CTX_INNER)
		return;
	if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
	headers = header_text(w->a, ihdr, p->len);
	keep_attached(w, ctx, headers, cand_text(w, &c));
}

static void node(struct walk *w, struct mailmime *mm, const char *hdr, int depth, enum ctx ctx,
    const char *deftype, struct cand *out)
{
	struct part p;

	memset(out, 0, sizeof(*out));
	if (w->why != NULL)
		return;
	if (++w->m->n_parts > MIME_PARTS_MAX) {
		w->why = "too many MIME parts";
		return;
	}
	if (depth > MIME_DEPTH_MAX) {
		w->why = "MIME nesting over the depth limit";
		return;
	}
	if (depth > w->m->depth)
		w->m->depth = depth;
	if (part_read(w, mm, hdr, deftype, &p) < 0)
		return;
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE:
		multipart(w, mm, &p, depth, ctx, out);
		break;
	case MAILMIME_MESSAGE:
		message(w, mm, &p, depth, ctx);
		break;
	default:
		if (!str_has_prefix(p.ct.token, "multipart/"))
			single(w, &p, depth, ctx, out);
		else if (split_parts(w, &p, depth, ctx, out) < 0)
			as_plain_text(w, &p, out);
		break;
	}
}

/* A message libetpan could not read as MIME: its body in the transfer
 * encoding and charset its header names. */
static void flat_body(struct walk *w, const struct hblock *hb, const char *s, size_t n, struct cand *out)
{
	struct part p;

	memset(&p, 0, sizeof(p));
	memset(out, 0, sizeof(*out));
	p.hb = *hb;
	mime_hvalue_parse(w->a, mime_hblock_get(hb, "Content-Type"), &p.ct);
	mime_ctype_norm(p.ct.token, sizeof(p.ct.token), "text/plain");
	p.cte = mime_cte_kind(mime_hblock_get(hb, "Content-Transfer-Encoding"));
	p.data = s + hb->body;
	p.len = n - hb->body;
	if (strcmp(p.ct.token, "text/html") != 0)
		str_copy(p.ct.token, sizeof(p.ct.token), "text/plain");
	text_cand(w, &p, out);
}

/* Parses [s, s+n) into w->m; returns the body candidate through out, and
 * in *own_r the defused copy given to libetpan, if one was made. */
static int parse_body(struct walk *w, const char *s, size_t n, const struct hblock *hb, struct cand *out,
    struct mailmime **root_r, char **own_r)
{
	const char *why = NULL;
	size_t idx = 0;
	int bs = 0;

	if (mime_scan_bounds(s, n, &bs, &why) < 0) {
		w->why = why;
		return -1;
	}
	if (bs) {
		char *copy = xmalloc(n + 1);

		memcpy(copy, s, n);
		copy[n] = '\0';
		mime_scan_defuse(copy, n);
		*own_r = copy;
		s = copy;
	}
	if (mailmime_parse(s, n, &idx, root_r) == MAILIMF_NO_ERROR && *root_r != NULL &&
	    (*root_r)->mm_type == MAILMIME_MESSAGE && (*root_r)->mm_data.mm_message.mm_msg_mime != NULL)
		node(w, (*root_r)->mm_data.mm_message.mm_msg_mime, s, 0, CTX_BODY, "text/plain", out);
	else
		flat_body(w, hb, s, n, out);
	return w->why != NULL ? -1 : 0;
}

static void walk_free(struct walk *w, struct mailmime **root)
{
	struct sub *s, *next;

	for (s = w->subs; s != NULL; s = next) {
		next = s->next;
		if (s->root != NULL)
			mailmime_free(s->root);
		free(s->buf);
		free(s);
	}
	w->subs = NULL;
	if (*root != NULL)
		mailmime_free(*root);
	*root = NULL;
}

int mime_walk(struct mime_msg *m, const char *s, size_t n, const struct hblock *hb,
    const char **charset_r, const char **why)
{
	struct mailmime *root = NULL;
	struct walk w;
	struct cand body;
	char *own = NULL;
	int ret = -1;

	memset(&w, 0, sizeof(w));
	memset(&body, 0, sizeof(body));
	w.m = m;
	w.a = m->arena;
	*charset_r = NULL;
	if (parse_body(&w, s, n, hb, &body, &root, &own) < 0)
		goto out;
	m->text = body.text != NULL ? cand_text(&w, &body) : "";
	m->text_from_html = body.text != NULL && body.html;
	m->text_html = m->text_from_html ? body.text : NULL;
	if (m->original_headers == NULL && m->report_type == NULL) {
		m->original_headers = w.fwd_headers;
		m->original_text = w.fwd_text;
	}
	*charset_r = body.charset;
	ret = 0;
out:
	*why = w.why;
	walk_free(&w, &root);
	free(own);
	return ret;
}
