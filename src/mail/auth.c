#include "auth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "util.h"

#define AR_HEADERS_READ 5

/* The value of "key=" in one resinfo clause, e.g. header.d, up to a space or
 * ';'. Copied into out; 0 if absent. */
static int prop(const char *clause, size_t len, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key), i, n;

	for (i = 0; i + kl < len; i++) {
		if ((i == 0 || isspace((unsigned char)clause[i - 1])) &&
		    strncasecmp(clause + i, key, kl) == 0 && clause[i + kl] == '=') {
			const char *v = clause + i + kl + 1;

			n = strcspn(v, " \t;()");
			if (v + n > clause + len)
				n = (size_t)(clause + len - v);
			if (n == 0 || n >= size)
				return 0;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

static const char *domain_of(const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL ? at + 1 : addr;
}

/* One "method=result props" clause: does it pass for the From domain? */
static int clause_ok(const char *c, size_t len, const char *from_domain)
{
	char v[320];

	while (len > 0 && isspace((unsigned char)*c)) {
		c++;
		len--;
	}
	if (len >= 9 && strncasecmp(c, "dkim=pass", 9) == 0 && (len == 9 || !isalnum((unsigned char)c[9])))
		return prop(c, len, "header.d", v, sizeof(v)) && strcasecmp(v, from_domain) == 0;
	if (len >= 8 && strncasecmp(c, "spf=pass", 8) == 0 && (len == 8 || !isalnum((unsigned char)c[8])))
		return prop(c, len, "smtp.mailfrom", v, sizeof(v)) &&
		    strcasecmp(domain_of(v), from_domain) == 0;
	return 0;
}

static int header_ok(const char *value, const char *authserv_id, const char *from_domain, int *ours)
{
	const char *p = value, *semi;
	size_t idlen = strcspn(value, " \t;");

	*ours = idlen == strlen(authserv_id) && strncasecmp(value, authserv_id, idlen) == 0;
	if (!*ours)
		return 0;
	p = strchr(value, ';');
	while (p != NULL) {
		p++;
		semi = strchr(p, ';');
		if (clause_ok(p, semi != NULL ? (size_t)(semi - p) : strlen(p), from_domain))
			return 1;
		p = semi;
	}
	return 0;
}

int auth_message_ok(const struct mime_msg *m, const char *authserv_id)
{
	const char *v;
	size_t i;
	int ours = 0;

	if (authserv_id == NULL || m->from_addr == NULL)
		return 0;
	for (i = 0; i < AR_HEADERS_READ && (v = mime_header_n(m, "Authentication-Results", i)) != NULL; i++) {
		int ok = header_ok(v, authserv_id, domain_of(m->from_addr), &ours);

		/* only the topmost header of our server counts: a sender can
		 * put a forged one below it */
		if (ours)
			return ok;
	}
	return 0;
}
