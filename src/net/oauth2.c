#include "oauth2.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"
#include "curl_lib.h"
#include "json.h"
#include "log.h"
#include "oauth2_browser.h"
#include "util.h"

#ifndef MENTORD_VERSION
#define MENTORD_VERSION "?"
#endif

/* A token with less than this left, or a quarter of its lifetime, is
 * renewed before it is used. */
#define RENEW_MARGIN_MAX 300
/* The cache file, and what the child hands back. */
#define CACHE_BYTES_MAX (64u * 1024)
/* one text field of the request child's answer, escaped */
#define OAUTH2_FIELD_BYTES 2048
/* RFC 8628 3.2: 5 seconds when the service does not say */
#define DEVICE_INTERVAL_DEFAULT 5
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

/* ---- small pieces ---- */

int oauth2_token_ok(const char *t)
{
	size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	n += strspn(t + n, "=");
	return n > 0 && t[n] == '\0';
}

/* A refresh token or device code: visible ASCII, one line of the file. */
static int opaque_ok(const char *t)
{
	const unsigned char *p = (const unsigned char *)t;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

char *oauth2_sasl_initial(enum config_auth mech, const char *user, const char *host, long port,
    const char *token)
{
	struct buf raw, out;
	const char *u;
	char *ret;

	buf_init(&raw, 4 * SECRET_BYTES_MAX);
	if (mech == AUTH_OAUTHBEARER) {
		/* RFC 7628 3.1; the authzid is a saslname (RFC 5801 4): ','
		 * and '=' are escaped */
		buf_adds(&raw, "n,a=");
		for (u = user; *u != '\0'; u++)
			if (*u == ',')
				buf_adds(&raw, "=2C");
			else if (*u == '=')
				buf_adds(&raw, "=3D");
			else
				buf_addc(&raw, *u);
		buf_printf(&raw, ",\001host=%s\001port=%ld\001auth=Bearer %s\001\001", host, port, token);
	} else {
		buf_printf(&raw, "user=%s\001auth=Bearer %s\001\001", user, token);
	}
	buf_init(&out, 8 * SECRET_BYTES_MAX);
	buf_add(&out, "", 0);
	buf_add_base64(&out, (const unsigned char *)raw.s, raw.len, 0);
	explicit_bzero(raw.s, raw.len);
	buf_deinit(&raw);
	ret = buf_steal(&out);
	buf_deinit(&out);
	return ret;
}

/* application/x-www-form-urlencoded (RFC 6749 appendix B) */
void oauth2_form_add(struct buf *f, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (value == NULL)
		return;
	if (f->len > 0)
		buf_addc(f, '&');
	buf_adds(f, name);
	buf_addc(f, '=');
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_addc(f, (char)*p);
		} else {
			buf_addc(f, '%');
			buf_addc(f, hex[*p >> 4]);
			buf_addc(f, hex[*p & 15]);
		}
	}
}

static void form_wipe(struct buf *f)
{
	if (f->s != NULL)
		explicit_bzero(f->s, f->len);
	buf_deinit(f);
}

static void wipe_free(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* What a service said, escaped, on one line, cut short. */
static char *said(const char *s)
{
	char esc[400], line[300];
	size_t n = strcspn(s, "\r\n");

	/* Microsoft appends "Trace ID", "Correlation ID" on lines of their own */
	snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), s);
	log_escape(line, esc, sizeof(esc));
	return xstrdup(esc);
}

/* ---- one HTTP request ---- */

struct http {
	long status;
	struct buf body;
	char errbuf[CURL_ERROR_SIZE];
};

static size_t http_write(char *data, size_t size, size_t n, void *arg)
{
	struct http *h = arg;

	if (buf_add(&h->body, data, size * n) < 0)
		return 0; /* too long: libcurl stops */
	return size * n;
}

/* POSTs form to url: 0 with h->status and h->body, or -1 with *error_r
 * when no HTTP answer came (connection, TLS, timeout, too long). */
static int http_post(const struct config *cfg, const char *url, const char *form, struct http *h,
    char **error_r)
{
	struct curl_slist *headers = NULL;
	long t = cfg->oauth2.timeout_seconds;
	CURLcode rc;
	CURL *c;
	int ret = -1;

	if (curl_lib_load(error_r) < 0)
		return -1;
	c = curl_lib.curl_easy_init();
	if (c == NULL)
		fatal("curl_easy_init failed");
	buf_init(&h->body, OAUTH2_RESPONSE_BYTES_MAX);
	buf_add(&h->body, "", 0);
	h->errbuf[0] = '\0';
	headers = curl_lib.curl_slist_append(NULL, "Accept: application/json");
	curl_lib.curl_easy_setopt(c, CURLOPT_URL, url);
	/* never anything but the one service: no redirects, no other scheme;
	 * plain http only where config_url_secure() allowed it (loopback) */
	curl_lib.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, str_has_prefix(url, "https://") ? "https" : "http");
	curl_lib.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->oauth2.ca_file != NULL)
		curl_lib.curl_easy_setopt(c, CURLOPT_CAINFO, cfg->oauth2.ca_file);
	curl_lib.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t);
	curl_lib.curl_easy_setopt(c, CURLOPT_TIMEOUT, t);
	curl_lib.curl_easy_setopt(c, CURLOPT_USERAGENT, "mentord/" MENTORD_VERSION);
	curl_lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_lib.curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	curl_lib.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write);
	curl_lib.curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	rc = curl_lib.curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_lib.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
		ret = 0;
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		*error_r = xasprintf("no answer within %ld s", t);
	} else if (rc == CURLE_WRITE_ERROR && h->body.toobig) {
		*error_r = xstrdup("its answer is too long");
	} else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		*error_r = xasprintf("TLS: its certificate is not trusted: %s", h->errbuf);
	} else {
		*error_r = xasprintf("%s", h->errbuf[0] != '\0' ? h->errbuf : curl_lib.curl_easy_strerror(rc));
	}
	curl_lib.curl_slist_free_all(headers);
	curl_lib.curl_easy_cleanup(c);
	if (ret < 0)
		buf_deinit(&h->body);
	return ret;
}

