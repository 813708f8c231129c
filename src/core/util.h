/* util: allocation wrappers, bounded buffers, arenas, string and time helpers.
 *
 * Allocation wrappers never return NULL: out of memory is fatal, so callers
 * do not test. Everything else returns 0 on success and -1 on error. */
#ifndef MENTORD_UTIL_H
#define MENTORD_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Start-up errors, broken invariants and out of memory only. */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* free(*p) and set *p to NULL. */
void xfree(char **p);

/* A growable byte buffer with a hard maximum. Once an append would pass
 * max, the append fails, toobig is set and the content is left as it was.
 * s is always NUL-terminated (after the first append). */
struct buf {
	char *s;
	size_t len;
	size_t cap;
	size_t max;
	int toobig;
};
void buf_init(struct buf *b, size_t max);
void buf_deinit(struct buf *b);
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the content (never NULL) and leaves b empty; the caller frees. */
char *buf_steal(struct buf *b);
/* Appends n bytes in base64 (RFC 4648 4, with its '=' padding) or, url
 * set, in base64url without padding (RFC 4648 5, as RFC 7636 uses it);
 * no line breaks. The one base64 encoder. */
int buf_add_base64(struct buf *b, const void *data, size_t n, int url);
/* Appends a code point as UTF-8; NUL, surrogates and values past U+10FFFF
 * become U+FFFD, so that decoded text never holds them. */
int buf_add_utf8(struct buf *b, uint32_t cp);
void buf_reset(struct buf *b);

/* An arena: many small allocations freed in one call (one per message). */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena **a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* The bytes the arena holds (for tests and limits). */
size_t arena_size(const struct arena *a);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strings. */
int str_has_prefix(const char *s, const char *prefix);
int str_has_prefix_ci(const char *s, const char *prefix);
int str_eq_ci(const char *a, const char *b);
/* Trims ASCII white space in place; returns s. */
char *str_trim(char *s);
void str_lower_ascii(char *s);
/* Strict decimal parse of the whole string into [min, max]. */
int str_to_long(const char *s, long min, long max, long *r);
/* Copies with truncation; returns -1 when truncated. */
int str_copy(char *dst, size_t size, const char *src);
/* True if s holds a byte below 0x20 or 0x7f. */
int str_has_ctl(const char *s);
/* True if s holds a control character (C0, DEL, C1) or a bidirectional
 * embedding, override or isolate: text that cannot be shown as it is. */
int str_has_unshown(const char *s);
/* A copy of valid UTF-8 s for display (allocated): without C1 controls and
 * bidirectional embeddings, overrides and isolates; C0 controls and DEL
 * dropped too, except line breaks and tabs when lines is set (a line break
 * or tab becomes a space when it is not). */
char *str_shown(const char *s, int lines);
/* The length (1 to 4) of the valid UTF-8 sequence at s, within n bytes,
 * and its code point in *cp_r (may be NULL); 0 if the bytes there are not
 * one (overlong forms, surrogates and values past U+10FFFF are not). The
 * one UTF-8 check: every reader of UTF-8 uses it. */
size_t utf8_seq(const char *s, size_t n, uint32_t *cp_r);
/* Valid UTF-8? */
int utf8_valid(const char *s, size_t n);
/* Number of code points (for length limits on names). */
size_t utf8_len(const char *s);
/* Bytes of the first chars code points of s (all of s when shorter). */
size_t utf8_offset(const char *s, size_t chars);
/* Appends s (NULL: nothing) in at most width characters: cut at a
 * character with an ellipsis ("…") when longer. Returns the characters
 * appended. */
size_t buf_add_fit(struct buf *b, const char *s, size_t width);
/* Appends the words of the n bytes at s (split at spaces) as lines of at
 * most width characters, the first going on from column col, each next
 * one after indent spaces; a word longer than a line stands alone, never
 * cut. Every line, the last included, ends with eol. */
void buf_fill(struct buf *b, const char *s, size_t n, size_t col, size_t indent, size_t width,
    const char *eol);
/* Folds a UTF-8 string for comparison: lower case, Latin accents removed,
 * runs of white space and punctuation collapsed to one space, trimmed.
 * "Département  IT-Sécurité" -> "departement it securite". */
char *str_fold(const char *s);

/* A split list of strings, owned. */
struct strlist {
	char **v;
	size_t n;
};
void strlist_add(struct strlist *l, const char *s);
void strlist_deinit(struct strlist *l);
int strlist_contains_ci(const struct strlist *l, const char *s);
/* Splits on sep, trims each item, drops empty ones. */
void strlist_split(struct strlist *l, const char *s, char sep);

