/* html: HTML mail to readable plain text, as a browser would lay it out.
 *
 * Block elements (p, div, li, tr, h1-h6, table...) start new lines and
 * paragraphs leave one empty line (never more than one in a row); br breaks
 * a line; li gives "- "; table cells of a row stay on one line; script,
 * style, head, title, comments, CDATA and display:none content are dropped;
 * character references (every HTML 4 name, decimal and hexadecimal, with
 * the windows-1252 reading of 128-159 that browsers apply; charset.h says
 * what the five unassigned ones become) are decoded; white space is
 * collapsed except in pre.
 *
 * Quoted text stays recognisable: the content of blockquote, of Gmail's
 * div.gmail_quote, Yahoo's div.yahoo_quoted and Outlook for Mac's
 * OLK_SRC_BODY_SECTION is prefixed with "> " per level, and so is
 * everything after Outlook's reply header (div#divRplyFwdMsg,
 * #appendonsend, or an hr or top-bordered block whose text starts with
 * "From:", "De :", "Von:", "Date:"...).
 *
 * The result is valid UTF-8 (bytes that are not become U+FFFD) without NUL,
 * at most max bytes, each line ending in LF; "" for no text. Allocated. */
#ifndef MENTORD_HTML_H
#define MENTORD_HTML_H

#include <stddef.h>

char *html_to_text(const char *html, size_t len, size_t max);

#endif
