#include "standing.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* Does one of the comma-separated fields of a stand among those of
 * others (fields lists joined by ';')? Compared folded. */
static int shares_field(const char *mine, const char *others)
{
	struct strlist a = { NULL, 0 }, lists = { NULL, 0 }, b = { NULL, 0 };
	size_t i, j, k;
	char *x, *y;
	int hit = 0;

	strlist_split(&a, mine != NULL ? mine : "", ',');
	strlist_split(&lists, others != NULL ? others : "", ';');
	for (k = 0; k < lists.n && !hit; k++) {
		strlist_split(&b, lists.v[k], ',');
		for (i = 0; i < a.n && !hit; i++)
			for (j = 0; j < b.n && !hit; j++) {
				x = str_fold(a.v[i]);
				y = str_fold(b.v[j]);
				hit = *x != '\0' && strcmp(x, y) == 0;
				free(x);
				free(y);
			}
		strlist_deinit(&b);
	}
	strlist_deinit(&a);
	strlist_deinit(&lists);
	return hit;
}

int standing_waitlist_vars(struct engine *e, const struct application *a, struct vars *v)
{
	int mentee = strcmp(a->role, "mentee") == 0;
	const char *other = mentee ? "mentor" : "mentee";
	char *fields = NULL, *next = NULL;
	int ret = -1, room, narrowed;

	/* the other role's confirmed applicants with room: a mentor under
	 * capacity, a mentee without an active pair */
	if (store_query_text(e->st, &fields, "SELECT group_concat(x.field, ';') FROM applications x"
	    " WHERE x.cohort_id = ?1 AND x.role = ?2 AND x.status = 'confirmed' AND (SELECT count(*)"
	    " FROM pairs p WHERE p.status = 'active' AND (p.mentor_app = x.id OR p.mentee_app = x.id))"
	    " < CASE WHEN x.role = 'mentor' THEN x.capacity ELSE 1 END", "is", a->cohort_id,
	    other) < 0 ||
	    store_query_text(e->st, &next, "SELECT value FROM meta WHERE key = 'next_cohort'",
	    NULL) < 0)
		goto out;
	room = shares_field(a->field, fields);
	narrowed = room && mentee && ((a->preference != NULL && strcmp(a->preference, "any") != 0) ||
	    a->pref_gender != NULL || a->pref_mentors != NULL);
	vars_set(v, "no_room", room ? "" : "1");
	vars_set(v, "narrowed", narrowed ? "1" : "");
	vars_set(v, "other", roster_role_word(other, a->language));
	vars_set(v, "field", a->field);
	vars_set(v, "next", next);
	ret = 0;
out:
	free(fields);
	free(next);
	return ret;
}
