#include "sender.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "log.h"
#include "smtp.h"
#include "store.h"
#include "util.h"

#define SENDER_BATCH 500
#define BACKOFF_FIRST 60
#define BACKOFF_MAX (6 * 3600)

static time_t backoff(long attempts)
{
	time_t d = BACKOFF_FIRST;
	long i;

	for (i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

static int write_outbox(struct engine *e, const struct store_outbound *o)
{
	char *dir = xasprintf("%s/outbox", e->cfg->paths.spool);
	char *path = xasprintf("%s/%lld.eml", dir, (long long)o->id);
	int ret = 0;

	if (mkdir_p(dir, 0700) < 0 || file_write_atomic(path, o->data, o->len, 0600) < 0) {
		log_err("dry run: cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(dir);
	free(path);
	return ret;
}

static int dry_run(struct engine *e, struct sender_stats *stats)
{
	struct store_outbound *rows = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (store_outbound_queued(e->st, 1000000, &rows, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (write_outbox(e, &rows[i]) < 0)
			ret = -1;
		else
			stats->written++;
	}
	store_outbound_free_rows(&rows, n);
	if (n > 0)
		log_info("dry run: %zu message(s) written to %s/outbox, nothing sent", stats->written,
		    e->cfg->paths.spool);
	return ret;
}

/* Splits "a@x,b@y" into an array pointing into s. */
static size_t split_rcpts(char *s, const char **v, size_t max)
{
	size_t n = 0;
	char *p = s, *comma;

	while (p != NULL && *p != '\0' && n < max) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		v[n++] = p;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return n;
}

static int deliver(struct engine *e, struct smtp *smtp, struct store_outbound *o,
    struct sender_stats *stats, int *stop)
{
	const char *rcpts[16];
	char *err = NULL;
	enum smtp_result r;
	size_t n = split_rcpts(o->envelope_to, rcpts, 16);
	long attempts = o->attempts + 1;
	int ret = 0;

	r = smtp_send(smtp, e->cfg->programme.address, rcpts, n, o->data, o->len, &err);
	if (r == SMTP_OK) {
		ret = store_outbound_mark_sent(e->st, o->id, e->now);
		stats->sent++;
		log_info("sent %s #%lld", o->kind, (long long)o->id);
	} else if (r == SMTP_PERM || attempts >= e->cfg->smtp.max_attempts) {
		ret = store_outbound_mark_failed(e->st, o->id, attempts, err);
		stats->failed++;
		log_warn("%s #%lld failed for good after %ld attempt(s): %s", o->kind, (long long)o->id,
		    attempts, err);
	} else {
		ret = store_outbound_mark_retry(e->st, o->id, attempts, e->now + backoff(attempts), err);
		stats->retried++;
		log_warn("%s #%lld will be retried (attempt %ld): %s", o->kind, (long long)o->id,
		    attempts, err);
		/* no reply code at all: the server is unreachable; the rest
		 * of the batch would only wait for the same timeout */
		if (err != NULL && !(err[0] >= '4' && err[0] <= '5'))
			*stop = 1;
	}
	free(err);
	return ret;
}

int sender_run(struct engine *e, struct sender_stats *stats)
{
	struct store_outbound *rows = NULL;
	struct smtp *smtp = NULL;
	char *err = NULL;
	size_t n = 0, i;
	int stop = 0, ret = 0;

	memset(stats, 0, sizeof(*stats));
	if (e->dry_run)
		return dry_run(e, stats);
	do {
		if (store_outbound_due(e->st, e->now, SENDER_BATCH, &rows, &n) < 0)
			return -1;
		if (n > 0 && smtp == NULL && smtp_open(e->cfg, &smtp, &err) < 0) {
			log_err("smtp: %s", err);
			free(err);
			store_outbound_free_rows(&rows, n);
			return -1;
		}
		for (i = 0; i < n && !stop; i++)
			if (deliver(e, smtp, &rows[i], stats, &stop) < 0)
				ret = -1;
		store_outbound_free_rows(&rows, n);
	} while (n == SENDER_BATCH && !stop && ret == 0);
	smtp_close(&smtp);
	return stop ? -1 : ret;
}

long sender_next_due(struct engine *e)
{
	int64_t next = -1;

	if (store_query_int(e->st, &next, "SELECT coalesce(min(next_attempt), -1) FROM outbound"
	    " WHERE status = 'queued' AND data IS NOT NULL", NULL) < 0 || next < 0)
		return -1;
	return next <= e->now ? 0 : (long)(next - e->now);
}
