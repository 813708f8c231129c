/* mime_envelope: the fourth pass of mime_parse() (mime_private.h): the
 * identifiers (RFC 5322 3.6.4), addresses, subject and date of the top
 * header block, and mime_address() of mime.h. libetpan's strict parsers
 * are tried first; what they refuse is read leniently, and a value that
 * still makes no sense is NULL (or 0 for the date), never an error. */
#include "mime_private.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "bounds.h"
#include "util.h"

#define IDS_MAX 100

/* UTF-8 text cut at most at max bytes, on a character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* ---- identifiers and addresses ---- */

static int id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= SUBJECT_BYTES_MAX || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '<' || s[i] == '>')
			return 0;
	return 1;
}

/* Every <id> in a header value (RFC 5322 3.6.4), in order. Bare tokens with
 * '@' are accepted too: some clients drop the brackets. */
static void parse_ids(struct arena *a, const char *v, const char ***ids, size_t *n, size_t max)
{
	const char *p = v, *end;
	size_t l;

	while (p != NULL && *p != '\0' && *n < max) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '<') {
			end = strchr(p, '>');
			if (end == NULL)
				break;
			if (id_ok(p + 1, (size_t)(end - p - 1))) {
				*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
				(*ids)[(*n)++] = arena_strndup(a, p + 1, (size_t)(end - p - 1));
			}
			p = end + 1;
		} else {
			l = strcspn(p, " \t,<");
			if (memchr(p, '@', l) != NULL && id_ok(p, l)) {
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

/* A display name: surrounding quotes removed (libetpan keeps them around
 * an encoded word), decoded; NULL when empty. */
static const char *display_name(struct arena *a, const char *raw, size_t n, const char *fallback)
{
	char *name = str_trim(arena_strndup(a, raw, n));
	size_t l = strlen(name);

	if (l >= 2 && name[0] == '"' && name[l - 1] == '"') {
		name[l - 1] = '\0';
		name++;
	}
	name = str_trim(arena_strdup(a, mime_decode_words_as(a, name, fallback)));
	return name[0] != '\0' ? name : NULL;
}

/* Without libetpan's strict parse: <addr>, or the first word with an @. */
static const char *lenient_address(struct arena *a, const char *value, const char **name_r,
    const char *fallback)
{
	const char *lt = strchr(value, '<'), *gt = lt != NULL ? strchr(lt, '>') : NULL;
	const char *p = value;
	size_t l;

	if (lt != NULL) {
		/* "Name <addr>", the closing bracket possibly lost */
		size_t al = gt != NULL ? (size_t)(gt - lt - 1) : strcspn(lt + 1, " \t,;>");

		if (name_r != NULL)
			*name_r = display_name(a, value, (size_t)(lt - value), fallback);
		if (al > 0)
			return arena_strndup(a, lt + 1, al);
	}
	while (*p != '\0') {
		l = strcspn(p, " \t,;\"()<>");
		if (l > 0 && memchr(p, '@', l) != NULL)
			return arena_strndup(a, p, l);
		p += l;
		if (*p != '\0')
			p++;
	}
	return NULL;
}

static int address_ok(const char *r)
{
	const char *at = r != NULL ? strchr(r, '@') : NULL;

	return at != NULL && at != r && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strlen(r) <= ADDRESS_BYTES_MAX && !str_has_ctl(r) && strpbrk(r, " <>\"(),;") == NULL &&
	    utf8_valid(r, strlen(r));
}

static const char *lenient_parse(struct arena *a, const char *value, const char **name_r,
    const char *fallback)
{
	struct mailimf_mailbox_list *list = NULL;
	struct mailimf_mailbox *mb;
	size_t idx = 0;
	const char *r = NULL;
	char *addr;

	if (name_r != NULL)
		*name_r = NULL;
	if (value == NULL)
		return NULL;
	if (mailimf_mailbox_list_parse(value, strlen(value), &idx, &list) == MAILIMF_NO_ERROR &&
	    list != NULL && clist_count(list->mb_list) > 0) {
		mb = clist_content(clist_begin(list->mb_list));
		/* libetpan reads "a@b c@d" as one address, "Rémi <r@x" as one */
		if (address_ok(mb->mb_addr_spec)) {
			r = arena_strdup(a, mb->mb_addr_spec);
			if (name_r != NULL && mb->mb_display_name != NULL)
				*name_r = display_name(a, mb->mb_display_name, strlen(mb->mb_display_name),
				    fallback);
		}
	}
	if (list != NULL)
		mailimf_mailbox_list_free(list);
	if (r == NULL)
		r = lenient_address(a, value, name_r, fallback);
	if (!address_ok(r))
		return NULL;
	addr = arena_strdup(a, r);
	str_lower_ascii(addr);
	return addr;
}

const char *mime_address(struct arena *a, const char *value, const char **name_r)
{
	return lenient_parse(a, value, name_r, NULL);
}

/* A display name as it may be shown and written back: decoded, at most
 * DISPLAY_NAME_BYTES_MAX bytes, without a control character or a
 * bidirectional override (which would reorder what is shown around it);
 * NULL for any other, so that the bare address stands instead. */
static const char *shown_name(struct arena *a, const char *raw, const char *fallback)
{
	char *name = str_trim(arena_strdup(a, mime_decode_words_kept(a, raw, fallback)));

	if (name[0] == '\0' || strlen(name) > DISPLAY_NAME_BYTES_MAX || str_has_unshown(name))
		return NULL;
	return name;
}

static const char *mailbox_parse(struct arena *a, const char *value, const char **name_r,
    const char *fallback)
{
	struct address ad;

	if (name_r != NULL)
		*name_r = NULL;
	if (value == NULL || !address_parse(value, strlen(value), &ad))
		return NULL;
	if (name_r != NULL && !ad.name_cut && ad.name[0] != '\0')
		*name_r = shown_name(a, ad.name, fallback);
	return arena_strdup(a, ad.addr);
}

const char *mime_mailbox(struct arena *a, const char *value, const char **name_r)
{
	return mailbox_parse(a, value, name_r, NULL);
}

static void envelope_date(struct mime_msg *m, const char *v)
{
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;

	if (v == NULL || mailimf_date_time_parse(v, strlen(v), &idx, &dt) != MAILIMF_NO_ERROR || dt == NULL)
		return;
	if (dt->dt_year >= 1970 && dt->dt_year <= 9999 && dt->dt_month >= 1 && dt->dt_month <= 12 &&
	    dt->dt_day >= 1 && dt->dt_day <= 31 && dt->dt_hour >= 0 && dt->dt_hour <= 23 &&
	    dt->dt_min >= 0 && dt->dt_min <= 59 && dt->dt_sec >= 0 && dt->dt_sec <= 60 &&
	    dt->dt_zone >= -9959 && dt->dt_zone <= 9959) {
		m->date = time_from_utc(dt->dt_year, dt->dt_month, dt->dt_day, dt->dt_hour,
		    dt->dt_min, dt->dt_sec) - (dt->dt_zone / 100) * 3600 - (dt->dt_zone % 100) * 60;
	}
	mailimf_date_time_free(dt);
}

static void envelope_ids(struct mime_msg *m, const struct hblock *hb)
{
	const char **refs = NULL;
	size_t i, n = 0;

	m->message_id = first_id(m->arena, mime_hblock_get(hb, "Message-ID"));
	m->in_reply_to = first_id(m->arena, mime_hblock_get(hb, "In-Reply-To"));
	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, "References") == 0)
			parse_ids(m->arena, hb->h[i].value, &refs, &n, IDS_MAX);
	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, "In-Reply-To") == 0)
			parse_ids(m->arena, hb->h[i].value, &refs, &n, IDS_MAX + 10);
	if (n > 0) {
		m->references = arena_alloc(m->arena, n * sizeof(char *));
		memcpy(m->references, refs, n * sizeof(char *));
		m->n_references = n;
	}
	free(refs);
}