/* ---- the token request and its answer ---- */

enum outcome { TOK_OK, TOK_TEMP, TOK_REFUSED, TOK_PENDING, TOK_SLOW_DOWN };

struct answer {
	enum outcome outcome;
	char *access;
	long expires_in;
	char *refresh;   /* a new refresh token, or NULL */
	char *code;      /* the service's error code (for the device grant) */
	char *error;     /* for people, without secrets */
};

static void answer_deinit(struct answer *a)
{
	wipe_free(&a->access);
	wipe_free(&a->refresh);
	free(a->code);
	free(a->error);
	memset(a, 0, sizeof(*a));
}

/* RFC 6749 5.2 error codes, in words that say what to do. */
static void refusal(const struct config *cfg, struct answer *a, const char *code,
    const struct json_object *o)
{
	const char *desc = json_get_string(o, "error_description");
	const char *sub = json_get_string(o, "suberror");
	char *d = said(desc != NULL ? desc : "no description");
	int consent = (sub != NULL && strcmp(sub, "consent_required") == 0) ||
	    strcmp(code, "consent_required") == 0 || strcmp(code, "interaction_required") == 0 ||
	    (desc != NULL && (strstr(desc, "AADSTS65001") != NULL || strstr(desc, "consent") != NULL));
	int cc = cfg->oauth2.grant == GRANT_CLIENT_CREDENTIALS;

	a->outcome = TOK_REFUSED;
	if (consent)
		a->error = xasprintf("consent for the application %s was withdrawn or never given"
		    " (%s: %s). An administrator must grant it again (Microsoft Entra: Enterprise"
		    " applications, the application, Permissions; Google: Security, API controls)%s",
		    cfg->oauth2.client_id, code, d, cc ? "; mentord asks again within the hour"
		    : ", then run `mentord oauth2 login`");
	else if (strcmp(code, "invalid_grant") == 0 && !cc)
		a->error = xasprintf("the refresh token was refused (invalid_grant: %s): it was revoked,"
		    " has expired or was replaced. Run `mentord oauth2 login` to sign in again", d);
	else if (strcmp(code, "invalid_client") == 0 || strcmp(code, "unauthorized_client") == 0)
		a->error = xasprintf("the client was refused (%s: %s): check [oauth2] client_id and"
		    " client_secret_file (client secrets expire: make a new one at the provider)", code, d);
	else if (strcmp(code, "invalid_scope") == 0)
		a->error = xasprintf("the scope was refused (invalid_scope: %s): check [oauth2] scope", d);
	else
		a->error = xasprintf("the token service refused (%s: %s)", code, d);
	free(d);
}

/* Reads the service's answer (RFC 6749 5.1 and 5.2, RFC 8628 3.5). */
static void classify(const struct config *cfg, const struct http *h, struct answer *a)
{
	struct json_object o;
	const char *jerr = NULL, *code, *type, *access, *refresh;
	int parsed = json_parse_object(h->body.s, h->body.len, &o, &jerr) == 0;

	a->outcome = TOK_TEMP;
	code = parsed ? json_get_string(&o, "error") : NULL;
	if (h->status == 200 && parsed && code == NULL) {
		access = json_get_string(&o, "access_token");
		type = json_get_string(&o, "token_type");
		refresh = json_get_string(&o, "refresh_token");
		if (access == NULL || !oauth2_token_ok(access)) {
			a->error = xstrdup("its answer holds no usable access_token");
		} else if (type != NULL && strcasecmp(type, "bearer") != 0) {
			a->error = xasprintf("it gave a token of type %.40s, not Bearer", type);
		} else if (refresh != NULL && !opaque_ok(refresh)) {
			a->error = xstrdup("its answer holds an unusable refresh_token");
		} else {
			a->outcome = TOK_OK;
			a->access = xstrdup(access);
			a->refresh = refresh != NULL ? xstrdup(refresh) : NULL;
			/* RFC 6749 5.1: expires_in is only RECOMMENDED */
			if (json_get_long(&o, "expires_in", &a->expires_in) < 0 || a->expires_in <= 0)
				a->expires_in = 3600;
			if (a->expires_in > OAUTH2_LIFETIME_MAX)
				a->expires_in = OAUTH2_LIFETIME_MAX;
		}
	} else if (code != NULL && (h->status == 400 || h->status == 401 || h->status == 403)) {
		/* the code goes into messages and the child's answer: escaped
		 * whole (RFC 6749 5.2 allows no control character in it) */
		char esc[200];

		log_escape(code, esc, sizeof(esc));
		a->code = xstrdup(esc);
		code = a->code;
		if (strcmp(code, "authorization_pending") == 0)
			a->outcome = TOK_PENDING;
		else if (strcmp(code, "slow_down") == 0)
			a->outcome = TOK_SLOW_DOWN;
		else if (strcmp(code, "temporarily_unavailable") == 0)
			a->error = xstrdup("it is temporarily unavailable");
		else
			refusal(cfg, a, code, &o);
	} else if (h->status == 429 || h->status >= 500) {
		a->error = xasprintf("it answered HTTP %ld", h->status);
	} else {
		a->error = xasprintf("it answered HTTP %ld%s%s", h->status, parsed ? "" : ", not JSON: ",
		    parsed ? "" : jerr);
	}
	if (parsed)
		json_object_deinit(&o);
}

