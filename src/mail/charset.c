/* charset: see charset.h.
 *
 * Three readings of bytes: UTF-8 (checked sequence by sequence), windows-1252
 * (a table for 0x80-0x9f, Latin-1 above), and every other charset through
 * glibc's iconv, with recovery, under the names mail really uses. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- UTF-8 ---- */

int charset_has_8bit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* windows-1252 0x80-0x9f as WHATWG's index has them, except that 0 marks
 * the five unassigned bytes, read as U+FFFD (charset.h says why). */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

uint32_t charset_cp1252(unsigned char c)
{
	if (c < 0x80 || c >= 0xa0)
		return c;
	return cp1252_c1[c - 0x80] != 0 ? cp1252_c1[c - 0x80] : 0xfffd;
}

void charset_mend(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, j, l;

	while (i < n && !b->toobig) {
		if ((unsigned char)s[i] < 0x80) {
			for (j = i; j < n && (unsigned char)s[j] < 0x80 && s[j] != '\0'; j++)
				;
			buf_add(b, s + i, j - i);
			i = j < n && s[j] == '\0' ? j + 1 : j;
		} else if ((l = utf8_seq(s + i, n - i, NULL)) > 0) {
			buf_add(b, s + i, l);
			i += l;
		} else {
			buf_add_utf8(b, charset_cp1252((unsigned char)s[i]));
			i++;
		}
	}
}

/* ---- charsets ---- */

enum cs_kind { CS_UTF8, CS_1252, CS_ICONV };

/* Names mail uses for charsets, mapped to what glibc's iconv should read;
 * where a superset exists it is used (GB18030 for GB2312, CP932 for
 * Shift_JIS, CP949 for EUC-KR: WHATWG does the same), and where two
 * candidates exist the one that decodes with fewer errors wins. */
