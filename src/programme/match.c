/* match: optimal mentor-mentee pairs as a min-cost flow.
 *
 * Network: S -> each mentee (capacity 1) -> each allowed mentor (capacity
 * 1, cost smax - score) -> T (capacity: the mentor's). A flow of value k is
 * a set of k pairs; its cost is k * smax - (their total score). Augmenting
 * along shortest paths only (successive shortest paths) gives, at every
 * step, a flow of least cost among the flows of its value; run until no
 * augmenting path is left, it ends with the most pairs and, among those,
 * the least cost, i.e. the highest total score. That is the lexicographic
 * objective "pairs first, then score": the constant smax per pair plays the
 * role of the big bonus per pair, without the big numbers.
 *
 * Primal-dual, in phases. Node potentials keep every residual arc's reduced
 * cost c(u,v) + pot(u) - pot(v) >= 0. Within a phase, depth-first passes
 * over the admissible graph (residual arcs of reduced cost 0) augment along
 * as many paths from S to T as they find: each is a shortest path, so each
 * keeps the flow optimal. When a pass finds none, Dijkstra on reduced costs
 * from all free mentees at once (S is implicit: a free mentee starts at
 * pot_s - pot(e)) finds the next distance dT and stops as soon as T is
 * popped; only the popped nodes' potentials move, by d(v) - dT (the others
 * keep theirs, as if at distance dT), which keeps reduced costs >= 0 and
 * makes the shortest paths admissible for the next phase. Scores take few
 * distinct values, so phases are few (15 for the benchmark's 2,000 x 5,000
 * cohort) and most pairs come from the cheap passes.
 *
 * Only allowed pairs are stored, as one adjacency array per mentee (the
 * graph is sparse when there are a few dozen departments and fields); the
 * arcs back from a mentor are its assigned mentees. Memory is O(people +
 * allowed pairs): no mentors x mentees matrix, and no column per place.
 *
 * Determinism: the passes take free mentees in input order and their arcs
 * in mentor order; the heap orders nodes by (distance, node number): T
 * first, then mentors, then mentees, each in input order. So equal
 * candidates are served in input order. */
#include "match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- interned folded strings: comparisons become integer ones ---- */

struct intern {
	uint32_t *slot; /* id + 1, 0 = empty */
	size_t mask;
	char **key;
	size_t n, cap;
};

static void intern_deinit(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->key[i]);
	free(t->key);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static void intern_place(struct intern *t, uint32_t id)
{
	const char *k = t->key[id];
	size_t i = (size_t)hash64(k, strlen(k)) & t->mask;

	while (t->slot[i] != 0)
		i = (i + 1) & t->mask;
	t->slot[i] = id + 1;
}

static void intern_grow(struct intern *t)
{
	size_t size = t->slot == NULL ? 64 : (t->mask + 1) * 2, i;

	free(t->slot);
	t->slot = xcalloc(size, sizeof(*t->slot));
	t->mask = size - 1;
	for (i = 0; i < t->n; i++)
		intern_place(t, (uint32_t)i);
}

/* Id of key, -1 if absent. */
static int32_t intern_find(const struct intern *t, const char *key, size_t *slot_r)
{
	size_t i;
	uint32_t id;

	if (t->slot == NULL)
		return -1;
	for (i = (size_t)hash64(key, strlen(key)) & t->mask; t->slot[i] != 0; i = (i + 1) & t->mask) {
		id = t->slot[i] - 1;
		if (strcmp(t->key[id], key) == 0)
			return (int32_t)id;
	}
	if (slot_r != NULL)
		*slot_r = i;
	return -1;
}

/* Id of key (taking ownership of it when inserted, else freeing it);
 * -1 for an empty key, or an absent one unless insert. */
static int32_t intern_take(struct intern *t, char *key, int insert)
{
	size_t i = 0;
	int32_t id;

	if (key == NULL || *key == '\0') {
		free(key);
		return -1;
	}
	if (insert && (t->slot == NULL || (t->n + 1) * 2 > t->mask + 1))
		intern_grow(t);
	id = intern_find(t, key, &i);
	if (id >= 0 || !insert) {
		free(key);
		return id;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->key = xrealloc(t->key, t->cap * sizeof(*t->key));
	}
	t->key[t->n] = key;
	t->slot[i] = (uint32_t)t->n + 1;
	return (int32_t)t->n++;
}

/* ---- people, prepared for comparison ---- */

enum { PREF_ANY, PREF_SAME, PREF_OTHER };

/* Lists are offsets into prep.ids: sorted, distinct ids. */
struct person {
	int32_t dept, addr, lang, gender, pref_gender;
	int32_t choice[MATCH_CHOICES_MAX]; /* mentees: mentor indexes chosen, -1 */
	int pref;
	uint32_t fields, n_fields, topics, n_topics, named, n_named, past, n_past, ended, n_ended;
};

struct prep {
	struct intern in;
	struct person *m, *e;
	size_t n_m, n_e;
	int32_t *ids;
	size_t n_ids, cap_ids;
	long wd, wf, wt, wl, wp; /* hundredths */
	long wc;                 /* a choice's unit: 0 when nobody chose (match.h) */
	long smax;               /* best possible score and choice weight of a pair */
};

static int32_t fold_id(struct prep *p, const char *s, int insert)
{
	return s == NULL ? -1 : intern_take(&p->in, str_fold(s), insert);
}

static int32_t address_id(struct prep *p, const char *s, int insert)
{
	char *a;

	if (s == NULL)
		return -1;
	a = xstrdup(s);
	str_trim(a);
	str_lower_ascii(a);
	return intern_take(&p->in, a, insert);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void ids_add(struct prep *p, int32_t id)
{
	if (p->n_ids == p->cap_ids) {
		p->cap_ids = p->cap_ids ? p->cap_ids * 2 : 256;
		p->ids = xrealloc(p->ids, p->cap_ids * sizeof(*p->ids));
	}
	p->ids[p->n_ids++] = id;
}

/* Interns the first `max` distinct items of a comma list (addresses or
 * folded words) as a sorted run of p->ids; returns its length. max counts
 * items as listed (named mentors) or distinct ones (fields, topics). */
static uint32_t list_prepare(struct prep *p, const char *s, int addresses, size_t max, uint32_t *off_r)
{
	struct strlist l = { NULL, 0 };
	size_t i, j, start = p->n_ids, taken = 0;
	int32_t id;

	*off_r = (uint32_t)start;
	if (s != NULL)
		strlist_split(&l, s, ',');
	for (i = 0; i < l.n && taken < max; i++) {
		id = addresses ? address_id(p, l.v[i], 0) : fold_id(p, l.v[i], 1);
		if (addresses)
			taken++;
		if (id < 0)
			continue;
		for (j = start; j < p->n_ids && p->ids[j] != id; j++)
			;
		if (j < p->n_ids)
			continue;
		ids_add(p, id);
		if (!addresses)
			taken++;
	}
	strlist_deinit(&l);
	if (p->n_ids - start > 1)
		qsort(p->ids + start, p->n_ids - start, sizeof(*p->ids), cmp_i32);
	return (uint32_t)(p->n_ids - start);
}

static int32_t gender_pref_id(struct prep *p, const char *s)
{
	char *f = s == NULL ? NULL : str_fold(s);
	int none = f == NULL || strcmp(f, "any") == 0 || strcmp(f, "none") == 0;

	if (none) {
		free(f);
		return -1;
	}
	return intern_take(&p->in, f, 1);
}

static int pref_kind(const char *s)
{
	char *f = s == NULL ? NULL : str_fold(s);
	int k = PREF_ANY;

	if (f != NULL && strcmp(f, "same department") == 0)
		k = PREF_SAME;
	else if (f != NULL && strcmp(f, "other department") == 0)
		k = PREF_OTHER;
	free(f);
	return k;
}

/* Mentor indexes by id, for the choices. */
struct by_id {
	int64_t id;
	uint32_t m;
};

static int cmp_by_id(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->m > y->m) - (x->m < y->m);
}

