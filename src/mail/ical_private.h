/* ical_private.h: what the files of the ical module share. ical.h is the
 * contract with the rest of mentord; this header, and with it libical's,
 * is included by src/mail/ical*.c only: ical.c loads the library,
 * ical_write.c writes invitations, ical_read.c reads replies. */
#ifndef MENTORD_ICAL_PRIVATE_H
#define MENTORD_ICAL_PRIVATE_H

#include <libical/ical.h>

/* libical and the ICU it brings weigh more than the rest of an idle daemon:
 * they are opened on first use and closed by ical_unload(). Every libical
 * function the module uses is in this list and called through ical_lib. */
#define ICAL_FUNCTIONS(X) \
	X(icalcomponent_add_component) \
	X(icalcomponent_add_property) \
	X(icalcomponent_count_components) \
	X(icalcomponent_count_errors) \
	X(icalcomponent_free) \
	X(icalcomponent_get_first_component) \
	X(icalcomponent_get_first_property) \
	X(icalcomponent_get_method) \
	X(icalcomponent_get_next_component) \
	X(icalcomponent_get_next_property) \
	X(icalcomponent_get_sequence) \
	X(icalcomponent_get_uid) \
	X(icalcomponent_isa) \
	X(icalcomponent_kind_to_string) \
	X(icalcomponent_new) \
	X(icalcomponent_new_clone) \
	X(icalcomponent_remove_component) \
	X(icalerror_set_errors_are_fatal) \
	X(icalmemory_free_buffer) \
	X(icalmemory_free_ring) \
	X(icalparameter_as_ical_string_r) \
	X(icalparameter_get_cn) \
	X(icalparameter_isa) \
	X(icalparameter_new_cn) \
	X(icalparameter_new_partstat) \
	X(icalparameter_new_role) \
	X(icalparameter_new_rsvp) \
	X(icalparameter_new_tzid) \
	X(icalparser_parse_string) \
	X(icalproperty_add_parameter) \
	X(icalproperty_as_ical_string_r) \
	X(icalproperty_get_attendee) \
	X(icalproperty_get_dtstamp) \
	X(icalproperty_get_dtstart) \
	X(icalproperty_get_first_parameter) \
	X(icalproperty_get_next_parameter) \
	X(icalproperty_get_parameter_as_string_r) \
	X(icalproperty_get_property_name_r) \
	X(icalproperty_get_rrule) \
	X(icalproperty_get_sequence) \
	X(icalproperty_get_tzoffsetfrom) \
	X(icalproperty_get_tzoffsetto) \
	X(icalproperty_get_value) \
	X(icalproperty_get_value_as_string_r) \
	X(icalproperty_isa) \
	X(icalproperty_new_attendee) \
	X(icalproperty_new_calscale) \
	X(icalproperty_new_clone) \
	X(icalproperty_new_description) \
	X(icalproperty_new_dtend) \
	X(icalproperty_new_dtstamp) \
	X(icalproperty_new_dtstart) \
	X(icalproperty_new_location) \
	X(icalproperty_new_method) \
	X(icalproperty_new_organizer) \
	X(icalproperty_new_prodid) \
	X(icalproperty_new_rrule) \
	X(icalproperty_new_sequence) \
	X(icalproperty_new_status) \
	X(icalproperty_new_summary) \
	X(icalproperty_new_transp) \
	X(icalproperty_new_tzid) \
	X(icalproperty_new_tzname) \
	X(icalproperty_new_tzoffsetfrom) \
	X(icalproperty_new_tzoffsetto) \
	X(icalproperty_new_uid) \
	X(icalproperty_new_version) \
	X(icalproperty_new_x) \
	X(icalproperty_set_x_name) \
	X(icalrecurrencetype_as_string_r) \
	X(icalrecurrencetype_day_position) \
	X(icaltime_as_timet) \
	X(icaltime_as_timet_with_zone) \
	X(icaltime_compare) \
	X(icaltime_from_timet_with_zone) \
	X(icaltime_is_null_time) \
	X(icaltime_is_utc) \
	X(icaltime_null_time) \
	X(icaltimezone_free) \
	X(icaltimezone_free_builtin_timezones) \
	X(icaltimezone_get_builtin_timezone) \
	X(icaltimezone_get_component) \
	X(icaltimezone_get_location) \
	X(icaltimezone_get_tznames) \
	X(icaltimezone_get_utc_offset_of_utc_time) \
	X(icaltimezone_get_utc_timezone) \
	X(icaltimezone_new) \
	X(icaltimezone_set_component) \
	X(icaltimezone_truncate_vtimezone) \
	X(icalvalue_as_ical_string_r) \
	X(icalvalue_get_datetime) \
	X(icalvalue_get_text) \
	X(icalvalue_isa)

struct ical_lib {
	void *handle;          /* NULL while libical is not loaded */
#define X(f) __typeof__(&f) f;
	ICAL_FUNCTIONS(X)
#undef X
};

/* The functions of the loaded library; valid after ical_lib_load() has
 * returned 0, until ical_unload(). */
extern struct ical_lib ical_lib;

/* 0 when libical is ready; -1 (logged) when it or one of its functions
 * cannot be found. */
int ical_lib_load(void);

/* An address that can follow "mailto:" as it is: not empty, at most
 * ADDRESS_BYTES_MAX, one '@' not at an end, valid UTF-8, no white space, no
 * control character, nothing that would end a parameter or a value. */
int ical_addr_ok(const char *s);

#endif
