#include "imap_answer.h"

#include <string.h>
#include <strings.h>

#include "util.h"

static const struct {
	const char *name;
	enum imap_code code;
	const char *meaning;
} codes[] = {
	{ "ALERT", IMAP_CODE_ALERT, NULL },
	{ "OVERQUOTA", IMAP_CODE_OVERQUOTA, "the mailbox is over its quota" },
	{ "UNAVAILABLE", IMAP_CODE_UNAVAILABLE, "the server is unavailable for now" },
	{ "AUTHENTICATIONFAILED", IMAP_CODE_AUTHENTICATIONFAILED, "the credentials were refused" },
	{ "AUTHORIZATIONFAILED", IMAP_CODE_AUTHORIZATIONFAILED,
	    "the credentials are good but may not use this mailbox" },
	{ "EXPIRED", IMAP_CODE_EXPIRED, "the credentials have expired" },
	{ "LIMIT", IMAP_CODE_LIMIT, "a limit of the server was reached" },
	{ "INUSE", IMAP_CODE_INUSE, "the mailbox is in use by another session" },
};

/* needle in [s, s + n), case-insensitively; the position after it or NULL */
static const char *find_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return s + i + k;
	return NULL;
}

/* The providers' words in the text. */
static void scan_text(struct imap_answer *a)
{
	const char *t = a->text, *p;
	size_t n = strlen(t);
	long ms = 0;

	p = find_ci(t, n, "Suggested Backoff Time:");
	if (p != NULL) {
		while (*p == ' ')
			p++;
		if (*p >= '0' && *p <= '9') {
			while (*p >= '0' && *p <= '9') {
				ms = ms * 10 + (*p++ - '0');
				if (ms > IMAP_ANSWER_BACKOFF_MAX_MS)
					ms = IMAP_ANSWER_BACKOFF_MAX_MS;
			}
			/* "N milliseconds" is what Exchange writes; a bare
			 * number is read as milliseconds too */
			while (*p == ' ')
				p++;
			if (strncasecmp(p, "seconds", 7) == 0 && ms <= IMAP_ANSWER_BACKOFF_MAX_MS / 1000)
				ms *= 1000;
			a->backoff_ms = ms > 0 ? ms : 1;
		}
	}
	a->too_many = find_ci(t, n, "Too many simultaneous connections") != NULL ||
	    find_ci(t, n, "User is authenticated but not connected") != NULL ||
	    find_ci(t, n, "Too many connections") != NULL || a->code == IMAP_CODE_INUSE;
	a->token_expired = find_ci(t, n, "AccessTokenExpired") != NULL;
}

static void set_code(struct imap_answer *a, const char *name, size_t n)
{
	size_t i;

	a->code = IMAP_CODE_OTHER;
	if (n >= sizeof(a->code_name))
		n = sizeof(a->code_name) - 1;
	for (i = 0; i < n; i++)
		a->code_name[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	a->code_name[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (strcmp(codes[i].name, a->code_name) == 0)
			a->code = codes[i].code;
}

/* The text of [s, s + n) into a->text: cut at a line end, control
 * characters left to the caller's escaping. */
static void set_text(struct imap_answer *a, const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[k] != '\r' && s[k] != '\n' && s[k] != '\0' && k + 1 < sizeof(a->text)) {
		a->text[k] = s[k];
		k++;
	}
	a->text[k] = '\0';
}

void imap_answer_parse(const char *line, size_t len, struct imap_answer *a)
{
	static const char *const statuses[] = { "OK", "NO", "BAD", "BYE", "PREAUTH" };
	size_t i = 0, w, c, e;

	memset(a, 0, sizeof(*a));
	if (len >= 2 && line[0] == '*' && line[1] == ' ')
		i = 2;
	for (w = 0; w < ARRAY_SIZE(statuses); w++) {
		size_t k = strlen(statuses[w]);

		if (len - i >= k && strncasecmp(line + i, statuses[w], k) == 0 &&
		    (len - i == k || line[i + k] == ' ')) {
			str_copy(a->status, sizeof(a->status), statuses[w]);
			i += k;
			break;
		}
	}
	while (i < len && line[i] == ' ')
		i++;
	if (a->status[0] != '\0' && i < len && line[i] == '[') {
		/* resp-text-code: an atom, maybe followed by arguments */
		for (c = i + 1; c < len && line[c] != ' ' && line[c] != ']' && line[c] != '\r' &&
		    line[c] != '\n' && line[c] != '\0'; c++)
			;
		for (e = c; e < len && line[e] != ']' && line[e] != '\r' && line[e] != '\n'; e++)
			;
		if (e < len && line[e] == ']' && c > i + 1) {
			set_code(a, line + i + 1, c - i - 1);
			i = e + 1;
			while (i < len && line[i] == ' ')
				i++;
		}
	}
	set_text(a, line + i, len - i);
	scan_text(a);
}

void imap_answer_from(struct imap_answer *a, const char *status, const char *code,
    const char *text)
{
	memset(a, 0, sizeof(*a));
	str_copy(a->status, sizeof(a->status), status != NULL ? status : "");
	if (code != NULL && code[0] != '\0')
		set_code(a, code, strcspn(code, " "));
	if (text != NULL)
		set_text(a, text, strlen(text));
	scan_text(a);
}

const char *imap_answer_meaning(const struct imap_answer *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (codes[i].code == a->code)
			return codes[i].meaning;
	return NULL;
}
