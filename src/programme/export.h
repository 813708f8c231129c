/* export: the committee's data out, as CSV or JSON on stdout:
 *   mentord export [--person ADDRESS] [--format csv|json]
 * One row per application (with its pair), or everything held about one
 * person (an access request: applications, pairs, check-in answers, RSVPs
 * and the cases they opened). */
#ifndef MENTORD_EXPORT_H
#define MENTORD_EXPORT_H

struct config;
struct store;

int export_run(struct store *st, const struct config *cfg, int argc, char **argv);

#endif