/* The top header block: identifiers, addresses, subject, date; raw 8-bit
 * text is read in the body's charset when it is not UTF-8 (old Japanese
 * and Russian clients do that). */
void mime_envelope(struct mime_msg *m, const struct hblock *hb, const char *fallback)
{
	struct arena *a = m->arena;
	const char *v;
	size_t i;

	envelope_ids(m, hb);
	/* strictly: who a message is from decides what it may do */
	m->from_addr = mailbox_parse(a, mime_hblock_get(hb, "From"), &m->from_name, fallback);
	m->reply_to_addr = mailbox_parse(a, mime_hblock_get(hb, "Reply-To"), NULL, fallback);
	v = mime_hblock_get(hb, "Return-Path");
	if (v != NULL) {
		char *rp = str_trim(arena_strdup(a, v));

		m->return_path = strcmp(rp, "<>") == 0 || rp[0] == '\0' || strcmp(rp, "< >") == 0 ? ""
		    : mailbox_parse(a, rp, NULL, NULL);
		if (m->return_path == NULL)
			m->return_path = mime_header_clean(a, rp);
	}
	v = mime_hblock_get(hb, "Subject");
	m->subject = v != NULL ? str_trim(arena_strdup(a, mime_decode_words_as(a, v, fallback))) : "";
	if (strlen(m->subject) > SUBJECT_BYTES_MAX)
		m->subject = arena_strndup(a, m->subject, utf8_cut(m->subject, strlen(m->subject), SUBJECT_BYTES_MAX));
	envelope_date(m, mime_hblock_get(hb, "Date"));
	m->headers = arena_alloc(a, (hb->n ? hb->n : 1) * sizeof(*m->headers));
	for (i = 0; i < hb->n; i++) {
		m->headers[i].name = mime_header_clean(a, hb->h[i].name);
		m->headers[i].value = mime_header_clean(a, hb->h[i].value);
	}
	m->n_headers = hb->n;
}
