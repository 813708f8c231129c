/* json: the top-level members of one JSON object (RFC 8259), for the
 * answers of an OAuth 2 token service (RFC 6749 5.1, RFC 8628 3.2).
 *
 * Strict where it matters: the whole input must be one object, with
 * nothing but white space after it; strings are valid UTF-8 with escapes
 * decoded (\u0000 and lone surrogates become U+FFFD, so a value never holds
 * a NUL); nesting is bounded by JSON_DEPTH_MAX and the input by the
 * caller. Nested objects and arrays are checked and skipped: only the
 * top-level members are kept, the first of a name winning. */
#ifndef MENTORD_JSON_H
#define MENTORD_JSON_H

#include <stddef.h>

enum json_type { JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE, JSON_NULL, JSON_OBJECT,
	JSON_ARRAY };

struct json_member {
	char *name;
	enum json_type type;
	char *value; /* a string decoded, a number as written; else NULL */
};

struct json_object {
	struct json_member *v;
	size_t n;
};

/* 0, or -1 with a static *error_r (the object is then empty). */
int json_parse_object(const char *data, size_t len, struct json_object *obj_r,
    const char **error_r);
void json_object_deinit(struct json_object *obj);

/* A string member, or NULL when absent or of another type. */
const char *json_get_string(const struct json_object *obj, const char *name);
/* A whole number member in [0, LONG_MAX], written as a number or as a
 * string of digits (some services quote expires_in): 0, or -1. */
int json_get_long(const struct json_object *obj, const char *name, long *v_r);

#endif
