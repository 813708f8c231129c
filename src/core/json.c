#include "json.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

struct parser {
	const unsigned char *p, *end;
	const char *error;
};

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int fail(struct parser *ps, const char *why)
{
	if (ps->error == NULL)
		ps->error = why;
	return -1;
}

static int hex4(struct parser *ps, uint32_t *v_r)
{
	uint32_t v = 0;
	int i, c;

	if (ps->end - ps->p < 4)
		return fail(ps, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		c = ps->p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return fail(ps, "bad \\u escape");
	}
	ps->p += 4;
	*v_r = v;
	return 0;
}

static int escape(struct parser *ps, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	uint32_t cp, lo;

	if (ps->p >= ps->end)
		return fail(ps, "truncated escape");
	if (*ps->p != 'u') {
		e = strchr(from, *ps->p);
		if (e == NULL || *ps->p == '\0')
			return fail(ps, "bad escape");
		ps->p++;
		return out != NULL ? buf_addc(out, to[e - from]) : 0;
	}
	ps->p++;
	if (hex4(ps, &cp) < 0)
		return -1;
	/* a surrogate pair is one code point (RFC 8259 7); a lone half is
	 * kept as U+FFFD by buf_add_utf8 */
	if (cp >= 0xd800 && cp <= 0xdbff && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u') {
		const unsigned char *save = ps->p;

		ps->p += 2;
		if (hex4(ps, &lo) < 0)
			return -1;
		if (lo >= 0xdc00 && lo <= 0xdfff)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			ps->p = save;
	}
	return out != NULL ? buf_add_utf8(out, cp) : 0;
}

/* A string, the opening quote already seen; decoded into out if given. */
static int string(struct parser *ps, struct buf *out)
{
	const unsigned char *run;

	for (;;) {
		run = ps->p;
		while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && *ps->p >= 0x20)
			ps->p++;
		if (!utf8_valid((const char *)run, (size_t)(ps->p - run)))
			return fail(ps, "a string is not UTF-8");
		if (out != NULL && buf_add(out, run, (size_t)(ps->p - run)) < 0)
			return fail(ps, "a string is too long");
		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		if (*ps->p == '"') {
			ps->p++;
			return out == NULL || !out->toobig ? 0 : fail(ps, "a string is too long");
		}
		if (*ps->p < 0x20)
			return fail(ps, "a control character in a string");
		ps->p++;
		/* (a full buffer fails without a reason of its own) */
		if (escape(ps, out) < 0)
			return fail(ps, "a string is too long");
	}
}

static int digits(struct parser *ps)
{
	const unsigned char *start = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > start ? 0 : fail(ps, "bad number");
}

/* RFC 8259 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (digits(ps) < 0)
		return -1;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (digits(ps) < 0)
			return -1;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (digits(ps) < 0)
			return -1;
	}
	return 0;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	return 0;
}

static int value(struct parser *ps, int depth, struct json_member *m);

/* An object or array, its opening bracket already seen; members are kept
 * only at depth 1 (obj given). */
static int container(struct parser *ps, int depth, int is_object, struct json_object *obj)
{
	struct json_member m;
	struct buf name;
	int first = 1;
	size_t i;

	if (depth > JSON_DEPTH_MAX)
		return fail(ps, "nested too deep");
	for (;;) {
		ws(ps);
		if (ps->p < ps->end && *ps->p == (is_object ? '}' : ']') && first) {
			ps->p++;
			return 0;
		}
		memset(&m, 0, sizeof(m));
		if (is_object) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			ps->p++;
			buf_init(&name, JSON_STRING_BYTES_MAX);
			buf_add(&name, "", 0);
			if (string(ps, obj != NULL ? &name : NULL) < 0) {
				buf_deinit(&name);
				return -1;
			}
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				buf_deinit(&name);
				return fail(ps, "expected ':'");
			}
			ps->p++;
			m.name = obj != NULL ? buf_steal(&name) : NULL;
			buf_deinit(&name);
		}
		if (value(ps, depth, obj != NULL ? &m : NULL) < 0) {
			free(m.name);
			free(m.value);
			return -1;
		}
		if (obj != NULL) {
			for (i = 0; i < obj->n && strcmp(obj->v[i].name, m.name) != 0; i++)
				;
			if (i < obj->n || obj->n >= JSON_MEMBERS_MAX) {
				free(m.name);
				free(m.value);
				if (i == obj->n)
					return fail(ps, "too many members");
			} else {
				obj->v = xrealloc(obj->v, (obj->n + 1) * sizeof(*obj->v));
				obj->v[obj->n++] = m;
			}
		}
		first = 0;
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == (is_object ? '}' : ']')) {
			ps->p++;
			return 0;
		}
		return fail(ps, ps->p >= ps->end ? "truncated" : "expected ',' or a closing bracket");
	}
}

