/* ical_write: ical_request() of ical.h, the invitations.
 *
 * The text is made here, line by line, so that escaping, quoting and
 * folding are ours to guarantee; libical supplies the zone data (the
 * system's zoneinfo through its builtin timezones) and reads the result
 * back as a receiver would before anything is returned. */
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

/* NAME;CN=name:mailto:addr, CN left out for an empty name. */
static void w_address(struct writer *w, const char *name, const char *params,
    const char *cn, const char *addr)
{
	w_add(w, name);
	if (cn != NULL && *cn != '\0') {
		w_add(w, ";CN=");
		w_param(w, cn);
	}
	w_add(w, params);
	w_add(w, ":mailto:");
	w_add(w, addr);
	w_end(w);
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

static void fmt_time(char *out, size_t size, struct icaltimetype t, int utc)
{
	snprintf(out, size, "%04d%02d%02dT%02d%02d%02d%s", t.year, t.month, t.day,
	    t.hour, t.minute, t.second, utc ? "Z" : "");
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

/* NAME;TZID=zone:local time, or NAME:UTC time for a repeated local time. */
static void w_when(struct writer *w, const char *name, const char *tzid, icaltimezone *z,
    time_t t)
{
	char s[40];

	w_add(w, name);
	if (local_repeated(z, t)) {
		fmt_time(s, sizeof(s), utc_time(t), 1);
		w_add(w, ":");
	} else {
		fmt_time(s, sizeof(s), lib->icaltime_from_timet_with_zone(t, 0, z), 0);
		w_add(w, ";TZID=");
		w_add(w, tzid);
		w_add(w, ":");
	}
	w_line(w, "", s);
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

/* One STANDARD or DAYLIGHT observance; with open, its rule loses UNTIL
 * and COUNT. libical's X-LIC- properties stay out. */
static void w_observance(struct writer *w, icalcomponent *sub, int open)
{
	const char *kind = lib->icalcomponent_isa(sub) == ICAL_XDAYLIGHT_COMPONENT ?
	    "DAYLIGHT" : "STANDARD";
	icalproperty *p;
	struct icalrecurrencetype rr;
	char *s;

	w_line(w, "BEGIN:", kind);
	for (p = lib->icalcomponent_get_first_property(sub, ICAL_ANY_PROPERTY); p != NULL;
	    p = lib->icalcomponent_get_next_property(sub, ICAL_ANY_PROPERTY)) {
		if (lib->icalproperty_isa(p) == ICAL_X_PROPERTY)
			continue;
		if (open && lib->icalproperty_isa(p) == ICAL_RRULE_PROPERTY) {
			rr = lib->icalproperty_get_rrule(p);
			rr.until = lib->icaltime_null_time();
			rr.count = 0;
			s = lib->icalrecurrencetype_as_string_r(&rr);
			w_line(w, "RRULE:", s);
			lib->icalmemory_free_buffer(s);
		} else {
			w_lib_prop(w, p);
		}
	}
	w_line(w, "END:", kind);
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

static void fmt_offset(char *out, size_t size, int secs)
{
	int a = secs < 0 ? -secs : secs;

	if (a % 60 != 0)
		snprintf(out, size, "%c%02d%02d%02d", secs < 0 ? '-' : '+', a / 3600,
		    a / 60 % 60, a % 60);
	else
		snprintf(out, size, "%c%02d%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static int w_tz_fixed(struct writer *w, icaltimezone *z, time_t start, time_t end)
{
	struct icaltimetype a = utc_time(start), b = utc_time(end);
	int off = lib->icaltimezone_get_utc_offset_of_utc_time(z, &a, NULL);
	const char *names = lib->icaltimezone_get_tznames(z);
	char s[24];

	if (off != lib->icaltimezone_get_utc_offset_of_utc_time(z, &b, NULL))
		return 1;
	fmt_offset(s, sizeof(s), off);
	w_line(w, "BEGIN:", "STANDARD");
	/* "JST", "UTC"; libical gives "CET/CEST" for a zone with two names */
	if (names != NULL && *names != '\0' && strchr(names, '/') == NULL && field_ok(names, 0)) {
		w_add(w, "TZNAME:");
		w_text(w, names);
		w_end(w);
	}
	w_line(w, "DTSTART:", "19700101T000000");
	w_line(w, "TZOFFSETFROM:", s);
	w_line(w, "TZOFFSETTO:", s);
	w_line(w, "END:", "STANDARD");
	return 0;
}

static int w_tz_truncated(struct writer *w, icaltimezone *z, time_t start, time_t end)
{
	icalcomponent *copy = lib->icalcomponent_new_clone(lib->icaltimezone_get_component(z)), *sub;
	int n = 0;

	lib->icaltimezone_truncate_vtimezone(copy, utc_time(start), utc_time(end), 1);
	for (sub = lib->icalcomponent_get_first_component(copy, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib->icalcomponent_get_next_component(copy, ICAL_ANY_COMPONENT)) {
		if (lib->icalcomponent_isa(sub) != ICAL_XSTANDARD_COMPONENT &&
		    lib->icalcomponent_isa(sub) != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		w_observance(w, sub, 0);
		n++;
	}
	lib->icalcomponent_free(copy);
	return n > 0 ? 0 : 1;
}

/* 0, or 1 when the mode does not fit the zone at that date. */
static int w_vtimezone(struct writer *w, const char *tzid, icaltimezone *z, time_t start,
    time_t end, enum tz_mode mode)
{
	icalcomponent *std, *dst;
	const char *loc = lib->icaltimezone_get_location(z);
	int r = 0;

	w_line(w, "BEGIN:", "VTIMEZONE");
	w_line(w, "TZID:", tzid);
	/* libical-based readers (Evolution) map the zone to their own by it */
	if (loc != NULL && tzid_ok(loc))
		w_line(w, "X-LIC-LOCATION:", loc);
	if (mode == TZ_RULES) {
		if (tz_pick(lib->icaltimezone_get_component(z), start, &std, &dst) < 0)
			return 1;
		w_observance(w, std, 1);
		w_observance(w, dst, 1);
	} else if (mode == TZ_TRUNCATED) {
		r = w_tz_truncated(w, z, start, end);
	} else {
		r = w_tz_fixed(w, z, start, end);
	}
	w_line(w, "END:", "VTIMEZONE");
	return r;
}

/* ---- the invitation ---- */

static void w_vevent(struct writer *w, const struct ical_event *e, int cancel,
    icaltimezone *z, time_t end, time_t dtstamp)
{
	char s[40];

	w_line(w, "BEGIN:", "VEVENT");
	w_add(w, "UID:");
	w_text(w, e->uid);
	w_end(w);
	fmt_time(s, sizeof(s), utc_time(dtstamp), 1);
	w_line(w, "DTSTAMP:", s);
	snprintf(s, sizeof(s), "%ld", e->sequence);
	w_line(w, "SEQUENCE:", s);
	w_when(w, "DTSTART", e->tzid, z, e->start);
	w_when(w, "DTEND", e->tzid, z, end);
	w_add(w, "SUMMARY:");
	w_text(w, e->summary);
	w_end(w);
	if (e->location != NULL && *e->location != '\0') {
		w_add(w, "LOCATION:");
		w_text(w, e->location);
		w_end(w);
	}
	if (e->description != NULL && *e->description != '\0') {
		w_add(w, "DESCRIPTION:");
		w_text(w, e->description);
		w_end(w);
	}
	w_address(w, "ORGANIZER", "", e->organizer_name, e->organizer_addr);
	/* RFC 5546 3.2.2: the attendee asked to answer; RFC 6047 sends the
	 * same object to each recipient, so each sees only themselves. */
	w_address(w, "ATTENDEE", ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
	    e->attendee_name, e->attendee_addr);
	w_line(w, "STATUS:", cancel ? "CANCELLED" : "CONFIRMED");
	w_line(w, "TRANSP:", "OPAQUE");
	w_line(w, "END:", "VEVENT");
}

/* 0, 1 when the zone mode does not fit, -1 when the text is too big. */
static int w_calendar(struct writer *w, const struct ical_event *e, int cancel,
    icaltimezone *z, time_t end, time_t dtstamp, enum tz_mode mode)
{
	int r;

	w_line(w, "BEGIN:", "VCALENDAR");
	w_line(w, "PRODID:", ICAL_PRODID);
	w_line(w, "VERSION:", "2.0");
	w_line(w, "CALSCALE:", "GREGORIAN");
	w_line(w, "METHOD:", cancel ? "CANCEL" : "REQUEST");
	if ((r = w_vtimezone(w, e->tzid, z, e->start, end, mode)) != 0)
		return r;
	w_vevent(w, e, cancel, z, end, dtstamp);
	w_line(w, "END:", "VCALENDAR");
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