/* The first mentor of that id, -1 if none. */
static int32_t mentor_of(const struct by_id *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo].id == id && id != 0 ? (int32_t)ids[lo].m : -1;
}

static void choices_prepare(struct prep *p, const struct match_person *mentors,
    const struct match_person *mentees)
{
	struct by_id *ids = xcalloc(p->n_m + 1, sizeof(*ids));
	size_t i, k, j;
	int any = 0;

	for (i = 0; i < p->n_m; i++) {
		ids[i].id = mentors[i].id;
		ids[i].m = (uint32_t)i;
	}
	qsort(ids, p->n_m, sizeof(*ids), cmp_by_id);
	for (i = 0; i < p->n_e; i++) {
		for (k = 0; k < MATCH_CHOICES_MAX; k++) {
			int32_t m = mentor_of(ids, p->n_m, mentees[i].choices[k]);

			/* a mentor named twice counts at her first rank */
			for (j = 0; j < k && m >= 0; j++)
				if (p->e[i].choice[j] == m)
					m = -1;
			p->e[i].choice[k] = m;
			any |= m >= 0;
		}
	}
	free(ids);
	if (any) {
		p->wc = p->smax + 1;
		p->smax += MATCH_CHOICES_MAX * p->wc;
	}
}

/* Mentors first, so that mentees' named addresses resolve to them. */
static void person_prepare(struct prep *p, struct person *q, const struct match_person *in, int mentee)
{
	memset(q, 0, sizeof(*q));
	q->choice[0] = q->choice[1] = q->choice[2] = -1;
	q->dept = fold_id(p, in->department, 1);
	q->addr = address_id(p, in->address, !mentee);
	q->lang = fold_id(p, in->language, 1);
	q->gender = fold_id(p, in->gender, 1);
	q->n_fields = list_prepare(p, in->fields, 0, MATCH_LIST_ITEMS_MAX, &q->fields);
	q->n_topics = list_prepare(p, in->topics, 0, MATCH_LIST_ITEMS_MAX, &q->topics);
	q->pref_gender = -1;
	q->pref = PREF_ANY;
	if (!mentee)
		return;
	q->pref = pref_kind(in->preference);
	q->pref_gender = gender_pref_id(p, in->pref_gender);
	q->n_named = list_prepare(p, in->pref_mentors, 1, MATCH_PREF_MENTORS_MAX, &q->named);
	q->n_past = list_prepare(p, in->past_partners, 1, MATCH_PAST_PARTNERS_MAX, &q->past);
	q->n_ended = list_prepare(p, in->ended_partners, 1, MATCH_PAST_PARTNERS_MAX, &q->ended);
}

/* w is in [0, 100] (weights_check): plain rounding, and no libm. */
static long weight_hundredths(double w)
{
	return (long)(w * 100.0 + 0.5);
}

static const char *weights_check(const struct match_weights *w)
{
	const double v[] = { w->department, w->field, w->topics, w->language, w->preferences };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (!isfinite(v[i]) || v[i] < 0 || v[i] > MATCH_WEIGHT_MAX)
			return "a matching weight is outside [0, 100]";
	return NULL;
}

static void prep_init(struct prep *p, const struct match_weights *w)
{
	memset(p, 0, sizeof(*p));
	p->wd = weight_hundredths(w->department);
	p->wf = weight_hundredths(w->field);
	p->wt = weight_hundredths(w->topics);
	p->wl = weight_hundredths(w->language);
	p->wp = weight_hundredths(w->preferences);
	p->smax = p->wd + 2 * p->wf + 3 * p->wt + p->wl + 4 * p->wp;
}

static void prep_people(struct prep *p, const struct match_person *mentors, size_t n_m,
    const struct match_person *mentees, size_t n_e)
{
	size_t i;

	p->n_m = n_m;
	p->n_e = n_e;
	p->m = xcalloc(n_m + 1, sizeof(*p->m));
	p->e = xcalloc(n_e + 1, sizeof(*p->e));
	for (i = 0; i < n_m; i++)
		person_prepare(p, &p->m[i], &mentors[i], 0);
	for (i = 0; i < n_e; i++)
		person_prepare(p, &p->e[i], &mentees[i], 1);
	choices_prepare(p, mentors, mentees);
}

static void prep_deinit(struct prep *p)
{
	intern_deinit(&p->in);
	free(p->m);
	free(p->e);
	free(p->ids);
	memset(p, 0, sizeof(*p));
}

/* ---- one pair ---- */

/* Why a pair is not proposed again, and how the reasons say it. */
enum { REPEAT_NONE, REPEAT_EARLIER, REPEAT_ENDED };
static const char *const repeat_why[] = { "", "paired in an earlier cohort",
	"their pairing in this cohort ended or did not go ahead" };

struct eval {
	int allowed, self, repeat, same_dept, n_fields, n_topics, same_lang, named, gender_ok, pref_ok;
	int choice;  /* the mentor's rank in the mentee's choice, 0: none */
	long score;  /* without the choice's weight */
	long weight; /* score and the choice's weight: what the proposal maximises */
};

static int common_count(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
	size_t i = 0, j = 0;
	int n = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			n++;
			i++;
			j++;
		}
	}
	return n;
}

static int id_in(const int32_t *a, size_t n, int32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == id)
			return 1;
	return 0;
}

