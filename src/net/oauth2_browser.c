#include "oauth2_browser.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mac.h"
#include "util.h"

/* What the browser sends the listener: its request line and headers. */
#define LOOPBACK_REQUEST_BYTES 8192
/* A browser that connected has this long to say what it wants. */
#define LOOPBACK_READ_MS 5000
/* One pasted line. */
#define PASTE_BYTES 8192

/* ---- the query of an address ---- */

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *decode(const char *p, size_t n)
{
	struct buf b;
	size_t i;
	int hi, lo;
	unsigned char c;

	if (n > 3 * OAUTH2_QUERY_VALUE_MAX)
		return NULL;
	buf_init(&b, OAUTH2_QUERY_VALUE_MAX);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '%') {
			if (i + 2 >= n)
				goto bad;
			hi = hexval((unsigned char)p[i + 1]);
			lo = hexval((unsigned char)p[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f || buf_addc(&b, (char)c) < 0)
			goto bad;
	}
	return buf_steal(&b);
bad:
	buf_deinit(&b);
	return NULL;
}

char *oauth2_query_get(const char *s, const char *name)
{
	const char *q = strchr(s, '?'), *end, *amp, *eq;
	size_t len = strlen(name);

	/* a bare query has no '?' and no scheme or path before it */
	q = q != NULL ? q + 1 : strchr(s, '/') == NULL ? s : NULL;
	if (q == NULL)
		return NULL;
	end = q + strcspn(q, "# \t\r\n");
	while (q < end) {
		amp = memchr(q, '&', (size_t)(end - q));
		if (amp == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL && (size_t)(eq - q) == len && memcmp(q, name, len) == 0)
			return decode(eq + 1, (size_t)(amp - eq - 1));
		q = amp + 1;
	}
	return NULL;
}

/* ---- the start: PKCE, the listener, the address ---- */