/* One value; m (at depth 1) gets its type and text. */
static int value(struct parser *ps, int depth, struct json_member *m)
{
	const unsigned char *start;
	struct buf s;
	int c;

	ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "truncated");
	c = *ps->p;
	if (c == '"') {
		ps->p++;
		if (m == NULL)
			return string(ps, NULL);
		buf_init(&s, JSON_STRING_BYTES_MAX);
		buf_add(&s, "", 0);
		if (string(ps, &s) < 0) {
			buf_deinit(&s);
			return -1;
		}
		m->type = JSON_STRING;
		m->value = buf_steal(&s);
		buf_deinit(&s);
		return 0;
	}
	if (c == '{' || c == '[') {
		ps->p++;
		if (m != NULL)
			m->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		return container(ps, depth + 1, c == '{', NULL);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		start = ps->p;
		if (number(ps) < 0)
			return -1;
		if (m != NULL) {
			if (ps->p - start > 64)
				return fail(ps, "a number is too long");
			m->type = JSON_NUMBER;
			m->value = xstrndup((const char *)start, (size_t)(ps->p - start));
		}
		return 0;
	}
	if (c == 't' || c == 'f' || c == 'n') {
		if (literal(ps, c == 't' ? "true" : c == 'f' ? "false" : "null") < 0)
			return -1;
		if (m != NULL)
			m->type = c == 't' ? JSON_TRUE : c == 'f' ? JSON_FALSE : JSON_NULL;
		return 0;
	}
	return fail(ps, "unexpected character");
}

int json_parse_object(const char *data, size_t len, struct json_object *obj_r,
    const char **error_r)
{
	struct parser ps;

	memset(obj_r, 0, sizeof(*obj_r));
	ps.p = (const unsigned char *)data;
	ps.end = ps.p + len;
	ps.error = NULL;
	/* a byte order mark is not JSON (RFC 8259 8.1), but harmless */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{') {
		*error_r = "not a JSON object";
		return -1;
	}
	ps.p++;
	if (container(&ps, 1, 1, obj_r) < 0)
		goto bad;
	ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "something after the object");
		goto bad;
	}
	return 0;
bad:
	*error_r = ps.error;
	json_object_deinit(obj_r);
	return -1;
}

void json_object_deinit(struct json_object *obj)
{
	size_t i;

	for (i = 0; i < obj->n; i++) {
		free(obj->v[i].name);
		free(obj->v[i].value);
	}
	free(obj->v);
	memset(obj, 0, sizeof(*obj));
}

static const struct json_member *get(const struct json_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->v[i].name, name) == 0)
			return &obj->v[i];
	return NULL;
}

const char *json_get_string(const struct json_object *obj, const char *name)
{
	const struct json_member *m = get(obj, name);

	return m != NULL && m->type == JSON_STRING ? m->value : NULL;
}

int json_get_long(const struct json_object *obj, const char *name, long *v_r)
{
	const struct json_member *m = get(obj, name);

	if (m == NULL || (m->type != JSON_NUMBER && m->type != JSON_STRING))
		return -1;
	return str_to_long(m->value, 0, LONG_MAX, v_r);
}
