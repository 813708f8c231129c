/* ical_write: ical_request() of ical.h, the invitations.
 *
 * libical builds the calendar and we write it out. The object is a tree of
 * libical's components and properties (icalcomponent_new,
 * icalproperty_new_*): BEGIN and END always pair, each property name, each
 * enumerated value (METHOD, STATUS, TRANSP, ROLE, PARTSTAT, RSVP), each
 * date-time, integer, UTC offset and recurrence rule is written by libical
 * from a typed value, and the VTIMEZONE observances are libical's own
 * components, copied. libical also supplies the zone data (the system's
 * zoneinfo through its builtin timezones) and reads the result back as a
 * receiver would before anything is returned.
 *
 * The text itself is ours, because libical 3.0's writer
 * (icalcomponent_as_ical_string_r) does three things worse than ours:
 * - it drops a lone CR from a TEXT value ("Room\rEND" becomes "RoomEND")
 *   where we write every line break as \n (RFC 5545 3.3.11);
 * - it writes a caret in a parameter value as it is, where RFC 6868 asks
 *   for ^^ (a name "a^nb" would be read back with a line break);
 * - it folds between a backslash and the character it escapes, which
 *   readers that unescape before they unfold misread, and right after the
 *   colon of a long value.
 * So TEXT values and CN parameters are escaped here (w_text, w_param), every
 * other property is taken as libical writes it, and every line is folded
 * here (w_end). The VTIMEZONE keeps the shape Outlook reads (tz_pick). */
#include "ical.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "ical_private.h"
#include "util.h"

#ifndef MENTORD_VERSION
#define MENTORD_VERSION "0"
#endif
#define ICAL_PRODID "-//mentord//mentord " MENTORD_VERSION "//EN"

#define FOLD_OCTETS 75          /* RFC 5545 3.1, without the line break */
#define TZ_RULES_MAX 8          /* distinct yearly rules looked at in one zone */

static struct ical_lib *const lib = &ical_lib;

/* ---- writing lines ---- */

/* One content line is built in line, then folded into out. */
struct writer {
	struct buf out;
	struct buf line;
};

static void w_init(struct writer *w)
{
	buf_init(&w->out, ICAL_BYTES_MAX);
	buf_init(&w->line, ICAL_BYTES_MAX);
}

static void w_deinit(struct writer *w)
{
	buf_deinit(&w->out);
	buf_deinit(&w->line);
}

static void w_add(struct writer *w, const char *s)
{
	buf_adds(&w->line, s);
}

/* Where a line longer than the fold may be cut, at or before cut: never
 * inside a UTF-8 sequence (RFC 5545 3.1 asks for that), and not between a
 * backslash and the character it escapes, which some readers unescape
 * before they unfold. */
static size_t fold_cut(const char *s, size_t pos, size_t cut)
{
	size_t bs = 0;

	while (cut > pos + 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	while (cut - bs > pos && s[cut - bs - 1] == '\\')
		bs++;
	if (bs % 2 == 1 && cut - 1 > pos)
		cut--;
	return cut;
}

/* Ends the content line: folded at 75 octets, the continuation lines
 * starting with one space that counts towards their 75 (RFC 5545 3.1). */
static void w_end(struct writer *w)
{
	const char *s = w->line.s;
	size_t n = w->line.len, pos = 0, room = FOLD_OCTETS, cut;

	while (n - pos > room) {
		cut = fold_cut(s, pos, pos + room);
		buf_add(&w->out, s + pos, cut - pos);
		buf_add(&w->out, "\r\n ", 3);
		pos = cut;
		room = FOLD_OCTETS - 1;
	}
	if (n > pos)
		buf_add(&w->out, s + pos, n - pos);
	buf_add(&w->out, "\r\n", 2);
	buf_reset(&w->line);
}

static void w_line(struct writer *w, const char *a, const char *b)
{
	w_add(w, a);
	w_add(w, b);
	w_end(w);
}

/* A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped,
 * every line break (CRLF, CR or LF) written as \n, so that no byte from the
 * data can end a content line. Other control characters were refused. */
static void w_text(struct writer *w, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',') {
			buf_addc(&w->line, '\\');
			buf_addc(&w->line, *s);
		} else if (*s == '\r' || *s == '\n') {
			if (s[0] == '\r' && s[1] == '\n')
				s++;
			buf_add(&w->line, "\\n", 2);
		} else {
			buf_addc(&w->line, *s);
		}
	}
}

