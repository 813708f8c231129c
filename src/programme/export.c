#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csv.h"
#include "store.h"
#include "util.h"

enum format { CSV, JSON };

struct out {
	enum format fmt;
	int rows;
	const char *const *cols;
	size_t n_cols;
	const char *section;
};

/* csv.h's cell, written out */
static void csv_field(const char *s)
{
	struct buf b;

	buf_init(&b, 4 * strlen(s != NULL ? s : "") + 16);
	buf_add(&b, "", 0);
	csv_cell(&b, s);
	fputs(b.s, stdout);
	buf_deinit(&b);
}

static void json_string(const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static int row_cb(const struct store_row *row, void *arg)
{
	struct out *o = arg;
	size_t i;

	if (o->fmt == CSV) {
		for (i = 0; i < o->n_cols; i++) {
			if (i > 0)
				putchar(',');
			csv_field(store_row_text(row, (int)i));
		}
		putchar('\n');
	} else {
		printf("%s\n    {", o->rows > 0 ? "," : "");
		for (i = 0; i < o->n_cols; i++) {
			printf("%s\"%s\": ", i ? ", " : "", o->cols[i]);
			json_string(store_row_text(row, (int)i));
		}
		putchar('}');
	}
	o->rows++;
	return 0;
}

static int section(struct store *st, struct out *o, const char *name, const char *const *cols,
    size_t n, const char *sql, const char *person)
{
	size_t i;
	int r;

	o->cols = cols;
	o->n_cols = n;
	o->rows = 0;
	if (o->fmt == CSV) {
		if (person != NULL)
			printf("# %s\n", name);
		for (i = 0; i < n; i++)
			printf("%s%s", i ? "," : "", cols[i]);
		putchar('\n');
	} else {
		printf("  \"%s\": [", name);
	}
	r = person != NULL ? store_query(st, sql, row_cb, o, "s", person)
	    : store_query(st, sql, row_cb, o, NULL);
	if (o->fmt == JSON)
		printf("%s]", o->rows ? "\n  " : "");
	return r;
}

static const char *const app_cols[] = { "cohort", "role", "status", "name", "address",
	"department", "field", "language", "topics", "preference", "capacity", "applied",
	"confirmed", "partner", "pair_status" };

#define APP_SQL "SELECT c.name, a.role, a.status, a.name, p.address, a.department, a.field," \
	" a.language, a.topics, a.preference, a.capacity, datetime(a.created_at, 'unixepoch')," \
	" datetime(a.confirmed_at, 'unixepoch'), (SELECT o.name FROM pairs x JOIN applications o" \
	" ON o.id = CASE WHEN x.mentor_app = a.id THEN x.mentee_app ELSE x.mentor_app END" \
	" WHERE (x.mentor_app = a.id OR x.mentee_app = a.id) AND x.status IN ('active', 'ended')" \
	" ORDER BY x.id DESC LIMIT 1), (SELECT x.status FROM pairs x WHERE (x.mentor_app = a.id" \
	" OR x.mentee_app = a.id) AND x.status IN ('active', 'ended') ORDER BY x.id DESC LIMIT 1)" \
	" FROM applications a JOIN people p ON p.id = a.person_id JOIN cohorts c ON c.id = a.cohort_id"

static const char *const checkin_cols[] = { "pair", "number", "sent", "answer", "answered" };
static const char *const rsvp_cols[] = { "event", "start", "answer", "updated" };
static const char *const case_cols[] = { "case", "status", "opened", "closed", "text" };
static const char *const choice_cols[] = { "profiles sent", "1st choice (profile)",
	"2nd choice (profile)", "3rd choice (profile)", "motivation", "chosen" };
static const char *const answer_cols[] = { "pair", "asked", "answer", "answered" };

/* What `export --person ADDRESS` gives, in this order. */
static const struct {
	const char *name;
	const char *const *cols;
	size_t n_cols;
	const char *sql;
} person_sections[] = {
	{ "applications", app_cols, ARRAY_SIZE(app_cols), APP_SQL " WHERE p.address = ? ORDER BY a.id" },
	{ "checkins", checkin_cols, ARRAY_SIZE(checkin_cols),
	  "SELECT k.pair_id, k.number, datetime(k.sent_at, 'unixepoch'), k.answer,"
	  " datetime(k.answered_at, 'unixepoch') FROM checkins k JOIN people p"
	  " ON p.id = k.person_id WHERE p.address = ? ORDER BY k.id" },
	{ "rsvps", rsvp_cols, ARRAY_SIZE(rsvp_cols),
	  "SELECT e.title, datetime(e.start_at, 'unixepoch'), r.partstat,"
	  " datetime(r.updated_at, 'unixepoch') FROM rsvps r JOIN events e"
	  " ON e.id = r.event_id JOIN people p ON p.id = r.person_id WHERE p.address = ?"
	  " ORDER BY e.id" },
	{ "cases", case_cols, ARRAY_SIZE(case_cols),
	  "SELECT k.id, k.status, datetime(k.opened_at, 'unixepoch'),"
	  " datetime(k.closed_at, 'unixepoch'), k.text FROM cases k JOIN people p"
	  " ON p.id = k.person_id WHERE p.address = ? ORDER BY k.id" },
	{ "choices", choice_cols, ARRAY_SIZE(choice_cols),
	  /* profile numbers, as she chose them: the profiles name nobody */
	  "SELECT datetime(c.asked_at, 'unixepoch'),"
	  " (SELECT number FROM profiles WHERE mentor_app = c.choice1),"
	  " (SELECT number FROM profiles WHERE mentor_app = c.choice2),"
	  " (SELECT number FROM profiles WHERE mentor_app = c.choice3), c.motivation,"
	  " datetime(c.chosen_at, 'unixepoch') FROM choices c JOIN applications a"
	  " ON a.id = c.mentee_app JOIN people p ON p.id = a.person_id WHERE p.address = ?"
	  " ORDER BY a.id" },
	{ "consents", answer_cols, ARRAY_SIZE(answer_cols),
	  "SELECT s.pair_id, datetime(s.asked_at, 'unixepoch'), s.answer,"
	  " datetime(s.answered_at, 'unixepoch') FROM consents s JOIN people p"
	  " ON p.id = s.person_id WHERE p.address = ? ORDER BY s.id" },
	{ "fits", answer_cols, ARRAY_SIZE(answer_cols),
	  "SELECT f.pair_id, datetime(f.asked_at, 'unixepoch'), f.answer,"
	  " datetime(f.answered_at, 'unixepoch') FROM fits f JOIN people p"
	  " ON p.id = f.person_id WHERE p.address = ? ORDER BY f.id" },
};

int export_run(struct store *st, const struct config *cfg, int argc, char **argv)
{
	struct out o;
	const char *person = NULL;
	size_t k;
	int i, r = 0;

	(void)cfg;
	memset(&o, 0, sizeof(o));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--person") == 0 && i + 1 < argc) {
			person = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "json") == 0)
				o.fmt = JSON;
			else if (strcmp(argv[i], "csv") != 0)
				goto usage;
		} else {
			goto usage;
		}
	}
	if (o.fmt == JSON)
		puts("{");
	if (person == NULL) {
		r = section(st, &o, "applications", app_cols, ARRAY_SIZE(app_cols),
		    APP_SQL " ORDER BY c.id, a.role, a.id", NULL);
	} else {
		for (k = 0; k < ARRAY_SIZE(person_sections) && r == 0; k++) {
			if (k > 0 && o.fmt == JSON)
				puts(",");
			r = section(st, &o, person_sections[k].name, person_sections[k].cols,
			    person_sections[k].n_cols, person_sections[k].sql, person);
		}
	}
	if (o.fmt == JSON)
		puts("\n}");
	return r < 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: mentord export [--person ADDRESS] [--format csv|json]\n");
	return 2;
}
