/* csv: one cell of a CSV file (RFC 4180), the one writer the report and
 * export share. A cell holding a comma, a quote or a line end is quoted,
 * its quotes doubled. A cell a spreadsheet would run as a formula (one
 * that begins with = + - @, a tab or a carriage return: OWASP's CSV
 * injection) is made inert text by a leading apostrophe, inside quotes;
 * a plain number ("-3", "4.5") or a lone "-" is left as it is. */
#ifndef MENTORD_CSV_H
#define MENTORD_CSV_H

struct buf;

/* s NULL: an empty cell. */
void csv_cell(struct buf *b, const char *s);

#endif