static const struct {
	const char *name;
	enum cs_kind kind;
	const char *iconv; /* candidates separated by '|' */
} charsets[] = {
	{ "utf-8", CS_UTF8, NULL }, { "utf8", CS_UTF8, NULL }, { "unicode-1-1-utf-8", CS_UTF8, NULL },
	{ "x-unicode20utf8", CS_UTF8, NULL }, { "us-ascii", CS_UTF8, NULL }, { "ascii", CS_UTF8, NULL },
	{ "ansi_x3.4-1968", CS_UTF8, NULL }, { "ansi-x3.4-1968", CS_UTF8, NULL },
	{ "iso646-us", CS_UTF8, NULL }, { "us", CS_UTF8, NULL }, { "unknown-8bit", CS_UTF8, NULL },
	{ "x-unknown", CS_UTF8, NULL }, { "unknown", CS_UTF8, NULL }, { "default", CS_UTF8, NULL },
	{ "x-user-defined", CS_UTF8, NULL }, { "none", CS_UTF8, NULL }, { "7bit", CS_UTF8, NULL },
	{ "8bit", CS_UTF8, NULL }, { "binary", CS_UTF8, NULL }, { "charset", CS_UTF8, NULL },
	{ "iso-8859-1", CS_1252, NULL }, { "iso8859-1", CS_1252, NULL }, { "iso_8859-1", CS_1252, NULL },
	{ "iso-8859-1:1987", CS_1252, NULL }, { "latin1", CS_1252, NULL }, { "latin-1", CS_1252, NULL },
	{ "l1", CS_1252, NULL }, { "cp819", CS_1252, NULL }, { "ibm819", CS_1252, NULL },
	{ "windows-1252", CS_1252, NULL }, { "cp1252", CS_1252, NULL }, { "x-cp1252", CS_1252, NULL },
	{ "gb2312", CS_ICONV, "GB18030" }, { "gbk", CS_ICONV, "GB18030" }, { "x-gbk", CS_ICONV, "GB18030" },
	{ "cp936", CS_ICONV, "GB18030" }, { "euc-cn", CS_ICONV, "GB18030" },
	{ "x-euc-cn", CS_ICONV, "GB18030" }, { "csgb2312", CS_ICONV, "GB18030" },
	{ "gb_2312-80", CS_ICONV, "GB18030" }, { "chinese", CS_ICONV, "GB18030" },
	{ "big5", CS_ICONV, "BIG5-HKSCS|CP950" }, { "big-5", CS_ICONV, "BIG5-HKSCS|CP950" },
	{ "x-x-big5", CS_ICONV, "BIG5-HKSCS|CP950" }, { "cn-big5", CS_ICONV, "BIG5-HKSCS|CP950" },
	{ "csbig5", CS_ICONV, "BIG5-HKSCS|CP950" },
	{ "shift_jis", CS_ICONV, "CP932|SHIFT_JIS" }, { "shift-jis", CS_ICONV, "CP932|SHIFT_JIS" },
	{ "sjis", CS_ICONV, "CP932|SHIFT_JIS" }, { "x-sjis", CS_ICONV, "CP932|SHIFT_JIS" },
	{ "ms_kanji", CS_ICONV, "CP932|SHIFT_JIS" }, { "csshiftjis", CS_ICONV, "CP932|SHIFT_JIS" },
	{ "windows-31j", CS_ICONV, "CP932|SHIFT_JIS" },
	{ "iso-2022-jp", CS_ICONV, "ISO-2022-JP-2|ISO-2022-JP-3" },
	{ "csiso2022jp", CS_ICONV, "ISO-2022-JP-2|ISO-2022-JP-3" },
	{ "euc-jp", CS_ICONV, "EUC-JP-MS|EUC-JP" }, { "x-euc-jp", CS_ICONV, "EUC-JP-MS|EUC-JP" },
	{ "ks_c_5601-1987", CS_ICONV, "CP949" }, { "ks_c_5601-1989", CS_ICONV, "CP949" },
	{ "ks_c_5601", CS_ICONV, "CP949" }, { "ksc5601", CS_ICONV, "CP949" },
	{ "euc-kr", CS_ICONV, "CP949" }, { "korean", CS_ICONV, "CP949" },
	{ "windows-949", CS_ICONV, "CP949" }, { "csksc56011987", CS_ICONV, "CP949" },
	{ "iso-8859-8-i", CS_ICONV, "ISO-8859-8" }, { "iso-8859-8-e", CS_ICONV, "ISO-8859-8" },
	{ "iso-8859-6-i", CS_ICONV, "ISO-8859-6" }, { "iso-8859-6-e", CS_ICONV, "ISO-8859-6" },
	{ "tis-620", CS_ICONV, "CP874" }, { "windows-874", CS_ICONV, "CP874" },
	{ "iso-8859-11", CS_ICONV, "CP874" }, { "x-mac-roman", CS_ICONV, "MACINTOSH" },
	{ "unicode-1-1-utf-7", CS_ICONV, "UTF-7" }, { "unicode", CS_ICONV, "UTF-16" },
};

/* "UTF-8", "\"utf-8\"", "utf-8*en" (RFC 2231 language) -> "utf-8".
 * Returns 0 when the name cannot be a charset name. */
static int charset_canon(const char *name, char *out, size_t size)
{
	size_t i = 0;

	while (*name == ' ' || *name == '\t' || *name == '"' || *name == '\'')
		name++;
	for (; *name != '\0' && *name != '*' && *name != '"' && *name != '\'' && *name != ';' &&
	    *name != ' ' && *name != '\t'; name++) {
		unsigned char c = (unsigned char)*name;

		/* iconv_open() reads '/' as a suffix syntax: keep names plain */
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':')
			return 0;
		if (i + 1 >= size)
			return 0;
		out[i++] = (char)tolower(c);
	}
	out[i] = '\0';
	return 1;
}

/* iconv with recovery: a byte that does not decode becomes U+FFFD and the
 * conversion goes on. Returns the number of such errors, or -1 if the
 * charset is unknown to iconv. */
