/* ical_read: ical_parse_reply() of ical.h, the replies.
 *
 * One private copy of the text, with line breaks made LF and folds joined,
 * feeds libical and, when libical finds nothing usable, a small line reader
 * that knows only VCALENDAR/METHOD, VEVENT, UID, SEQUENCE, DTSTAMP and
 * ATTENDEE. Times in a reply are never converted through a VTIMEZONE that
 * came with it (DTSTAMP is UTC by definition), so a hostile VTIMEZONE is
 * parsed but never expanded. */
#include "ical.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "ical_private.h"
#include "util.h"

#define YEAR_LAST 9999          /* RFC 5545 3.3.4: four-digit years */

static struct ical_lib *const lib = &ical_lib;

/* ---- reading replies ---- */

struct replies {
	struct ical_reply *v;
	size_t n, cap;
};

/* RFC 5545 3.2.12 for a VEVENT; the VTODO states are not answers to an
 * invitation of ours. */
static const char *const partstats[] = {
	"ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION", "DELEGATED",
};

static const char *partstat_norm(const char *s)
{
	char *t;
	const char *r = NULL;
	size_t i;

	if (s == NULL)
		return "NEEDS-ACTION"; /* the default, RFC 5545 3.2.12 */
	t = xstrdup(s);
	str_trim(t);
	for (i = 0; i < ARRAY_SIZE(partstats) && r == NULL; i++)
		if (str_eq_ci(t, partstats[i]))
			r = partstats[i];
	free(t);
	return r;
}

/* The address of a CAL-ADDRESS: "mailto:" in any case dropped, lower case.
 * A value that is no mailto: URI gives way to the EMAIL parameter
 * (RFC 7986 6.2), and a bare address is taken as it is. NULL if none. */
static char *addr_norm(const char *value, const char *email)
{
	char *a, *s;

	a = xstrdup(value != NULL ? value : "");
	s = str_trim(a);
	if (str_has_prefix_ci(s, "mailto:")) {
		memmove(s, s + 7, strlen(s + 7) + 1);
		str_trim(s);
	} else if (email != NULL) {
		free(a);
		return addr_norm(email, NULL);
	}
	str_lower_ascii(s);
	if (!ical_addr_ok(s)) {
		free(a);
		return NULL;
	}
	return a;
}

static void replies_add(struct replies *r, const char *uid, const char *value,
    const char *email, const char *partstat, long seq, time_t stamp)
{
	const char *ps = partstat_norm(partstat);
	char *addr = NULL, *u = NULL;
	struct ical_reply *x;
	size_t i;

	if (uid == NULL || ps == NULL || (addr = addr_norm(value, email)) == NULL)
		goto out;
	u = xstrdup(uid);
	if (*str_trim(u) == '\0')
		goto out;
	for (i = 0; i < r->n; i++) {
		x = &r->v[i];
		if (strcmp(x->uid, u) == 0 && strcmp(x->attendee, addr) == 0 &&
		    strcmp(x->partstat, ps) == 0) {
			x->sequence = seq > x->sequence ? seq : x->sequence;
			x->dtstamp = stamp > x->dtstamp ? stamp : x->dtstamp;
			goto out;
		}
	}
	if (r->n == ICAL_COMPONENTS_MAX)
		goto out;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	x = &r->v[r->n++];
	x->uid = u;
	x->attendee = addr;
	x->partstat = xstrdup(ps);
	x->sequence = seq;
	x->dtstamp = stamp;
	u = addr = NULL;
out:
	free(u);
	free(addr);
}

/* Seconds for a UTC date-time; 0 for a null or unreasonable one. */
static time_t instant_or_zero(struct icaltimetype t)
{
	if (lib->icaltime_is_null_time(t) || t.is_date || t.year < 1970 || t.year > YEAR_LAST)
		return 0;
	return lib->icaltime_as_timet_with_zone(t, lib->icaltimezone_get_utc_timezone());
}