/* Time. All times are UTC seconds; local time means the programme's zone,
 * which main() installs as TZ. */
/* ISO 8601: 2026-03-01, 2026-03-01T09:30, 2026-03-01T09:30:00[Z|+01:00]
 * (no zone means local time). */
int time_parse_iso8601(const char *s, time_t *r);
/* RFC 5322 date in local time, e.g. "Mon, 02 Mar 2026 09:30:00 +0100". */
void time_rfc5322(time_t t, char *out, size_t size);
/* 2026-03-02 09:30 in local time. */
void time_local_str(time_t t, char *out, size_t size);
/* 2026-03-02 in local time. */
void time_local_date(time_t t, char *out, size_t size);
/* 09:30 in local time. */
void time_local_hm(time_t t, char *out, size_t size);
/* The day of t in words, in lang ("en", else "fr"): "23 April",
 * "23 avril", with the year when it is not the year of now ("23 April
 * 2025"); "lundi 23 avril" with the weekday. */
void time_local_day(time_t t, time_t now, const char *lang, int weekday, char *out,
    size_t size);
/* The day of the week of t in lang: "Monday", "lundi". */
const char *time_local_weekday(time_t t, const char *lang);
/* Seconds since the epoch for a local wall-clock time; -1 on error. A time
 * the clocks skip comes out later by the jump (02:30 -> 03:30), one they
 * show twice comes out as the first: for a time a person chose, use
 * time_local_candidates(). */
time_t time_from_local(int year, int mon, int day, int hour, int min);
/* The instants a local wall-clock time names: 0 (the clocks skip it, or the
 * fields are out of range), 1, or 2 (the hour the clocks show twice, the
 * earlier first), in out. */
int time_local_candidates(int year, int mon, int day, int hour, int min, time_t out[2]);
/* t moved by days calendar days (negative: back) in local time, at the same
 * wall-clock time: 09:00 stays 09:00 across a change of the clocks (a time
 * that falls in the skipped hour moves on by the jump). */
time_t time_add_days(time_t t, long days);
/* Seconds since the epoch for a UTC date and time whose fields the caller
 * checked (month 1-12, second up to 60). */
time_t time_from_utc(int year, int mon, int day, int hour, int min, int sec);

/* 64-bit FNV-1a, for deterministic identifiers (not for security). */
uint64_t hash64(const void *data, size_t n);
/* n random bytes as lowercase hex into out (2n+1 bytes). */
int random_hex(char *out, size_t nbytes);

/* Reads a whole file up to max bytes. */
int file_read(const char *path, size_t max, char **data_r, size_t *len_r);
/* Writes atomically and durably: temp file (O_EXCL, mode), write, fsync,
 * close, rename, fsync of the directory; once it returns 0 the file is on
 * disk under its name. On -1, errno says why (ENOSPC: the disk is full). */
int file_write_atomic(const char *path, const void *data, size_t len, int mode);
/* Puts a finished file in its place durably: fsync of from, rename to to,
 * fsync of the folder. */
int file_sync_rename(const char *from, const char *to);
/* The file system that holds path (or would hold it, if it does not exist
 * yet): its mount point and type (from /proc/self/mountinfo, "?" when
 * unknown) and its bytes available to an unprivileged user, and in all. */
struct fs_space {
	char mount[1024];
	char type[64];
	uint64_t avail, total;
};
int fs_space(const char *path, struct fs_space *r);
/* Waits, using no CPU and no timer, until fd is readable (1), timeout_ms
 * passed (0), or a caught SIGTERM, SIGINT or SIGHUP came or *flag (set by
 * their handler) is non-zero (0); -1 on error. fd -1 waits for the time or
 * a signal only. */
int fd_wait_readable(int fd, int64_t timeout_ms, volatile sig_atomic_t *flag);
/* mkdir -p with mode for the created components. */
int mkdir_p(const char *path, int mode);
/* What to say of a file that could not be opened, read or written:
 * "PATH: " and strerror(err); a permission refused (EACCES, EPERM) also
 * names the user mentord runs as and the fix, as `chown USER PATH` (or
 * `chmod u+rw PATH` for the user's own file), or the folder on the way
 * that user cannot enter, or, for a file not made yet, cannot write in.
 * Allocated. */
char *file_error(const char *path, int err);

#endif
