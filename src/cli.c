#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "applicant.h"
#include "command.h"
#include "committee.h"
#include "cycle.h"
#include "digest.h"
#include "edition.h"
#include "export.h"
#include "engine.h"
#include "health.h"
#include "notify.h"
#include "template.h"
#include "store.h"
#include "util.h"

static const char *const commands[] = { "run", "once", "check-config", "status", "queue", "backup",
	"restore",
	"match", "approve", "reject", "pair", "unpair", "training", "close", "cohort", "digest",
	"resend",
	"forget", "export", "oauth2", "report", "profiles", "rematch", "test-send" };

int cli_known(const char *cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i]) == 0)
			return 1;
	return 0;
}

static int open_store(const struct config *cfg, struct store **st)
{
	char *err = NULL;

	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		err = file_error(cfg->paths.spool, errno);
		fprintf(stderr, "mentord: cannot create %s\n", err);
		free(err);
		return -1;
	}
	if (store_open(cfg->paths.database, st, &err) < 0 || store_check(*st, &err) < 0) {
		fprintf(stderr, "mentord: database: %s\n", err);
		free(err);
		store_close(st);
		return -1;
	}
	return 0;
}

static const char *const status_names[] = { "queued", "sent", "failed", "bounced", "dropped" };

static void engine_for(struct engine *e, const struct config *cfg, const struct cycle_opts *o,
    struct store *st);

/* The room of the database's and the spool's file systems: a full one
 * stops the daemon's work until space is freed. */
static void status_disk(const struct config *cfg)
{
	const char *paths[2] = { cfg->paths.database, cfg->paths.spool };
	char *report = NULL;
	int i, r;

	for (i = 0; i < 2; i++) {
		r = store_room(paths[i], &report);
		printf("disk:     %s%s\n", r == 1 ? "FULL: " : "", report);
		xfree(&report);
	}
}

static int cmd_status(struct store *st, const struct config *cfg, const struct cycle_opts *o)
{
	struct engine e;
	struct buf b;
	long n_in = 0, n_human = 0, n_quar = 0, counts[5] = { 0 };
	int i;

	if (store_inbound_count(st, NULL, &n_in) < 0 || store_inbound_count(st, "human", &n_human) < 0 ||
	    store_inbound_count(st, "quarantined", &n_quar) < 0)
		return 1;
	for (i = 0; i < 5; i++)
		if (store_outbound_count(st, (enum store_out_status)i, &counts[i]) < 0)
			return 1;
	printf("%s <%s>\n", cfg->programme.name, cfg->programme.address);
	printf("inbound:  %ld message(s), %ld left for the committee, %ld quarantined\n",
	    n_in, n_human, n_quar);
	printf("outbound:");
	for (i = 0; i < 5; i++)
		printf(" %ld %s%s", counts[i], status_names[i], i < 4 ? "," : "\n");
	status_disk(cfg);
	printf("\n");
	engine_for(&e, cfg, o, st);
	buf_init(&b, 4u * 1024 * 1024);
	buf_add(&b, "", 0);
	i = digest_status(&e, &b);
	fputs(b.s, stdout);
	buf_deinit(&b);
	return i < 0 ? 1 : 0;
}

static int cmd_queue(struct store *st, const struct cycle_opts *o, int argc, char **argv)
{
	struct store_outbound *rows = NULL;
	size_t n = 0, i;
	long id = 0;
	int r;

	if (argc == 0 || strcmp(argv[0], "list") == 0) {
		if (store_outbound_list(st, 200, &rows, &n) < 0)
			return 1;
		printf("%-6s %-8s %-18s %-8s %s\n", "ID", "STATUS", "KIND", "TRIES", "TO / LAST ERROR");
		for (i = 0; i < n; i++) {
			printf("%-6" PRId64 " %-8s %-18s %-8ld %s\n", rows[i].id,
			    status_names[rows[i].status], rows[i].kind, rows[i].attempts,
			    rows[i].envelope_to);
			if (rows[i].last_error != NULL)
				printf("%43s%s\n", "", rows[i].last_error);
		}
		store_outbound_free_rows(&rows, n);
		return 0;
	}
	if (argc != 2 || str_to_long(argv[1], 1, 1L << 52, &id) < 0 ||
	    (strcmp(argv[0], "retry") != 0 && strcmp(argv[0], "drop") != 0)) {
		fprintf(stderr, "usage: mentord queue [list | retry ID | drop ID]\n");
		return 2;
	}
	r = strcmp(argv[0], "retry") == 0 ? store_outbound_retry_now(st, id, o->now_base)
	    : store_outbound_drop(st, id);
	if (r < 0)
		return 1;
	if (r == 0) {
		fprintf(stderr, "mentord: no queued or failed message %ld\n", id);
		return 1;
	}
	printf("message %ld %s\n", id, strcmp(argv[0], "retry") == 0 ? "queued to be sent now" : "dropped");
	return 0;
}

