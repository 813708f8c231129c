/* oauth2: access tokens for IMAP and SMTP, obtained by mentord itself from
 * the provider's token service (RFC 6749), for [imap] and [smtp] with
 * auth = xoauth2 or oauthbearer when [oauth2] is configured.
 *
 * Grants: refresh_token (RFC 6749 6; the first refresh token comes from
 * `mentord oauth2 login`: the authorization code grant with PKCE by
 * browser, or the device authorization grant of RFC 8628) or
 * client_credentials (4.4; Microsoft's app-only access for service
 * mailboxes). The client authenticates with client_secret in the body
 * when client_secret_file is set, else as a public client.
 *
 * The cache. SPOOL/oauth2.token (0600, written atomically) holds the
 * current access token and its expiry, and a refusal by the service when
 * there was one. A token is renewed when less than a quarter of its
 * lifetime, or five minutes, is left; every process of mentord shares it,
 * and SPOOL/oauth2.lock keeps two of them from renewing at once (which,
 * with refresh tokens used once only, would make the second's refused).
 * Expiry follows the real clock, never --now: it is the provider's.
 *
 * Rotation. When the service answers with a new refresh token, it is
 * written to refresh_token_file (atomically, 0600) before anything else:
 * the old one may already be void.
 *
 * Failures, told apart (*error_r says which, and what to do next):
 *   temporary  the service unreachable, slow (oauth2.timeout_seconds),
 *              5xx, 429, temporarily_unavailable: the caller tries later
 *              on its own backoff; a token that has not yet expired is
 *              still handed out (with a note for the log).
 *   refused    invalid_grant (revoked, expired, replaced), consent
 *              withdrawn or never given, invalid_client (a wrong or
 *              expired client secret), unauthorized_client, invalid_scope:
 *              remembered in the cache, and the service is not asked again
 *              before OAUTH2_REFUSED_RETRY has passed or the refresh token
 *              or the client secret has changed (say by `oauth2 login`),
 *              so a refusal is never retried in a tight loop.
 *
 * libcurl. The request is made with libcurl, which the daemon itself never
 * loads (smtp.h): in a process where it is loaded already (the sending
 * child), directly; anywhere else in a short-lived child process that
 * makes the one request and hands the answer back through a pipe. Only the
 * parent reads or writes the files. The child's answer is one field a
 * line: every field it passes on is escaped (no control character, so no
 * line break, reaches the parent) and the parent refuses an answer with
 * more or fewer lines. libcurl is opened by curl_lib.c, whose
 * one table of functions serves this file (HTTP) and smtp.c (SMTP); its
 * types leave neither. */
#ifndef MENTORD_OAUTH2_H
#define MENTORD_OAUTH2_H

#include <stdio.h>
#include <time.h>

#include "config.h"

/* A refused grant is asked again at most this often. */
#define OAUTH2_REFUSED_RETRY 3600
/* A token's lifetime is taken as at most this (a service's expires_in of
 * 2^63 - 1 must not overflow a clock): providers give an hour or so. */
#define OAUTH2_LIFETIME_MAX 86400L

struct oauth2_token {
	char *access;     /* the bearer token; wiped by oauth2_token_deinit */
	time_t expires;   /* real clock */
	time_t obtained;
	int renewed;      /* 1: from the service just now; 0: from the cache */
	int rotated;      /* the service replaced the refresh token (saved) */
	enum config_grant grant;
	char *note;       /* a warning for the log, or NULL */
};

/* A token valid for a while yet: the cached one, or a new one. refused is
 * the token a server has just refused (AUTHENTICATE failed), or NULL: a
 * cache holding that very token renews it at once. 0, or -1 with
 * *error_r. */
int oauth2_get(const struct config *cfg, const char *refused, struct oauth2_token *t_r,
    char **error_r);
void oauth2_token_deinit(struct oauth2_token *t);

/* For check-config --connect: a token, and one line saying which flow gave
 * it (cached or renewed now, the grant, the service) and when it expires. */
int oauth2_check(const struct config *cfg, char **info_r, char **error_r);

/* `mentord oauth2 login`: the first refresh token, saved (0600) in
 * refresh_token_file. By browser, the authorization code grant with PKCE
 * (RFC 7636, S256) and a loopback redirect (RFC 8252; oauth2_browser.h),
 * when browser is set or auth_url is set and device_url is not: it prints
 * the address to open and waits for the browser to reach
 * http://127.0.0.1:port/, or for the address it ended on to be pasted on
 * in, whichever comes first. Otherwise the device authorization grant
 * (RFC 8628): where to go and which code to type. 0, or -1 with *error_r. */
struct oauth2_login_opts {
	int browser;        /* the authorization code grant whatever is set */
	long port;          /* the loopback listener's port; 0: any free one */
	int in;             /* a pasted address comes from this fd; -1: none */
	long wait_seconds;  /* how long the browser sign-in is waited for */
};
#define OAUTH2_BROWSER_WAIT 600
int oauth2_login(const struct config *cfg, const struct oauth2_login_opts *o, FILE *out,
    char **error_r);

/* An RFC 6750 b64token: nothing that could break a SASL string. */
int oauth2_token_ok(const char *token);

/* The SASL initial response, base64-encoded (allocated): XOAUTH2
 * ("user=U^Aauth=Bearer T^A^A") or OAUTHBEARER (RFC 7628 3.1, with the
 * GS2 header "n,a=U," and host and port). */
char *oauth2_sasl_initial(enum config_auth mech, const char *user, const char *host, long port,
    const char *token);

#endif
