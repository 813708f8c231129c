/* report's own: the tables the text, the CSV and the PDF are all written
 * from (report.c builds them), so that the three hold the same figures
 * under the same rule. A value is a count ("12"), a share ("75%"), a mean
 * ("4.2"), "fewer than 3", REPORT_HIDDEN, "-" (none) or "" (no cell). */
#ifndef MENTORD_REPORT_PRIVATE_H
#define MENTORD_REPORT_PRIVATE_H

#include <stddef.h>

#include "report.h"

#define COLS_MAX 3
#define ROWS_MAX 24
#define TABLES_MAX 20
#define REPORT_EDITIONS "Across editions" /* the title of its tables */

struct row {
	char label[48];
	char v[COLS_MAX][24];
};

struct table {
	const char *title;   /* also the CSV section */
	char cols[COLS_MAX][24];
	size_t ncols;
	int dated;           /* a column a session or an edition: its name names each figure */
	struct row rows[ROWS_MAX];
	size_t nrows;
};

struct tables {
	struct table t[TABLES_MAX];
	size_t n;
};

void report_build(const struct report *r, struct tables *ts);

#endif