static int cmd_backup(struct store *st, const struct cycle_opts *o, int argc, char **argv)
{
	char *err = NULL;

	if (argc != 1) {
		fprintf(stderr, "usage: mentord backup FILE\n");
		return 2;
	}
	if (store_backup(st, argv[0], o->now_base, &err) < 0) {
		fprintf(stderr, "mentord: backup: %s\n", err);
		free(err);
		return 1;
	}
	printf("backup written to %s\n", argv[0]);
	return 0;
}

static void engine_for(struct engine *e, const struct config *cfg, const struct cycle_opts *o,
    struct store *st)
{
	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->st = st;
	e->now = o->now_base;
	e->dry_run = o->dry_run;
	cycle_template_dirs(cfg, &e->dirs);
	if (cycle_words_load(&e->dirs) < 0)
		fatal("the words files cannot be read");
}

/* A committee command typed on the server: the same layer as by email. */
static int cmd_committee(struct store *st, const struct config *cfg, const struct cycle_opts *o,
    const char *cmd, int argc, char **argv)
{
	struct committee_command cc;
	struct engine e;
	struct buf line, out;
	const char *user = getenv("SUDO_USER") != NULL ? getenv("SUDO_USER") : getenv("USER");
	char *actor = xasprintf("shell:%s", user != NULL ? user : "?"), *err = NULL;
	int i, r, ret = 1;

	buf_init(&line, 64 * 1024);
	buf_init(&out, 4 * 1024 * 1024);
	buf_add(&out, "", 0);
	buf_adds(&line, cmd);
	for (i = 0; i < argc; i++)
		buf_printf(&line, " %s", argv[i]);
	r = command_committee_parse(line.s, &cc);
	if (r != 1 || cc.error != NULL) {
		fprintf(stderr, "mentord: %s\n", r == 1 ? cc.error : "not a committee command");
		ret = 2;
		goto out;
	}
	engine_for(&e, cfg, o, st);
	if (store_begin(st) < 0)
		goto out;
	if (committee_exec(&e, actor, &cc, 0, &out, &err) < 0) {
		store_rollback(st);
		if (err != NULL)
			fprintf(stderr, "mentord: %s\n", err);
		goto out;
	}
	/* what the shell prints as done is on the disk */
	if (store_commit(st) < 0 || store_sync(st) < 0)
		goto out;
	fputs(out.s, stdout);
	ret = 0;
out:
	command_committee_deinit(&cc);
	buf_deinit(&line);
	buf_deinit(&out);
	free(actor);
	free(err);
	return ret;
}

/* `mentord report [--cohort NAME | NAME] [--csv | --pdf FILE] [--mail]`:
 * the edition report printed (as CSV with --csv), or written to FILE as a
 * PDF; with --mail, sent to the committee as the email command does. */
static int cmd_report(struct store *st, const struct config *cfg, const struct cycle_opts *o,
    int argc, char **argv)
{
	struct engine e;
	struct buf out;
	const char *name = NULL, *pdf = NULL;
	char *mail[3] = { NULL, NULL, NULL };
	enum edition_format format = EDITION_TEXT;
	int i, send = 0, n = 0, r;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0 && pdf == NULL)
			format = EDITION_CSV;
		else if (strcmp(argv[i], "--pdf") == 0 && i + 1 < argc && format == EDITION_TEXT) {
			pdf = argv[++i];
			format = EDITION_PDF;
		}
		else if (strcmp(argv[i], "--mail") == 0)
			send = 1;
		else if (strcmp(argv[i], "--cohort") == 0 && i + 1 < argc && name == NULL)
			name = argv[++i];
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else {
			fprintf(stderr, "usage: mentord report [--cohort NAME] [--csv | --pdf FILE] [--mail]\n");
			return 2;
		}
	}
	if (send) {
		if (name != NULL) {
			mail[n++] = xstrdup("--cohort");
			mail[n++] = xstrdup(name);
		}
		r = cmd_committee(st, cfg, o, "report", n, mail);
		for (i = 0; i < n; i++)
			free(mail[i]);
		return r;
	}
	engine_for(&e, cfg, o, st);
	buf_init(&out, 4u * 1024 * 1024);
	buf_add(&out, "", 0);
	r = edition_report_print(&e, name, format, &out);
	if (r == 1 && pdf != NULL && file_write_atomic(pdf, out.s, out.len, 0644) < 0) {
		fprintf(stderr, "mentord: report: cannot write %s: %s\n", pdf, strerror(errno));
		r = -1;
	} else if (r == 1 && pdf == NULL) {
		fputs(out.s, stdout);
	} else if (r < 0 && pdf != NULL) {
		fprintf(stderr, "mentord: report: the PDF could not be drawn\n");
	} else if (r == 0)
		fprintf(stderr, name != NULL ? "mentord: report: no cohort is named %s\n"
		    : "mentord: report: no cohort yet%s\n", name != NULL ? name : "");
	buf_deinit(&out);
	return r == 1 ? 0 : 1;
}