static int listen_loopback(long port, struct oauth2_browser *b, char **error_r)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int one = 1;

	b->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->fd < 0) {
		*error_r = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(b->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(b->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(b->fd, 8) < 0 ||
	    getsockname(b->fd, (struct sockaddr *)&a, &len) < 0) {
		*error_r = xasprintf("cannot listen on 127.0.0.1:%ld: %s", port, strerror(errno));
		return -1;
	}
	b->port = ntohs(a.sin_port);
	snprintf(b->redirect_uri, sizeof(b->redirect_uri), "http://127.0.0.1:%ld/", b->port);
	return 0;
}

int oauth2_browser_start(const struct config *cfg, long port, struct oauth2_browser *b,
    char **error_r)
{
	unsigned char digest[MAC_SHA256_BYTES];
	struct buf u, challenge;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (random_hex(b->state, 16) < 0 || random_hex(b->verifier, 32) < 0) {
		*error_r = xstrdup("no random bytes");
		return -1;
	}
	if (listen_loopback(port, b, error_r) < 0)
		return -1;
	mac_sha256(b->verifier, strlen(b->verifier), digest);
	buf_init(&challenge, 64);
	buf_add(&challenge, "", 0);
	buf_add_base64(&challenge, digest, sizeof(digest), 1);
	buf_init(&u, 16384);
	buf_add(&u, "", 0);
	oauth2_form_add(&u, "response_type", "code");
	oauth2_form_add(&u, "client_id", cfg->oauth2.client_id);
	oauth2_form_add(&u, "redirect_uri", b->redirect_uri);
	oauth2_form_add(&u, "scope", cfg->oauth2.scope);
	oauth2_form_add(&u, "state", b->state);
	oauth2_form_add(&u, "code_challenge", challenge.s);
	oauth2_form_add(&u, "code_challenge_method", "S256");
	/* a refresh token, every time (Google gives one on first consent
	 * only otherwise; Microsoft reads offline_access in the scope) */
	oauth2_form_add(&u, "access_type", "offline");
	oauth2_form_add(&u, "prompt", "consent");
	b->url = xasprintf("%s%c%s", cfg->oauth2.auth_url,
	    strchr(cfg->oauth2.auth_url, '?') != NULL ? '&' : '?', u.s);
	buf_deinit(&u);
	buf_deinit(&challenge);
	return 0;
}

void oauth2_browser_deinit(struct oauth2_browser *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	free(b->url);
	b->url = NULL;
	explicit_bzero(b->verifier, sizeof(b->verifier));
}

/* ---- the answer ---- */

enum got { GOT_OTHER, GOT_CODE, GOT_REFUSED };

/* What an address the browser reached says of this sign-in. GOT_CODE with
 * *code_r; GOT_REFUSED with *why_r (the provider's error); GOT_OTHER with
 * *why_r saying why it is not the answer, or NULL when it has no query at
 * all (a browser asking for /favicon.ico). The state is checked first:
 * nobody else can end this sign-in, not even by an error. */
static enum got redirect_read(const struct oauth2_browser *b, const char *target, char **code_r,
    char **why_r)
{
	char *state = oauth2_query_get(target, "state"), *code = NULL, *error = NULL, *desc = NULL;
	char esc_e[200], esc_d[400];
	enum got g = GOT_OTHER;

	*why_r = NULL;
	if (state == NULL) {
		if (strchr(target, '?') != NULL || strchr(target, '/') == NULL)
			*why_r = xstrdup("that address holds no state: it is not where the browser"
			    " ended after signing in");
		return GOT_OTHER;
	}
	if (strcmp(state, b->state) != 0) {
		*why_r = xstrdup("that address is the answer to another sign-in (its state differs):"
		    " ignored");
		goto out;
	}
	error = oauth2_query_get(target, "error");
	code = oauth2_query_get(target, "code");
	if (error != NULL) {
		desc = oauth2_query_get(target, "error_description");
		log_escape(error, esc_e, sizeof(esc_e));
		log_escape(desc != NULL ? desc : "no description", esc_d, sizeof(esc_d));
		*why_r = strcmp(error, "access_denied") == 0
		    ? xasprintf("the sign-in was declined (%s: %s)", esc_e, esc_d)
		    : xasprintf("the provider refused the sign-in (%s: %s)", esc_e, esc_d);
		g = GOT_REFUSED;
	} else if (code == NULL || code[0] == '\0' || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~+/=*!$:;,@") != strlen(code)) {
		*why_r = xstrdup("that address holds no usable code");
	} else {
		*code_r = code;
		code = NULL;
		g = GOT_CODE;
	}
out:
	free(state);
	free(error);
	free(desc);
	if (code != NULL)
		explicit_bzero(code, strlen(code));
	free(code);
	return g;
}

/* ---- the listener ---- */

/* The request target of the browser's GET (allocated), or NULL. */
static char *loopback_read(int c)
{
	char req[LOOPBACK_REQUEST_BYTES + 1], *sp, *end;
	struct pollfd p = { c, POLLIN, 0 };
	size_t n = 0;
	ssize_t k;
	int r;

	while (n < LOOPBACK_REQUEST_BYTES) {
		r = poll(&p, 1, LOOPBACK_READ_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		k = read(c, req + n, LOOPBACK_REQUEST_BYTES - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		req[n] = '\0';
		/* the request line is all we need */
		if (memchr(req, '\n', n) != NULL)
			break;
	}
	req[n] = '\0';
	if (strncmp(req, "GET ", 4) != 0)
		return NULL;
	sp = req + 4;
	end = sp + strcspn(sp, " \r\n");
	if (*end != ' ' || strncmp(end + 1, "HTTP/1.", 7) != 0)
		return NULL;
	return xstrndup(sp, (size_t)(end - sp));
}

static void loopback_answer(int c, int status, const char *text)
{
	char *r = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n%s",
	    status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request", strlen(text),
	    text);
	size_t off = 0, n = strlen(r);
	ssize_t w;

	while (off < n && ((w = write(c, r + off, n - off)) > 0 || (w < 0 && errno == EINTR)))
		off += w > 0 ? (size_t)w : 0;
	free(r);
}

/* One connection to the listener: 1 and *code_r, -1 and *error_r (the
 * provider refused), 0 for anything else (answered, and told on out). */
static int serve(struct oauth2_browser *b, FILE *out, char **code_r, char **error_r)
{
	char *target, *why = NULL;
	enum got g = GOT_OTHER;
	int c = accept4(b->fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return 0;
	target = loopback_read(c);
	if (target != NULL)
		g = redirect_read(b, target, code_r, &why);
	if (g == GOT_CODE)
		loopback_answer(c, 200, "Signed in: mentord has what it needs. You may close this"
		    " window.\n");
	else if (g == GOT_REFUSED)
		loopback_answer(c, 200, "The sign-in did not succeed; mentord says why.\n");
	else
		loopback_answer(c, target == NULL || why != NULL ? 400 : 404,
		    "This is mentord's sign-in listener; it waits for the provider's answer.\n");
	close(c);
	free(target);
	if (g == GOT_REFUSED) {
		*error_r = why;
		return -1;
	}
	if (why != NULL)
		fprintf(out, "A request to the listener: %s\n", why);
	free(why);
	return g == GOT_CODE;
}

/* The lines pasted so far: 1 and *code_r, -1 with *error_r, 0 to go on. */
static int pasted(struct oauth2_browser *b, struct buf *in, FILE *out, char **code_r,
    char **error_r)
{
	char *nl, *line, *why = NULL;
	enum got g;

	while (in->len > 0 && (nl = memchr(in->s, '\n', in->len)) != NULL) {
		*nl = '\0';
		line = str_trim(in->s);
		g = GOT_OTHER;
		if (*line != '\0') {
			g = redirect_read(b, line, code_r, &why);
			if (g == GOT_OTHER)
				fprintf(out, "%s; paste the whole address the browser ended on\n",
				    why != NULL ? why : "that is not an address with an answer");
		}
		memmove(in->s, nl + 1, in->len - (size_t)(nl + 1 - in->s));
		in->len -= (size_t)(nl + 1 - in->s);
		in->s[in->len] = '\0';
		if (g == GOT_CODE)
			return 1;
		if (g == GOT_REFUSED) {
			*error_r = why;
			return -1;
		}
		xfree(&why);
		fflush(out);
	}
	return 0;
}

int oauth2_browser_wait(struct oauth2_browser *b, int in, long wait_seconds, FILE *out,
    char **code_r, char **error_r)
{
	time_t deadline = time(NULL) + wait_seconds;
	struct pollfd p[2];
	struct buf paste;
	char chunk[1024];
	ssize_t k;
	long left;
	int r, ret = -1;

	buf_init(&paste, PASTE_BYTES);
	buf_add(&paste, "", 0);
	for (;;) {
		left = (long)(deadline - time(NULL));
		if (left <= 0) {
			*error_r = xasprintf("nobody finished signing in within %ld minutes: run `mentord"
			    " oauth2 login` again", wait_seconds / 60);
			break;
		}
		p[0] = (struct pollfd){ b->fd, POLLIN, 0 };
		p[1] = (struct pollfd){ in, POLLIN, 0 };
		r = poll(p, in >= 0 ? 2 : 1, (int)(left > 60 ? 60000 : left * 1000));
		if (r < 0 && errno != EINTR) {
			*error_r = xasprintf("poll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		if ((p[0].revents & POLLIN) && (r = serve(b, out, code_r, error_r)) != 0) {
			ret = r > 0 ? 0 : -1;
			break;
		}
		if (in >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			k = read(in, chunk, sizeof(chunk));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				/* the end of the input: the listener alone, now */
				in = -1;
				if (paste.len > 0 && buf_addc(&paste, '\n') == 0 &&
				    (r = pasted(b, &paste, out, code_r, error_r)) != 0) {
					ret = r > 0 ? 0 : -1;
					break;
				}
				continue;
			}
			if (buf_add(&paste, chunk, (size_t)k) < 0) {
				fprintf(out, "that line is too long to be the address: paste it again\n");
				buf_deinit(&paste);
				buf_init(&paste, PASTE_BYTES);
				buf_add(&paste, "", 0);
				continue;
			}
			if ((r = pasted(b, &paste, out, code_r, error_r)) != 0) {
				ret = r > 0 ? 0 : -1;
				break;
			}
		}
		fflush(out);
	}
	explicit_bzero(paste.s, paste.len);
	buf_deinit(&paste);
	return ret;
}
