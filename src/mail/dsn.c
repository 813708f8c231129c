/* dsn: see dsn.h.
 *
 * Three sources, in order of trust: the RFC 3464 fields (from the
 * message/delivery-status part, else from the text when an MTA wrote them
 * there); the text of the report, up to the copy of the returned message
 * (recipient lines, status codes, wording); the returned headers (the
 * original Message-ID, and its To when nothing else names the recipient). */
#include "dsn.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "mime.h"
#include "util.h"

#define DIAG_MAX 300
#define GROUPS_MAX 32
#define STATUS_LEN 16

struct group {
	const char *final, *orig, *action, *status, *diag;
};

/* ---- small helpers ---- */

static int is_local_char(int c)
{
	return isalnum(c) || c >= 0x80 || (c != 0 && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

static int is_domain_char(int c)
{
	return isalnum(c) || c >= 0x80 || c == '.' || c == '-';
}

/* The address around the '@' at s[at] (text from start to end): its first
 * byte and length, or 0 when it is not one. */
static size_t addr_around(const char *start, const char *at, const char **first)
{
	const char *b = at, *e = at + 1;

	while (b > start && is_local_char((unsigned char)b[-1]))
		b--;
	while (*e != '\0' && is_domain_char((unsigned char)*e))
		e++;
	while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
		e--;
	while (b < at && *b == '.')
		b++;
	if (b == at || e == at + 1 || memchr(at + 1, '.', (size_t)(e - at - 1)) == NULL)
		return 0;
	*first = b;
	return (size_t)(e - b);
}

/* "rfc822; <Kijitora@Example.JP>" -> "kijitora@example.jp"; NULL if it is
 * not a plain address. */
static const char *addr_norm(struct arena *a, const char *s)
{
	const char *semi, *at, *first;
	char *r;
	size_t n;

	if (s == NULL)
		return NULL;
	if ((semi = strchr(s, ';')) != NULL && strchr(semi, '@') != NULL)
		s = semi + 1;
	while (*s == ' ' || *s == '\t' || *s == '<' || *s == '"')
		s++;
	if ((at = strchr(s, '@')) == NULL || (n = addr_around(s, at, &first)) == 0 || first != s)
		return NULL;
	if (n > ADDRESS_BYTES_MAX || !utf8_valid(first, n))
		return NULL;
	r = arena_strndup(a, first, n);
	str_lower_ascii(r);
	return r;
}

static int local_is(const char *addr, const char *const *locals, size_t n)
{
	size_t i, l;

	for (i = 0; addr != NULL && i < n; i++) {
		l = strlen(locals[i]);
		if (strncasecmp(addr, locals[i], l) == 0 && addr[l] == '@')
			return 1;
	}
	return 0;
}

/* The first MTA_SENDERS name an MTA as a sender; all of them name the
 * MTA's side of a report, never a failed recipient. */
#define MTA_SENDERS 6
static const char *const mta_locals[] = {
	"mailer-daemon", "mailer_daemon", "mail-daemon", "maildaemon", "postmaster", "poostmaster",
	"post_master", "mdaemon", "mail.delivery.system", "bounce", "bounces", "nobody",
};

/* One line of at most DIAG_MAX bytes, white space collapsed, in the arena. */
static const char *one_line(struct arena *a, const char *s, size_t n)
{
	char *r = arena_alloc(a, (n < DIAG_MAX ? n : DIAG_MAX) + 1);
	size_t i, o = 0;
	int sp = 0;

	for (i = 0; i < n && o < DIAG_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f) {
			sp = o > 0;
			continue;
		}
		if (sp && o + 1 < DIAG_MAX)
			r[o++] = ' ';
		sp = 0;
		r[o++] = (char)c;
	}
	/* never cut a character in two */
	while (o > 0 && !utf8_valid(r, o))
		o--;
	r[o] = '\0';
	return o > 0 ? r : NULL;
}

/* An RFC 3463 code "C.S.D" at s (class 2, 4 or 5) standing alone: its
 * length, 0 if there is none. */
static size_t status_at(const char *start, const char *s)
{
	const char *p = s;
	int part, digits;

	if (*p != '2' && *p != '4' && *p != '5')
		return 0;
	if (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
		return 0;
	p++;
	for (part = 0; part < 2; part++) {
		if (*p++ != '.')
			return 0;
		for (digits = 0; isdigit((unsigned char)*p) && digits < 4; digits++)
			p++;
		if (digits == 0 || digits > 3)
			return 0;
	}
	if (isalnum((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
		return 0;
	return (size_t)(p - s);
}

/* The first failure code (5.x.x, else 4.x.x) in s[0..n); *line_r gets the
 * start of its line. */
static const char *find_status(struct arena *a, const char *s, size_t n, const char **line_r)
{
	const char *best = NULL, *p;
	size_t l = 0, bl = 0;

	for (p = s; p < s + n; p++) {
		if ((*p != '4' && *p != '5') || (l = status_at(s, p)) == 0)
			continue;
		if (best == NULL || (*best == '4' && *p == '5')) {
			best = p;
			bl = l;
		}
		if (*p == '5')
			break;
	}
	if (best == NULL)
		return NULL;
	for (p = best; p > s && p[-1] != '\n'; p--)
		;
	*line_r = p;
	return arena_strndup(a, best, bl);
}

/* An SMTP reply code (RFC 5321 4.2) 4yz or 5yz followed by text, where no
 * RFC 3463 code was given: "550 User unknown" gives class 5. */
static const char *find_smtp_code(const char *s, size_t n, const char **line_r)
{
	const char *p;

	for (p = s; p + 4 < s + n; p++) {
		if ((*p != '4' && *p != '5') || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
			continue;
		if ((p > s && (isalnum((unsigned char)p[-1]) || strchr(".-/#", p[-1]) != NULL)) ||
		    (p[3] != ' ' && p[3] != '-') || !isalpha((unsigned char)p[4]))
			continue;
		for (*line_r = p; *line_r > s && (*line_r)[-1] != '\n'; (*line_r)--)
			;
		return p;
	}
	return NULL;
}

static size_t line_len(const char *s)
{
	return strcspn(s, "\n");
}

/* ---- RFC 3464 fields ---- */

/* The value of "name: value" when the line [line, line+n) is that field;
 * folded lines become one. */
static const char *field_value(struct arena *a, const char *line, size_t n, const char *name)
{
	size_t l = strlen(name), i;
	char *v, *q;

	if (n <= l || strncasecmp(line, name, l) != 0)
		return NULL;
	for (i = l; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i >= n || line[i] != ':')
		return NULL;
	v = arena_strndup(a, line + i + 1, n - i - 1);
	for (q = v; *q != '\0'; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	return v;
}

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Splits per-recipient groups (RFC 3464 2.1: blank lines between them) and
 * keeps the fields read here. */
static size_t ds_groups(struct arena *a, const char *text, struct group *g, size_t max)
{
	const char *p = text, *v;
	size_t n = 0, l;
	int used = 0;

	memset(g, 0, max * sizeof(*g));
	while (*p != '\0' && n < max) {
		l = line_len(p);
		while (p[l] == '\n' && (p[l + 1] == ' ' || p[l + 1] == '\t'))
			l += 1 + line_len(p + l + 1);
		if (blank(p, l)) {
			n += (size_t)used;
			used = 0;
		} else if ((v = field_value(a, p, l, "Final-Recipient")) != NULL) {
			g[n].final = v;
		} else if ((v = field_value(a, p, l, "Original-Recipient")) != NULL) {
			g[n].orig = v;
		} else if ((v = field_value(a, p, l, "Action")) != NULL) {
			g[n].action = v;
		} else if ((v = field_value(a, p, l, "Status")) != NULL) {
			g[n].status = v;
		} else if ((v = field_value(a, p, l, "Diagnostic-Code")) != NULL) {
			g[n].diag = v;
		}
		if (n < max)
			used = used || g[n].final != NULL || g[n].orig != NULL || g[n].action != NULL ||
			    g[n].status != NULL;
		p += l;
		if (*p == '\n')
			p++;
	}
	return n + (n < max ? (size_t)used : 0);
}

static int action_is(const struct group *g, const char *what)
{
	return g->action != NULL && strncasecmp(g->action + strspn(g->action, " \t"), what, strlen(what)) == 0;
}

static int status_class(const struct group *g)
{
	const char *s = g->status != NULL ? g->status + strspn(g->status, " \t") : "";

	return *s == '5' ? 5 : *s == '4' ? 4 : *s == '2' ? 2 : 0;
}

/* The first group that failed, else the first delayed, else the first. */
static const struct group *ds_pick(const struct group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (action_is(&g[i], "failed") || (g[i].action == NULL && status_class(&g[i]) == 5))
			return &g[i];
	for (i = 0; i < n; i++)
		if (action_is(&g[i], "delayed") || (g[i].action == NULL && status_class(&g[i]) == 4))
			return &g[i];
	return n > 0 ? &g[0] : NULL;
}

static int from_fields(struct arena *a, const char *text, struct dsn *d)
{
	struct group g[GROUPS_MAX];
	const struct group *pick;
	const char *line, *diag;
	size_t n;

	if (text == NULL || (n = ds_groups(a, text, g, GROUPS_MAX)) == 0 || (pick = ds_pick(g, n)) == NULL)
		return 0;
	/* the address as we wrote it (RFC 3464 2.3.1) before any forwarding */
	d->recipient = addr_norm(a, pick->orig);
	if (d->recipient == NULL)
		d->recipient = addr_norm(a, pick->final);
	if (pick->action != NULL) {
		char *act = arena_strndup(a, pick->action + strspn(pick->action, " \t"),
		    strcspn(pick->action + strspn(pick->action, " \t"), " \t;("));

		str_lower_ascii(act);
		d->action = act[0] != '\0' ? act : NULL;
	}
	if (pick->status != NULL)
		d->status = find_status(a, pick->status, strlen(pick->status), &line);
	if (pick->status != NULL && d->status == NULL && status_class(pick) == 2)
		d->status = arena_strndup(a, pick->status + strspn(pick->status, " \t"), 5);
	if (pick->diag != NULL) {
		/* "smtp; 550 5.1.1 ...": the diagnostic type is not the words */
		diag = strchr(pick->diag, ';') != NULL ? strchr(pick->diag, ';') + 1 : pick->diag;
		d->diagnostic = one_line(a, diag, strlen(diag));
		if (d->status == NULL && d->diagnostic != NULL)
			d->status = find_status(a, d->diagnostic, strlen(d->diagnostic), &line);
	}
	return d->recipient != NULL || d->status != NULL || d->action != NULL;
}

/* ---- text bounces ---- */

/* Does the line announce the copy of the returned message? "--- Below
 * this line is a copy of the message.", "----- Original message -----",
 * "Original Message:", "------- Returned Message --------"... but not
 * Sendmail's "The original message was received at". */
static int returned_mark(const char *line, size_t l)
{
	static const char *const marks[] = {
		"copy of the message", "copy of your message", "copy of the original", "returned message",
		"undelivered message", "unsent message", "message header follows", "headers of the original",
		"original mail follows", "your message reads", "original message follows",
		"original message below",
	};
	char *s;
	size_t i;
	int r = 0;

	if (l >= 120)
		return 0;
	s = xstrndup(line, l);
	str_trim(s);
	for (i = 0; i < ARRAY_SIZE(marks) && !r; i++)
		r = strcasestr(s, marks[i]) != NULL;
	if (!r && strcasestr(s, "original message") != NULL)
		r = s[0] == '-' || s[0] == '=' || s[0] == '*' || (s[0] != '\0' && s[strlen(s) - 1] == ':');
	free(s);
	return r;
}

/* Where the copy of the returned message starts in a text bounce: at a line
 * announcing it, or at a header block ("Received:", "Return-Path:"). */
static size_t returned_start(const char *t)
{
	const char *p = t;
	size_t l;

	while (*p != '\0') {
		l = line_len(p);
		if (strncasecmp(p, "Received:", 9) == 0 || strncasecmp(p, "Return-Path:", 12) == 0 ||
		    strncasecmp(p, "DKIM-Signature:", 15) == 0 || returned_mark(p, l))
			return (size_t)(p - t);
		p += l;
		if (*p == '\n')
			p++;
	}
	return (size_t)(p - t);
}

/* The header block of the returned message: its MIME part, else what
 * follows the announcement in the text. */
static const char *returned_headers(const struct mime_msg *m)
{
	const char *p;

	if (m->original_headers != NULL)
		return m->original_headers;
	p = m->text + returned_start(m->text);
	if (*p != '\0' && returned_mark(p, line_len(p)))
		p += line_len(p);
	while (*p == '\n' || *p == ' ' || *p == '\t')
		p++;
	return *p != '\0' ? p : NULL;
}

struct exclude {
	const char *addr[8];
	size_t n;
};

static int excluded(const struct exclude *x, const char *addr)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->addr[i] != NULL && strcasecmp(x->addr[i], addr) == 0)
			return 1;
	return 0;
}

/* Is this line about one address: "  addr", "<addr>:", "addr on <date>",
 * "addr: 550 ..."? Returns that address. */
static const char *recipient_line(struct arena *a, const char *line, size_t n)
{
	const char *p = line, *at, *first;
	size_t l;

	while (p < line + n && (*p == ' ' || *p == '\t' || *p == '<' || *p == '"' || *p == '*'))
		p++;
	at = memchr(p, '@', (size_t)(line + n - p));
	if (at == NULL || (l = addr_around(p, at, &first)) == 0 || first != p)
		return NULL;
	p += l;
	if (p < line + n && (*p == '>' || *p == '"'))
		p++;
	if (p < line + n && *p != ':' && *p != ' ' && *p != '\t' && *p != '(' && *p != ',')
		return NULL;
	return addr_norm(a, first);
}

/* The failed recipient named in the report text [t, t+n). */
/* Does the line say an address failed ("Could not be delivered to: <a>",
 * "Recipient address: a")? */
static int delivery_words(const char *line, size_t l)
{
	static const char *const words[] = { "deliver", "recipient", "address", "failed", "rejected" };
	char *s = xstrndup(line, l);
	size_t i;
	int r = 0;

	for (i = 0; i < ARRAY_SIZE(words) && !r; i++)
		r = strcasestr(s, words[i]) != NULL;
	free(s);
	return r;
}

/* The failed recipient named in the report text [t, t+n). *sure_r is set
 * when the line names it as an MTA does, not merely in passing. */
static const char *text_recipient(struct arena *a, const char *t, size_t n, const struct exclude *x,
    const char **line_r, int *sure_r)
{
	const char *p = t, *r, *at, *first, *any = NULL, *any_line = NULL;
	size_t l, k;

	*sure_r = 0;
	for (; p < t + n; p += l + (p[l] == '\n')) {
		l = line_len(p);
		if (l > (size_t)(t + n - p))
			l = (size_t)(t + n - p);
		if ((r = recipient_line(a, p, l)) != NULL && !excluded(x, r)) {
			*line_r = p;
			*sure_r = 1;
			return r;
		}
		if (any != NULL || strncasecmp(p + strspn(p, " \t"), "mail from", 9) == 0)
			continue;
		for (at = memchr(p, '@', l); at != NULL && any == NULL;
		    at = memchr(at + 1, '@', (size_t)(p + l - at - 1))) {
			if ((k = addr_around(p, at, &first)) == 0)
				continue;
			r = addr_norm(a, arena_strndup(a, first, k));
			if (r != NULL && !excluded(x, r) && !local_is(r, mta_locals, ARRAY_SIZE(mta_locals))) {
				any = r;
				any_line = p;
				*sure_r = delivery_words(p, l);
			}
		}
	}
	*line_r = any_line;
	return any;
}

static int has_any(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasestr(s, words[i]) != NULL)
			return 1;
	return 0;
}

static const char *const temp_words[] = {
	"delayed", "will retry", "will be retried", "still trying", "will keep trying",
	"could not send message for past", "has not yet been delivered", "temporary failure",
	"temporarily", "mailbox full", "mailbox is full", "over quota", "quota exceeded",
	"try again later", "Verzögert",
};

static const char *const perm_words[] = {
	"permanent", "failed permanently", "user unknown", "unknown user", "no such user",
	"does not exist", "doesn't exist", "not listed", "not recognized", "unknown recipient",
	"could not be delivered", "not delivered", "did not reach", "undeliverable",
	"delivery failed", "delivery has failed", "address rejected", "invalid recipient",
	"recipient rejected", "mailbox unavailable", "doesn't have a", "not a member", "are not member",
	"unable to deliver", "wasn't able to deliver", "couldn't be delivered",
};

/* The first non-empty line after the one at p: Exchange and Domino give
 * the reason there. */
static const char *next_line(struct arena *a, const char *p, const char *end)
{
	size_t l;

	p += line_len(p);
	while (p < end && *p == '\n') {
		p++;
		l = line_len(p);
		if (p + l > end)
			l = (size_t)(end - p);
		if (l > 0 && strspn(p, " \t") < l && p[l - 1] != ':')
			return one_line(a, p, l);
	}
	return NULL;
}

/* The report in words: the text up to the returned copy, and a
 * delivery-status part written as prose (some MTAs do). */
static const char *report_words(struct arena *a, const struct mime_msg *m)
{
	size_t n = returned_start(m->text);

	if (m->delivery_status != NULL && strcasestr(m->delivery_status, "Final-Recipient") == NULL)
		return arena_printf(a, "%.*s\n%s", (int)n, m->text, m->delivery_status);
	return arena_strndup(a, m->text, n);
}

static int from_text(struct arena *a, const struct mime_msg *m, const struct exclude *x, struct dsn *d,
    int *sure_r)
{
	const char *t = report_words(a, m), *line = NULL, *code;
	size_t n = strlen(t);

	*sure_r = d->recipient != NULL;
	if (d->recipient == NULL && (d->recipient = text_recipient(a, t, n, x, &line, sure_r)) != NULL &&
	    d->diagnostic == NULL)
		d->diagnostic = next_line(a, line, t + n);
	if (d->status == NULL && (d->status = find_status(a, t, n, &line)) != NULL)
		d->diagnostic = one_line(a, line, line_len(line));
	if (d->status == NULL && (code = find_smtp_code(t, n, &line)) != NULL) {
		d->status = *code == '5' ? "5.0.0" : "4.0.0";
		d->diagnostic = one_line(a, line, line_len(line));
	}
	if (d->action == NULL && d->status == NULL) {
		if (has_any(t, temp_words, ARRAY_SIZE(temp_words)))
			d->action = "delayed";
		else if (has_any(t, perm_words, ARRAY_SIZE(perm_words)))
			d->action = "failed";
	}
	return d->recipient != NULL || d->status != NULL || d->action != NULL;
}

/* ---- the returned message ---- */

/* The Message-ID of the returned message: from its header block, else from
 * a Message-ID line in the text (the copy text bounces append), never the
 * report's own. */
static const char *original_id(struct arena *a, const struct mime_msg *m)
{
	const char *v = mime_block_header(a, returned_headers(m), "Message-ID"), *p, *lt, *gt;

	if (v == NULL)
		for (p = m->text; p != NULL && *p != '\0'; p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL) {
			const char *q = p + strspn(p, " \t>");

			if (strncasecmp(q, "Message-ID:", 11) != 0 && strncasecmp(q, "Message-ID :", 12) != 0)
				continue;
			v = arena_strndup(a, q, line_len(q));
			if (m->message_id == NULL || strstr(v, m->message_id) == NULL)
				break;
			v = NULL;
		}
	if (v == NULL || (lt = strchr(v, '<')) == NULL || (gt = strchr(lt, '>')) == NULL || gt - lt < 4)
		return NULL;
	v = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	return strchr(v, '@') != NULL && strpbrk(v, " \t<>") == NULL ? v : NULL;
}

/* ---- is it a delivery report? ---- */

/* How MTAs begin the subject of a bounce (a person's reply starts "Re:"). */
static const char *const bounce_subjects[] = {
	"undeliverable", "undelivered mail", "undeliverable mail", "delivery status notification",
	"returned mail", "failure notice", "delivery failure", "mail delivery failed",
	"delivery has failed", "non remis", "non distribuable", "unzustellbar", "nondeliverable",
	"non-deliverable", "message not delivered", "mail system error", "warning: could not send",
	"delayed mail", "there was an error sending your mail", "returned mail:", "mail delivery failure",
	"delivery notification", "メールエラー", "sorry, your message could not be delivered",
	"delivery problem", "undelivered message",
};

static int bounce_subject(const char *subject)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bounce_subjects); i++)
		if (str_has_prefix_ci(subject, bounce_subjects[i]))
			return 1;
	return 0;
}

static int from_mta(const struct mime_msg *m)
{
	const char *from = mime_header(m, "From");

	if (local_is(m->from_addr, mta_locals, MTA_SENDERS))
		return 1;
	if (from != NULL && (strcasestr(from, "mailer-daemon") != NULL || strcasestr(from, "mail delivery") != NULL ||
	    strcasestr(from, "postmaster") != NULL || strcasestr(from, "mail deliver system") != NULL ||
	    strcasestr(from, "NDR Administrator") != NULL))
		return 1;
	return 0;
}

enum evidence { EV_NONE, EV_SUBJECT, EV_STRONG };

/* A delivery report: a report part, or an MTA as sender (RFC 3464 2, RFC
 * 5321 4.5.5: the null reverse path), is strong evidence; a bounce
 * subject alone is weak, and then a status code or a recipient named as
 * MTAs name it must be found too, so that a person writing about a lost
 * message is not taken for an MTA. */
static enum evidence report_evidence(const struct mime_msg *m)
{
	int null_path = m->return_path != NULL && m->return_path[0] == '\0';

	if (m->delivery_status != NULL || (m->report_type != NULL && strcmp(m->report_type, "delivery-status") == 0))
		return EV_STRONG;
	if (from_mta(m) || (null_path && (bounce_subject(m->subject) ||
	    strcasestr(m->text, "Final-Recipient:") != NULL || strcasestr(m->text, "could not be delivered") != NULL)))
		return EV_STRONG;
	return bounce_subject(m->subject) ? EV_SUBJECT : EV_NONE;
}

/* The report's own people: its sender and addressees (the original sender,
 * that is us) and the sender of the returned message are not the failed
 * recipient. */
static void exclusions(struct arena *a, const struct mime_msg *m, struct exclude *x)
{
	const char *v;

	memset(x, 0, sizeof(*x));
	x->addr[x->n++] = m->from_addr;
	x->addr[x->n++] = mime_address(a, mime_header(m, "To"), NULL);
	x->addr[x->n++] = mime_address(a, mime_block_header(a, returned_headers(m), "From"), NULL);
	x->addr[x->n++] = mime_address(a, mime_block_header(a, returned_headers(m), "Return-Path"), NULL);
	v = mime_header(m, "Return-Path");
	x->addr[x->n++] = v != NULL ? mime_address(a, v, NULL) : NULL;
}

/* The status class decides when there is one (a 4.x.x failure after days
 * of retries leaves the address good); else the action. */
static void classify_failure(struct dsn *d)
{
	if (d->status != NULL && d->status[0] == '5')
		d->permanent = 1;
	else if (d->status != NULL && d->status[0] == '4')
		d->temporary = 1;
	else if (d->status == NULL && d->action != NULL && strcmp(d->action, "failed") == 0)
		d->permanent = 1;
	else if (d->status == NULL && d->action != NULL && strcmp(d->action, "delayed") == 0)
		d->temporary = 1;
}

int dsn_parse(struct arena *a, const struct mime_msg *m, struct dsn *d)
{
	struct exclude x;
	enum evidence ev;
	const char *to;
	int sure = 0;

	memset(d, 0, sizeof(*d));
	/* RFC 8098 and RFC 5965 reports say nothing about delivery */
	if (m->report_type != NULL && (strcmp(m->report_type, "disposition-notification") == 0 ||
	    strcmp(m->report_type, "feedback-report") == 0))
		return 0;
	if ((ev = report_evidence(m)) == EV_NONE)
		return 0;
	exclusions(a, m, &x);
	if (!from_fields(a, m->delivery_status, d))
		from_fields(a, m->text, d);
	if (d->recipient != NULL && excluded(&x, d->recipient))
		d->recipient = NULL;
	from_text(a, m, &x, d, &sure);
	if (d->recipient == NULL) {
		/* the one person the returned message was for */
		to = mime_block_header(a, returned_headers(m), "To");
		if (to != NULL && strchr(to, ',') == NULL)
			d->recipient = mime_address(a, to, NULL);
	}
	d->original_message_id = original_id(a, m);
	if ((d->recipient == NULL && d->status == NULL && d->action == NULL) ||
	    (ev == EV_SUBJECT && d->status == NULL && !sure)) {
		memset(d, 0, sizeof(*d));
		return 0;
	}
	classify_failure(d);
	return 1;
}