static int cmd_forget(struct store *st, const struct config *cfg, const struct cycle_opts *o,
    int argc, char **argv)
{
	struct engine e;
	char *err = NULL;

	if (argc != 1 || strchr(argv[0], '@') == NULL) {
		fprintf(stderr, "usage: mentord forget ADDRESS\n");
		return 2;
	}
	engine_for(&e, cfg, o, st);
	if (store_begin(st) < 0)
		return 1;
	if (applicant_erase(&e, argv[0], &err) < 0) {
		store_rollback(st);
		if (err != NULL)
			fprintf(stderr, "mentord: forget: %s\n", err);
		free(err);
		return 1;
	}
	if (store_commit(st) < 0 || store_sync(st) < 0)
		return 1;
	printf("the personal data of %s is erased\n", argv[0]);
	return 0;
}

/* What the database being replaced says went out after the backup was
 * taken: one line each, for the operator and the committee; a database
 * that cannot be read says so instead. */
#define RESTORE_LIST_MAX 500

struct sent_list {
	struct buf b;
	long n;
};

static int sent_row(const struct store_row *row, void *arg)
{
	struct sent_list *l = arg;
	char when[32];

	if (++l->n > RESTORE_LIST_MAX)
		return 0;
	time_local_str((time_t)store_row_int(row, 0), when, sizeof(when));
	buf_printf(&l->b, "  %s  %-18s to %s: %s\n", when, store_row_text(row, 1),
	    store_row_text(row, 2), store_row_text(row, 3));
	return 0;
}

static void sent_after(const char *path, time_t taken, struct sent_list *l)
{
	struct store *old = NULL;
	char *err = NULL;

	buf_init(&l->b, 1024 * 1024);
	buf_add(&l->b, "", 0);
	l->n = 0;
	if (access(path, F_OK) != 0) {
		buf_adds(&l->b, "  (there was no database to replace)\n");
		return;
	}
	if (store_open_readonly(path, &old, &err) < 0 ||
	    store_query(old, "SELECT sent_at, kind, envelope_to, coalesce(subject, '') FROM outbound"
	    " WHERE status IN ('sent', 'bounced') AND sent_at >= ? ORDER BY sent_at, id", sent_row, l,
	    "t", taken) < 0) {
		buf_printf(&l->b, "  (the database being replaced cannot be read%s%s: what was sent"
		    " after the backup cannot be listed)\n", err != NULL ? ": " : "", err != NULL ? err : "");
		l->n = -1;
	} else if (l->n > RESTORE_LIST_MAX) {
		buf_printf(&l->b, "  ... and %ld more\n", l->n - RESTORE_LIST_MAX);
	} else if (l->n == 0) {
		buf_adds(&l->b, "  (nothing)\n");
	}
	free(err);
	store_close(&old);
}

/* The committee hears of the restore and of what may reach people twice. */
static int restore_notice(const struct config *cfg, const struct cycle_opts *o, time_t taken,
    const char *replaced, const struct sent_list *l)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct store *st = NULL;
	struct engine e;
	char date[32], now[32], *err = NULL;
	int ret = -1;

	if (store_open(cfg->paths.database, &st, &err) < 0)
		goto out;
	engine_for(&e, cfg, o, st);
	time_local_str(taken, date, sizeof(date));
	time_local_str(o->now_base, now, sizeof(now));
	vars_set(&v, "backup_date", date);
	vars_set(&v, "restored_date", now);
	vars_setf(&v, "count", "%ld", l->n < 0 ? 0 : l->n);
	vars_set(&v, "sent", l->b.s);
	vars_set(&v, "replaced", replaced != NULL ? replaced : "(none)");
	if (store_begin(st) < 0)
		goto out;
	if (notify_committee(&e, &(struct notice){ .kind = "restore-notice", .vars = &v }, &err) < 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st) < 0 || store_sync(st) < 0)
		goto out;
	ret = 0;
