/* main: arguments, configuration, signals; everything else is delegated. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "cycle.h"
#include "imap.h"
#include "log.h"
#include "oauth2.h"
#include "probe.h"
#include "smtp.h"
#include "template.h"
#include "util.h"
#include "words.h"

#define EXIT_USAGE 2
#define EXIT_CONFIG 78 /* EX_CONFIG: systemd is told not to restart */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t wake_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
	wake_requested = 1;
}

static void usage(FILE *f)
{
	fputs("usage: mentord [-c FILE] [--now ISO-8601] [--dry-run] [-v] COMMAND [ARGS]\n"
	    "\n"
	    "  run                 the daemon: IMAP IDLE (poll fallback), scheduler, sender\n"
	    "  once                one full cycle; exit status 0 only if all went well\n"
	    "  check-config [--connect]\n"
	    "                      validate the configuration (and log in to IMAP and SMTP)\n"
	    "  status              the programme at a glance\n"
	    "  match | approve all|N... | reject N... | pair MENTOR MENTEE | unpair N REASON\n"
	    "  training DATE TIME DURATION LOCATION[, TITLE] | training update ... | training cancel\n"
	    "  close N | cohort open NAME [--announce] | cohort close | digest | profiles\n"
	    "  rematch N\n"
	    "                      the committee's commands, from the server's shell\n"
	    "  report [--cohort NAME] [--csv | --pdf FILE] [--mail]\n"
	    "                      the edition report, printed, written as a PDF with charts\n"
	    "                      (or mailed to the committee)\n"
	    "  queue [list | retry ID | drop ID]\n"
	    "  export [--person ADDRESS] [--format csv|json]\n"
	    "  forget ADDRESS      erase a person's data now\n"
	    "  backup FILE         online copy of the database\n"
	    "  restore FILE        (daemon stopped) put a backup back; mail flagged since is read again\n"
	    "  oauth2 login [--browser] [--port N]\n"
	    "                      sign in once, for the first OAuth 2 refresh token\n"
	    "  test-send ADDRESS   one plain message through the SMTP server, now; prints its answer\n"
	    "\n"
	    "  -c FILE             configuration (default /etc/mentord/mentord.conf)\n"
	    "  --now ISO-8601      pretend the time is this (tests, rehearsals)\n"
	    "  --dry-run           send nothing: write each message to SPOOL/outbox/*.eml\n"
	    "  -v                  debug logging\n"
	    "  --help, --version\n", f);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked poll() must return to see the flag */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Outside the unit there are no credentials to read: say so. */
static void note_credential(const char *what, const char *file)
{
	if (file != NULL && str_has_prefix(file, "credential:") && getenv("CREDENTIALS_DIRECTORY") == NULL)
		printf("%s: %s not checked: no CREDENTIALS_DIRECTORY here (the unit's"
		    " LoadCredential= provides it)\n", what, file);
}

static int check_config(const struct config *cfg, int connect)
{
	struct template_dirs dirs;
	char *report = NULL, *info = NULL, *err = NULL;
	int problems, ret = 0;

	cycle_template_dirs(cfg, &dirs);
	note_credential("[imap] password_file", cfg->imap.password_file);
	note_credential("[smtp] password_file", cfg->smtp.password_file);
	problems = template_check_all(&dirs, &report);
	if (problems > 0) {
		fprintf(stderr, "%s", report);
		ret = EXIT_CONFIG;
	}
	free(report);
	report = NULL;
	if (words_load(&dirs, &report) > 0) {
		fprintf(stderr, "%s", report);
		ret = EXIT_CONFIG;
	}
	free(report);
	report = config_report(cfg);
	printf("%s", report);
	xfree(&report);
	if (connect) {
		if (cfg->oauth2.enabled && oauth2_check(cfg, &info, &err) < 0) {
			printf("OAuth 2: FAILED: %s\n", err);
			ret = 1;
		} else if (cfg->oauth2.enabled) {
			printf("OAuth 2: ok: %s\n", info);
		}
		xfree(&info);
		xfree(&err);
		if (imap_check(cfg, &info, &err) < 0) {
			printf("IMAP: FAILED: %s\n", err);
			ret = 1;
		} else {
			printf("IMAP: ok: %s\n", info);
		}
		xfree(&info);
		xfree(&err);
		if (smtp_check(cfg, &info, &err) < 0) {
			printf("SMTP: FAILED: %s\n", err);
			ret = 1;
		} else {
			printf("SMTP: ok: %s\n", info);
		}
		xfree(&info);
		xfree(&err);
	}
	if (ret == 0)
		printf("%s: configuration ok\n", cfg->path);
	return ret;
}

/* mentord oauth2 login [--browser] [--port N]: the person signs in, by
 * browser or by a code typed elsewhere (oauth2.h). */
static int oauth2_command(const struct config *cfg, int argc, char **argv)
{
	struct oauth2_login_opts lo = { 0, 0, STDIN_FILENO, OAUTH2_BROWSER_WAIT };
	char *err = NULL;
	int i, bad = argc < 1 || strcmp(argv[0], "login") != 0;

	for (i = 1; i < argc && !bad; i++) {
		if (strcmp(argv[i], "--browser") == 0)
			lo.browser = 1;
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc &&
		    str_to_long(argv[i + 1], 1, 65535, &lo.port) == 0)
			i++;
		else
			bad = 1;
	}
	if (bad) {
		fprintf(stderr, "usage: mentord oauth2 login [--browser] [--port N]\n");
		return EXIT_USAGE;
	}
	if (oauth2_login(cfg, &lo, stdout, &err) < 0) {
		fprintf(stderr, "mentord: %s\n", err);
		free(err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *config_path = "/etc/mentord/mentord.conf", *now_arg = NULL, *cmd;
	struct cycle_opts o;
	struct config *cfg = NULL;
	char *errors = NULL;
	int i, dry_run = 0, ret;
	size_t w;
	time_t now = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("mentord %s\n", MENTORD_VERSION);
			return 0;
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			config_path = argv[++i];
		} else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
			now_arg = argv[++i];
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			dry_run = 1;
		} else if (strcmp(argv[i], "-v") == 0) {
			log_set_level(LOG_DEBUG);
		} else {
			fprintf(stderr, "mentord: unknown option %s\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[i++];
	if (!cli_known(cmd)) {
		fprintf(stderr, "mentord: unknown command %s\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (config_load(config_path, &cfg, &errors) < 0) {
		fprintf(stderr, "%s", errors);
		free(errors);
		return EXIT_CONFIG;
	}
	for (w = 0; w < cfg->warnings.n; w++)
		log_warn("%s", cfg->warnings.v[w]);
	/* every local time is the programme's */
	setenv("TZ", cfg->programme.timezone, 1);
	tzset();
	if (now_arg != NULL && time_parse_iso8601(now_arg, &now) < 0) {
		fprintf(stderr, "mentord: --now: expected ISO 8601 like 2026-03-02T09:30, not %s\n", now_arg);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	/* a server that hangs up is an error to report, not a signal to die of */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	o.config_path = config_path;
	o.dry_run = dry_run;
	o.stop = &stop_requested;
	o.reload = &reload_requested;
	o.wake = &wake_requested;
	o.fixed_now = now_arg != NULL;
	o.now_base = now_arg != NULL ? now : time(NULL);
	if (strcmp(cmd, "check-config") == 0) {
		ret = check_config(cfg, i < argc && strcmp(argv[i], "--connect") == 0);
	} else if (strcmp(cmd, "oauth2") == 0) {
		ret = oauth2_command(cfg, argc - i, argv + i);
	} else if (strcmp(cmd, "test-send") == 0) {
		if (argc - i != 1) {
			fprintf(stderr, "usage: mentord test-send ADDRESS\n");
			ret = EXIT_USAGE;
		} else {
			ret = probe_send(cfg, argv[i], o.now_base);
		}
	} else if (strcmp(cmd, "once") == 0) {
		ret = cycle_once(cfg, &o);
	} else if (strcmp(cmd, "run") == 0) {
		install_signals();
		o.fixed_now = 0;
		o.now_offset = now_arg != NULL ? now - time(NULL) : 0;
		ret = cycle_run(&cfg, &o);
	} else {
		ret = cli_run(cfg, &o, cmd, argc - i, argv + i);
	}
	config_free(&cfg);
	return ret;
}