static void pair_eval(const struct prep *p, const struct person *m, const struct person *e, struct eval *v)
{
	const int32_t *ids = p->ids;
	size_t k;

	memset(v, 0, sizeof(*v));
	v->self = m->addr >= 0 && m->addr == e->addr;
	v->same_dept = m->dept >= 0 && m->dept == e->dept;
	v->n_fields = common_count(ids + m->fields, m->n_fields, ids + e->fields, e->n_fields);
	if (e->pref == PREF_SAME)
		v->allowed = v->same_dept;
	else if (e->pref == PREF_OTHER)
		v->allowed = !v->same_dept && v->n_fields > 0;
	else
		v->allowed = v->same_dept || v->n_fields > 0;
	v->pref_ok = v->allowed && e->pref != PREF_ANY;
	for (k = 0; k < MATCH_CHOICES_MAX; k++)
		if (e->choice[k] >= 0 && m == &p->m[e->choice[k]])
			v->choice = (int)k + 1;
	/* she chose this mentor knowing what the profile said */
	if (v->choice > 0)
		v->allowed = 1;
	if (v->self)
		v->allowed = 0;
	/* a pair of an earlier cohort is never proposed again */
	if (v->allowed && m->addr >= 0 && id_in(ids + e->past, e->n_past, m->addr)) {
		v->repeat = REPEAT_EARLIER;
		v->allowed = 0;
	}
	/* nor a pair of this cohort whose pairing was ended (a rematch) */
	if (v->allowed && m->addr >= 0 && id_in(ids + e->ended, e->n_ended, m->addr)) {
		v->repeat = REPEAT_ENDED;
		v->allowed = 0;
	}
	if (!v->allowed)
		return;
	v->n_topics = common_count(ids + m->topics, m->n_topics, ids + e->topics, e->n_topics);
	v->same_lang = m->lang >= 0 && m->lang == e->lang;
	v->named = m->addr >= 0 && id_in(ids + e->named, e->n_named, m->addr);
	v->gender_ok = e->pref_gender >= 0 && e->pref_gender == m->gender;
	v->score = (v->same_dept ? p->wd : 0) + p->wf * (v->n_fields < 2 ? v->n_fields : 2) +
	    p->wt * (v->n_topics < 3 ? v->n_topics : 3) + (v->same_lang ? p->wl : 0) +
	    p->wp * (2 * v->named + v->gender_ok + v->pref_ok);
	v->weight = v->score + (v->choice > 0 ? (MATCH_CHOICES_MAX + 1 - v->choice) * p->wc : 0);
}

/* ---- the allowed-pair graph, one adjacency run per mentee ---- */

_Static_assert(MATCH_PEOPLE_MAX <= UINT16_MAX, "mentor indexes are stored in 16 bits");
_Static_assert(MATCH_ALLOWED_PAIRS_MAX <= UINT32_MAX, "pair indexes are stored in 32 bits");

struct graph {
	uint32_t *off;  /* n_e + 1 */
	uint16_t *adj;  /* mentor */
	int32_t *cost;  /* smax - score */
	size_t n, cap;
	uint32_t *deg_m; /* allowed mentees per mentor */
};

/* Mentors by interned id (of department or field): those of id are
 * m[off[id] .. off[id + 1]). */
struct index {
	uint32_t *off;
	uint16_t *m;
};

static void index_build(const struct prep *p, int by_field, struct index *x)
{
	size_t n_ids = p->in.n, i, k, total = 0;
	uint32_t *fill;

	x->off = xcalloc(n_ids + 2, sizeof(*x->off));
	for (i = 0; i < p->n_m; i++) {
		if (!by_field && p->m[i].dept >= 0)
			x->off[p->m[i].dept + 2]++;
		for (k = 0; by_field && k < p->m[i].n_fields; k++)
			x->off[p->ids[p->m[i].fields + k] + 2]++;
	}
	for (i = 2; i < n_ids + 2; i++)
		x->off[i] += x->off[i - 1];
	total = x->off[n_ids + 1];
	x->m = xmalloc((total + 1) * sizeof(*x->m));
	fill = x->off + 1; /* counting sort: fill[id] runs from off[id] */
	for (i = 0; i < p->n_m; i++) {
		if (!by_field && p->m[i].dept >= 0)
			x->m[fill[p->m[i].dept]++] = (uint16_t)i;
		for (k = 0; by_field && k < p->m[i].n_fields; k++)
			x->m[fill[p->ids[p->m[i].fields + k]]++] = (uint16_t)i;
	}
}

static void index_deinit(struct index *x)
{
	free(x->off);
	free(x->m);
}

static void graph_deinit(struct graph *g)
{
	free(g->off);
	free(g->adj);
	free(g->cost);
	free(g->deg_m);
	memset(g, 0, sizeof(*g));
}

/* Marks the mentors of run x->m[off[id] .. off[id+1]) as candidates. */
static void cands_add(const struct index *x, int32_t id, uint64_t *bits)
{
	uint32_t k;

	if (id < 0)
		return;
	for (k = x->off[id]; k < x->off[id + 1]; k++)
		bits[x->m[k] / 64] |= (uint64_t)1 << (x->m[k] % 64);
}

static int edge_add(struct graph *g, const struct prep *p, uint16_t m, long score)
{
	if (g->n == MATCH_ALLOWED_PAIRS_MAX)
		return -1;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		if (g->cap > MATCH_ALLOWED_PAIRS_MAX)
			g->cap = MATCH_ALLOWED_PAIRS_MAX;
		g->adj = xrealloc(g->adj, g->cap * sizeof(*g->adj));
		g->cost = xrealloc(g->cost, g->cap * sizeof(*g->cost));
	}
	g->adj[g->n] = m;
	g->cost[g->n++] = (int32_t)(p->smax - score);
	g->deg_m[m]++;
	return 0;
}

/* Evaluates the marked candidates in mentor order, clearing the marks. */
static int graph_mentee(struct graph *g, const struct prep *p, const struct person *q, uint64_t *bits,
    size_t words)
{
	size_t w;
	uint64_t b;
	uint16_t m;
	struct eval v;

	for (w = 0; w < words; w++) {
		for (b = bits[w], bits[w] = 0; b != 0; b &= b - 1) {
			m = (uint16_t)(w * 64 + (size_t)__builtin_ctzll(b));
			pair_eval(p, &p->m[m], q, &v);
			if (v.allowed && edge_add(g, p, m, v.weight) < 0)
				return -1;
		}
	}
	return 0;
}

/* Candidates come from the mentee's department and fields only: every
 * allowed pair shares one of them, so no other pair is ever evaluated. */
