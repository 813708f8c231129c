/* cli: the commands of doc/DESIGN.md section 4 other than run, once and
 * check-config, for the operator and the committee on the server's shell.
 * Each prints its result on stdout and returns the exit status. */
#ifndef MENTORD_CLI_H
#define MENTORD_CLI_H

struct config;
struct cycle_opts;

int cli_known(const char *cmd);
int cli_run(const struct config *cfg, const struct cycle_opts *o, const char *cmd, int argc,
    char **argv);

#endif
