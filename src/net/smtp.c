#include "smtp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "bounds.h"
#include "curl_lib.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "oauth2.h"
#include "refusal.h"
#include "tls.h"
#include "util.h"


/* The session (TCP, TLS, greeting, EHLO, STARTTLS, AUTH) is libcurl's, in
 * CURLOPT_CONNECT_ONLY mode; the mail transactions on it are ours, through
 * curl_easy_send() and curl_easy_recv(). libcurl's own SMTP transfer costs
 * four round trips and a transfer set-up per message; ours pipelines MAIL,
 * RCPT and DATA when the server offers it (RFC 2920), knows which command
 * each reply answers, keeps the reply text, and resets a failed transaction
 * with RSET instead of dropping the connection.
 *
 * Stages of one message; a failure belongs to the last stage reached, which
 * decides whether the message was offered at all (smtp.h):
 *   CONNECT -> SESSION (EHLO, STARTTLS, AUTH; libcurl, seen through its
 *   debug callback) -> MAIL -> RCPT -> DATA --354--> BODY (the content, the
 *   final dot and its reply). A kept connection starts at MAIL. */
enum stage { ST_CONNECT, ST_SESSION, ST_MAIL, ST_RCPT, ST_DATA, ST_BODY };

/* The body is sent in pieces of this size after dot-stuffing. */
#define SMTP_CHUNK_BYTES 16384

static const struct {
	const char *prefix;
	const char *name;
} session_commands[] = {
	/* AUTH continuation lines are base64: no space, so none matches */
	{ "EHLO ", "EHLO" },
	{ "HELO ", "HELO" },
	{ "STARTTLS", "STARTTLS" },
	{ "AUTH ", "AUTH" },
};

struct smtp {
	const struct config *cfg;
	char *secret;
	char *url;
	char host[256];
	CURL *curl;           /* NULL: not connected */
	curl_socket_t sock;
	int pipelining;       /* RFC 2920, from the last EHLO reply */
	int size_ext;         /* RFC 1870 */
	int smtputf8;         /* RFC 6531 */
	int utf8_known;       /* a session said whether it offers SMTPUTF8 */
	int auth_sent;        /* an AUTH command went out in this session */
	enum stage stage;
	const char *command;  /* the last command, for messages */
	int dot_sent;         /* the whole message went out */
	int reply_open;       /* inside a multi-line reply */
	char reply[SMTP_REPLY_BYTES_MAX]; /* the last reply, raw, lines joined */
	size_t reply_len;
	char in[SMTP_REPLY_BYTES_MAX];    /* received, not yet parsed */
	size_t in_len;
	struct timespec deadline;         /* of the whole transaction */
	int stalled;
	int throttled;                    /* the last failure asked us to slow down */
	int oauth;                        /* the secret is a token from oauth2.h */
	int login_denied;                 /* the last session failed at AUTH */
	int renewed;                      /* a refused token was renewed, once */
	struct refusal refusal;           /* what the last refusal concerns */
	char errbuf[CURL_ERROR_SIZE];
};

/* ---- replies ---- */

/* Keeps the last reply (RFC 5321 4.2.1: "NNN-" lines continue it, "NNN "
 * ends it), bounded; its text is escaped only when it becomes a message. */
static void reply_line(struct smtp *s, const char *line, size_t n)
{
	size_t room;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (!s->reply_open)
		s->reply_len = 0;
	s->reply_open = n >= 4 && line[3] == '-';
	if (s->reply_len > 0 && s->reply_len + 3 < sizeof(s->reply)) {
		memcpy(s->reply + s->reply_len, " / ", 3);
		s->reply_len += 3;
	}
	room = sizeof(s->reply) - 1 - s->reply_len;
	memcpy(s->reply + s->reply_len, line, n < room ? n : room);
	s->reply_len += n < room ? n : room;
	s->reply[s->reply_len] = '\0';
	/* the capabilities that matter, from the EHLO reply (RFC 5321 4.1.1.1) */
	if (s->stage == ST_SESSION && s->command != NULL && strcmp(s->command, "EHLO") == 0 && n >= 4) {
		if (n >= 14 && strncasecmp(line + 4, "PIPELINING", 10) == 0)
			s->pipelining = 1;
		else if (n >= 8 && strncasecmp(line + 4, "SIZE", 4) == 0)
			s->size_ext = 1;
		else if (n == 12 && strncasecmp(line + 4, "SMTPUTF8", 8) == 0)
			s->smtputf8 = 1;
	}
}