static void request(const struct config *cfg, const char *url, const char *form, struct answer *a)
{
	struct http h;
	char *err = NULL;

	memset(a, 0, sizeof(*a));
	memset(&h, 0, sizeof(h));
	if (http_post(cfg, url, form, &h, &err) < 0) {
		a->outcome = TOK_TEMP;
		a->error = err;
		return;
	}
	classify(cfg, &h, a);
	buf_deinit(&h.body);
}

/* One field of the child's answer: "-" for none; a token with anything
 * but its own characters is none (classify() checked them already), and
 * text with a control character is escaped (once: what classify() escaped
 * has none left), so that no field can hold a line break. */
static char *child_field(const char *s, int token)
{
	char esc[OAUTH2_FIELD_BYTES];

	if (s == NULL || (token && !opaque_ok(s)) || strcmp(s, "-") == 0)
		return xstrdup("-");
	if (token || !str_has_ctl(s))
		return xstrdup(s);
	log_escape(s, esc, sizeof(esc));
	return xstrdup(esc);
}

/* The request in a short-lived child, which alone loads libcurl; the
 * answer comes back as lines: outcome, expires_in, access, refresh, code,
 * error ("-" for none), each field escaped (child_field()). */
static void __attribute__((noreturn)) request_child(const struct config *cfg, const char *url,
    const char *form, int out)
{
	struct answer a;
	char *msg, *f[4];
	size_t n, off = 0, i;
	ssize_t w;

	request(cfg, url, form, &a);
	f[0] = child_field(a.access, 1);
	f[1] = child_field(a.refresh, 1);
	f[2] = child_field(a.code, 0);
	f[3] = child_field(a.error, 0);
	msg = xasprintf("%d\n%ld\n%s\n%s\n%s\n%s\n", (int)a.outcome, a.expires_in, f[0], f[1],
	    f[2], f[3]);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		wipe_free(&f[i]);
	n = strlen(msg);
	while (off < n && (w = write(out, msg + off, n - off)) > 0)
		off += (size_t)w;
	explicit_bzero(msg, n);
	_exit(off == n ? 0 : 1);
}

static char *next_line(char **p)
{
	char *s = *p, *nl;

	if (s == NULL)
		return NULL;
	nl = strchr(s, '\n');
	if (nl == NULL)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return s;
}

static char *field(const char *s)
{
	return s != NULL && strcmp(s, "-") != 0 ? xstrdup(s) : NULL;
}

static int read_child(int fd, long deadline_ms, struct buf *b)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char chunk[4096];
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&p, 1, (int)deadline_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		if (buf_add(b, chunk, (size_t)n) < 0)
			return -1;
	}
}

static void request_forked(const struct config *cfg, const char *url, const char *form,
    struct answer *a)
{
	struct buf b;
	char *p, *outcome, *expires, *access, *refresh, *code, *error;
	long wait_ms = (cfg->oauth2.timeout_seconds + 5) * 1000, v = 0;
	int fds[2], status = 0, r;
	pid_t pid;

	memset(a, 0, sizeof(*a));
	a->outcome = TOK_TEMP;
	if (pipe(fds) < 0) {
		a->error = xasprintf("pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		request_child(cfg, url, form, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		a->error = xasprintf("fork: %s", strerror(errno));
		return;
	}
	buf_init(&b, CACHE_BYTES_MAX);
	buf_add(&b, "", 0);
	r = read_child(fds[0], wait_ms, &b);
	close(fds[0]);
	if (r < 0)
		kill(pid, SIGKILL); /* our own child, stuck: it goes */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	p = b.s;
	outcome = next_line(&p);
	expires = next_line(&p);
	access = next_line(&p);
	refresh = next_line(&p);
	code = next_line(&p);
	error = next_line(&p);
	if (r < 0 || error == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		a->error = xasprintf("no answer within %ld s", cfg->oauth2.timeout_seconds);
	} else if (*p != '\0' || str_to_long(outcome, 0, TOK_SLOW_DOWN, &v) < 0 ||
	    str_to_long(expires, 0, OAUTH2_LIFETIME_MAX, &a->expires_in) < 0) {
		/* the fields are escaped: a line more or less is a fault */
		a->error = xstrdup("its answer could not be read (garbled)");
	} else {
		a->outcome = (enum outcome)v;
		a->access = field(access);
		a->refresh = field(refresh);
		a->code = field(code);
		a->error = field(error);
	}
	explicit_bzero(b.s, b.len);
	buf_deinit(&b);
}

static void ask(const struct config *cfg, const char *url, const char *form, struct answer *a)
{
	if (curl_lib_present())
		request(cfg, url, form, a);
	else
		request_forked(cfg, url, form, a);
}

/* ---- the cache ---- */

struct cache {
	char key[17];         /* the configuration it belongs to */
	char *access;
	time_t expires, obtained;
	enum config_grant grant;
	time_t refused_at;    /* 0: not refused */
	char refused_key[17]; /* the secrets then in use */
	char *reason;
};

static void cache_deinit(struct cache *c)
{
	wipe_free(&c->access);
	free(c->reason);
	memset(c, 0, sizeof(*c));
}

static void hex64(uint64_t v, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)v);
}