/* A parameter value (RFC 5545 3.2): quoted when it holds ":", ";" or ",".
 * A double quote, which no quoted string may hold, and the caret are
 * written as RFC 6868 says (^' and ^^). */
static void w_param(struct writer *w, const char *s)
{
	int quote = strpbrk(s, ":;,") != NULL;

	if (quote)
		buf_addc(&w->line, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_add(&w->line, "^'", 2);
		else if (*s == '^')
			buf_add(&w->line, "^^", 2);
		else
			buf_addc(&w->line, *s);
	}
	if (quote)
		buf_addc(&w->line, '"');
}

/* Appends a string libical allocated, and gives it back. */
static void w_add_lib(struct writer *w, char *s)
{
	if (s != NULL)
		w_add(w, s);
	lib->icalmemory_free_buffer(s);
}

/* Copies a property as libical writes it (folded with CRLF or LF) into one
 * content line of ours. */
static void w_lib_prop(struct writer *w, icalproperty *p)
{
	char *s = lib->icalproperty_as_ical_string_r(p);
	const char *q;

	for (q = s; q != NULL && *q != '\0'; q++) {
		if (*q == '\r')
			continue;
		if (*q == '\n') {
			if (q[1] == ' ' || q[1] == '\t')
				q++;
			continue;
		}
		buf_addc(&w->line, *q);
	}
	lib->icalmemory_free_buffer(s);
	w_end(w);
}

/* One property: a TEXT value, or a property with a CN parameter, written
 * with our escaping and quoting (the header says why); any other as libical
 * writes it. */
static void w_prop(struct writer *w, icalproperty *p)
{
	icalvalue *v = lib->icalproperty_get_value(p);
	int text = v != NULL && lib->icalvalue_isa(v) == ICAL_TEXT_VALUE;
	icalparameter *par;

	if (v == NULL || (!text && lib->icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER) == NULL)) {
		w_lib_prop(w, p);
		return;
	}
	w_add_lib(w, lib->icalproperty_get_property_name_r(p));
	for (par = lib->icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); par != NULL;
	    par = lib->icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
		w_add(w, ";");
		if (lib->icalparameter_isa(par) == ICAL_CN_PARAMETER) {
			w_add(w, "CN=");
			w_param(w, lib->icalparameter_get_cn(par));
		} else {
			w_add_lib(w, lib->icalparameter_as_ical_string_r(par));
		}
	}
	w_add(w, ":");
	if (text)
		w_text(w, lib->icalvalue_get_text(v));
	else
		w_add_lib(w, lib->icalvalue_as_ical_string_r(v));
	w_end(w);
}

/* A component and what it holds, in the order it was built: its properties,
 * then its components. */
static void w_component(struct writer *w, icalcomponent *c)
{
	const char *name = lib->icalcomponent_kind_to_string(lib->icalcomponent_isa(c));
	icalproperty *p;
	icalcomponent *sub;

	w_line(w, "BEGIN:", name);
	for (p = lib->icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != NULL;
	    p = lib->icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
		w_prop(w, p);
	for (sub = lib->icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib->icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		w_component(w, sub);
	w_line(w, "END:", name);
}

/* ---- checking the event ---- */

/* Valid UTF-8 without control characters; with lines, tabs and line
 * breaks are allowed too (w_text escapes them). */
static int field_ok(const char *s, int lines)
{
	const unsigned char *p;

	if (!utf8_valid(s, strlen(s)))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 || *p == 0x7f) &&
		    !(lines && (*p == '\t' || *p == '\r' || *p == '\n')))
			return 0;
	return 1;
}

static int opt_field_ok(const char *s, int lines)
{
	return s == NULL || field_ok(s, lines);
}

/* A zoneinfo name: letters, digits, "_+-/", not starting with "/" (no
 * path may lead out of the zoneinfo folder libical reads). */
