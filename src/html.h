/* html: HTML mail to readable plain text.
 *
 * Block elements (p, div, li, tr, h1-h6, blockquote...) start new lines, br
 * breaks a line, script/style/head are dropped, character references are
 * decoded to UTF-8, white space is collapsed as a browser would, and the
 * content of a blockquote is prefixed with "> " so that quoted text stays
 * recognisable as quoted. The result is at most max bytes, allocated. */
#ifndef MENTORD_HTML_H
#define MENTORD_HTML_H

#include <stddef.h>

char *html_to_text(const char *html, size_t len, size_t max);

#endif