static void lib_read_event(icalcomponent *ev, struct replies *r)
{
	icalproperty *p;
	const char *uid = lib->icalcomponent_get_uid(ev);
	long seq = 0;
	time_t stamp = 0;
	char *ps, *email;

	if ((p = lib->icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY)) != NULL)
		seq = lib->icalproperty_get_sequence(p);
	if (seq < 0)
		seq = 0;
	if ((p = lib->icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY)) != NULL)
		stamp = instant_or_zero(lib->icalproperty_get_dtstamp(p));
	/* the loop must stay the only user of ev's property iterator */
	for (p = lib->icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p != NULL;
	    p = lib->icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		ps = lib->icalproperty_get_parameter_as_string_r(p, "PARTSTAT");
		email = lib->icalproperty_get_parameter_as_string_r(p, "EMAIL");
		replies_add(r, uid, lib->icalproperty_get_attendee(p), email, ps, seq, stamp);
		lib->icalmemory_free_buffer(ps);
		lib->icalmemory_free_buffer(email);
	}
}

/* A VCALENDAR counts unless its METHOD says it is something else than a
 * reply (RFC 5546 1.4); some clients give the method only in the MIME
 * type. */
static void lib_read_calendar(icalcomponent *cal, struct replies *r)
{
	icalproperty *p = lib->icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
	icalcomponent *ev;
	char *m;
	int reply = 1;

	if (p != NULL) {
		m = lib->icalproperty_get_value_as_string_r(p);
		reply = m != NULL && str_eq_ci(str_trim(m), "REPLY");
		lib->icalmemory_free_buffer(m);
	}
	if (!reply)
		return;
	for (ev = lib->icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev != NULL;
	    ev = lib->icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		lib_read_event(ev, r);
}

static void lib_read(const char *text, struct replies *r)
{
	icalcomponent *root = lib->icalparser_parse_string(text), *cal;

	if (root == NULL)
		return;
	switch (lib->icalcomponent_isa(root)) {
	case ICAL_VCALENDAR_COMPONENT:
		lib_read_calendar(root, r);
		break;
	case ICAL_XROOT_COMPONENT: /* several top-level components */
		for (cal = lib->icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
		    cal != NULL;
		    cal = lib->icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			lib_read_calendar(cal, r);
		break;
	case ICAL_VEVENT_COMPONENT: /* no VCALENDAR around it */
		lib_read_event(root, r);
		break;
	default:
		break;
	}
	lib->icalcomponent_free(root);
}

/* ---- the line reader, for what libical rejects ---- */

struct lr_attendee {
	char *value, *email, *partstat;
};

struct lr_event {
	int open;               /* inside a VEVENT */
	int nested;             /* components inside it (VALARM) */
	char *uid;
	long seq;
	time_t stamp;
	struct lr_attendee *att;
	size_t n_att;
};

static void lr_flush(struct lr_event *ev, int reply, struct replies *r)
{
	size_t i;

	for (i = 0; i < ev->n_att; i++) {
		if (reply && ev->open)
			replies_add(r, ev->uid, ev->att[i].value, ev->att[i].email,
			    ev->att[i].partstat, ev->seq, ev->stamp);
		free(ev->att[i].value);
		free(ev->att[i].email);
		free(ev->att[i].partstat);
	}
	free(ev->att);
	free(ev->uid);
	memset(ev, 0, sizeof(*ev));
}

/* Splits "NAME;P=V;Q=\"a:b\":value" in place; -1 without a ':'. */
static int lr_split(char *line, char **name_r, char **params_r, char **value_r)
{
	char *p = line + strcspn(line, ";:");
	int quoted = 0;

	*name_r = line;
	*params_r = NULL;
	if (*p == '\0')
		return -1;
	if (*p == ';') {
		*p++ = '\0';
		*params_r = p;
		for (; *p != '\0' && (*p != ':' || quoted); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p == '\0')
			return -1;
	}
	*p++ = '\0';
	*value_r = str_trim(p);
	str_trim(*name_r);
	return 0;
}

/* The value of one parameter, unquoted, in a new string; NULL if absent. */
static char *lr_param(const char *params, const char *name)
{
	const char *p = params, *v;
	size_t n = strlen(name), len;
	int quoted = 0;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (str_has_prefix_ci(p, name) && p[n] == '=') {
			v = p + n + 1;
			if (*v == '"') {
				v++;
				len = strcspn(v, "\"");
			} else {
				len = strcspn(v, ";");
			}
			return str_trim(xstrndup(v, len));
		}
		for (; *p != '\0' && (*p != ';' || quoted); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p == ';')
			p++;
	}
	return NULL;
}

/* A TEXT value unescaped (RFC 5545 3.3.11), as libical gives it. */
static char *text_unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 'n' || *s == 'N' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static int digits(const char *s, size_t n, int *r)
{
	size_t i;

	*r = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*r = *r * 10 + (s[i] - '0');
	}
	return 0;
}