static int tzid_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > ICAL_TZID_BYTES_MAX || s[0] == '/' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static const char *check_event(const struct ical_event *e)
{
	/* 9999-12-31T23:59:59Z, the last instant RFC 5545 can write */
	const time_t last = (time_t)253402300799LL;

	if (e->uid == NULL || *e->uid == '\0' || !field_ok(e->uid, 0))
		return "malformed UID";
	if (e->sequence < 0 || e->sequence > INT32_MAX)
		return "sequence out of range";
	if (e->duration_min < 1 || e->duration_min > ICAL_DURATION_MIN_MAX)
		return "duration out of range";
	if (e->start < 0 || e->start > last - ICAL_DURATION_MIN_MAX * 60 ||
	    e->dtstamp < 0 || e->dtstamp > last)
		return "time out of range";
	if (e->tzid == NULL || !tzid_ok(e->tzid))
		return "malformed time zone name";
	if (e->summary == NULL || *e->summary == '\0' || !field_ok(e->summary, 1))
		return "empty summary, or invalid UTF-8 or control characters in it";
	if (!opt_field_ok(e->location, 1) || !opt_field_ok(e->description, 1))
		return "invalid UTF-8 or control characters in the location or description";
	if (!opt_field_ok(e->organizer_name, 0) || !opt_field_ok(e->attendee_name, 0))
		return "invalid UTF-8 or control characters in a name";
	if (e->organizer_addr == NULL || !ical_addr_ok(e->organizer_addr) ||
	    e->attendee_addr == NULL || !ical_addr_ok(e->attendee_addr))
		return "malformed organizer or attendee address";
	return NULL;
}

/* ---- time zones ---- */

static icaltimezone *tz_find(const char *tzid)
{
	icaltimezone *z = lib->icaltimezone_get_builtin_timezone(tzid);
	char *etc;

	/* libical answers "UTC" and "GMT" with its own UTC zone, which has no
	 * VTIMEZONE to send; the zoneinfo files Etc/UTC and Etc/GMT have one. */
	if (z != NULL && lib->icaltimezone_get_component(z) == NULL) {
		etc = xasprintf("Etc/%s", tzid);
		z = lib->icaltimezone_get_builtin_timezone(etc);
		free(etc);
	}
	if (z == NULL || lib->icaltimezone_get_component(z) == NULL)
		return NULL;
	return z;
}

static struct icaltimetype utc_time(time_t t)
{
	return lib->icaltime_from_timet_with_zone(t, 0, lib->icaltimezone_get_utc_timezone());
}

static int same_wall_clock(struct icaltimetype a, struct icaltimetype b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day &&
	    a.hour == b.hour && a.minute == b.minute && a.second == b.second;
}

/* True when the local time of t is shown twice, in the hour repeated when
 * daylight saving time ends (shifts are 30 minutes to 2 hours). */
static int local_repeated(icaltimezone *z, time_t t)
{
	static const int shift[] = { -7200, -3600, -1800, 1800, 3600, 7200 };
	struct icaltimetype l = lib->icaltime_from_timet_with_zone(t, 0, z);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shift); i++)
		if (same_wall_clock(l, lib->icaltime_from_timet_with_zone(t + shift[i], 0, z)))
			return 1;
	return 0;
}

/* DTSTART or DTEND: the local time with TZID=zone, or the UTC time for a
 * local time the clock shows twice. libical writes a time that carries a
 * zone with a "Z" whatever the zone, so the local time is given to it
 * floating, and the zone as the TZID parameter. */
static icalproperty *p_when(__typeof__(&icalproperty_new_dtstart) make, const char *tzid,
    icaltimezone *z, time_t t)
{
	struct icaltimetype local;
	icalproperty *p;

	if (local_repeated(z, t))
		return make(utc_time(t));
	local = lib->icaltime_from_timet_with_zone(t, 0, z);
	local.zone = NULL;
	p = make(local);
	lib->icalproperty_add_parameter(p, lib->icalparameter_new_tzid(tzid));
	return p;
}

/* ORGANIZER or ATTENDEE: mailto:addr, with CN unless the name is empty. */
static icalproperty *p_address(__typeof__(&icalproperty_new_attendee) make, const char *cn,
    const char *addr)
{
	char *uri = xasprintf("mailto:%s", addr);
	icalproperty *p = make(uri);

	free(uri);
	if (cn != NULL && *cn != '\0')
		lib->icalproperty_add_parameter(p, lib->icalparameter_new_cn(cn));
	return p;
}

/* A copy of one STANDARD or DAYLIGHT observance; with open, its rule loses
 * UNTIL and COUNT. libical's X-LIC- properties stay out. */