/* What the cache belongs to: a changed service, client, scope or grant
 * starts afresh. */
static void config_key(const struct config *cfg, char out[17])
{
	char *s = xasprintf("%s\n%s\n%s\n%d", cfg->oauth2.token_url, cfg->oauth2.client_id,
	    cfg->oauth2.scope, (int)cfg->oauth2.grant);

	hex64(hash64(s, strlen(s)), out);
	free(s);
}

static char *path_in_spool(const struct config *cfg, const char *name)
{
	return xasprintf("%s/%s", cfg->paths.spool, name);
}

/* A missing or unreadable cache is an empty one: the service is asked. */
static void cache_read(const struct config *cfg, struct cache *c)
{
	char *path = path_in_spool(cfg, "oauth2.token"), *data = NULL, *p, *line, *v;
	size_t len = 0;
	long n;

	memset(c, 0, sizeof(*c));
	if (file_read(path, CACHE_BYTES_MAX, &data, &len) < 0 || memchr(data, '\0', len) != NULL) {
		free(path);
		free(data);
		return;
	}
	for (p = data; (line = next_line(&p)) != NULL;) {
		v = strchr(line, ' ');
		if (v == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "key") == 0 && strlen(v) == 16)
			memcpy(c->key, v, 17);
		else if (strcmp(line, "access") == 0 && oauth2_token_ok(v) && c->access == NULL)
			c->access = xstrdup(v);
		else if (strcmp(line, "expires") == 0 && str_to_long(v, 0, LONG_MAX, &n) == 0)
			c->expires = (time_t)n;
		else if (strcmp(line, "obtained") == 0 && str_to_long(v, 0, LONG_MAX, &n) == 0)
			c->obtained = (time_t)n;
		else if (strcmp(line, "grant") == 0)
			c->grant = strcmp(v, "client_credentials") == 0 ? GRANT_CLIENT_CREDENTIALS
			    : GRANT_REFRESH_TOKEN;
		else if (strcmp(line, "refused") == 0 && str_to_long(v, 0, LONG_MAX, &n) == 0)
			c->refused_at = (time_t)n;
		else if (strcmp(line, "refused_key") == 0 && strlen(v) == 16)
			memcpy(c->refused_key, v, 17);
		else if (strcmp(line, "reason") == 0 && c->reason == NULL && !str_has_ctl(v))
			c->reason = xstrdup(v);
	}
	explicit_bzero(data, len);
	free(data);
	free(path);
}

static int cache_write(const struct config *cfg, const struct cache *c, char **error_r)
{
	char *path = path_in_spool(cfg, "oauth2.token");
	struct buf b;
	int ret = 0;

	buf_init(&b, CACHE_BYTES_MAX);
	buf_printf(&b, "key %s\n", c->key);
	if (c->access != NULL)
		buf_printf(&b, "access %s\nexpires %lld\nobtained %lld\ngrant %s\n", c->access,
		    (long long)c->expires, (long long)c->obtained, config_grant_name(c->grant));
	if (c->refused_at != 0)
		buf_printf(&b, "refused %lld\nrefused_key %s\nreason %s\n", (long long)c->refused_at,
		    c->refused_key, c->reason != NULL ? c->reason : "");
	if (b.toobig || file_write_atomic(path, b.s, b.len, 0600) < 0) {
		*error_r = xasprintf("cannot write %s: %s", path, b.toobig ? "too long" : strerror(errno));
		ret = -1;
	}
	explicit_bzero(b.s, b.len);
	buf_deinit(&b);
	free(path);
	return ret;
}

static time_t margin(const struct cache *c)
{
	time_t life = c->expires - c->obtained, m = life / 4;

	return m < RENEW_MARGIN_MAX ? m : RENEW_MARGIN_MAX;
}

static int cache_usable(const struct cache *c, const char *key, const char *refused, time_t now)
{
	return c->access != NULL && strcmp(c->key, key) == 0 && c->expires - now > margin(c) &&
	    (refused == NULL || strcmp(refused, c->access) != 0);
}

static void hand_out(const struct cache *c, struct oauth2_token *t)
{
	t->access = xstrdup(c->access);
	t->expires = c->expires;
	t->obtained = c->obtained;
	t->grant = c->grant;
}

/* SPOOL/oauth2.lock, held while the service is asked and the files
 * written; -1 when another process holds it too long. */