/* YYYYMMDDTHHMMSS[Z], read as UTC; 0 when it is not one. */
static time_t lr_instant(const char *s)
{
	int y, mo, d, h, mi, se;
	time_t t;

	if (strlen(s) < 15 || s[8] != 'T' || digits(s, 4, &y) < 0 || digits(s + 4, 2, &mo) < 0 ||
	    digits(s + 6, 2, &d) < 0 || digits(s + 9, 2, &h) < 0 ||
	    digits(s + 11, 2, &mi) < 0 || digits(s + 13, 2, &se) < 0)
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	t = time_from_utc(y, mo, d, h, mi, se);
	return t < 0 ? 0 : t;
}

static void lr_property(struct lr_event *ev, const char *name, const char *params,
    const char *value)
{
	struct lr_attendee *a;

	if (str_eq_ci(name, "UID")) {
		free(ev->uid);
		ev->uid = text_unescape(value);
	} else if (str_eq_ci(name, "SEQUENCE")) {
		if (str_to_long(value, 0, INT32_MAX, &ev->seq) < 0)
			ev->seq = 0;
	} else if (str_eq_ci(name, "DTSTAMP")) {
		ev->stamp = lr_instant(value);
	} else if (str_eq_ci(name, "ATTENDEE") && ev->n_att < ICAL_COMPONENTS_MAX) {
		ev->att = xrealloc(ev->att, (ev->n_att + 1) * sizeof(*ev->att));
		a = &ev->att[ev->n_att++];
		a->value = xstrdup(value);
		a->email = lr_param(params, "EMAIL");
		a->partstat = lr_param(params, "PARTSTAT");
	}
}

/* text is unfolded with LF line ends (prep()); it is cut up in place. */
static void lines_read(char *text, struct replies *r)
{
	struct lr_event ev;
	char *line, *next, *name, *params, *value;
	int reply = 1;

	memset(&ev, 0, sizeof(ev));
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (lr_split(line, &name, &params, &value) < 0)
			continue;
		if (str_eq_ci(name, "BEGIN") || str_eq_ci(name, "END")) {
			int begin = str_eq_ci(name, "BEGIN");

			if (str_eq_ci(value, "VEVENT") || str_eq_ci(value, "VCALENDAR")) {
				lr_flush(&ev, reply, r);
				if (begin && str_eq_ci(value, "VCALENDAR"))
					reply = 1;
				ev.open = begin && str_eq_ci(value, "VEVENT");
			} else if (ev.open) {
				ev.nested += begin ? 1 : (ev.nested > 0 ? -1 : 0);
			}
		} else if (!ev.open) {
			if (str_eq_ci(name, "METHOD"))
				reply = str_eq_ci(value, "REPLY");
		} else if (ev.nested == 0) {
			lr_property(&ev, name, params, value);
		}
	}
	lr_flush(&ev, reply, r);
}

/* A private copy for both readers: no byte-order mark, NUL bytes as
 * spaces, every line break (CRLF, LF or CR) one LF, folds joined
 * (RFC 5545 3.1), empty lines dropped. */