static int graph_build(const struct prep *p, struct graph *g)
{
	struct index by_dept, by_field;
	size_t words = (p->n_m + 63) / 64, e, k;
	uint64_t *bits = xcalloc(words + 1, sizeof(*bits));
	const struct person *q;
	int ret = -1;

	memset(g, 0, sizeof(*g));
	g->off = xcalloc(p->n_e + 1, sizeof(*g->off));
	g->deg_m = xcalloc(p->n_m + 1, sizeof(*g->deg_m));
	index_build(p, 0, &by_dept);
	index_build(p, 1, &by_field);
	for (e = 0; e < p->n_e; e++) {
		q = &p->e[e];
		if (q->pref != PREF_OTHER)
			cands_add(&by_dept, q->dept, bits);
		for (k = 0; q->pref != PREF_SAME && k < q->n_fields; k++)
			cands_add(&by_field, p->ids[q->fields + k], bits);
		for (k = 0; k < MATCH_CHOICES_MAX; k++)
			if (q->choice[k] >= 0)
				bits[q->choice[k] / 64] |= (uint64_t)1 << (q->choice[k] % 64);
		if (graph_mentee(g, p, q, bits, words) < 0)
			goto out;
		g->off[e + 1] = (uint32_t)g->n;
	}
	ret = 0;
out:
	index_deinit(&by_dept);
	index_deinit(&by_field);
	free(bits);
	return ret;
}

/* ---- min-cost flow by successive shortest paths ---- */

/* Node numbers: T = 0, mentor m = 1 + m, mentee e = 1 + n_m + e. The order
 * is also the tie-break of the heap (see the top of the file). */
struct flow {
	const struct graph *g;
	uint32_t n_m, n_e, n_nodes;
	int64_t *pot, pot_s;
	int32_t *asg;      /* mentee -> mentor, -1 */
	int32_t *asg_cost; /* cost of that pair */
	uint32_t *cap, *load, *slot_off, *slot, *slot_pos; /* a mentor's mentees */
	uint32_t *free_e, *free_pos, n_free; /* free mentees with an allowed pair */
	uint32_t room;     /* mentors below capacity */
	int64_t *dist;
	uint32_t *pred;    /* mentor: mentee it was reached from; T: mentor */
	int32_t *pred_cost;
	uint32_t *mark, gen; /* 2 gen: reached, 2 gen + 1: popped */
	uint32_t *heap, *hpos, hn;
	uint32_t *popped, n_popped;
	uint32_t *visit, vgen; /* depth-first passes: visit[v] == vgen */
	uint32_t *iter;        /* next arc or slot of a node on the stack */
	uint32_t *stack;
};

#define NODE_T 0u
#define NODE_M(m) (1u + (uint32_t)(m))
#define NODE_E(f, e) (1u + (f)->n_m + (uint32_t)(e))

static int heap_less(const struct flow *f, uint32_t a, uint32_t b)
{
	return f->dist[a] < f->dist[b] || (f->dist[a] == f->dist[b] && a < b);
}

static void heap_up(struct flow *f, uint32_t i)
{
	uint32_t v = f->heap[i], parent;

	while (i > 0 && heap_less(f, v, f->heap[parent = (i - 1) / 2])) {
		f->heap[i] = f->heap[parent];
		f->hpos[f->heap[i]] = i;
		i = parent;
	}
	f->heap[i] = v;
	f->hpos[v] = i;
}

static void heap_down(struct flow *f, uint32_t i)
{
	uint32_t v = f->heap[i], c;

	while ((c = 2 * i + 1) < f->hn) {
		if (c + 1 < f->hn && heap_less(f, f->heap[c + 1], f->heap[c]))
			c++;
		if (!heap_less(f, f->heap[c], v))
			break;
		f->heap[i] = f->heap[c];
		f->hpos[f->heap[i]] = i;
		i = c;
	}
	f->heap[i] = v;
	f->hpos[v] = i;
}

static uint32_t heap_pop(struct flow *f)
{
	uint32_t top = f->heap[0];

	f->heap[0] = f->heap[--f->hn];
	if (f->hn > 0)
		heap_down(f, 0);
	return top;
}

static void relax(struct flow *f, uint32_t v, int64_t d, uint32_t from, int32_t cost)
{
	if (f->mark[v] == 2 * f->gen + 1)
		return;
	if (f->mark[v] != 2 * f->gen) {
		f->mark[v] = 2 * f->gen;
		f->dist[v] = d;
		f->heap[f->hn] = v;
		f->hpos[v] = f->hn++;
	} else if (d < f->dist[v]) {
		f->dist[v] = d;
	} else {
		return;
	}
	f->pred[v] = from;
	f->pred_cost[v] = cost;
	heap_up(f, f->hpos[v]);
}

static void scan_mentee(struct flow *f, uint32_t u)
{
	const struct graph *g = f->g;
	uint32_t e = u - 1 - f->n_m, k;
	int64_t base = f->dist[u] + f->pot[u];
	int32_t own = f->asg[e];

	for (k = g->off[e]; k < g->off[e + 1]; k++) {
		uint32_t v = NODE_M(g->adj[k]);

		if ((int32_t)g->adj[k] != own)
			relax(f, v, base + g->cost[k] - f->pot[v], e, g->cost[k]);
	}
}

/* From a mentor: on to T if it has room, back along each of its pairs. */
static void scan_mentor(struct flow *f, uint32_t u)
{
	uint32_t m = u - 1, k, e;
	int64_t base = f->dist[u] + f->pot[u];

	if (f->load[m] < f->cap[m])
		relax(f, NODE_T, base - f->pot[NODE_T], m, 0);
	for (k = 0; k < f->load[m]; k++) {
		e = f->slot[f->slot_off[m] + k];
		relax(f, NODE_E(f, e), base - f->asg_cost[e] - f->pot[NODE_E(f, e)], m, 0);
	}
}

/* Returns 1 when T was reached. */
static int flow_dijkstra(struct flow *f)
{
	uint32_t i, u, v;

	f->gen++;
	f->hn = 0;
	f->n_popped = 0;
	for (i = 0; i < f->n_free; i++) {
		v = NODE_E(f, f->free_e[i]);
		f->mark[v] = 2 * f->gen;
		f->dist[v] = f->pot_s - f->pot[v];
		f->heap[f->hn] = v;
		f->hpos[v] = f->hn++;
	}
	for (i = f->hn / 2; i-- > 0;)
		heap_down(f, i);
	while (f->hn > 0) {
		u = heap_pop(f);
		f->mark[u] = 2 * f->gen + 1;
		if (u == NODE_T)
			return 1;
		f->popped[f->n_popped++] = u;
		if (u <= f->n_m)
			scan_mentor(f, u);
		else
			scan_mentee(f, u);
	}
	return 0;
}

static void slot_remove(struct flow *f, uint32_t m, uint32_t e)
{
	uint32_t last;

	if (f->load[m] == f->cap[m])
		f->room++;
	last = f->slot[f->slot_off[m] + --f->load[m]];
	f->slot[f->slot_off[m] + f->slot_pos[e]] = last;
	f->slot_pos[last] = f->slot_pos[e];
}