static void note_command(struct smtp *s, const char *data, size_t size)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(session_commands); i++) {
		n = strlen(session_commands[i].prefix);
		if (size >= n && strncasecmp(data, session_commands[i].prefix, n) == 0) {
			s->stage = ST_SESSION;
			s->command = session_commands[i].name;
			if (strcmp(s->command, "AUTH") == 0)
				s->auth_sent = 1;
			/* after STARTTLS the server says again what it offers */
			if (strcmp(s->command, "EHLO") == 0)
				s->pipelining = s->size_ext = s->smtputf8 = 0;
			return;
		}
	}
}

/* libcurl's debug callback, during the session set-up only: which command
 * a reply answered, and its text. A command line is never kept (AUTH). */
static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp *s = arg;
	const char *p = data, *nl;

	(void)c;
	if (type == CURLINFO_HEADER_OUT) {
		note_command(s, p, size);
	} else if (type == CURLINFO_HEADER_IN) {
		while (size > 0) {
			nl = memchr(p, '\n', size);
			if (nl == NULL) {
				reply_line(s, p, size);
				break;
			}
			reply_line(s, p, (size_t)(nl - p) + 1);
			size -= (size_t)(nl - p) + 1;
			p = nl + 1;
		}
	}
	return 0;
}

/* ---- the socket, with timeouts ---- */

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

/* Waits until the socket is ready: each wait at most timeout_seconds, all
 * of a transaction at most its deadline (a server that trickles bytes to
 * stay under the first still meets the second). */
static int wait_sock(struct smtp *s, short events, const char **why_r)
{
	struct pollfd p = { s->sock, events, 0 };
	long ms = s->cfg->smtp.timeout_seconds * 1000, left = ms_until(&s->deadline);
	int r;

	if (left < ms)
		ms = left > 0 ? left : 0;
	do
		r = poll(&p, 1, (int)ms);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		return 0;
	*why_r = r == 0 ? "timeout" : "poll failed";
	return -1;
}