static icalcomponent *c_observance(icalcomponent *sub, int open)
{
	icalcomponent *c = lib->icalcomponent_new(lib->icalcomponent_isa(sub));
	icalproperty *p;
	struct icalrecurrencetype rr;

	for (p = lib->icalcomponent_get_first_property(sub, ICAL_ANY_PROPERTY); p != NULL;
	    p = lib->icalcomponent_get_next_property(sub, ICAL_ANY_PROPERTY)) {
		if (lib->icalproperty_isa(p) == ICAL_X_PROPERTY)
			continue;
		if (open && lib->icalproperty_isa(p) == ICAL_RRULE_PROPERTY) {
			rr = lib->icalproperty_get_rrule(p);
			rr.until = lib->icaltime_null_time();
			rr.count = 0;
			lib->icalcomponent_add_property(c, lib->icalproperty_new_rrule(rr));
		} else {
			lib->icalcomponent_add_property(c, lib->icalproperty_new_clone(p));
		}
	}
	return c;
}

/* One yearly rule of a zone, joined from the pieces libical gives. */
struct tz_rule {
	char *key;                 /* kind, offsets, rule without UNTIL */
	icalcomponent *first;      /* the piece with the earliest DTSTART */
	struct icaltimetype dtstart;
	struct icaltimetype until; /* of the latest piece; null when open */
	int daylight;
	int outlook;               /* in the shape Outlook reads */
};

/* The rule Outlook reads ([MS-OXCICAL] 2.1.3.1.1.19.2.2): in one month, on
 * one weekday given with its position, e.g. BYDAY=-1SU;BYMONTH=10. libical
 * writes "Fri>=23" as BYDAY=FR;BYMONTHDAY=23,...,29, which it cannot. */