out:
	if (err != NULL)
		fprintf(stderr, "mentord: restore: %s\n", err);
	free(err);
	vars_deinit(&v);
	store_close(&st);
	return ret;
}

static int cmd_restore(const struct config *cfg, const struct cycle_opts *o, int argc, char **argv)
{
	struct sent_list l;
	char *err = NULL, *replaced = NULL, date[32];
	time_t taken = 0;
	int lock = -1, r, ret = 1;

	if (argc != 1) {
		fprintf(stderr, "usage: mentord restore FILE\n");
		return 2;
	}
	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		err = file_error(cfg->paths.spool, errno);
		fprintf(stderr, "mentord: cannot create %s\n", err);
		free(err);
		return 1;
	}
	r = store_lock(cfg->paths.database, 1, &lock);
	if (r == 1) {
		fprintf(stderr, "mentord: restore: mentord is running on %s (run or once):"
		    " stop it first (systemctl stop mentord), then restore\n", cfg->paths.database);
		return 1;
	}
	if (r < 0) {
		int saved = errno;
		char *path = xasprintf("%s.lock", cfg->paths.database);

		err = file_error(path, saved);
		fprintf(stderr, "mentord: restore: cannot lock %s\n", err);
		free(err);
		free(path);
		return 1;
	}
	if (store_backup_check(argv[0], &taken, &err) < 0) {
		fprintf(stderr, "mentord: restore: %s\n", err);
		goto out;
	}
	sent_after(cfg->paths.database, taken, &l);
	if (store_restore(cfg->paths.database, argv[0], o->now_base, &taken, &replaced, &err) < 0) {
		fprintf(stderr, "mentord: restore: %s\n", err);
		buf_deinit(&l.b);
		goto out;
	}
	time_local_str(taken, date, sizeof(date));
	printf("%s restored from %s, taken %s.\n", cfg->paths.database, argv[0], date);
	if (replaced != NULL)
		printf("The database it replaced is kept as %s.\n", replaced);
	printf("Mail flagged on the server since the backup is read again by the next cycle;"
	    " what was already known is recognised by its Message-ID.\n"
	    "Sent after the backup, so people may get it a second time (the committee is told too):\n%s",
	    l.b.s);
	ret = restore_notice(cfg, o, taken, replaced, &l) < 0 ? 1 : 0;
	buf_deinit(&l.b);
out:
	free(err);
	free(replaced);
	close(lock);
	return ret;
}

int cli_run(const struct config *cfg, const struct cycle_opts *o, const char *cmd, int argc,
    char **argv)
{
	struct store *st = NULL;
	int ret = 2;

	if (strcmp(cmd, "status") == 0 && argc == 1 && strcmp(argv[0], "--health") == 0)
		return health_run(cfg, o->now_base);
	/* not through open_store(): the database it replaces may be broken */
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(cfg, o, argc, argv);
	if (open_store(cfg, &st) < 0)
		return 1;
	if (strcmp(cmd, "status") == 0)
		ret = cmd_status(st, cfg, o);
	else if (strcmp(cmd, "queue") == 0)
		ret = cmd_queue(st, o, argc, argv);
	else if (strcmp(cmd, "backup") == 0)
		ret = cmd_backup(st, o, argc, argv);
	else if (strcmp(cmd, "forget") == 0)
		ret = cmd_forget(st, cfg, o, argc, argv);
	else if (strcmp(cmd, "export") == 0)
		ret = export_run(st, cfg, argc, argv);
	else if (strcmp(cmd, "report") == 0)
		ret = cmd_report(st, cfg, o, argc, argv);
	else
		ret = cmd_committee(st, cfg, o, cmd, argc, argv);
	if (ret != 0 && store_full(st)) {
		char *report = NULL;

		store_room(cfg->paths.database, &report);
		fprintf(stderr, "mentord: disk full: %s; nothing was changed\n", report);
		free(report);
	}
	store_close(&st);
	return ret;
}