static int io_send(struct smtp *s, const char *p, size_t len, const char **why_r)
{
	size_t n;
	CURLcode rc;

	while (len > 0) {
		n = 0;
		rc = curl_lib.curl_easy_send(s->curl, p, len, &n);
		if (rc == CURLE_OK) {
			p += n;
			len -= n;
		} else if (rc != CURLE_AGAIN) {
			*why_r = curl_lib.curl_easy_strerror(rc);
			return -1;
		} else if (wait_sock(s, POLLOUT, why_r) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Reads whatever arrives (at least one byte) into s->in. */
static int io_fill(struct smtp *s, const char **why_r)
{
	size_t n;
	CURLcode rc;

	for (;;) {
		if (s->in_len == sizeof(s->in)) {
			/* RFC 5321 4.5.3.1.5: a reply line is at most 512 bytes */
			*why_r = "reply line too long";
			return -1;
		}
		n = 0;
		rc = curl_lib.curl_easy_recv(s->curl, s->in + s->in_len, sizeof(s->in) - s->in_len, &n);
		if (rc == CURLE_OK && n == 0) {
			*why_r = "connection closed by the server";
			return -1;
		}
		if (rc == CURLE_OK) {
			s->in_len += n;
			return 0;
		}
		if (rc != CURLE_AGAIN) {
			*why_r = curl_lib.curl_easy_strerror(rc);
			return -1;
		}
		if (wait_sock(s, POLLIN, why_r) < 0)
			return -1;
	}
}

/* One whole reply; *code_r is its code. -1 with *why_r when the connection
 * failed or the reply is not SMTP. */
static int read_reply(struct smtp *s, long *code_r, const char **why_r)
{
	const char *nl;
	size_t n;
	int last;

	s->reply_open = 0;
	for (;;) {
		nl = memchr(s->in, '\n', s->in_len);
		if (nl == NULL) {
			if (io_fill(s, why_r) < 0)
				return -1;
			continue;
		}
		n = (size_t)(nl - s->in) + 1;
		if (n < 4 || s->in[0] < '2' || s->in[0] > '5' || s->in[1] < '0' || s->in[1] > '9' ||
		    s->in[2] < '0' || s->in[2] > '9' || (s->in[3] != ' ' && s->in[3] != '-' &&
		    s->in[3] != '\r' && s->in[3] != '\n')) {
			*why_r = "not an SMTP reply";
			return -1;
		}
		last = s->in[3] != '-';
		*code_r = (s->in[0] - '0') * 100 + (s->in[1] - '0') * 10 + (s->in[2] - '0');
		reply_line(s, s->in, n);
		memmove(s->in, s->in + n, s->in_len - n);
		s->in_len -= n;
		if (last)
			return 0;
	}
}

/* ---- the session ---- */

static void url_host(const char *url, char *host, size_t size)
{
	const char *h = strstr(url, "://");
	size_t n;

	h = h != NULL ? h + 3 : url;
	if (*h == '[')
		n = strcspn(++h, "]");
	else
		n = strcspn(h, ":/");
	if (n > size - 1)
		n = size - 1;
	memcpy(host, h, n);
	host[n] = '\0';
}

static void setup_auth(struct smtp *s, CURL *c)
{
	const struct config *cfg = s->cfg;

	if (s->secret == NULL)
		return;
	curl_lib.curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp.user);
	if (CONFIG_AUTH_BEARER(cfg->smtp.auth)) {
		curl_lib.curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, s->secret);
		curl_lib.curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS,
		    cfg->smtp.auth == AUTH_OAUTHBEARER ? "AUTH=OAUTHBEARER" : "AUTH=XOAUTH2");
	} else {
		curl_lib.curl_easy_setopt(c, CURLOPT_PASSWORD, s->secret);
		curl_lib.curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS,
		    cfg->smtp.auth == AUTH_LOGIN ? "AUTH=LOGIN" : "AUTH=PLAIN");
	}
}

static void setup(struct smtp *s, CURL *c)
{
	const struct config *cfg = s->cfg;
	long t = cfg->smtp.timeout_seconds;

	curl_lib.curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_lib.curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_lib.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_lib.curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
	curl_lib.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t);
	curl_lib.curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, t);
	curl_lib.curl_easy_setopt(c, CURLOPT_TIMEOUT, 5 * t);
	curl_lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* the server's certificate, to say why it was refused (tls_refused) */
	curl_lib.curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_lib.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (cfg->smtp.ca_file != NULL)
		curl_lib.curl_easy_setopt(c, CURLOPT_CAINFO, cfg->smtp.ca_file);
	if (cfg->smtp.security == SEC_STARTTLS)
		curl_lib.curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else if (cfg->smtp.security == SEC_NONE)
		curl_lib.curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_NONE);
	setup_auth(s, c);
}

/* The password, or with [oauth2] a bearer token (oauth2.h); refused is
 * the token the server has just refused, to be renewed. */
static int secret_get(struct smtp *s, const char *refused, char **error_r)
{
	const struct config *cfg = s->cfg;
	struct oauth2_token t;

	if (!(CONFIG_AUTH_BEARER(cfg->smtp.auth) && cfg->oauth2.enabled))
		return config_read_secret(cfg->smtp.password_file, &s->secret, error_r);
	if (oauth2_get(cfg, refused, &t, error_r) < 0)
		return -1;
	if (t.note != NULL)
		log_warn("%s", t.note);
	s->oauth = 1;
	s->secret = t.access;
	t.access = NULL;
	oauth2_token_deinit(&t);
	return 0;
}

