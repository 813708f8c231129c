/* auth: does the receiving server vouch for the From of a message?
 *
 * The server named by [committee] authserv_id adds an
 * Authentication-Results header (RFC 8601) with what it checked. Only the
 * topmost such header carrying our authserv-id is read: the receiving
 * server prepends its own, and one a sender wrote lower down proves
 * nothing. A server that adds DKIM, SPF and DMARC results in separate
 * headers must put the one to trust on top.
 *
 * The header is parsed as RFC 8601 2.2 writes it: comments (nested) and
 * quoted strings are skipped as wholes, so that a ';' or a "dkim=pass"
 * inside one is text, never a result. A header that does not parse proves
 * nothing. From is vouched for by, in this order:
 *   dmarc=pass with header.from the From domain (RFC 7489 11.2);
 *   dkim=pass with header.d the From domain (RFC 6376 3.5 d=);
 *   spf=pass with smtp.mailfrom in the From domain, only when trust_spf is
 *   set ([committee] trust_spf): a provider's shared SPF record lets every
 *   tenant of the provider pass for each other's domains.
 * Domains are compared whole, case-insensitively: a subdomain is another
 * domain.
 *
 * A provider's own marks are read only when the configuration names the
 * provider (struct auth_policy), never otherwise:
 *   Exchange (microsoft365, exchange): Exchange puts its own
 *   Authentication-Results, which has no authserv-id, above anything the
 *   sender wrote: the topmost header, when it has none, is read as
 *   Exchange's, its stray tokens ("; domain;", "action=none") passed over
 *   (auth_parse_exchange()); a dmarc=fail or compauth=fail in it proves
 *   nothing whatever else says. Mail from a signed-in user of the
 *   organisation carries X-MS-Exchange-Organization-AuthAs: Internal and
 *   X-MS-Exchange-Organization-AuthSource, which Exchange's header firewall
 *   strips from mail from outside: exactly one of each, AuthAs Internal
 *   and AuthSource a host name, prove a From in one of the organisation's
 *   domains (two of either prove nothing).
 *   Google: dkim=pass with header.i=@domain counts for that domain when
 *   header.d is missing, as mx.google.com writes it.
 * Pure. */
#ifndef MENTORD_AUTH_H
#define MENTORD_AUTH_H

#include <stddef.h>

struct mime_msg;

#define AUTH_RESULTS_MAX 16   /* resinfo clauses read from one header */
#define AUTH_VALUE_MAX 256    /* an authserv-id, a domain */

struct auth_result {
	char method[32];   /* lower case: "dkim", "spf", "dmarc", ... */
	char result[32];   /* lower case: "pass", "fail", ... */
	char header_d[AUTH_VALUE_MAX];    /* header.d */
	char header_i[AUTH_VALUE_MAX];    /* the domain of header.i */
	char header_from[AUTH_VALUE_MAX]; /* header.from */
	char mailfrom[AUTH_VALUE_MAX];    /* the domain of smtp.mailfrom */
};

struct auth_results {
	char authserv_id[AUTH_VALUE_MAX];
	struct auth_result r[AUTH_RESULTS_MAX];
	size_t n;
};

/* Parses one header value. 1: all of it read; 0: the authserv-id was read
 * but what follows is not RFC 8601 (n is then 0); -1: not even an
 * authserv-id. Clauses past AUTH_RESULTS_MAX are read and dropped. */
int auth_parse(const char *value, size_t len, struct auth_results *out);

/* Exchange's header, without an authserv-id: 1 if at least one result was
 * read (clauses that are not method=result are passed over), 0 if the
 * header starts with an authserv-id (not Exchange's form), -1 if nothing
 * could be read. */
int auth_parse_exchange(const char *value, size_t len, struct auth_results *out);

/* What proves a sender, from the configuration. */
struct auth_policy {
	const char *authserv_id;      /* NULL: no receiving server trusted */
	int trust_spf;
	int exchange;                 /* read Exchange's marks (above) */
	int google;                   /* dkim header.i counts without header.d */
	const char *const *domains;   /* the organisation's, for AuthAs */
	size_t n_domains;
};

/* 1 if the receiving server vouches for From (as above), 0 if not (or
 * nothing is trusted, or there is no From). */
int auth_message_ok(const struct mime_msg *m, const struct auth_policy *p);

#endif
