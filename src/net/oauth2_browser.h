/* oauth2_browser: the browser's part of `mentord oauth2 login` by the
 * authorization code grant (RFC 6749 4.1) with PKCE (RFC 7636, method
 * S256) and a loopback redirect (RFC 8252 7.3), private to oauth2.c.
 *
 * oauth2_browser_start() makes the verifier, its challenge and the state,
 * listens on http://127.0.0.1:PORT/ (port 0: any free one) and builds the
 * address to open. oauth2_browser_wait() then waits, at most wait_seconds,
 * for whichever comes first: the browser reaching the listener (same
 * machine, or an SSH tunnel), or a line on in (the operator pastes the
 * address the browser ended on, which does not load on another machine).
 * Only an answer carrying this sign-in's state counts: any other request
 * or line is answered or told about and the wait goes on. 0 with the code
 * (allocated), or -1 with *error_r (the provider refused, or the time ran
 * out). */
#ifndef MENTORD_OAUTH2_BROWSER_H
#define MENTORD_OAUTH2_BROWSER_H

#include <stdio.h>

struct buf;
struct config;

struct oauth2_browser {
	int fd;                 /* the listener; -1: none */
	long port;
	char redirect_uri[48];  /* http://127.0.0.1:PORT/ */
	char state[33];         /* 16 random bytes, hex */
	char verifier[65];      /* 32 random bytes, hex: 64 unreserved characters */
	char *url;              /* the address to open */
};

int oauth2_browser_start(const struct config *cfg, long port, struct oauth2_browser *b,
    char **error_r);
int oauth2_browser_wait(struct oauth2_browser *b, int in, long wait_seconds, FILE *out,
    char **code_r, char **error_r);
void oauth2_browser_deinit(struct oauth2_browser *b);

/* The value of name in the query of an address or request target
 * ("http://h/?a=1&b=2", "/?a=1", or "a=1&b=2"), percent-decoded and '+' as
 * a space (application/x-www-form-urlencoded): allocated, or NULL when it
 * is absent, holds a control character or a bad escape, or is longer than
 * OAUTH2_QUERY_VALUE_MAX. The query ends at '#', a space or the end. */
#define OAUTH2_QUERY_VALUE_MAX 4096
char *oauth2_query_get(const char *s, const char *name);

/* application/x-www-form-urlencoded name=value, after a '&' if b holds
 * anything (oauth2.c). */
void oauth2_form_add(struct buf *b, const char *name, const char *value);

#endif
