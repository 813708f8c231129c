/* Benchmark driver for match_propose(): reads an instance written by
 * bench_match.py, times the call with CLOCK_MONOTONIC and prints the
 * result for the script to check.
 *
 * Usage: match_driver INSTANCE.tsv [REPEATS]
 *
 * Input, one tab-separated record a line (an empty optional column = NULL):
 *   W  department field topics language preferences
 *   M  name address department fields topics language gender capacity
 *   E  name address department fields topics language gender capacity
 *      preference pref_gender pref_mentors
 * Output: "key value" lines (people, propose_seconds for each repeat,
 * pairs, total_score, unmatched), then "P mentor mentee score" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match.h"
#include "util.h"

#define COLS 12

struct instance {
	struct match_weights w;
	struct match_person *m, *e;
	size_t n_m, n_e, cap_m, cap_e;
};

static const char *opt(const char *s)
{
	return *s == '\0' ? NULL : s;
}

static double num(const char *s)
{
	char *end;
	double d = strtod(s, &end);

	if (*s == '\0' || *end != '\0')
		fatal("bad number '%s'", s);
	return d;
}

static void add_person(struct instance *in, char **col, size_t n)
{
	struct match_person *p;
	long cap = 1;
	int mentee = col[0][0] == 'E';

	if (n < (mentee ? 12u : 9u))
		fatal("short record");
	if (mentee && in->n_e == in->cap_e) {
		in->cap_e = in->cap_e ? 2 * in->cap_e : 1024;
		in->e = xrealloc(in->e, in->cap_e * sizeof(*in->e));
	} else if (!mentee && in->n_m == in->cap_m) {
		in->cap_m = in->cap_m ? 2 * in->cap_m : 1024;
		in->m = xrealloc(in->m, in->cap_m * sizeof(*in->m));
	}
	p = mentee ? &in->e[in->n_e++] : &in->m[in->n_m++];
	memset(p, 0, sizeof(*p));
	p->id = (int64_t)(mentee ? in->n_e : in->n_m);
	p->name = col[1];
	p->address = col[2];
	p->department = col[3];
	p->fields = col[4];
	p->topics = opt(col[5]);
	p->language = col[6];
	p->gender = opt(col[7]);
	if (str_to_long(col[8], 1, 1000, &cap) < 0)
		fatal("bad capacity '%s'", col[8]);
	p->capacity = (int)cap;
	if (!mentee)
		return;
	p->preference = opt(col[9]);
	p->pref_gender = opt(col[10]);
	p->pref_mentors = opt(col[11]);
}

/* Splits the file in place; the instance points into data. */
static void parse(char *data, struct instance *in)
{
	char *line = data, *next, *col[COLS], *p;
	size_t n;

	for (; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		for (n = 0, p = line; n < COLS; n++) {
			col[n] = p;
			p = strchr(p, '\t');
			if (p == NULL) {
				n++;
				break;
			}
			*p++ = '\0';
		}
		if (col[0][0] == 'W' && n >= 6) {
			in->w.department = num(col[1]);
			in->w.field = num(col[2]);
			in->w.topics = num(col[3]);
			in->w.language = num(col[4]);
			in->w.preferences = num(col[5]);
		} else if (col[0][0] == 'M' || col[0][0] == 'E') {
			add_person(in, col, n);
		}
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct instance in;
	struct match_result r;
	char *data = NULL;
	size_t len = 0, i;
	long repeats = 1, k;
	double t0;

	memset(&in, 0, sizeof(in));
	if (argc < 2 || (argc > 2 && str_to_long(argv[2], 1, 100, &repeats) < 0))
		fatal("usage: match_driver INSTANCE.tsv [REPEATS]");
	if (file_read(argv[1], 512u * 1024 * 1024, &data, &len) < 0)
		fatal("cannot read %s", argv[1]);
	parse(data, &in);
	printf("people %zu %zu\n", in.n_m, in.n_e);
	for (k = 0; k < repeats; k++) {
		if (k > 0)
			match_result_free(&r);
		t0 = now();
		if (match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &r) < 0)
			fatal("match_propose: %s", r.error);
		printf("propose_seconds %.6f\n", now() - t0);
	}
	printf("pairs %zu\ntotal_score %ld\nunmatched %zu\n", r.n_pairs, r.total_score, r.n_unmatched);
	for (i = 0; i < r.n_pairs; i++)
		printf("P %zu %zu %ld\n", r.pairs[i].mentor, r.pairs[i].mentee, r.pairs[i].score);
	match_result_free(&r);
	free(in.m);
	free(in.e);
	free(data);
	return 0;
}