static long iconv_decode(struct buf *b, const char *cs, const char *data, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	char chunk[4096], *in, *out;
	size_t inleft = len, outleft, r;
	long errors = 0;

	if (cd == (iconv_t)-1)
		return -1;
	/* iconv() takes char ** for its input but does not write to it */
	in = (char *)(uintptr_t)data;
	while (inleft > 0 && !b->toobig) {
		size_t before = inleft;
		int e;

		out = chunk;
		outleft = sizeof(chunk);
		r = iconv(cd, &in, &inleft, &out, &outleft);
		e = errno;
		buf_add(b, chunk, (size_t)(out - chunk));
		if (r != (size_t)-1)
			continue;
		if (e == E2BIG && out != chunk)
			continue;
		errors++;
		buf_add_utf8(b, 0xfffd);
		if (e == EINVAL || inleft == 0)
			break; /* truncated sequence at the end */
		if (e != EILSEQ && before != inleft)
			continue;
		in++;
		inleft--;
	}
	out = chunk;
	outleft = sizeof(chunk);
	if (iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1)
		buf_add(b, chunk, (size_t)(out - chunk));
	iconv_close(cd);
	return errors;
}

/* Decodes with each '|'-separated candidate; keeps the one with fewest
 * errors. Returns that count, -1 if iconv knows none of them. */
static long iconv_best(struct buf *b, const char *cands, const char *data, size_t len)
{
	struct buf best, tmp;
	long best_err = -1, err;
	char name[CHARSET_NAME_MAX + 1];
	const char *p = cands;

	buf_init(&best, b->max);
	while (*p != '\0') {
		size_t l = strcspn(p, "|");

		if (l <= CHARSET_NAME_MAX) {
			memcpy(name, p, l);
			name[l] = '\0';
			buf_init(&tmp, b->max);
			buf_add(&tmp, "", 0);
			err = iconv_decode(&tmp, name, data, len);
			if (err >= 0 && (best_err < 0 || err < best_err)) {
				buf_deinit(&best);
				best = tmp;
				best_err = err;
			} else {
				buf_deinit(&tmp);
			}
			if (best_err == 0)
				break;
		}
		p += l;
		if (*p == '|')
			p++;
	}
	if (best_err >= 0)
		buf_add(b, best.s, best.len);
	buf_deinit(&best);
	return best_err;
}

/* Appends data in charset to b as UTF-8 (NUL bytes kept: see finish()). */
void charset_decode(struct buf *b, const char *data, size_t len, const char *charset)
{
	char canon[CHARSET_NAME_MAX + 1];
	const char *cands = NULL;
	enum cs_kind kind = CS_ICONV;
	size_t i, start = b->len;
	long err;

	if (charset == NULL || !charset_canon(charset, canon, sizeof(canon)) || canon[0] == '\0')
		kind = CS_UTF8;
	for (i = 0; kind == CS_ICONV && i < ARRAY_SIZE(charsets); i++)
		if (strcmp(canon, charsets[i].name) == 0) {
			kind = charsets[i].kind;
			cands = charsets[i].iconv;
		}
	/* text labelled ASCII or Latin-1 that is valid UTF-8 with some 8-bit
	 * bytes is UTF-8: real Latin-1 text almost never is */
	if (kind == CS_1252 && charset_has_8bit(data, len) && utf8_valid(data, len))
		kind = CS_UTF8;
	if (kind == CS_UTF8) {
		charset_mend(b, data, len);
		return;
	}
	if (kind == CS_1252) {
		for (i = 0; i < len && !b->toobig; i++)
			buf_add_utf8(b, charset_cp1252((unsigned char)data[i]));
		return;
	}
	err = iconv_best(b, cands != NULL ? cands : canon, data, len);
	if (err < 0 || (err > 0 && charset_has_8bit(data, len) && utf8_valid(data, len))) {
		/* unknown to iconv, or UTF-8 under a wrong label */
		b->len = start;
		b->toobig = 0;
		if (b->s != NULL)
			b->s[start] = '\0';
		charset_mend(b, data, len);
	}
}
