/* mime: see mime.h; mime_private.h names the four passes and the file of
 * each. This file runs them in order on one message and checks the limits
 * of the result. */
#include "mime.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "mime_private.h"
#include "util.h"

static const char *over_text_limit(const struct mime_msg *m)
{
	const char *texts[] = { m->text, m->text_html, m->delivery_status, m->original_headers,
		m->original_text };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++)
		if (texts[i] != NULL && strlen(texts[i]) > TEXT_BYTES_MAX)
			return "decoded text over the size limit";
	return NULL;
}

/* The bytes given to libetpan: lone CRs (old Mac mail) become LFs, since
 * libetpan only breaks lines at LF, and an mbox "From " line is skipped.
 * *own_r is set when a copy had to be made. */
static const char *input_prepare(const char *raw, size_t len, size_t *n_r, char **own_r)
{
	const char *s = raw, *nl;
	size_t i;

	*own_r = NULL;
	*n_r = len;
	if (memchr(raw, '\n', len) == NULL && memchr(raw, '\r', len) != NULL) {
		*own_r = xmalloc(len + 1);
		for (i = 0; i < len; i++)
			(*own_r)[i] = raw[i] == '\r' ? '\n' : raw[i];
		(*own_r)[len] = '\0';
		s = *own_r;
	}
	/* lines of white space before the header (flanker iphone.eml) */
	while (*n_r > 0 && (s[0] == ' ' || s[0] == '\t') && (nl = memchr(s, '\n', *n_r)) != NULL) {
		for (i = 0; s + i < nl && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'); i++)
			;
		if (s + i != nl)
			break;
		*n_r -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	if (*n_r >= 5 && memcmp(s, "From ", 5) == 0 && (nl = memchr(s, '\n', *n_r)) != NULL) {
		*n_r -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	return s;
}

int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r, const char **error_r)
{
	struct mime_msg *m;
	struct hvalue ct;
	struct hblock hb;
	struct arena *a;
	char *own = NULL;
	const char *s, *charset = NULL, *why = NULL;
	size_t n;

	*msg_r = NULL;
	if (len > MSG_BYTES_MAX) {
		*error_r = "message over the size limit";
		return -1;
	}
	s = input_prepare(raw, len, &n, &own);
	a = arena_new();
	m = arena_alloc(a, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->raw_len = len;
	if (mime_header_block(a, s, n, &hb, &why) < 0 || mime_walk(m, s, n, &hb, &charset, &why) < 0)
		goto fail;
	mime_hvalue_parse(a, mime_hblock_get(&hb, "Content-Type"), &ct);
	mime_ctype_norm(ct.token, sizeof(ct.token), "text/plain");
	m->content_type = arena_strdup(a, ct.token);
	mime_envelope(m, &hb, charset != NULL ? charset : mime_param_get(&ct, "charset"));
	if ((why = over_text_limit(m)) != NULL)
		goto fail;
	free(own);
	*msg_r = m;
	return 0;
fail:
	free(own);
	arena_free(&a);
	*error_r = why != NULL ? why : "message cannot be parsed";
	return -1;
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
