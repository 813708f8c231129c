#include "smtp.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "util.h"

struct smtp {
	const struct config *cfg;
	CURL *curl;
	char *secret;
	char errbuf[CURL_ERROR_SIZE];
};

struct reader {
	const char *data;
	size_t len, pos;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nitems;

	if (n > r->len - r->pos)
		n = r->len - r->pos;
	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	return n;
}

void smtp_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("libcurl initialisation failed");
}

static int setup(struct smtp *s, char **error_r)
{
	const struct config *cfg = s->cfg;
	CURL *c = s->curl;

	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp.url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg->smtp.timeout_seconds);
	/* a transfer that stalls is given up; a slow one is not */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, cfg->smtp.timeout_seconds);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, cfg->smtp.timeout_seconds);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (cfg->smtp.ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->smtp.ca_file);
	if (cfg->smtp.security == SEC_STARTTLS)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else if (cfg->smtp.security == SEC_NONE)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_NONE);
	/* EHLO with our own domain rather than the local host name */
	if (cfg->programme.domain != NULL) {
		char *url = NULL;

		if (strchr(cfg->smtp.url + 8, '/') == NULL) {
			url = xasprintf("%s/%s", cfg->smtp.url, cfg->programme.domain);
			curl_easy_setopt(c, CURLOPT_URL, url);
			free(url);
		}
	}
	if (cfg->smtp.user != NULL) {
		char *e = NULL;

		if (config_read_secret(cfg->smtp.password_file, &s->secret, &e) < 0) {
			*error_r = e;
			return -1;
		}
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp.user);
		if (cfg->smtp.auth == AUTH_XOAUTH2) {
			curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, s->secret);
			curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
		} else {
			curl_easy_setopt(c, CURLOPT_PASSWORD, s->secret);
			curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS,
			    cfg->smtp.auth == AUTH_LOGIN ? "AUTH=LOGIN" : "AUTH=PLAIN");
		}
	}
	return 0;
}

int smtp_open(const struct config *cfg, struct smtp **smtp_r, char **error_r)
{
	struct smtp *s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	s->curl = curl_easy_init();
	if (s->curl == NULL)
		fatal("curl_easy_init failed");
	if (setup(s, error_r) < 0) {
		smtp_close(&s);
		return -1;
	}
	*smtp_r = s;
	return 0;
}

void smtp_close(struct smtp **sp)
{
	struct smtp *s = *sp;

	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	if (s->secret != NULL) {
		explicit_bzero(s->secret, strlen(s->secret));
		free(s->secret);
	}
	free(s);
	*sp = NULL;
}

static enum smtp_result classify(CURLcode rc, long code)
{
	if (code >= 500 && code < 600)
		return SMTP_PERM;
	(void)rc;
	return SMTP_TEMP;
}

enum smtp_result smtp_send(struct smtp *s, const char *from, const char *const *rcpts,
    size_t n_rcpts, const char *data, size_t len, char **error_r)
{
	struct curl_slist *list = NULL;
	struct reader r = { data, len, 0 };
	char esc[SMTP_REPLY_BYTES_MAX];
	enum smtp_result res;
	long code = 0;
	CURLcode rc;
	size_t i;

	/* libcurl would pass CR or LF in an address straight into the
	 * envelope command: refuse them here */
	if (!compose_address_ok(from)) {
		*error_r = xstrdup("unusable envelope sender");
		return SMTP_PERM;
	}
	for (i = 0; i < n_rcpts; i++) {
		if (!compose_address_ok(rcpts[i])) {
			curl_slist_free_all(list);
			*error_r = xstrdup("unusable recipient address");
			return SMTP_PERM;
		}
		list = curl_slist_append(list, rcpts[i]);
	}
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, &r);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	if (rc == CURLE_OK && (code == 0 || (code >= 200 && code < 300)))
		return SMTP_OK;
	res = classify(rc, code);
	log_escape(s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(rc), esc, sizeof(esc));
	if (code > 0)
		*error_r = xasprintf("%ld %s", code, esc);
	else
		*error_r = xstrdup(esc);
	return res;
}

int smtp_check(const struct config *cfg, char **info_r, char **error_r)
{
	struct smtp *s = NULL;
	CURLcode rc;
	char esc[512];

	if (smtp_open(cfg, &s, error_r) < 0)
		return -1;
	curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
	rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK) {
		log_escape(s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc), esc, sizeof(esc));
		*error_r = xasprintf("SMTP %s: %s", cfg->smtp.url, esc);
		smtp_close(&s);
		return -1;
	}
	*info_r = xasprintf("connected to %s (%s)%s", cfg->smtp.url,
	    config_security_name(cfg->smtp.security),
	    cfg->smtp.user != NULL ? " and authenticated" : "");
	smtp_close(&s);
	return 0;
}
