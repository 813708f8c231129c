/* cycle: the daemon's work, once or in a loop.
 *
 * One cycle: connect to IMAP; flag on the server what was committed but not
 * flagged before a crash; fetch every message above the highest UID known for
 * this UIDVALIDITY; for each, in one transaction, record it, apply its
 * effects and queue its answers, commit, and only then flag (and move) it
 * (doc/DESIGN.md section 6); then run what the clock says is due; then send the
 * queue.
 *
 * States of `run`:
 *   DISCONNECTED --connect ok--> WORKING --cycle done--> WAITING
 *   WAITING --IDLE says new mail, poll time, queue or clock due--> WORKING
 *   WAITING --idle_seconds without news--> DONE, NOOP, WAITING again
 *   any --IMAP error (a NOOP or DONE unanswered within timeout_seconds
 *   among them)--> DISCONNECTED, retried with backoff (2 s doubling to
 *   5 min)
 *   any --a write failed for want of disk space--> DISK FULL, said once;
 *   WORKING again once there is room (looked at every 2 s)
 *   SIGHUP reloads the configuration between cycles; SIGTERM and SIGINT
 *   end the loop within a second, whatever a server does.
 * Waiting wakes for nothing but the IMAP server, the next job due (the
 * queue's next attempt, the programme clock's next job) and signals: no
 * periodic timer while idle. */
#ifndef MENTORD_CYCLE_H
#define MENTORD_CYCLE_H

#include <signal.h>
#include <time.h>

struct config;

struct cycle_opts {
	const char *config_path;
	time_t now_offset;     /* --now minus the real clock at start; 0 if none */
	int fixed_now;         /* once: use now_base exactly */
	time_t now_base;
	int dry_run;
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *reload;
	volatile sig_atomic_t *wake;   /* any of the two since the last look */
};

/* Returns the exit status: 0 if everything went well, 1 if anything failed
 * (a server unreachable, a message quarantined, a message not delivered). */
int cycle_once(const struct config *cfg, const struct cycle_opts *o);
/* Runs until *stop; returns the exit status. *cfg may be replaced on
 * reload. */
int cycle_run(struct config **cfg, const struct cycle_opts *o);

/* The template folders for a configuration. */
struct template_dirs;
void cycle_template_dirs(const struct config *cfg, struct template_dirs *d);
/* Reads the words files of the template folders d (words.h); -1, with the
 * problems logged, when one is malformed. */
int cycle_words_load(const struct template_dirs *d);

#endif