int smtp_open(const struct config *cfg, struct smtp **smtp_r, char **error_r)
{
	struct smtp *s;
	const char *path = strstr(cfg->smtp.url, "://");

	if (curl_lib_load(error_r) < 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->cfg = cfg;
	url_host(cfg->smtp.url, s->host, sizeof(s->host));
	/* the URL's path is the EHLO argument: our own domain rather than
	 * the local host name */
	if (cfg->programme.domain != NULL && path != NULL && strchr(path + 3, '/') == NULL)
		s->url = xasprintf("%s/%s", cfg->smtp.url, cfg->programme.domain);
	else
		s->url = xstrdup(cfg->smtp.url);
	if (cfg->smtp.user != NULL) {
		/* RFC 4954 section 4: no password on an unprotected channel,
		 * except to this very machine */
		if (cfg->smtp.security == SEC_NONE && !config_host_is_loopback(s->host)) {
			*error_r = xasprintf("refusing to authenticate to %s without TLS", s->host);
			smtp_close(&s);
			return -1;
		}
		if (secret_get(s, NULL, error_r) < 0) {
			smtp_close(&s);
			return -1;
		}
	}
	*smtp_r = s;
	return 0;
}

/* A certificate refused: what libcurl said, then the names the
 * certificate is for when they are not the host's, or for an unknown
 * issuer, to set ca_file (when it is set: that it did not sign it). */
static char *tls_refused(struct smtp *s, const char *text)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *l;
	const char *pem = NULL, *ca_file = s->cfg->smtp.ca_file;
	char names[TLS_NAMES_BYTES] = "", *hint = NULL, *msg;
	int ours = -1, in_date = -1;

	if (curl_lib.curl_easy_getinfo(s->curl, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci != NULL &&
	    ci->num_of_certs > 0)
		for (l = ci->certinfo[0]; l != NULL; l = l->next)
			if (str_has_prefix(l->data, "Cert:"))
				pem = l->data + strlen("Cert:");
	if (pem != NULL) {
		tls_cert_names(pem, strlen(pem), 1, names, sizeof(names));
		ours = tls_cert_for_host(pem, strlen(pem), 1, s->host);
		in_date = tls_cert_in_date(pem, strlen(pem), 1, time(NULL));
	}
	/* libcurl says which check failed only in words: the certificate
	 * itself tells a wrong name, then a date, from an unknown issuer */
	if (ours == 0 && names[0] != '\0')
		hint = xasprintf(" (the certificate is for %s, not for %s)", names, s->host);
	else if (in_date == 0)
		hint = xstrdup(" (the certificate has expired or is not valid yet)");
	else if (ours == 1 && ca_file == NULL)
		hint = xstrdup(" (for a private certificate authority, set ca_file in [smtp])");
	else if (ours == 1)
		hint = xasprintf(" (not signed by an authority in ca_file %s)", ca_file);
	msg = xasprintf("TLS: the certificate of %s is not trusted: %s%s", s->host, text,
	    hint != NULL ? hint : "");
	free(hint);
	return msg;
}

static char *describe_session(struct smtp *s, CURLcode rc)
{
	const char *text = s->errbuf[0] != '\0' ? s->errbuf : curl_lib.curl_easy_strerror(rc);
	long code = 0;

	curl_lib.curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		return tls_refused(s, text);
	if (rc == CURLE_SSL_CONNECT_ERROR)
		return xasprintf("TLS with %s failed: %s", s->host, text);
	if (rc == CURLE_USE_SSL_FAILED)
		return xasprintf("%s does not offer STARTTLS: %s", s->host, text);
	if (code >= 400 && code < 600)
		return xasprintf("%s: %s", s->stage == ST_CONNECT ? "greeting" : s->command, s->reply);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return xasprintf("%s: timeout: %s", s->stage == ST_CONNECT ? "greeting" : s->command, text);
	if (s->stage == ST_CONNECT && s->reply_len == 0)
		return xasprintf("cannot reach %s: %s", s->host, text);
	return xasprintf("%s: connection lost: %s", s->stage == ST_CONNECT ? "greeting" : s->command,
	    text);
}

static void escaped(char **error_r, char *raw)
{
	char esc[SMTP_REPLY_BYTES_MAX];

	log_escape(raw, esc, sizeof(esc));
	free(raw);
	*error_r = xstrdup(esc);
}

/* A 421 (RFC 5321 3.8), or an enhanced status 4.7.x (RFC 3463: a policy
 * answer) to anything but RCPT: the server asks us to slow down. A 4.7.x
 * to RCPT is about that recipient (greylisting). */
static void note_throttle(struct smtp *s, enum stage stage, long code)
{
	const char *enh = s->reply_len > 4 ? s->reply + 4 : "";

	if (code == 421 || (code / 100 == 4 && stage != ST_RCPT && str_has_prefix(enh, "4.7.")))
		s->throttled = 1;
}

static void session_close(struct smtp *s, int polite)
{
	const char *why = NULL;
	long code = 0;

	if (s->curl == NULL)
		return;
	if (polite) {
		/* RFC 5321 4.1.1.10; a short wait for the 221, nothing more */
		clock_gettime(CLOCK_MONOTONIC, &s->deadline);
		s->deadline.tv_sec += 2;
		if (io_send(s, "QUIT\r\n", 6, &why) == 0)
			(void)read_reply(s, &code, &why);
	} else {
		/* whatever libcurl still has to say must not reach a server
		 * we gave up on */
		shutdown(s->sock, SHUT_RDWR);
	}
	curl_lib.curl_easy_cleanup(s->curl);
	s->curl = NULL;
}

/* libcurl connects, says EHLO, STARTTLS and AUTH: SMTP_OK or SMTP_DOWN. */
static enum smtp_result session_open(struct smtp *s, char **error_r)
{
	CURLcode rc;
	long code = 0;

	s->curl = curl_lib.curl_easy_init();
	if (s->curl == NULL)
		fatal("curl_easy_init failed");
	setup(s, s->curl);
	s->stage = ST_CONNECT;
	s->command = NULL;
	s->pipelining = s->size_ext = s->smtputf8 = s->auth_sent = 0;
	s->reply_open = 0;
	s->reply_len = 0;
	s->reply[0] = '\0';
	s->errbuf[0] = '\0';
	s->in_len = 0;
	rc = curl_lib.curl_easy_perform(s->curl);
	if (rc == CURLE_OK)
		rc = curl_lib.curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &s->sock);
	s->login_denied = rc == CURLE_LOGIN_DENIED;
	if (rc != CURLE_OK || s->sock == CURL_SOCKET_BAD) {
		curl_lib.curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
		note_throttle(s, ST_SESSION, code);
		refusal_classify(s->stage == ST_CONNECT ? NULL : s->command, code,
		    s->reply_len > 0 ? s->reply : NULL, &s->refusal);
		escaped(error_r, describe_session(s, rc));
		curl_lib.curl_easy_cleanup(s->curl);
		s->curl = NULL;
		return SMTP_DOWN;
	}
	s->utf8_known = 1;
	return SMTP_OK;
}