static int rule_outlook(const struct icalrecurrencetype *rr)
{
	return rr->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_month[1] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_day[1] == ICAL_RECURRENCE_ARRAY_MAX &&
	    lib->icalrecurrencetype_day_position(rr->by_day[0]) != 0 &&
	    rr->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

static int tz_offset(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = lib->icalcomponent_get_first_property(c, kind);

	if (p == NULL)
		return 0;
	return kind == ICAL_TZOFFSETFROM_PROPERTY ? lib->icalproperty_get_tzoffsetfrom(p) :
	    lib->icalproperty_get_tzoffsetto(p);
}

static char *rule_key(icalcomponent *sub, struct icalrecurrencetype rr)
{
	char *r, *key;

	rr.until = lib->icaltime_null_time();
	rr.count = 0;
	r = lib->icalrecurrencetype_as_string_r(&rr);
	key = xasprintf("%d %d %d %s", (int)lib->icalcomponent_isa(sub),
	    tz_offset(sub, ICAL_TZOFFSETFROM_PROPERTY), tz_offset(sub, ICAL_TZOFFSETTO_PROPERTY),
	    r != NULL ? r : "");
	lib->icalmemory_free_buffer(r);
	return key;
}

/* Adds one piece of a rule; -1 when there are too many distinct rules. */
static int tz_rule_add(struct tz_rule *rules, size_t *n, icalcomponent *sub,
    struct icalrecurrencetype rr, struct icaltimetype dtstart)
{
	char *key = rule_key(sub, rr);
	size_t i;

	for (i = 0; i < *n && strcmp(rules[i].key, key) != 0; i++)
		;
	if (i == *n) {
		if (*n == TZ_RULES_MAX) {
			free(key);
			return -1;
		}
		rules[i].key = key;
		rules[i].first = sub;
		rules[i].dtstart = dtstart;
		rules[i].until = rr.until;
		rules[i].daylight = lib->icalcomponent_isa(sub) == ICAL_XDAYLIGHT_COMPONENT;
		rules[i].outlook = rule_outlook(&rr);
		(*n)++;
		return 0;
	}
	free(key);
	if (lib->icaltime_compare(dtstart, rules[i].dtstart) < 0) {
		rules[i].first = sub;
		rules[i].dtstart = dtstart;
	}
	if (lib->icaltime_is_null_time(rr.until) || (!lib->icaltime_is_null_time(rules[i].until) &&
	    lib->icaltime_compare(rr.until, rules[i].until) > 0))
		rules[i].until = rr.until;
	return 0;
}

/* Outlook reads one STANDARD and one DAYLIGHT, each a yearly rule
 * ([MS-OXCICAL] 2.1.3.1.1.19), and RFC 5545 3.6.5 lets a VTIMEZONE hold
 * only the observances in effect for the event: so this picks, from the
 * zone's yearly rules around the event's year, exactly one of each kind
 * that still runs at the event, in the shape Outlook reads; -1 when the
 * zone is not that simple then.
 * libical cuts a rule in two where the zoneinfo file's explicit transitions
 * end (2037); pieces with the same rule are joined again. */
static int tz_pick(icalcomponent *vtz, time_t start, icalcomponent **std_r,
    icalcomponent **dst_r)
{
	struct tz_rule rules[TZ_RULES_MAX];
	icalcomponent *sub;
	icalproperty *rp, *dp;
	struct icalrecurrencetype rr;
	struct icaltimetype dt;
	int year = utc_time(start).year, ret = -1;
	size_t n = 0, i;

	*std_r = *dst_r = NULL;
	for (sub = lib->icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib->icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		rp = lib->icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
		dp = lib->icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
		if (rp == NULL || dp == NULL)
			continue;
		rr = lib->icalproperty_get_rrule(rp);
		dt = lib->icalproperty_get_dtstart(dp);
		if (rr.freq != ICAL_YEARLY_RECURRENCE || rr.count != 0 || dt.year > year + 1 ||
		    (!lib->icaltime_is_null_time(rr.until) && rr.until.year < year - 1))
			continue;
		if (tz_rule_add(rules, &n, sub, rr, dt) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		icalcomponent **slot = rules[i].daylight ? dst_r : std_r;

		if (!lib->icaltime_is_null_time(rules[i].until) &&
		    lib->icaltime_as_timet(rules[i].until) < start)
			continue; /* ended before the event */
		/* a rule that begins after the event cannot say what held then
		 * (DTSTART is local time: a day of margin, verify() decides) */
		if (*slot != NULL || !rules[i].outlook ||
		    lib->icaltime_as_timet(rules[i].dtstart) > start + 86400)
			goto out;
		*slot = rules[i].first;
	}
	if (*std_r != NULL && *dst_r != NULL)
		ret = 0;
out:
	for (i = 0; i < n; i++)
		free(rules[i].key);
	return ret;
}

/* How the VTIMEZONE is made, tried in this order until the text read back
 * gives the right instants:
 * - RULES: one STANDARD and one DAYLIGHT rule, open-ended (what Outlook
 *   writes itself);
 * - FIXED: one STANDARD with the offset at the event, for a zone without
 *   daylight saving time then, in a year its rules change, or with a rule
 *   Outlook cannot read (the instants are right; the zone's other dates
 *   are not described);
 * - TRUNCATED: libical's own observances for the event's span
 *   (icaltimezone_truncate_vtimezone, ms_compatible), for an event across
 *   a change of offset that no yearly rule describes. */
enum tz_mode { TZ_RULES, TZ_FIXED, TZ_TRUNCATED };

static int c_tz_fixed(icalcomponent *vtz, icaltimezone *z, time_t start, time_t end)
{
	struct icaltimetype a = utc_time(start), b = utc_time(end), epoch = lib->icaltime_null_time();
	int off = lib->icaltimezone_get_utc_offset_of_utc_time(z, &a, NULL);
	const char *names = lib->icaltimezone_get_tznames(z);
	icalcomponent *std;

	if (off != lib->icaltimezone_get_utc_offset_of_utc_time(z, &b, NULL))
		return 1;
	std = lib->icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	/* "JST", "UTC"; libical gives "CET/CEST" for a zone with two names */
	if (names != NULL && *names != '\0' && strchr(names, '/') == NULL && field_ok(names, 0))
		lib->icalcomponent_add_property(std, lib->icalproperty_new_tzname(names));
	epoch.year = 1970;
	epoch.month = 1;
	epoch.day = 1;
	lib->icalcomponent_add_property(std, lib->icalproperty_new_dtstart(epoch));
	lib->icalcomponent_add_property(std, lib->icalproperty_new_tzoffsetfrom(off));
	lib->icalcomponent_add_property(std, lib->icalproperty_new_tzoffsetto(off));
	lib->icalcomponent_add_component(vtz, std);
	return 0;
}

static int c_tz_truncated(icalcomponent *vtz, icaltimezone *z, time_t start, time_t end)
{
	icalcomponent *copy = lib->icalcomponent_new_clone(lib->icaltimezone_get_component(z)), *sub;
	int n = 0;

	lib->icaltimezone_truncate_vtimezone(copy, utc_time(start), utc_time(end), 1);
	for (sub = lib->icalcomponent_get_first_component(copy, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib->icalcomponent_get_next_component(copy, ICAL_ANY_COMPONENT)) {
		if (lib->icalcomponent_isa(sub) != ICAL_XSTANDARD_COMPONENT &&
		    lib->icalcomponent_isa(sub) != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		lib->icalcomponent_add_component(vtz, c_observance(sub, 0));
		n++;
	}
	lib->icalcomponent_free(copy);
	return n > 0 ? 0 : 1;
}

/* The VTIMEZONE in *vtz_r; 0, or 1 (nothing returned) when the mode does
 * not fit the zone at that date. */
static int c_vtimezone(const char *tzid, icaltimezone *z, time_t start, time_t end,
    enum tz_mode mode, icalcomponent **vtz_r)
{
	icalcomponent *vtz = lib->icalcomponent_new(ICAL_VTIMEZONE_COMPONENT), *std, *dst;
	const char *loc = lib->icaltimezone_get_location(z);
	icalproperty *p;
	int r = 0;

	lib->icalcomponent_add_property(vtz, lib->icalproperty_new_tzid(tzid));
	/* libical-based readers (Evolution) map the zone to their own by it */
	if (loc != NULL && tzid_ok(loc)) {
		p = lib->icalproperty_new_x(loc);
		lib->icalproperty_set_x_name(p, "X-LIC-LOCATION");
		lib->icalcomponent_add_property(vtz, p);
	}
	if (mode == TZ_RULES) {
		r = tz_pick(lib->icaltimezone_get_component(z), start, &std, &dst) < 0;
		if (r == 0) {
			lib->icalcomponent_add_component(vtz, c_observance(std, 1));
			lib->icalcomponent_add_component(vtz, c_observance(dst, 1));
		}
	} else if (mode == TZ_TRUNCATED) {
		r = c_tz_truncated(vtz, z, start, end);
	} else {
		r = c_tz_fixed(vtz, z, start, end);
	}
	if (r != 0) {
		lib->icalcomponent_free(vtz);
		vtz = NULL;
	}
	*vtz_r = vtz;
	return r;
}

/* ---- the invitation ---- */

static icalcomponent *c_vevent(const struct ical_event *e, int cancel, icaltimezone *z,
    time_t end, time_t dtstamp)
{
	icalcomponent *ev = lib->icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalproperty *att;

	lib->icalcomponent_add_property(ev, lib->icalproperty_new_uid(e->uid));
	lib->icalcomponent_add_property(ev, lib->icalproperty_new_dtstamp(utc_time(dtstamp)));
	lib->icalcomponent_add_property(ev, lib->icalproperty_new_sequence((int)e->sequence));
	lib->icalcomponent_add_property(ev, p_when(lib->icalproperty_new_dtstart, e->tzid, z, e->start));
	lib->icalcomponent_add_property(ev, p_when(lib->icalproperty_new_dtend, e->tzid, z, end));
	lib->icalcomponent_add_property(ev, lib->icalproperty_new_summary(e->summary));
	if (e->location != NULL && *e->location != '\0')
		lib->icalcomponent_add_property(ev, lib->icalproperty_new_location(e->location));
	if (e->description != NULL && *e->description != '\0')
		lib->icalcomponent_add_property(ev, lib->icalproperty_new_description(e->description));
	lib->icalcomponent_add_property(ev, p_address(lib->icalproperty_new_organizer,
	    e->organizer_name, e->organizer_addr));
	/* RFC 5546 3.2.2: the attendee asked to answer; RFC 6047 sends the
	 * same object to each recipient, so each sees only themselves. A
	 * CANCEL asks for no answer (RFC 5546 3.2.5): no RSVP, no PARTSTAT. */
	att = p_address(lib->icalproperty_new_attendee, e->attendee_name, e->attendee_addr);
	lib->icalproperty_add_parameter(att, lib->icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	if (!cancel) {
		lib->icalproperty_add_parameter(att,
		    lib->icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		lib->icalproperty_add_parameter(att, lib->icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	lib->icalcomponent_add_property(ev, att);
	lib->icalcomponent_add_property(ev, lib->icalproperty_new_status(cancel ?
	    ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	lib->icalcomponent_add_property(ev, lib->icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	return ev;
}

/* The calendar written into w: 0, 1 when the zone mode does not fit, -1
 * when the text is too big. */
static int w_calendar(struct writer *w, const struct ical_event *e, int cancel,
    icaltimezone *z, time_t end, time_t dtstamp, enum tz_mode mode)
{
	icalcomponent *cal, *vtz;

	if (c_vtimezone(e->tzid, z, e->start, end, mode, &vtz) != 0)
		return 1;
	cal = lib->icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	lib->icalcomponent_add_property(cal, lib->icalproperty_new_prodid(ICAL_PRODID));
	lib->icalcomponent_add_property(cal, lib->icalproperty_new_version("2.0"));
	lib->icalcomponent_add_property(cal, lib->icalproperty_new_calscale("GREGORIAN"));
	lib->icalcomponent_add_property(cal, lib->icalproperty_new_method(cancel ?
	    ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
	lib->icalcomponent_add_component(cal, vtz);
	lib->icalcomponent_add_component(cal, c_vevent(e, cancel, z, end, dtstamp));
	w_component(w, cal);
	lib->icalcomponent_free(cal);
	return w->out.toobig || w->line.toobig ? -1 : 0;
}

static time_t prop_instant(icalcomponent *ev, icalproperty_kind kind, icaltimezone *z)
{
	icalproperty *p = lib->icalcomponent_get_first_property(ev, kind);
	struct icaltimetype t;

	if (p == NULL)
		return -1;
	t = lib->icalvalue_get_datetime(lib->icalproperty_get_value(p));
	return lib->icaltime_as_timet_with_zone(t, lib->icaltime_is_utc(t) ?
	    lib->icaltimezone_get_utc_timezone() : z);
}

/* Reads the text back as a receiver would: one VEVENT, the METHOD and the
 * SEQUENCE written, and the instants DTSTART and DTEND stand for through
 * the VTIMEZONE written (not the system's zone). */
static int verify(const char *text, const struct ical_event *e, int cancel, time_t end)
{
	icalcomponent *cal = lib->icalparser_parse_string(text), *vtz, *ev;
	icaltimezone *z = NULL;
	int ret = -1;

	if (cal == NULL || lib->icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT ||
	    lib->icalcomponent_count_errors(cal) != 0 ||
	    lib->icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) != 1 ||
	    lib->icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT) != 1 ||
	    lib->icalcomponent_get_method(cal) != (cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST))
		goto out;
	vtz = lib->icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	lib->icalcomponent_remove_component(cal, vtz);
	z = lib->icaltimezone_new();
	if (!lib->icaltimezone_set_component(z, vtz)) {
		/* the zone did not take it */
		lib->icalcomponent_free(vtz);
		goto out;
	}
	ev = lib->icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (prop_instant(ev, ICAL_DTSTART_PROPERTY, z) == e->start &&
	    prop_instant(ev, ICAL_DTEND_PROPERTY, z) == end &&
	    lib->icalcomponent_get_sequence(ev) == e->sequence)
		ret = 0;
out:
	if (z != NULL)
		lib->icaltimezone_free(z, 1);
	if (cal != NULL)
		lib->icalcomponent_free(cal);
	return ret;
}

int ical_request(const struct ical_event *e, int cancel, char **text_r, const char **error_r)
{
	static const enum tz_mode modes[] = { TZ_RULES, TZ_FIXED, TZ_TRUNCATED };
	struct writer w;
	icaltimezone *z;
	time_t end, dtstamp;
	size_t i;
	int r, ret = -1;

	*text_r = NULL;
	*error_r = NULL;
	w_init(&w);
	if ((*error_r = check_event(e)) != NULL)
		goto out;
	if (ical_lib_load() < 0) {
		*error_r = "the calendar library cannot be loaded";
		goto out;
	}
	if ((z = tz_find(e->tzid)) == NULL) {
		*error_r = "unknown time zone";
		goto out;
	}
	end = e->start + (time_t)e->duration_min * 60;
	dtstamp = e->dtstamp != 0 ? e->dtstamp : time(NULL);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		buf_reset(&w.out);
		buf_reset(&w.line);
		r = w_calendar(&w, e, cancel, z, end, dtstamp, modes[i]);
		if (r < 0) {
			*error_r = "calendar text over ICAL_BYTES_MAX";
			goto out;
		}
		if (r == 0 && verify(w.out.s, e, cancel, end) == 0) {
			*text_r = buf_steal(&w.out);
			ret = 0;
			goto out;
		}
	}
	*error_r = "the time zone cannot be described at this date";
out:
	w_deinit(&w);
	return ret;
}