static int lock_take(const struct config *cfg, char **error_r)
{
	char *path = path_in_spool(cfg, "oauth2.lock");
	long waited = 0, limit = (cfg->oauth2.timeout_seconds + 10) * 1000;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		*error_r = xasprintf("cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= limit) {
			*error_r = xasprintf("%s: %s", path, errno == EWOULDBLOCK
			    ? "another mentord has been renewing the token for too long" : strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
		poll(NULL, 0, 50);
		waited += 50;
	}
	free(path);
	return fd;
}

/* ---- obtaining a token ---- */

/* The secrets a request would use, and their key: a refusal holds while
 * they stay the same. */
struct secrets {
	char *refresh, *client;
	char key[17];
};

static void secrets_deinit(struct secrets *s)
{
	wipe_free(&s->refresh);
	wipe_free(&s->client);
}

static int secrets_read(const struct config *cfg, int need_refresh, struct secrets *s,
    char **error_r)
{
	char *both;

	memset(s, 0, sizeof(*s));
	if (cfg->oauth2.client_secret_file != NULL &&
	    config_read_secret(cfg->oauth2.client_secret_file, &s->client, error_r) < 0)
		return -1;
	if (need_refresh && cfg->oauth2.grant == GRANT_REFRESH_TOKEN) {
		if (access(cfg->oauth2.refresh_token_file, F_OK) < 0 && errno == ENOENT) {
			*error_r = xasprintf("there is no refresh token yet (%s): run `mentord oauth2 login`"
			    " to sign in once", cfg->oauth2.refresh_token_file);
			return -1;
		}
		if (config_read_secret(cfg->oauth2.refresh_token_file, &s->refresh, error_r) < 0)
			return -1;
	}
	both = xasprintf("%s\n%s", s->refresh != NULL ? s->refresh : "", s->client != NULL ? s->client : "");
	hex64(hash64(both, strlen(both)), s->key);
	explicit_bzero(both, strlen(both));
	free(both);
	return 0;
}

/* Order matters: the rotated refresh token is on disk before the access
 * token that came with it is used or cached (the old one may be void). */
static int save_refresh(const struct config *cfg, const char *refresh, char **error_r)
{
	char *line = xasprintf("%s\n", refresh);
	int ret = file_write_atomic(cfg->oauth2.refresh_token_file, line, strlen(line), 0600);

	explicit_bzero(line, strlen(line));
	free(line);
	if (ret < 0)
		*error_r = xasprintf("the new refresh token could not be saved in %s: %s",
		    cfg->oauth2.refresh_token_file, strerror(errno));
	return ret;
}

/* A granted answer into the cache (and the refresh token file). */
static int accept_answer(const struct config *cfg, struct cache *c, const struct secrets *s,
    struct answer *a, time_t now, struct oauth2_token *t, char **error_r)
{
	if (a->refresh != NULL && cfg->oauth2.grant == GRANT_REFRESH_TOKEN &&
	    (s->refresh == NULL || strcmp(a->refresh, s->refresh) != 0)) {
		if (save_refresh(cfg, a->refresh, error_r) < 0)
			return -1;
		t->rotated = 1;
	}
	wipe_free(&c->access);
	c->access = a->access;
	a->access = NULL;
	c->obtained = now;
	c->expires = now + a->expires_in;
	c->grant = cfg->oauth2.grant;
	c->refused_at = 0;
	free(c->reason);
	c->reason = NULL;
	hand_out(c, t);
	t->renewed = 1;
	if (cache_write(cfg, c, error_r) < 0) {
		/* the token is good; the next process asks again */
		t->note = *error_r;
		*error_r = NULL;
	}
	return 0;
}

static void grant_form(const struct config *cfg, const struct secrets *s, struct buf *f)
{
	buf_init(f, 8 * SECRET_BYTES_MAX);
	buf_add(f, "", 0);
	if (cfg->oauth2.grant == GRANT_CLIENT_CREDENTIALS) {
		oauth2_form_add(f, "grant_type", "client_credentials");
	} else {
		oauth2_form_add(f, "grant_type", "refresh_token");
		oauth2_form_add(f, "refresh_token", s->refresh);
	}
	oauth2_form_add(f, "client_id", cfg->oauth2.client_id);
	oauth2_form_add(f, "client_secret", s->client);
	oauth2_form_add(f, "scope", cfg->oauth2.scope);
}

/* With the lock held: the cache read again, then the service if needed. */
static int renew(const struct config *cfg, const char *refused, struct cache *c,
    struct oauth2_token *t, char **error_r)
{
	struct secrets s;
	struct answer a;
	struct buf form;
	time_t now = time(NULL);
	char key[17], when[32];
	int ret = -1;

	config_key(cfg, key);
	cache_deinit(c);
	cache_read(cfg, c);
	/* another process renewed it meanwhile */
	if (cache_usable(c, key, refused, now)) {
		hand_out(c, t);
		return 0;
	}
	if (strcmp(c->key, key) != 0) {
		cache_deinit(c);
		memcpy(c->key, key, sizeof(key));
	}
	if (secrets_read(cfg, 1, &s, error_r) < 0)
		return -1;
	if (c->refused_at != 0 && strcmp(c->refused_key, s.key) == 0 &&
	    now - c->refused_at < OAUTH2_REFUSED_RETRY && now >= c->refused_at) {
		time_local_str(c->refused_at + OAUTH2_REFUSED_RETRY, when, sizeof(when));
		*error_r = xasprintf("%s (not asked again before %s, or until the secrets change)",
		    c->reason != NULL ? c->reason : "refused", when);
		secrets_deinit(&s);
		return -1;
	}
	grant_form(cfg, &s, &form);
	ask(cfg, cfg->oauth2.token_url, form.s, &a);
	form_wipe(&form);
	if (a.outcome == TOK_OK) {
		ret = accept_answer(cfg, c, &s, &a, now, t, error_r);
	} else if (a.outcome == TOK_REFUSED) {
		c->refused_at = now;
		memcpy(c->refused_key, s.key, sizeof(s.key));
		free(c->reason);
		c->reason = xstrdup(a.error);
		wipe_free(&c->access);
		*error_r = xstrdup(a.error);
		if (cache_write(cfg, c, &t->note) < 0)
			log_debug("oauth2: %s", t->note);
		xfree(&t->note);
	} else if (c->access != NULL && strcmp(c->key, key) == 0 && c->expires > now &&
	    (refused == NULL || strcmp(refused, c->access) != 0)) {
		/* renewal failed for now, but the token still works a while */
		hand_out(c, t);
		time_local_str(c->expires, when, sizeof(when));
		t->note = xasprintf("OAuth 2: the token service at %s: %s; using the current token,"
		    " valid until %s", cfg->oauth2.token_url, a.error != NULL ? a.error : "?", when);
		ret = 0;
	} else {
		*error_r = xasprintf("the token service at %s: %s; mentord tries again later",
		    cfg->oauth2.token_url, a.error != NULL ? a.error : "no usable answer");
	}
	answer_deinit(&a);
	secrets_deinit(&s);
	return ret;
}

int oauth2_get(const struct config *cfg, const char *refused, struct oauth2_token *t,
    char **error_r)
{
	struct cache c;
	char key[17], *err = NULL;
	int fd, ret;

	memset(t, 0, sizeof(*t));
	config_key(cfg, key);
	cache_read(cfg, &c);
	if (cache_usable(&c, key, refused, time(NULL))) {
		hand_out(&c, t);
		cache_deinit(&c);
		return 0;
	}
	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		*error_r = xasprintf("OAuth 2: cannot create %s: %s", cfg->paths.spool, strerror(errno));
		cache_deinit(&c);
		return -1;
	}
	fd = lock_take(cfg, &err);
	ret = fd < 0 ? -1 : renew(cfg, refused, &c, t, &err);
	if (fd >= 0)
		close(fd);
	cache_deinit(&c);
	if (ret < 0) {
		*error_r = xasprintf("OAuth 2: %s", err);
		free(err);
		oauth2_token_deinit(t);
	}
	return ret;
}