/* session_open(), and when the server refused our token at AUTH: the
 * token renewed once (it may have been revoked or have expired early, RFC
 * 6750 3.1) and one more connection. */
static enum smtp_result session_start(struct smtp *s, char **error_r)
{
	enum smtp_result r = session_open(s, error_r);
	char *old, *err = NULL, *both;

	if (r == SMTP_OK || !s->oauth || !s->login_denied || s->renewed)
		return r;
	s->renewed = 1;
	old = s->secret;
	s->secret = NULL;
	if (secret_get(s, old, &err) < 0) {
		both = xasprintf("%s, and renewing the token failed: %s", *error_r, err);
		free(*error_r);
		free(err);
		*error_r = both;
		s->secret = old;
		return r;
	}
	explicit_bzero(old, strlen(old));
	free(old);
	free(*error_r);
	*error_r = NULL;
	r = session_open(s, error_r);
	if (r != SMTP_OK && s->login_denied) {
		both = xasprintf("%s (a new token was refused too: check [smtp] user and the"
		    " application's permission to send)", *error_r);
		free(*error_r);
		*error_r = both;
	}
	return r;
}

void smtp_close(struct smtp **sp)
{
	struct smtp *s = *sp;

	if (s == NULL)
		return;
	session_close(s, 1);
	if (s->secret != NULL) {
		explicit_bzero(s->secret, strlen(s->secret));
		free(s->secret);
	}
	free(s->url);
	free(s);
	*sp = NULL;
}