static void slot_add(struct flow *f, uint32_t m, uint32_t e)
{
	f->slot_pos[e] = f->load[m];
	f->slot[f->slot_off[m] + f->load[m]++] = e;
	if (f->load[m] == f->cap[m])
		f->room--;
}

/* Mentee e leaves its mentor (if any) for mentor m, at cost c; returns
 * the mentor it left, or -1 if it was free (then it is free no more). */
static int32_t flow_move(struct flow *f, uint32_t e, uint32_t m, int32_t c)
{
	int32_t old = f->asg[e];
	uint32_t last;

	if (old >= 0) {
		slot_remove(f, (uint32_t)old, e);
	} else {
		last = f->free_e[--f->n_free];
		f->free_e[f->free_pos[e]] = last;
		f->free_pos[last] = f->free_pos[e];
	}
	slot_add(f, m, e);
	f->asg[e] = (int32_t)m;
	f->asg_cost[e] = c;
	return old;
}

/* Moves the potentials of the popped nodes (the others keep theirs, as
 * if at distance dT), then augments along the path Dijkstra found. */
static void flow_augment(struct flow *f)
{
	int64_t dT = f->dist[NODE_T];
	uint32_t i, v, m = f->pred[NODE_T];
	int32_t old;

	for (i = 0; i < f->n_popped; i++) {
		v = f->popped[i];
		f->pot[v] += f->dist[v] - dT;
	}
	f->pot_s -= dT;
	do {
		old = flow_move(f, f->pred[NODE_M(m)], m, f->pred_cost[NODE_M(m)]);
		m = (uint32_t)old;
	} while (old >= 0);
}

/* Next arc of reduced cost 0 from the node on top of the stack to a node
 * not visited in this pass; 0 if none. */
static uint32_t admissible_next(struct flow *f, uint32_t u)
{
	const struct graph *g = f->g;
	uint32_t e, m, v, end;

	if (u > f->n_m) {
		e = u - 1 - f->n_m;
		for (end = g->off[e + 1]; f->iter[u] < end; f->iter[u]++) {
			m = g->adj[f->iter[u]];
			v = NODE_M(m);
			if (f->visit[v] != f->vgen && (int32_t)m != f->asg[e] &&
			    g->cost[f->iter[u]] + f->pot[u] - f->pot[v] == 0)
				return v;
		}
		return 0;
	}
	m = u - 1;
	for (; f->iter[u] < f->load[m]; f->iter[u]++) {
		e = f->slot[f->slot_off[m] + f->iter[u]];
		v = NODE_E(f, e);
		if (f->visit[v] != f->vgen && f->pot[u] - f->asg_cost[e] - f->pot[v] == 0)
			return v;
	}
	return 0;
}

/* Augments along the stack (free mentee, mentor, mentee, ..., mentee)
 * and on to mentor m: each mentee moves to the next mentor. From the end,
 * so that a full mentor loses its mentee before it takes the new one. */
static void stack_augment(struct flow *f, uint32_t sp, uint32_t m)
{
	uint32_t i, e, next = m;

	/* sp is odd: mentees at the even places, the top one included */
	for (i = sp - 1;; i -= 2) {
		e = f->stack[i] - 1 - f->n_m;
		(void)flow_move(f, e, next, f->g->cost[f->iter[f->stack[i]]]);
		if (i == 0)
			break;
		next = f->stack[i - 1] - 1;
	}
}

/* One depth-first pass over the admissible graph (arcs of reduced cost
 * 0) from each free mentee whose arc from S is admissible, in input order;
 * each path found to a mentor with room is a shortest augmenting path, so
 * augmenting it keeps the flow optimal. Nodes are visited once per pass,
 * so the paths are disjoint; returns how many were augmented. */
static uint32_t flow_pass(struct flow *f)
{
	uint32_t e, sp, u, v, found = 0;

	f->vgen++;
	for (e = 0; e < f->n_e; e++) {
		u = NODE_E(f, e);
		if (f->asg[e] >= 0 || f->g->off[e] == f->g->off[e + 1] || f->visit[u] == f->vgen ||
		    f->pot_s != f->pot[u])
			continue;
		f->visit[u] = f->vgen;
		f->iter[u] = f->g->off[e];
		f->stack[0] = u;
		sp = 1;
		while (sp > 0) {
			u = f->stack[sp - 1];
			if ((v = admissible_next(f, u)) == 0) {
				sp--;
				continue;
			}
			f->visit[v] = f->vgen;
			f->iter[v] = v > f->n_m ? f->g->off[v - 1 - f->n_m] : 0;
			if (v <= f->n_m && f->load[v - 1] < f->cap[v - 1] && f->pot[v] == f->pot[NODE_T]) {
				stack_augment(f, sp, v - 1);
				if (f->load[v - 1] < f->cap[v - 1])
					f->visit[v] = 0; /* still has room for another path */
				found++;
				break;
			}
			f->stack[sp++] = v;
		}
	}
	return found;
}

static void flow_alloc(struct flow *f, uint32_t n_m, uint32_t n_e)
{
	uint32_t n = 1 + n_m + n_e;

	f->n_m = n_m;
	f->n_e = n_e;
	f->n_nodes = n;
	f->pot = xcalloc(n, sizeof(*f->pot));
	f->dist = xcalloc(n, sizeof(*f->dist));
	f->pred = xcalloc(n, sizeof(*f->pred));
	f->pred_cost = xcalloc(n, sizeof(*f->pred_cost));
	f->mark = xcalloc(n, sizeof(*f->mark));
	f->heap = xcalloc(n, sizeof(*f->heap));
	f->hpos = xcalloc(n, sizeof(*f->hpos));
	f->popped = xcalloc(n, sizeof(*f->popped));
	f->visit = xcalloc(n, sizeof(*f->visit));
	f->iter = xcalloc(n, sizeof(*f->iter));
	f->stack = xcalloc(n, sizeof(*f->stack));
	f->asg = xcalloc(n_e + 1, sizeof(*f->asg));
	f->asg_cost = xcalloc(n_e + 1, sizeof(*f->asg_cost));
	f->slot_pos = xcalloc(n_e + 1, sizeof(*f->slot_pos));
	f->free_e = xcalloc(n_e + 1, sizeof(*f->free_e));
	f->free_pos = xcalloc(n_e + 1, sizeof(*f->free_pos));
	f->cap = xcalloc(n_m + 1, sizeof(*f->cap));
	f->load = xcalloc(n_m + 1, sizeof(*f->load));
	f->slot_off = xcalloc(n_m + 1, sizeof(*f->slot_off));
}

