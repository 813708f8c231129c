#include "sched.h"

#include "digest.h"
#include "engine.h"
#include "followup.h"
#include "store.h"
#include "training.h"

/* Each part claims its jobs by key in the jobs table inside its own
 * transaction, so that a job's mail and its "done" mark commit together. */
int sched_run(struct engine *e)
{
	int ret = 0;

	if (training_reminders(e) < 0)
		ret = -1;
	if (followup_due(e) < 0)
		ret = -1;
	if (digest_due(e) < 0)
		ret = -1;
	return ret;
}
