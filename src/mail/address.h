/* address: one mailbox as RFC 5322 3.4 writes it, read strictly.
 *
 *   mailbox    = name-addr / addr-spec
 *   name-addr  = [display-name] angle-addr
 *   angle-addr = [CFWS] "<" addr-spec ">" [CFWS]
 *   addr-spec  = local-part "@" domain
 *
 * with comments (nested, with quoted pairs) and white space wherever CFWS
 * may stand (3.2.2), quoted strings (3.2.4), the obsolete phrase with dots
 * (4.1: John Q. Public), and UTF-8 where RFC 6532 allows it. The local part
 * is kept as it is written: a quoted one keeps its quotes, so that
 * "chair@example.org"@evil.example is that address, never
 * chair@example.org.
 *
 * Refused (0): anything but exactly one mailbox (a list, a group, text
 * left over), a source route, a domain literal, a domain that is no host
 * name, an address over ADDRESS_BYTES_MAX bytes or a local part over 64
 * (RFC 5321 4.5.3.1.1), bytes that are not UTF-8 in the address, control
 * characters. Pure: no allocation, no I/O. */
#ifndef MENTORD_ADDRESS_H
#define MENTORD_ADDRESS_H

#include <stddef.h>

#include "bounds.h"

/* The display name as written may hold encoded words (RFC 2047), which
 * take up to four times the room of what they say. */
#define ADDRESS_PHRASE_BYTES_MAX (4 * DISPLAY_NAME_BYTES_MAX)

struct address {
	/* lower-cased (ASCII only) outside a quoted local part */
	char addr[ADDRESS_BYTES_MAX + 1];
	/* the display name: quoted strings unquoted, words joined by one
	 * space, encoded words left for the caller to decode; from a comment
	 * after a bare addr-spec when there is no display name; "" if none */
	char name[ADDRESS_PHRASE_BYTES_MAX + 1];
	int name_cut;      /* the display name did not fit: use none */
	int quoted_local;  /* the local part is a quoted string */
	int utf8;          /* the address holds non-ASCII (RFC 6531) */
};

/* 1 and *a filled when value[0..len) is exactly one usable mailbox, 0
 * when it is not (*a is then cleared). */
int address_parse(const char *value, size_t len, struct address *a);

#endif