static void flow_init(struct flow *f, const struct graph *g, const struct match_person *mentors,
    uint32_t n_m, uint32_t n_e)
{
	uint32_t i, k, total = 0, c;
	int32_t cmin;

	memset(f, 0, sizeof(*f));
	f->g = g;
	flow_alloc(f, n_m, n_e);
	for (i = 0; i < n_m; i++) {
		/* no mentor can take more mentees than it has allowed ones */
		c = (uint32_t)mentors[i].capacity;
		f->cap[i] = c < g->deg_m[i] ? c : g->deg_m[i];
		f->slot_off[i] = total;
		total += f->cap[i];
		f->room += f->cap[i] > 0;
	}
	f->slot = xcalloc((size_t)total + 1, sizeof(*f->slot));
	/* Start with each mentee's best pair tight (reduced cost 0) and S's
	 * potential at the largest mentee potential: all reduced costs >= 0. */
	f->pot_s = INT64_MIN;
	for (i = 0; i < n_e; i++) {
		f->asg[i] = -1;
		if (g->off[i] == g->off[i + 1])
			continue;
		for (cmin = INT32_MAX, k = g->off[i]; k < g->off[i + 1]; k++)
			cmin = g->cost[k] < cmin ? g->cost[k] : cmin;
		f->pot[NODE_E(f, i)] = -(int64_t)cmin;
		if (-(int64_t)cmin > f->pot_s)
			f->pot_s = -(int64_t)cmin;
		f->free_pos[i] = f->n_free;
		f->free_e[f->n_free++] = i;
	}
}

static void flow_deinit(struct flow *f)
{
	free(f->pot);
	free(f->dist);
	free(f->pred);
	free(f->pred_cost);
	free(f->mark);
	free(f->heap);
	free(f->hpos);
	free(f->popped);
	free(f->visit);
	free(f->iter);
	free(f->stack);
	free(f->asg);
	free(f->asg_cost);
	free(f->slot_pos);
	free(f->free_e);
	free(f->free_pos);
	free(f->cap);
	free(f->load);
	free(f->slot_off);
	free(f->slot);
	memset(f, 0, sizeof(*f));
}

/* Primal-dual: augment along every admissible path the passes find,
 * then let Dijkstra raise the potentials to the next distance. */
static void flow_run(struct flow *f)
{
	for (;;) {
		while (f->n_free > 0 && f->room > 0 && flow_pass(f) > 0)
			;
		/* with nobody left or no room left, no path can exist: skip
		 * the search that would prove it over the whole graph */
		if (f->n_free == 0 || f->room == 0 || !flow_dijkstra(f))
			break;
		flow_augment(f);
	}
}

/* ---- texts ---- */

/* Items of the list s (as written) whose folded form is in both sorted id
 * runs a and b, each once, ", "-separated into t; returns how many. */