int smtp_stalled(const struct smtp *s)
{
	return s->stalled;
}

int smtp_throttled(const struct smtp *s)
{
	return s->throttled;
}

const char *smtp_last_reply(const struct smtp *s)
{
	return s->reply;
}

const struct refusal *smtp_refusal(const struct smtp *s)
{
	return s->refusal.account ? &s->refusal : NULL;
}

int smtp_utf8(const struct smtp *s)
{
	return s->utf8_known ? s->smtputf8 : -1;
}

/* ---- one transaction ---- */

/* Which of the four outcomes a refusal is (see smtp.h). */
static enum smtp_result decide(enum stage stage, long code)
{
	if (stage == ST_MAIL) {
		/* RFC 1870: 552 to MAIL FROM with SIZE is about this message;
		 * any other refusal of our own sender is about us */
		if (code == 552)
			return SMTP_PERM;
		return code >= 500 || code == 421 ? SMTP_DOWN : SMTP_TEMP;
	}
	return code >= 500 ? SMTP_PERM : SMTP_TEMP;
}

static const char *stage_name(const struct smtp *s)
{
	if (s->stage == ST_BODY)
		return s->dot_sent ? "end of data" : "message content";
	return s->command;
}

struct out {
	struct smtp *s;
	char buf[SMTP_CHUNK_BYTES];
	size_t len;
};

