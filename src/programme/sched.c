#include "sched.h"

#include <stdlib.h>

#include "digest.h"
#include "edition.h"
#include "engine.h"
#include "followup.h"
#include "log.h"
#include "pairing.h"
#include "repair.h"
#include "store.h"
#include "training.h"
#include "util.h"

typedef int (*part_fn)(struct engine *e, char **error_r);

static int followup(struct engine *e, char **error_r)
{
	long anonymised = 0;
	int r = followup_due(e, &anonymised, error_r);

	if (anonymised > 0)
		log_info("retention: personal data of %ld closed cohort(s) anonymised", anonymised);
	return r;
}

/* What the clock runs, in this order. Each part claims its jobs by key in
 * the jobs table inside its own transaction, so that a job's mail and its
 * "done" mark commit together; a failing part does not stop the next. */
static const struct {
	const char *name;
	part_fn fn;
} parts[] = {
	{ "training reminders", training_reminders },
	/* before retention: a report due is read from the data it keeps */
	{ "edition report", edition_due },
	{ "carry-over reminders", edition_carry_due },
	{ "follow-up", followup },
	{ "fit check", repair_fit_due },
	{ "consent", pairing_consent_due },
	{ "digest", digest_due },
};

int sched_run(struct engine *e)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		char *err = NULL;

		if (parts[i].fn(e, &err) < 0) {
			/* the top of the clock's path: the one place that logs (a
			 * full disk is said once, by the daemon's loop) */
			if (!store_full(e->st))
				log_err("%s: %s", parts[i].name, err != NULL ? err : "database error");
			ret = -1;
		}
		free(err);
	}
	return ret;
}

time_t sched_next_due(struct engine *e)
{
	time_t next = 0;

	if (training_next_due(e, &next) < 0 || followup_next_due(e, &next) < 0 ||
	    edition_next_due(e, &next) < 0 ||
	    repair_next_due(e, &next) < 0 || pairing_consent_next_due(e, &next) < 0)
		return -1;
	digest_next_due(e, &next);
	return next;
}
