/* ical: iMIP training invitations out, calendar replies in (the only user
 * of libical).
 *
 * ical_request() writes one iTIP object (RFC 5545, RFC 5546; sent by mail as
 * RFC 6047 iMIP): METHOD:REQUEST, or METHOD:CANCEL with STATUS:CANCELLED,
 * with a VTIMEZONE for the event's zone built from the system's zoneinfo,
 * one VEVENT, the organizer and exactly one attendee, with RSVP=TRUE in a
 * REQUEST so that Outlook, Gmail, Apple Calendar and Thunderbird show their
 * Accept/Decline buttons (a CANCEL asks for no answer). Before it returns, the text is parsed back with libical and the
 * start and end instants are recomputed from the VTIMEZONE written: a zone
 * that cannot be described correctly is an error, never a wrong time.
 *
 * ical_parse_reply() reads a METHOD:REPLY calendar leniently: libical first,
 * then, when libical rejects the text or finds nothing usable, a small
 * line-based reader, so that a slightly broken reply still counts. Only
 * VEVENTs are read; a VCALENDAR whose METHOD is present and not REPLY is
 * skipped (a forwarded invitation is not an answer).
 *
 * Neither function keeps state between calls; the text and the replies
 * returned are owned by the caller. */
#ifndef MENTORD_ICAL_H
#define MENTORD_ICAL_H

#include <stddef.h>
#include <time.h>

/* Limits on what ical_request() accepts (the output as a whole is bounded
 * by ICAL_BYTES_MAX of bounds.h). */
#define ICAL_TZID_BYTES_MAX 64
#define ICAL_DURATION_MIN_MAX (7L * 24 * 60)

struct ical_event {
	const char *uid;            /* stable, e.g. "training-3-<instance>@example.org" */
	long sequence;              /* 0, then higher on each update */
	time_t start;               /* UTC seconds */
	long duration_min;          /* 1 .. ICAL_DURATION_MIN_MAX */
	const char *tzid;           /* the programme's zone, e.g. "Europe/Zurich", or "UTC" */
	const char *summary;
	const char *location;       /* NULL or "" for none */
	const char *description;    /* NULL or "" for none */
	const char *organizer_name; /* the committee's display name; NULL or "" for none */
	const char *organizer_addr;
	const char *attendee_name;  /* the one recipient; NULL or "" for none */
	const char *attendee_addr;
	time_t dtstamp;             /* 0: now */
};

/* METHOD:REQUEST, or METHOD:CANCEL with STATUS:CANCELLED when cancel is 1.
 * The result is the iCalendar text with CRLF line ends, folded at 75 octets
 * (never inside a UTF-8 sequence), allocated, in *text_r. Text values are
 * escaped (RFC 5545 3.3.11: backslash, semicolon, comma, and every line
 * break as \n, so that CR or LF from data never ends a line); names are
 * quoted parameter values (RFC 5545 3.2, RFC 6868 for ^ and ").
 * DTSTART/DTEND are local times with TZID=tzid, except a local time that the
 * clock shows twice (the hour repeated when daylight saving time ends): that
 * one is written in UTC, since receivers disagree on which instant it means.
 * Returns 0, or -1 with a static reason in *error_r: unknown or malformed
 * time zone, invalid UTF-8 or control characters in a field, a malformed
 * address, a duration or sequence out of range, a text over ICAL_BYTES_MAX. */
int ical_request(const struct ical_event *e, int cancel, char **text_r, const char **error_r);

struct ical_reply {
	char *uid;
	char *attendee;   /* lower-cased address, without "mailto:" */
	char *partstat;   /* "ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION", "DELEGATED" */
	long sequence;    /* 0 if absent */
	time_t dtstamp;   /* 0 if absent */
};

/* Parses a METHOD:REPLY calendar leniently: every (uid, attendee, partstat)
 * found in a VEVENT, in the order found, exact repeats once (keeping the
 * highest sequence and dtstamp), at most ICAL_COMPONENTS_MAX of them. An
 * ATTENDEE without PARTSTAT counts as NEEDS-ACTION (RFC 5545 3.2.12); other
 * values (X-names, the VTODO states) are skipped. An attendee value that is
 * not a mailto: URI is taken from its EMAIL parameter (RFC 7986 6.2), else
 * skipped. The text may use CRLF, LF or CR, be folded anywhere, start with
 * a byte-order mark and hold several VCALENDARs.
 * Returns 0 with *n_r = 0 when nothing usable is found (*replies_r is then
 * NULL), and -1 (nothing returned) when the text is over ICAL_BYTES_MAX or
 * holds more than ICAL_COMPONENTS_MAX components (bounds.h). */
int ical_parse_reply(const char *text, size_t len, struct ical_reply **replies_r, size_t *n_r);
/* Frees the array and its strings; sets *replies to NULL. */
void ical_replies_free(struct ical_reply **replies, size_t n);

/* libical is loaded by the first call that needs it (a reply is then read by
 * the line reader alone if it cannot be) and stays until ical_unload(),
 * which gives its memory back: the daemon calls it before waiting. */
void ical_unload(void);

#endif
