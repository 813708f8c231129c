/* export: the committee's data out, as CSV or JSON on stdout:
 *   mentord export [--person ADDRESS] [--format csv|json]
 * One row per application (with its pair), or everything held about one
 * person (an access request: applications, pairs, check-in answers, RSVPs
 * and the cases they opened). It reads the tables only, like overview.h,
 * and is the one module here that writes to a stream: the shell's.
 *
 * Returns the command's exit status: 0, 1 on a database error (store.h
 * logs it), 2 on a usage error (said on stderr). */
#ifndef MENTORD_EXPORT_H
#define MENTORD_EXPORT_H

struct config;
struct store;

int export_run(struct store *st, const struct config *cfg, int argc, char **argv);

#endif