void oauth2_token_deinit(struct oauth2_token *t)
{
	wipe_free(&t->access);
	free(t->note);
	memset(t, 0, sizeof(*t));
}

int oauth2_check(const struct config *cfg, char **info_r, char **error_r)
{
	struct oauth2_token t;
	char when[32], left[32];
	long mins;

	if (oauth2_get(cfg, NULL, &t, error_r) < 0)
		return -1;
	time_local_str(t.expires, when, sizeof(when));
	mins = (long)(t.expires - time(NULL)) / 60;
	if (mins >= 1)
		snprintf(left, sizeof(left), "in %ld min", mins);
	else
		snprintf(left, sizeof(left), "in %ld s", (long)(t.expires - time(NULL)));
	*info_r = xasprintf("%s token from %s by the %s grant, client %s; it expires at %s (%s)%s%s%s",
	    t.renewed ? "a new" : "the cached", cfg->oauth2.token_url, config_grant_name(t.grant),
	    cfg->oauth2.client_id, when, left,
	    t.rotated ? "; the service replaced the refresh token, saved in " : "",
	    t.rotated ? cfg->oauth2.refresh_token_file : "", t.note != NULL ? "; " : "");
	if (t.note != NULL) {
		char *full = xasprintf("%s%s", *info_r, t.note);

		free(*info_r);
		*info_r = full;
	}
	oauth2_token_deinit(&t);
	return 0;
}

/* ---- mentord oauth2 login (RFC 8628) ---- */

struct device {
	char *device_code, *user_code, *uri, *uri_complete;
	long expires_in, interval;
};

static void device_deinit(struct device *d)
{
	wipe_free(&d->device_code);
	free(d->user_code);
	free(d->uri);
	free(d->uri_complete);
}