static char *prep(const char *text, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i = 0, o = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char c = text[i];

		if (c != '\r' && c != '\n') {
			out[o++] = c == '\0' ? ' ' : c;
			continue;
		}
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++;
		if (i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
			i++; /* a fold */
			continue;
		}
		if (o > 0 && out[o - 1] != '\n')
			out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

static int name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-';
}

/* A BEGIN or END line: 1 with the component's name in *v_r, *n_r; 0 for
 * another line; -1 for one that only looks like it ("BEGIN;X=1:",
 * "END :VEVENT", "\vEND:", "BEGIN:", a name with odd characters), which
 * libical reads in its own way. */
static int begin_end(const char *line, int *begin_r, const char **v_r, size_t *n_r)
{
	const char *p = line, *v;
	size_t k, i;

	while ((unsigned char)*p <= 0x20 && *p != '\0' && *p != '\n')
		p++;
	if (str_has_prefix_ci(p, "BEGIN"))
		k = 5;
	else if (str_has_prefix_ci(p, "END"))
		k = 3;
	else
		return 0;
	if (name_char(p[k]))
		return 0; /* another name, e.g. END-DATE */
	*begin_r = k == 5;
	if (p != line || p[k] != ':')
		return -1;
	v = p + k + 1;
	for (i = 0; name_char(v[i]); i++)
		;
	if (i == 0 || (v[i] != '\0' && v[i] != '\n'))
		return -1;
	*v_r = v;
	*n_r = i;
	return 1;
}

/* Counts the lines that look like BEGIN (an upper bound on the components
 * libical will make) and returns whether every END closes the innermost
 * open component. libical writes to stderr about an END it did not expect
 * and rejects a component left open, so such a text goes to the line
 * reader alone. */
static int scan(const char *s, size_t *begins_r)
{
	const char *open[ICAL_COMPONENTS_MAX], *v = NULL;
	size_t len[ICAL_COMPONENTS_MAX], depth = 0, n = 0;
	int balanced = 1, begin = 0, kind;

	*begins_r = 0;
	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s != NULL ? s + 1 : NULL) {
		if ((kind = begin_end(s, &begin, &v, &n)) == 0)
			continue;
		*begins_r += begin;
		if (kind < 0)
			balanced = 0;
		else if (begin && depth < ICAL_COMPONENTS_MAX) {
			open[depth] = v;
			len[depth++] = n;
		} else if (begin || depth == 0 || len[depth - 1] != n ||
		    strncasecmp(open[depth - 1], v, n) != 0) {
			balanced = 0;
		} else {
			depth--;
		}
	}
	return balanced && depth == 0;
}

int ical_parse_reply(const char *text, size_t len, struct ical_reply **replies_r, size_t *n_r)
{
	struct replies r;
	char *copy = NULL;
	size_t begins = 0;
	int balanced, ret = -1;

	memset(&r, 0, sizeof(r));
	*replies_r = NULL;
	*n_r = 0;
	if (len > ICAL_BYTES_MAX || (text == NULL && len > 0))
		goto out;
	copy = prep(text != NULL ? text : "", len);
	balanced = scan(copy, &begins);
	if (begins > ICAL_COMPONENTS_MAX)
		goto out;
	/* without libical, the line reader alone */
	if (balanced && ical_lib_load() == 0)
		lib_read(copy, &r);
	if (r.n == 0)
		lines_read(copy, &r);
	*replies_r = r.n > 0 ? r.v : NULL;
	*n_r = r.n;
	if (r.n > 0)
		r.v = NULL;
	ret = 0;
out:
	free(r.v);
	free(copy);
	return ret;
}

void ical_replies_free(struct ical_reply **replies, size_t n)
{
	size_t i;

	if (*replies == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*replies)[i].uid);
		free((*replies)[i].attendee);
		free((*replies)[i].partstat);
	}
	free(*replies);
	*replies = NULL;
}
