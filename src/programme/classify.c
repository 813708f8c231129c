#include "classify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "command.h"
#include "dsn.h"
#include "form.h"
#include "mime.h"
#include "quote.h"
#include "util.h"

/* No 0/O, 1/I/L, 5/S, 2/Z: a token read aloud or retyped survives. */
static const char token_alphabet[] = "ABCDEFGHJKMNPQRTUVWXY346789";

void token_new(char out[TOKEN_LEN + 1])
{
	unsigned char raw[8];
	size_t i, o = 0;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		fatal("no random bytes");
	out[o++] = 'M';
	out[o++] = 'T';
	out[o++] = '-';
	for (i = 0; i < 8; i++) {
		if (i == 4)
			out[o++] = '-';
		out[o++] = token_alphabet[raw[i] % (sizeof(token_alphabet) - 1)];
	}
	out[o] = '\0';
}

int token_find(const char *text, char out[TOKEN_LEN + 1])
{
	const char *p;
	size_t i;

	for (p = text; p != NULL && (p = strcasestr(p, "MT-")) != NULL; p++) {
		if (p > text && isalnum((unsigned char)p[-1]))
			continue;
		for (i = 3; i < TOKEN_LEN; i++) {
			char c = (char)toupper((unsigned char)p[i]);

			if (i == 7 ? c != '-' : (c == '\0' || strchr(token_alphabet, c) == NULL))
				break;
		}
		if (i == TOKEN_LEN && !isalnum((unsigned char)p[TOKEN_LEN])) {
			for (i = 0; i < TOKEN_LEN; i++)
				out[i] = (char)toupper((unsigned char)p[i]);
			out[TOKEN_LEN] = '\0';
			return 1;
		}
	}
	return 0;
}

const char *classify_name(enum msg_class cls)
{
	static const char *const names[] = { "own", "bounce", "autoreply", "calendar", "reply",
		"command", "human" };

	return (size_t)cls < ARRAY_SIZE(names) ? names[cls] : "?";
}

/* Our own mail is what carries a Message-ID we made: it is keyed, so that
 * nobody else can make one. From our address or an X-Loop naming it alone
 * proves nothing: a forwarding alias adds X-Loop to a person's message, and
 * anyone may write either. */
static int is_own(const struct mime_msg *m, const struct classify_ctx *c)
{
	return m->message_id != NULL && c->is_ours != NULL && c->is_ours(m->message_id, c->arg);
}

static int local_part_is(const char *addr, const char *local)
{
	size_t l = strlen(local);

	return addr != NULL && strncasecmp(addr, local, l) == 0 && addr[l] == '@';
}

int classify_is_bounce(const struct mime_msg *m)
{
	const char *auto_sub = mime_header(m, "Auto-Submitted"), *from;
	struct dsn d;

	if (m->report_type != NULL || (m->content_type != NULL &&
	    strcmp(m->content_type, "multipart/report") == 0))
		return 1;
	if (local_part_is(m->from_addr, "mailer-daemon") || local_part_is(m->from_addr, "postmaster") ||
	    local_part_is(m->from_addr, "mail-daemon"))
		return 1;
	/* "MAILER-DAEMON <>", "mailer-daemon", "MAILER DAEMON": no address
	 * to parse, the words are the mark */
	from = mime_header(m, "From");
	if (from != NULL && (strcasestr(from, "mailer-daemon") != NULL ||
	    strcasestr(from, "mailer daemon") != NULL || strcasestr(from, "mail delivery subsystem") != NULL))
		return 1;
	if (m->delivery_status != NULL)
		return 1;
	/* the bounces of old MTAs say so in words only (qmail, Exchange,
	 * mailing list managers): the DSN reader knows their shapes */
	if (dsn_parse(m->arena, m, &d) == 1 && (d.permanent || d.temporary))
		return 1;
	/* a null return path is a bounce's mark (RFC 5321 4.5.5), but RFC
	 * 3834 autoresponders use it too: those say Auto-Submitted */
	if (m->return_path != NULL && m->return_path[0] == '\0' && m->delivery_status != NULL)
		return 1;
	if (m->return_path != NULL && m->return_path[0] == '\0' && auto_sub == NULL &&
	    (strcasestr(m->subject, "undeliver") != NULL || strcasestr(m->subject, "delivery") != NULL ||
	    strcasestr(m->subject, "returned mail") != NULL || strcasestr(m->subject, "non remis") != NULL ||
	    strcasestr(m->subject, "failure") != NULL))
		return 1;
	return 0;
}

