/* auth: is a committee member's message really theirs?
 *
 * Trusted only when the receiving server, named by [committee] authserv_id,
 * added an Authentication-Results header (RFC 8601) saying dkim=pass with a
 * header.d equal to the From domain, or spf=pass with a smtp.mailfrom in the
 * From domain. Only the topmost Authentication-Results header carrying our
 * authserv-id is read: the receiving server prepends its own, and one a
 * sender wrote lower down proves nothing. A server that adds DKIM and SPF
 * results in separate headers must put the one to trust on top. Pure. */
#ifndef MENTORD_AUTH_H
#define MENTORD_AUTH_H

struct mime_msg;

/* 1 if authenticated, 0 if not (or authserv_id is NULL). */
int auth_message_ok(const struct mime_msg *m, const char *authserv_id);

#endif