/* RFC 8628 3.1 and 3.2 (Google says verification_url). */
static int device_start(const struct config *cfg, struct device *d, char **error_r)
{
	struct buf form;
	struct http h;
	struct json_object o;
	const char *jerr = NULL, *code, *user, *uri, *complete, *e;
	char *err = NULL, *desc;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	buf_init(&form, 4 * SECRET_BYTES_MAX);
	buf_add(&form, "", 0);
	oauth2_form_add(&form, "client_id", cfg->oauth2.client_id);
	oauth2_form_add(&form, "scope", cfg->oauth2.scope);
	memset(&h, 0, sizeof(h));
	if (http_post(cfg, cfg->oauth2.device_url, form.s, &h, &err) < 0) {
		*error_r = xasprintf("the device authorization service at %s: %s", cfg->oauth2.device_url, err);
		free(err);
		form_wipe(&form);
		return -1;
	}
	form_wipe(&form);
	if (json_parse_object(h.body.s, h.body.len, &o, &jerr) < 0) {
		*error_r = xasprintf("the device authorization service at %s answered HTTP %ld, not JSON: %s",
		    cfg->oauth2.device_url, h.status, jerr);
		buf_deinit(&h.body);
		return -1;
	}
	code = json_get_string(&o, "device_code");
	user = json_get_string(&o, "user_code");
	uri = json_get_string(&o, "verification_uri");
	if (uri == NULL)
		uri = json_get_string(&o, "verification_url");
	complete = json_get_string(&o, "verification_uri_complete");
	if ((e = json_get_string(&o, "error")) != NULL || h.status != 200) {
		desc = said(json_get_string(&o, "error_description") != NULL
		    ? json_get_string(&o, "error_description") : "no description");
		*error_r = xasprintf("the device authorization service refused (HTTP %ld, %s: %s)%s",
		    h.status, e != NULL ? e : "?", desc, e != NULL && strcmp(e, "invalid_scope") == 0
		    ? "; Google gives its mail scope to a sign-in by browser only: set [oauth2]"
		    " auth_url and run `mentord oauth2 login --browser`" : "");
		free(desc);
	} else if (code == NULL || !opaque_ok(code) || user == NULL || uri == NULL || str_has_ctl(user) ||
	    str_has_ctl(uri) || (complete != NULL && str_has_ctl(complete))) {
		*error_r = xstrdup("the device authorization service gave no usable device_code,"
		    " user_code and verification_uri");
	} else {
		d->device_code = xstrdup(code);
		d->user_code = xstrdup(user);
		d->uri = xstrdup(uri);
		d->uri_complete = complete != NULL ? xstrdup(complete) : NULL;
		if (json_get_long(&o, "expires_in", &d->expires_in) < 0 || d->expires_in <= 0)
			d->expires_in = 900;
		if (json_get_long(&o, "interval", &d->interval) < 0 || d->interval <= 0)
			d->interval = DEVICE_INTERVAL_DEFAULT;
		ret = 0;
	}
	json_object_deinit(&o);
	buf_deinit(&h.body);
	return ret;
}