static int ooo_subject(const char *subject)
{
	static const char *const prefixes[] = {
		"out of office", "out of the office", "automatic reply", "auto reply", "autoreply",
		"auto-reply", "auto:", "auto response", "autoresponse", "away from", "vacation",
		"on vacation", "on leave", "réponse automatique", "reponse automatique",
		"absence", "absent", "abwesenheit", "automatische antwort", "respuesta automática",
		"risposta automatica", "fuori sede", "automatisch antwoord", "afwezig",
		"odpowiedź automatyczna", "autosvar", "poza biurem",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (str_has_prefix_ci(subject, prefixes[i]))
			return 1;
	return 0;
}

int classify_is_autoreply(const struct mime_msg *m)
{
	const char *v;
	char *stripped;
	int r;

	/* RFC 3834 5: anything but "no" is automatic */
	v = mime_header(m, "Auto-Submitted");
	if (v != NULL && !str_has_prefix_ci(v, "no"))
		return 1;
	v = mime_header(m, "Precedence");
	if (v != NULL && (str_has_prefix_ci(v, "bulk") || str_has_prefix_ci(v, "junk") ||
	    str_has_prefix_ci(v, "list") || str_has_prefix_ci(v, "auto_reply")))
		return 1;
	if (mime_header(m, "X-Autoreply") != NULL || mime_header(m, "X-Autorespond") != NULL ||
	    mime_header(m, "X-Auto-Reply") != NULL || mime_header(m, "X-AutoReply-From") != NULL ||
	    mime_header(m, "X-Mail-Autoreply") != NULL || mime_header(m, "X-FC-MachineGenerated") != NULL)
		return 1;
	if (mime_header(m, "List-Id") != NULL || mime_header(m, "List-Unsubscribe") != NULL)
		return 1;
	/* Exchange marks its automatic mail so; a person's calendar answer
	 * may carry it too, and is not an out-of-office */
	v = mime_header(m, "X-Auto-Response-Suppress");
	if (v != NULL && m->calendar == NULL)
		return 1;
	stripped = command_subject_strip(m->subject);
	r = ooo_subject(m->subject) || ooo_subject(stripped);
	free(stripped);
	return r;
}

static int is_calendar_reply(const struct mime_msg *m)
{
	if (m->calendar == NULL)
		return 0;
	if (m->calendar_method != NULL)
		return strcmp(m->calendar_method, "REPLY") == 0;
	return strcasestr(m->calendar, "METHOD:REPLY") != NULL;
}

static const char *ours(const struct mime_msg *m, const struct classify_ctx *c)
{
	size_t i;

	if (c->is_ours == NULL)
		return NULL;
	if (m->in_reply_to != NULL && c->is_ours(m->in_reply_to, c->arg))
		return m->in_reply_to;
	/* newest reference last (RFC 5322 3.6.4) */
	for (i = m->n_references; i > 0; i--)
		if (c->is_ours(m->references[i - 1], c->arg))
			return m->references[i - 1];
	return NULL;
}

/* Does the subject say it answers or passes on a message (Re:, Fwd:, TR:,
 * after any [tag])? */
static int answer_subject(const char *subject)
{
	const char *p = subject;
	char *stripped, *trimmed;
	int r;

	if (p == NULL)
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '[' || strchr(p, ']') == NULL)
			break;
		p = strchr(p, ']') + 1;
	}
	stripped = command_subject_strip(p);
	trimmed = str_trim(xstrdup(p));
	r = strcmp(stripped, trimmed) != 0;
	free(stripped);
	free(trimmed);
	return r;
}

int classify_foreign_answer(const struct mime_msg *m, const struct classify_ctx *c)
{
	/* the message it answers: In-Reply-To, else the newest reference
	 * (RFC 5322 3.6.4); one of ours deeper in the thread does not count */
	const char *parent = m->in_reply_to != NULL ? m->in_reply_to
	    : m->n_references > 0 ? m->references[m->n_references - 1] : NULL;

	if (parent != NULL)
		return c->is_ours == NULL || !c->is_ours(parent, c->arg);
	return answer_subject(m->subject);
}

static int is_command(const struct mime_msg *m, const struct classify_ctx *c)
{
	struct committee_command cc;
	const char *lang = NULL;
	char *arg = NULL, *subject, *text;
	int r = 0;

	/* a member's "status" is the committee's command, not an applicant's */
	if (m->from_addr != NULL && c->is_member != NULL && c->is_member(m->from_addr, c->arg)) {
		/* a member's reply to, or forward of, someone else's message
		 * ("Re: unpair 1 ..." from a participant) is never a command */
		if (classify_foreign_answer(m, c))
			return 0;
		subject = command_subject_strip(m->subject);
		memset(&cc, 0, sizeof(cc));
		/* "Match results for March" is a member's mail, not a command */
		r = command_committee_parse(subject, &cc) == 1 && cc.error == NULL;
		command_committee_deinit(&cc);
		free(subject);
		if (r)
			return 1;
	}
	if (command_applicant(m->subject, &arg, &lang) != ACMD_NONE) {
		free(arg);
		return 1;
	}
	text = quote_strip(m->text);
	r = form_detect(text);
	free(text);
	return r;
}

void classify(const struct mime_msg *m, const struct classify_ctx *c, struct classification *r)
{
	memset(r, 0, sizeof(*r));
	if (is_own(m, c)) {
		r->cls = CLASS_OWN;
		r->reason = "our own message";
	} else if (classify_is_bounce(m)) {
		r->cls = CLASS_BOUNCE;
		r->reason = "delivery report";
	} else if (classify_is_autoreply(m)) {
		r->cls = CLASS_AUTOREPLY;
		r->reason = "automatic reply";
	} else if (is_calendar_reply(m)) {
		r->cls = CLASS_CALENDAR;
		r->reason = "calendar reply";
	} else if ((r->our_message = ours(m, c)) != NULL || token_find(m->subject, r->token)) {
		r->cls = CLASS_REPLY;
		r->reason = "reply to our message";
	} else if (is_command(m, c)) {
		r->cls = CLASS_COMMAND;
		r->reason = "command";
	} else {
		r->cls = CLASS_HUMAN;
		r->reason = "human mail";
	}
}
