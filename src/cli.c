#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "store.h"
#include "util.h"

static const char *const commands[] = { "run", "once", "check-config", "status", "queue", "backup",
	"match", "approve", "reject", "pair", "unpair", "training", "close", "cohort", "digest",
	"forget", "export", "report" };

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
		fprintf(stderr, "mentord: cannot create %s\n", cfg->paths.spool);
		return -1;
	}
	if (store_open(cfg->paths.database, st, &err) < 0) {
		fprintf(stderr, "mentord: database: %s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

static const char *const status_names[] = { "queued", "sent", "failed", "bounced", "dropped" };

static void engine_for(struct engine *e, const struct config *cfg, const struct cycle_opts *o,
    struct store *st);

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
		printf(" %ld %s%s", counts[i], status_names[i], i < 4 ? "," : "\n\n");
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

static int cmd_backup(struct store *st, int argc, char **argv)
{
	char *err = NULL;

	if (argc != 1) {
		fprintf(stderr, "usage: mentord backup FILE\n");
		return 2;
	}
	if (store_backup(st, argv[0], &err) < 0) {
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
	if (store_commit(st) < 0)
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

/* `mentord report [--cohort NAME | NAME] [--csv] [--mail]`: the edition
 * report printed (as CSV with --csv); with --mail, sent to the committee
 * as the email command does. */
static int cmd_report(struct store *st, const struct config *cfg, const struct cycle_opts *o,
    int argc, char **argv)
{
	struct engine e;
	struct buf out;
	const char *name = NULL;
	char *mail[3] = { NULL, NULL, NULL };
	int i, csv = 0, send = 0, n = 0, r;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else if (strcmp(argv[i], "--mail") == 0)
			send = 1;
		else if (strcmp(argv[i], "--cohort") == 0 && i + 1 < argc && name == NULL)
			name = argv[++i];
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else {
			fprintf(stderr, "usage: mentord report [--cohort NAME] [--csv] [--mail]\n");
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
	r = edition_report_print(&e, name, csv, &out);
	if (r == 1)
		fputs(out.s, stdout);
	else if (r == 0)
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
	if (store_commit(st) < 0)
		return 1;
	printf("the personal data of %s is erased\n", argv[0]);
	return 0;
}

int cli_run(const struct config *cfg, const struct cycle_opts *o, const char *cmd, int argc,
    char **argv)
{
	struct store *st = NULL;
	int ret = 2;

	if (strcmp(cmd, "status") == 0 && argc == 1 && strcmp(argv[0], "--health") == 0)
		return health_run(cfg, o->now_base);
	if (open_store(cfg, &st) < 0)
		return 1;
	if (strcmp(cmd, "status") == 0)
		ret = cmd_status(st, cfg, o);
	else if (strcmp(cmd, "queue") == 0)
		ret = cmd_queue(st, o, argc, argv);
	else if (strcmp(cmd, "backup") == 0)
		ret = cmd_backup(st, argc, argv);
	else if (strcmp(cmd, "forget") == 0)
		ret = cmd_forget(st, cfg, o, argc, argv);
	else if (strcmp(cmd, "export") == 0)
		ret = export_run(st, cfg, argc, argv);
	else if (strcmp(cmd, "report") == 0)
		ret = cmd_report(st, cfg, o, argc, argv);
	else
		ret = cmd_committee(st, cfg, o, cmd, argc, argv);
	store_close(&st);
	return ret;
}
