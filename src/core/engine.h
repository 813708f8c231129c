/* engine: what every part of the programme logic works with.
 *
 * The configuration is frozen; the store is open; now is the programme's
 * current time (the real clock, or --now); dry_run keeps mail in
 * spool/outbox/ instead of sending it. */
#ifndef MENTORD_ENGINE_H
#define MENTORD_ENGINE_H

#include <signal.h>
#include <time.h>

#include "template.h"

struct config;
struct sdnotify;
struct store;

struct engine {
	const struct config *cfg;
	struct store *st;
	struct template_dirs dirs;
	time_t now;
	int dry_run;
	struct sdnotify *notify; /* the service manager (sdnotify.h); NULL if none */
	/* non-zero once `run` is asked to stop (NULL outside `run`) */
	volatile sig_atomic_t *stop;
};

#endif
