#include "quarantine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "store.h"
#include "util.h"

#define DAY 86400

/* Rows of inbound with a copy: id, path, and whether it is past its days. */
struct copies {
	int64_t *ids;
	char **paths;
	int *old;
	size_t n, cap;
};

static int copy_row(const struct store_row *row, void *arg)
{
	struct copies *c = arg;
	const char *path = store_row_text(row, 1);

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->ids = xrealloc(c->ids, c->cap * sizeof(*c->ids));
		c->paths = xrealloc(c->paths, c->cap * sizeof(*c->paths));
		c->old = xrealloc(c->old, c->cap * sizeof(*c->old));
	}
	c->ids[c->n] = store_row_int(row, 0);
	c->old[c->n] = store_row_int(row, 2) != 0;
	c->paths[c->n] = xstrdup(path != NULL ? path : "");
	c->n++;
	return 0;
}

static void copies_deinit(struct copies *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->ids);
	free(c->paths);
	free(c->old);
	memset(c, 0, sizeof(*c));
}

static int drop(struct engine *e, int64_t id, const char *path)
{
	unlink(path);
	return store_exec(e->st, "UPDATE inbound SET quarantine = NULL, quarantine_dropped_at = ?"
	    " WHERE id = ?", "ti", e->now, id);
}

int quarantine_prune(struct engine *e, const char *keep, long *dropped_r)
{
	struct copies c = { NULL, NULL, NULL, 0, 0 };
	uint64_t max = (uint64_t)e->cfg->paths.quarantine_max_mb * 1024 * 1024, total = 0;
	time_t oldest = e->now - (time_t)e->cfg->paths.quarantine_days * DAY;
	size_t i;
	int ret = -1;

	*dropped_r = 0;
	/* the newest first: what is past the bound, counting from them, goes */
	if (store_query(e->st, "SELECT id, quarantine, received_at < ? FROM inbound"
	    " WHERE quarantine IS NOT NULL ORDER BY received_at DESC, id DESC", copy_row, &c, "t",
	    oldest) < 0)
		goto out;
	for (i = 0; i < c.n; i++) {
		struct stat sb;
		int kept = keep != NULL && strcmp(c.paths[i], keep) == 0;

		if (stat(c.paths[i], &sb) == 0)
			total += (uint64_t)sb.st_size;
		if (kept || (!c.old[i] && total <= max))
			continue;
		if (drop(e, c.ids[i], c.paths[i]) < 0)
			goto out;
		(*dropped_r)++;
	}
	ret = 0;
out:
	copies_deinit(&c);
	return ret;
}

int quarantine_drop_before(struct engine *e, time_t before)
{
	struct copies c = { NULL, NULL, NULL, 0, 0 };
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT id, quarantine, 1 FROM inbound WHERE quarantine IS NOT NULL"
	    " AND received_at <= ?", copy_row, &c, "t", before) < 0)
		goto out;
	for (i = 0; i < c.n; i++)
		if (drop(e, c.ids[i], c.paths[i]) < 0)
			goto out;
	ret = 0;
out:
	copies_deinit(&c);
	return ret;
}