static void nap_seconds(long s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* RFC 8628 3.4 and 3.5: polls until the person has answered. */
static int device_poll(const struct config *cfg, const struct device *d, const struct secrets *s,
    struct answer *a, char **error_r)
{
	time_t deadline = time(NULL) + d->expires_in;
	long interval = d->interval;
	struct buf form;

	for (;;) {
		nap_seconds(interval);
		buf_init(&form, 8 * SECRET_BYTES_MAX);
		buf_add(&form, "", 0);
		oauth2_form_add(&form, "grant_type", DEVICE_GRANT);
		oauth2_form_add(&form, "device_code", d->device_code);
		oauth2_form_add(&form, "client_id", cfg->oauth2.client_id);
		oauth2_form_add(&form, "client_secret", s->client);
		request(cfg, cfg->oauth2.token_url, form.s, a);
		form_wipe(&form);
		if (a->outcome == TOK_OK)
			return 0;
		if (a->outcome == TOK_SLOW_DOWN)
			interval += 5;
		if (a->outcome == TOK_REFUSED && a->code != NULL && strcmp(a->code, "access_denied") == 0) {
			*error_r = xstrdup("the sign-in was declined");
			return -1;
		}
		if (a->outcome == TOK_REFUSED && a->code != NULL && strcmp(a->code, "expired_token") == 0) {
			*error_r = xstrdup("the code expired before anyone signed in: run `mentord oauth2"
			    " login` again");
			return -1;
		}
		if (a->outcome == TOK_REFUSED) {
			*error_r = xstrdup(a->error);
			return -1;
		}
		/* pending, slow down, or the service briefly away: go on */
		if (time(NULL) + interval > deadline) {
			*error_r = xasprintf("nobody signed in within %ld minutes: run `mentord oauth2 login`"
			    " again", d->expires_in / 60);
			return -1;
		}
		answer_deinit(a);
	}
}

/* ---- mentord oauth2 login by browser (RFC 6749 4.1, RFC 7636, RFC 8252) ---- */

/* The code the browser brought back, for tokens (RFC 6749 4.1.3, with
 * RFC 7636 4.5's code_verifier). */
static int code_exchange(const struct config *cfg, const struct oauth2_browser *b,
    const char *code, const struct secrets *s, struct answer *a, char **error_r)
{
	struct buf form;

	buf_init(&form, 8 * SECRET_BYTES_MAX);
	buf_add(&form, "", 0);
	oauth2_form_add(&form, "grant_type", "authorization_code");
	oauth2_form_add(&form, "code", code);
	oauth2_form_add(&form, "redirect_uri", b->redirect_uri);
	oauth2_form_add(&form, "client_id", cfg->oauth2.client_id);
	oauth2_form_add(&form, "client_secret", s->client);
	oauth2_form_add(&form, "code_verifier", b->verifier);
	oauth2_form_add(&form, "scope", cfg->oauth2.scope);
	request(cfg, cfg->oauth2.token_url, form.s, a);
	form_wipe(&form);
	if (a->outcome == TOK_OK)
		return 0;
	*error_r = a->outcome == TOK_REFUSED ? xstrdup(a->error)
	    : xasprintf("the token service at %s: %s", cfg->oauth2.token_url,
	    a->error != NULL ? a->error : "no usable answer");
	return -1;
}

static int browser_login(const struct config *cfg, const struct oauth2_login_opts *o,
    const struct secrets *s, FILE *out, struct answer *a, char **error_r)
{
	struct oauth2_browser b;
	char *code = NULL;
	int ret = -1;

	if (oauth2_browser_start(cfg, o->port, &b, error_r) < 0)
		goto out;
	fprintf(out, "To let mentord use the mailbox, open this address in a browser, sign in as"
	    " the mailbox's account and accept:\n\n%s\n\n", b.url);
	fprintf(out, "The browser then goes to %s: on this machine (or through an SSH tunnel to"
	    " port %ld) that ends the sign-in by itself. On another machine that page does not"
	    " load: copy the address the browser shows and paste it here, then press Enter.\n",
	    b.redirect_uri, b.port);
	fprintf(out, "Waiting for the sign-in (at most %ld minutes)...\n", o->wait_seconds / 60);
	fflush(out);
	if (oauth2_browser_wait(&b, o->in, o->wait_seconds, out, &code, error_r) < 0)
		goto out;
	ret = code_exchange(cfg, &b, code, s, a, error_r);
out:
	if (code != NULL)
		explicit_bzero(code, strlen(code));
	free(code);
	oauth2_browser_deinit(&b);
	return ret;
}

/* ---- mentord oauth2 login (RFC 8628) ---- */

static int device_login(const struct config *cfg, const struct secrets *s, FILE *out,
    struct answer *a, char **error_r)
{
	struct device d;
	int ret = -1;

	if (device_start(cfg, &d, error_r) < 0) {
		device_deinit(&d);
		return -1;
	}
	fprintf(out, "To let mentord use the mailbox, open %s in a browser and enter the code %s\n",
	    d.uri, d.user_code);
	if (d.uri_complete != NULL)
		fprintf(out, "(or open %s)\n", d.uri_complete);
	fprintf(out, "Waiting for the sign-in (the code is valid for %ld minutes)...\n",
	    d.expires_in / 60);
	fflush(out);
	ret = device_poll(cfg, &d, s, a, error_r);
	device_deinit(&d);
	return ret;
}

int oauth2_login(const struct config *cfg, const struct oauth2_login_opts *o, FILE *out,
    char **error_r)
{
	struct oauth2_token t;
	struct secrets s;
	struct answer a;
	struct cache c;
	char *err = NULL, when[32];
	int fd = -1, ret = -1, browser;

	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	if (!cfg->oauth2.enabled || cfg->oauth2.grant != GRANT_REFRESH_TOKEN) {
		*error_r = xstrdup(!cfg->oauth2.enabled ? "there is no [oauth2] section to sign in for"
		    : "grant = client_credentials needs no sign-in: mentord gets its tokens with the"
		    " client secret");
		return -1;
	}
	/* the browser when asked for, or when it is the only way given */
	browser = o->browser || (cfg->oauth2.auth_url != NULL && cfg->oauth2.device_url == NULL);
	if (browser && cfg->oauth2.auth_url == NULL) {
		*error_r = xstrdup("[oauth2] auth_url is needed to sign in by browser (Google:"
		    " https://accounts.google.com/o/oauth2/v2/auth; with tenant it is known)");
		return -1;
	}
	if (!browser && cfg->oauth2.device_url == NULL) {
		*error_r = xstrdup("[oauth2] auth_url (sign-in by browser) or device_url (by code) is"
		    " needed to sign in (Google: auth_url = https://accounts.google.com/o/oauth2/v2/auth;"
		    " with tenant both are known)");
		return -1;
	}
	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		*error_r = xasprintf("cannot create %s: %s", cfg->paths.spool, strerror(errno));
		return -1;
	}
	if (secrets_read(cfg, 0, &s, &err) < 0)
		goto out;
	if ((browser ? browser_login(cfg, o, &s, out, &a, &err)
	    : device_login(cfg, &s, out, &a, &err)) < 0)
		goto out;
	if (a.refresh == NULL) {
		err = xstrdup("the service gave no refresh token (Microsoft: add offline_access to"
		    " [oauth2] scope)");
		goto out;
	}
	if ((fd = lock_take(cfg, &err)) < 0)
		goto out;
	config_key(cfg, c.key);
	if (accept_answer(cfg, &c, &s, &a, time(NULL), &t, &err) < 0)
		goto out;
	time_local_str(t.expires, when, sizeof(when));
	fprintf(out, "Signed in. The refresh token is saved in %s; the access token expires at %s.\n",
	    cfg->oauth2.refresh_token_file, when);
	if (t.note != NULL)
		fprintf(out, "%s\n", t.note);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0) {
		*error_r = xasprintf("OAuth 2: %s", err != NULL ? err : "sign-in failed");
		free(err);
	}
	oauth2_token_deinit(&t);
	answer_deinit(&a);
	cache_deinit(&c);
	secrets_deinit(&s);
	return ret;
}