static int shared_items(const struct prep *p, const char *s, const int32_t *a, size_t na,
    const int32_t *b, size_t nb, struct buf *t)
{
	struct strlist l = { NULL, 0 };
	int32_t seen[MATCH_LIST_ITEMS_MAX], id;
	size_t i, n_seen = 0;

	if (s != NULL)
		strlist_split(&l, s, ',');
	for (i = 0; i < l.n && n_seen < ARRAY_SIZE(seen); i++) {
		char *f = str_fold(l.v[i]);

		id = intern_find(&p->in, f, NULL);
		free(f);
		if (id < 0 || !id_in(a, na, id) || !id_in(b, nb, id) || id_in(seen, n_seen, id))
			continue;
		if (n_seen > 0)
			buf_adds(t, ", ");
		buf_adds(t, l.v[i]);
		seen[n_seen++] = id;
	}
	strlist_deinit(&l);
	return (int)n_seen;
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void sep(struct buf *t)
{
	if (t->len > 0)
		buf_adds(t, "; ");
}

/* What a reason adds to the score, " +4" (hundredths written as the
 * weights are: " +1.5"), so that the reasons add up to it. */
static void plus(struct buf *t, long hundredths)
{
	if (hundredths <= 0)
		return;
	if (hundredths % 100 == 0)
		buf_printf(t, " +%ld", hundredths / 100);
	else if (hundredths % 10 == 0)
		buf_printf(t, " +%ld.%ld", hundredths / 100, hundredths / 10 % 10);
	else
		buf_printf(t, " +%ld.%02ld", hundredths / 100, hundredths % 100);
}

static void reasons_lists(const struct prep *p, const struct person *m, const struct person *e,
    const struct match_person *ei, struct buf *t)
{
	struct buf items;
	int n;

	buf_init(&items, MATCH_TEXT_BYTES_MAX);
	n = shared_items(p, ei->fields, p->ids + e->fields, e->n_fields, p->ids + m->fields, m->n_fields, &items);
	if (n > 0) {
		sep(t);
		buf_printf(t, "shared field%s: %s", n > 1 ? "s" : "", items.s);
		plus(t, p->wf * (n < 2 ? n : 2));
	}
	buf_reset(&items);
	n = shared_items(p, ei->topics, p->ids + e->topics, e->n_topics, p->ids + m->topics, m->n_topics, &items);
	if (n > 0) {
		sep(t);
		buf_printf(t, "shared topic%s: %s", n > 1 ? "s" : "", items.s);
		plus(t, p->wt * (n < 3 ? n : 3));
	}
	buf_deinit(&items);
}

static char *pair_reasons(const struct prep *p, size_t mi_, size_t ei_, const struct match_person *mi,
    const struct match_person *ei)
{
	const struct person *m = &p->m[mi_], *e = &p->e[ei_];
	struct eval v;
	struct buf t;

	buf_init(&t, MATCH_TEXT_BYTES_MAX);
	buf_add(&t, "", 0);
	pair_eval(p, m, e, &v);
	if (v.choice > 0)
		buf_printf(&t, "mentee's %s choice", v.choice == 1 ? "1st" : v.choice == 2 ? "2nd" : "3rd");
	if (v.same_dept) {
		sep(&t);
		buf_printf(&t, "same department (%s)", or_empty(ei->department));
		plus(&t, p->wd);
		if (e->pref == PREF_SAME && v.pref_ok) {
			buf_adds(&t, ", as the mentee asked");
			plus(&t, p->wp);
		}
	} else if (e->pref == PREF_OTHER && v.pref_ok) {
		sep(&t);
		buf_printf(&t, "other department (%s), as the mentee asked", or_empty(mi->department));
		plus(&t, p->wp);
	}
	reasons_lists(p, m, e, ei, &t);
	if (v.same_lang) {
		sep(&t);
		buf_printf(&t, "same language (%s)", or_empty(ei->language));
		plus(&t, p->wl);
	}
	if (v.named) {
		sep(&t);
		buf_adds(&t, "mentor named by the mentee");
		plus(&t, 2 * p->wp);
	}
	if (v.gender_ok) {
		sep(&t);
		buf_printf(&t, "preferred mentor gender (%s)", or_empty(ei->pref_gender));
		plus(&t, p->wp);
	}
	if (ei->carried_from != NULL) {
		sep(&t);
		buf_printf(&t, "mentee carried over from the waitlist of %s, ranked before newcomers"
		    " of an equal score", ei->carried_from);
	}
	return buf_steal(&t);
}

/* The mentors the mentee could have had but for an earlier pairing, by
 * name, ", "-separated into t; how many. */
static int repeats_text(const struct prep *p, size_t ei, const struct match_person *mentors,
    int kind, struct buf *t)
{
	const struct person *e = &p->e[ei];
	struct eval v;
	size_t m;
	int n = 0;

	for (m = 0; e->n_past + e->n_ended > 0 && m < p->n_m; m++) {
		if (p->m[m].addr < 0)
			continue;
		pair_eval(p, &p->m[m], e, &v);
		if (v.repeat == kind)
			buf_printf(t, "%s%s", n++ > 0 ? ", " : "", or_empty(mentors[m].name));
	}
	return n;
}

/* "; not proposed again with X: paired in an earlier cohort" after text;
 * alone instead of it when replace (it was the only reason). */
static void repeats_note(const struct prep *p, size_t ei, const struct match_person *mentors,
    int replace, char **text)
{
	struct buf t, names;
	int kind;

	for (kind = REPEAT_EARLIER; kind <= REPEAT_ENDED; kind++) {
		buf_init(&names, MATCH_TEXT_BYTES_MAX);
		buf_add(&names, "", 0);
		if (repeats_text(p, ei, mentors, kind, &names) > 0) {
			buf_init(&t, MATCH_TEXT_BYTES_MAX);
			buf_add(&t, "", 0);
			if (!replace) {
				buf_adds(&t, *text);
				sep(&t);
			}
			buf_printf(&t, "not proposed again with %s: %s", names.s, repeat_why[kind]);
			if (!t.toobig) {
				free(*text);
				*text = buf_steal(&t);
				replace = 0;
			} else {
				buf_deinit(&t);
			}
		}
		buf_deinit(&names);
	}
}

/* "department X or in field(s) A, B" into t, from a person as written. */
static void where_text(const struct match_person *q, int with_dept, int with_fields, struct buf *t)
{
	struct strlist l = { NULL, 0 };
	size_t i;

	if (q->fields != NULL && with_fields)
		strlist_split(&l, q->fields, ',');
	if (with_dept && q->department != NULL && *q->department != '\0')
		buf_printf(t, "department %s%s", q->department, l.n > 0 ? " or in " : "");
	if (l.n > 0)
		buf_printf(t, "field%s ", l.n > 1 ? "s" : "");
	for (i = 0; i < l.n; i++)
		buf_printf(t, "%s%s", i > 0 ? ", " : "", l.v[i]);
	strlist_deinit(&l);
}

/* Why a mentee with no allowed pair at all has none. */
static char *why_no_mentor(const struct person *e, const struct match_person *ei)
{
	struct buf t;

	buf_init(&t, MATCH_TEXT_BYTES_MAX);
	buf_add(&t, "", 0);
	if (e->pref == PREF_SAME && e->dept < 0) {
		buf_adds(&t, "no department given (asked for the same department)");
	} else if (e->pref == PREF_SAME) {
		buf_adds(&t, "no mentor in ");
		where_text(ei, 1, 0, &t);
		buf_adds(&t, " (asked for the same department)");
	} else if (e->pref == PREF_OTHER && e->n_fields == 0) {
		buf_adds(&t, "no field given (asked for another department)");
	} else if (e->pref == PREF_OTHER) {
		buf_adds(&t, "no mentor in ");
		where_text(ei, 0, 1, &t);
		buf_printf(&t, " outside department %s (asked for another department)", or_empty(ei->department));
	} else if (e->dept < 0 && e->n_fields == 0) {
		buf_adds(&t, "no department or field given");
	} else {
		buf_adds(&t, "no mentor in ");
		where_text(ei, 1, 1, &t);
	}
	return buf_steal(&t);
}

/* Why a mentee with allowed pairs has none: an optimum with the most
 * pairs leaves nobody out while one of their mentors has room, so each is
 * full. Names the first few so that the committee can ask them. */
static char *why_full(const struct graph *g, size_t e, const struct match_person *mentors)
{
	struct buf t;
	uint32_t k, n = g->off[e + 1] - g->off[e];

	buf_init(&t, MATCH_TEXT_BYTES_MAX);
	buf_adds(&t, "all suitable mentors are at capacity: ");
	for (k = 0; k < n && k < 3; k++)
		buf_printf(&t, "%s%s", k > 0 ? ", " : "", or_empty(mentors[g->adj[g->off[e] + k]].name));
	if (n > 3)
		buf_printf(&t, " and %u more", n - 3);
	return buf_steal(&t);
}

/* Why a mentor is given nobody. With allowed mentees, each has another
 * mentor (else the optimum would have one more pair). Without, either
 * nobody shares the department or a field, or those who do asked for a
 * department (same or other) this mentor does not fit. */
static char *why_mentor(const struct prep *p, const struct graph *g, size_t m, const struct match_person *mi,
    const struct match_person *mentees)
{
	const struct person *q = &p->m[m];
	struct buf t;
	struct eval v;
	size_t e;
	int near = 0, repeats = 0, kind, n;

	buf_init(&t, MATCH_TEXT_BYTES_MAX);
	buf_add(&t, "", 0);
	if (g->deg_m[m] == 1)
		buf_adds(&t, "the only suitable mentee has another mentor");
	else if (g->deg_m[m] > 1)
		buf_printf(&t, "all %u suitable mentees have other mentors", g->deg_m[m]);
	if (g->deg_m[m] > 0)
		return buf_steal(&t);
	for (kind = REPEAT_EARLIER; kind <= REPEAT_ENDED; kind++) {
		for (e = 0, n = 0; q->addr >= 0 && e < p->n_e; e++) {
			if (p->e[e].n_past + p->e[e].n_ended == 0)
				continue;
			pair_eval(p, q, &p->e[e], &v);
			if (v.repeat == kind)
				buf_printf(&t, "%s%s", n++ ? ", " : repeats ? "; not proposed again with "
				    : "not proposed again with ", or_empty(mentees[e].name));
		}
		if (n > 0)
			buf_printf(&t, ": %s", repeat_why[kind]);
		repeats += n;
	}
	if (repeats > 0)
		return buf_steal(&t);
	for (e = 0; e < p->n_e && !near; e++)
		near = (q->dept >= 0 && q->dept == p->e[e].dept) ||
		    common_count(p->ids + q->fields, q->n_fields, p->ids + p->e[e].fields, p->e[e].n_fields) > 0;
	buf_adds(&t, "no mentee in ");
	where_text(mi, 1, 1, &t);
	if (near)
		buf_adds(&t, " whose department preference allows this mentor");
	return buf_steal(&t);
}

/* ---- results ---- */

static int cmp_pair(const void *a, const void *b)
{
	const struct match_pair *x = a, *y = b;

	if (x->mentor != y->mentor)
		return x->mentor < y->mentor ? -1 : 1;
	return (x->mentee > y->mentee) - (x->mentee < y->mentee);
}

static void result_fill(struct match_result *r, const struct prep *p, const struct graph *g,
    const struct flow *f, const struct match_person *mentors, const struct match_person *mentees)
{
	size_t e, m;
	struct eval v;

	r->pairs = xcalloc(p->n_e + 1, sizeof(*r->pairs));
	r->unmatched = xcalloc(p->n_e + p->n_m + 1, sizeof(*r->unmatched));
	for (e = 0; e < p->n_e; e++) {
		struct match_unmatched *u = &r->unmatched[r->n_unmatched];
		struct match_pair *q = &r->pairs[r->n_pairs];

		if (f->asg[e] < 0) {
			u->mentee_or_mentor = e;
			u->why = g->off[e] == g->off[e + 1] ? why_no_mentor(&p->e[e], &mentees[e]) :
			    why_full(g, e, mentors);
			repeats_note(p, e, mentors, g->off[e] == g->off[e + 1], &u->why);
			r->n_unmatched++;
			continue;
		}
		q->mentor = (size_t)f->asg[e];
		q->mentee = e;
		pair_eval(p, &p->m[q->mentor], &p->e[e], &v);
		q->score = v.score;
		q->choice = v.choice;
		q->reasons = pair_reasons(p, q->mentor, e, &mentors[q->mentor], &mentees[e]);
		repeats_note(p, e, mentors, 0, &q->reasons);
		r->total_score += v.score;
		r->n_pairs++;
	}
	qsort(r->pairs, r->n_pairs, sizeof(*r->pairs), cmp_pair);
	for (m = 0; m < p->n_m; m++) {
		if (f->load[m] > 0)
			continue;
		r->unmatched[r->n_unmatched].mentee_or_mentor = m;
		r->unmatched[r->n_unmatched].is_mentor = 1;
		r->unmatched[r->n_unmatched++].why = why_mentor(p, g, m, &mentors[m], mentees);
	}
}

static const char *input_check(const struct match_person *mentors, size_t n_m,
    const struct match_person *mentees, size_t n_e, const struct match_weights *w)
{
	size_t i;

	if (w == NULL || (mentors == NULL && n_m > 0) || (mentees == NULL && n_e > 0))
		return "missing input";
	if (n_m > MATCH_PEOPLE_MAX || n_e > MATCH_PEOPLE_MAX - n_m)
		return "too many people to match (more than 20000)";
	for (i = 0; i < n_m; i++)
		if (mentors[i].capacity < 1)
			return "a mentor's capacity is below 1";
	return weights_check(w);
}

int match_propose(const struct match_person *mentors, size_t n_mentors,
    const struct match_person *mentees, size_t n_mentees,
    const struct match_weights *w, struct match_result *r)
{
	struct prep p;
	struct graph g;
	struct flow f;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	memset(&g, 0, sizeof(g));
	memset(&f, 0, sizeof(f));
	if ((r->error = input_check(mentors, n_mentors, mentees, n_mentees, w)) != NULL)
		return -1;
	prep_init(&p, w);
	prep_people(&p, mentors, n_mentors, mentees, n_mentees);
	if (graph_build(&p, &g) < 0) {
		r->error = "too many allowed pairs to match (more than 20 million)";
		goto out;
	}
	flow_init(&f, &g, mentors, (uint32_t)n_mentors, (uint32_t)n_mentees);
	flow_run(&f);
	result_fill(r, &p, &g, &f, mentors, mentees);
	ret = 0;
out:
	flow_deinit(&f);
	graph_deinit(&g);
	prep_deinit(&p);
	return ret;
}

/* Why a pair breaks the rules, for match_score(). */
static const char *why_not(const struct person *e, const struct eval *v)
{
	if (v->self)
		return "the mentor and the mentee are the same person";
	if (v->repeat)
		return repeat_why[v->repeat];
	if (e->pref == PREF_SAME)
		return "different departments, and the mentee asked for the same department";
	if (e->pref == PREF_OTHER && v->same_dept)
		return "same department, and the mentee asked for another department";
	if (e->pref == PREF_OTHER)
		return "no shared field";
	return "no shared department or field";
}

int match_score(const struct match_person *mentor, const struct match_person *mentee,
    const struct match_weights *w, long *score_r, char **reasons_r)
{
	struct prep p;
	struct eval v;

	*score_r = 0;
	*reasons_r = NULL;
	if (mentor == NULL || mentee == NULL || w == NULL || weights_check(w) != NULL)
		return -1;
	prep_init(&p, w);
	prep_people(&p, mentor, 1, mentee, 1);
	pair_eval(&p, &p.m[0], &p.e[0], &v);
	if (v.allowed) {
		*score_r = v.score;
		*reasons_r = pair_reasons(&p, 0, 0, mentor, mentee);
	} else {
		*reasons_r = xstrdup(why_not(&p.e[0], &v));
	}
	prep_deinit(&p);
	return v.allowed;
}

void match_shares(const char *department_a, const char *fields_a, const char *department_b,
    const char *fields_b, int *same_department_r, int *shared_field_r)
{
	struct strlist a = { NULL, 0 }, b = { NULL, 0 };
	char *da = str_fold(department_a != NULL ? department_a : "");
	char *db = str_fold(department_b != NULL ? department_b : "");
	size_t i, j;

	*same_department_r = da[0] != '\0' && strcmp(da, db) == 0;
	*shared_field_r = 0;
	strlist_split(&a, fields_a != NULL ? fields_a : "", ',');
	strlist_split(&b, fields_b != NULL ? fields_b : "", ',');
	for (i = 0; i < a.n && i < MATCH_LIST_ITEMS_MAX && !*shared_field_r; i++) {
		char *fa = str_fold(a.v[i]);

		for (j = 0; j < b.n && j < MATCH_LIST_ITEMS_MAX && !*shared_field_r; j++) {
			char *fb = str_fold(b.v[j]);

			*shared_field_r = fa[0] != '\0' && strcmp(fa, fb) == 0;
			free(fb);
		}
		free(fa);
	}
	strlist_deinit(&a);
	strlist_deinit(&b);
	free(da);
	free(db);
}

void match_result_free(struct match_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_pairs; i++)
		free(r->pairs[i].reasons);
	for (i = 0; i < r->n_unmatched; i++)
		free(r->unmatched[i].why);
	free(r->pairs);
	free(r->unmatched);
	memset(r, 0, sizeof(*r));
}
