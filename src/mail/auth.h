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
 * domain. Pure. */
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

/* 1 if the server vouches for From (as above), 0 if not (or authserv_id is
 * NULL, or there is no From). */
int auth_message_ok(const struct mime_msg *m, const char *authserv_id, int trust_spf);

#endif