static int out_add(struct out *o, const char *p, size_t n, const char **why_r)
{
	size_t k;

	while (n > 0) {
		if (o->len == sizeof(o->buf)) {
			if (io_send(o->s, o->buf, o->len, why_r) < 0)
				return -1;
			o->len = 0;
		}
		k = sizeof(o->buf) - o->len < n ? sizeof(o->buf) - o->len : n;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* Where the line starting at p ends: at the first CR or LF, or at end. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *cr = memchr(p, '\r', (size_t)((nl != NULL ? nl : end) - p));

	return cr != NULL ? cr : nl != NULL ? nl : end;
}

/* The content, then the final dot (RFC 5321 4.1.1.4). A line starting with
 * a dot gets another (4.5.2); every line ends in CRLF whatever the row held:
 * a lone CR or LF is a line end of its own, so that no lenient server can
 * see the data end early. */
static int send_body(struct smtp *s, const char *data, size_t len, const char **why_r)
{
	struct out *o = xmalloc(sizeof(*o));
	const char *p = data, *end = data + len, *e;
	int ret = -1;

	o->s = s;
	o->len = 0;
	while (p < end) {
		e = line_end(p, end);
		if ((*p == '.' && out_add(o, ".", 1, why_r) < 0) ||
		    out_add(o, p, (size_t)(e - p), why_r) < 0 || out_add(o, "\r\n", 2, why_r) < 0)
			goto out;
		if (e < end && e[0] == '\r' && e + 1 < end && e[1] == '\n')
			p = e + 2;
		else
			p = e < end ? e + 1 : end;
	}
	if (out_add(o, ".\r\n", 3, why_r) < 0 || io_send(s, o->buf, o->len, why_r) < 0)
		goto out;
	ret = 0;
out:
	free(o);
	return ret;
}

/* After a refusal before the final dot, the transaction is abandoned with
 * RSET (RFC 5321 4.1.1.5) and the connection kept; pipelined replies still
 * owed are read first. A 354 that comes anyway is ended with a lone dot. */
static void abandon(struct smtp *s, int owed)
{
	const char *why = NULL;
	long code = 0;

	while (owed-- > 0) {
		if (read_reply(s, &code, &why) < 0)
			goto dead;
		if (code == 354 && (io_send(s, ".\r\n", 3, &why) < 0 || read_reply(s, &code, &why) < 0))
			goto dead;
	}
	if (io_send(s, "RSET\r\n", 6, &why) < 0 || read_reply(s, &code, &why) < 0 || code / 100 != 2)
		goto dead;
	return;
dead:
	session_close(s, 0);
}

static enum smtp_result lost(struct smtp *s, const char *why, char **error_r)
{
	const char *maybe = s->dot_sent ? " (the message may have been delivered)" : "";

	escaped(error_r, strcmp(why, "timeout") == 0
	    ? xasprintf("%s: timeout%s", stage_name(s), maybe)
	    : xasprintf("%s: connection lost%s: %s", stage_name(s), maybe, why));
	session_close(s, 0);
	/* before any reply to MAIL nothing was offered */
	return s->stage >= ST_RCPT ? SMTP_TEMP : SMTP_DOWN;
}

static enum smtp_result transaction(struct smtp *s, const char *from, const char *rcpt,
    const char *data, size_t len, char **error_r)
{
	static const enum stage stages[3] = { ST_MAIL, ST_RCPT, ST_DATA };
	static const char *const names[3] = { "MAIL FROM", "RCPT TO", "DATA" };
	char cmd[3][ADDRESS_BYTES_MAX + 64], all[3 * (ADDRESS_BYTES_MAX + 64)], size[32] = "";
	const char *why = NULL;
	long code = 0;
	int i, utf8 = compose_address_utf8(from) || compose_address_utf8(rcpt);

	/* RFC 6531 3.4: an address in UTF-8 only with SMTPUTF8, asked for
	 * in MAIL; nothing is written to a server that does not offer it */
	if (utf8 && !s->smtputf8) {
		*error_r = xasprintf("the server does not offer SMTPUTF8 (RFC 6531), which %s needs",
		    compose_address_utf8(rcpt) ? "the recipient address" : "the sender address");
		return SMTP_PERM;
	}
	/* compose_address_ok() bounds both addresses: nothing is cut */
	if (s->size_ext)
		snprintf(size, sizeof(size), " SIZE=%zu", len);
	snprintf(cmd[0], sizeof(cmd[0]), "MAIL FROM:<%s>%s%s\r\n", from, size, utf8 ? " SMTPUTF8" : "");
	snprintf(cmd[1], sizeof(cmd[1]), "RCPT TO:<%s>\r\n", rcpt);
	snprintf(cmd[2], sizeof(cmd[2]), "DATA\r\n");
	clock_gettime(CLOCK_MONOTONIC, &s->deadline);
	s->deadline.tv_sec += 5 * s->cfg->smtp.timeout_seconds;
	s->dot_sent = 0;
	s->stage = ST_MAIL;
	s->command = names[0];
	/* RFC 2920 3.1: MAIL, RCPT and DATA may go in one write, DATA last */
	if (s->pipelining) {
		snprintf(all, sizeof(all), "%s%s%s", cmd[0], cmd[1], cmd[2]);
		if (io_send(s, all, strlen(all), &why) < 0)
			return lost(s, why, error_r);
	}
	for (i = 0; i < 3; i++) {
		if (!s->pipelining && io_send(s, cmd[i], strlen(cmd[i]), &why) < 0)
			return lost(s, why, error_r);
		s->stage = stages[i];
		s->command = names[i];
		if (read_reply(s, &code, &why) < 0)
			return lost(s, why, error_r);
		if (i < 2 ? code / 100 != 2 : code != 354)
			break;
	}
	if (i < 3) {
		escaped(error_r, xasprintf("%s: %s", stage_name(s), s->reply));
		note_throttle(s, s->stage, code);
		refusal_classify(stage_name(s), code, s->reply, &s->refusal);
		if (code == 421)
			session_close(s, 0);
		else
			abandon(s, s->pipelining ? 2 - i : 0);
		return s->refusal.account ? SMTP_DOWN : decide(s->stage, code);
	}
	s->stage = ST_BODY;
	if (send_body(s, data, len, &why) < 0)
		return lost(s, why, error_r);
	s->dot_sent = 1;
	if (read_reply(s, &code, &why) < 0)
		return lost(s, why, error_r);
	if (code / 100 == 2)
		return SMTP_OK;
	escaped(error_r, xasprintf("%s: %s", stage_name(s), s->reply));
	note_throttle(s, ST_BODY, code);
	refusal_classify(stage_name(s), code, s->reply, &s->refusal);
	if (code == 421)
		session_close(s, 0);
	return s->refusal.account ? SMTP_DOWN : decide(ST_BODY, code);
}

enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt,
    const char *data, size_t len, char **error_r)
{
	enum smtp_result res = SMTP_DOWN;
	int tries, fresh = 0;

	s->stalled = 0;
	memset(&s->refusal, 0, sizeof(s->refusal));
	/* an address with CR, LF or a control character would end the
	 * command line early and start another: refused here */
	if (!compose_address_ok(from)) {
		*error_r = xstrdup("unusable envelope sender");
		s->stalled = 1;
		return SMTP_DOWN;
	}
	if (!compose_address_ok(rcpt)) {
		*error_r = xstrdup("unusable recipient address");
		return SMTP_PERM;
	}
	for (tries = 0; tries < 2; tries++) {
		s->throttled = 0;
		fresh = s->curl == NULL;
		if (fresh && (res = session_start(s, error_r)) != SMTP_OK) {
			s->stalled = 1;
			return res;
		}
		res = transaction(s, from, rcpt, data, len, error_r);
		/* a kept connection found dead, or closed with 421, before this
		 * message was offered: once more on a new one */
		if (res != SMTP_DOWN || fresh || s->curl != NULL)
			break;
		free(*error_r);
		*error_r = NULL;
	}
	s->stalled = res == SMTP_DOWN || (fresh && s->curl == NULL);
	return res;
}

int smtp_check(const struct config *cfg, char **info_r, char **error_r)
{
	struct smtp *s = NULL;
	char *reason = NULL;

	if (smtp_open(cfg, &s, error_r) < 0)
		return -1;
	if (session_start(s, &reason) != SMTP_OK) {
		char *advice = refusal_advice(&s->refusal, cfg->smtp.user, cfg->programme.address);

		*error_r = xasprintf("SMTP %s: %s%s%s", cfg->smtp.url, reason, advice != NULL ? "; " : "",
		    advice != NULL ? advice : "");
		free(advice);
		free(reason);
		smtp_close(&s);
		return -1;
	}
	/* libcurl goes on without a word when the server offers no AUTH */
	*info_r = xasprintf("connected to %s (%s)%s%s%s", cfg->smtp.url,
	    config_security_name(cfg->smtp.security),
	    cfg->smtp.user == NULL ? "" : s->auth_sent ? " and authenticated by "
	    : ", but the server offers no authentication",
	    cfg->smtp.user != NULL && s->auth_sent ? config_auth_name(cfg->smtp.auth) : "",
	    s->renewed ? " (with a token renewed after the cached one was refused)" : "");
	smtp_close(&s);
	return 0;
}
