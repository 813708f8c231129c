/* provider: what `[programme] provider` sets, in one table.
 *
 * A provider stands for a mail service whose ways are known: its servers,
 * the mechanism it takes, the folder handled mail goes to, the
 * Authentication-Results it writes. config_load() applies a provider's
 * defaults to every key the file does not set itself: a key in the file
 * always wins. `other` sets nothing. */
#ifndef MENTORD_PROVIDER_H
#define MENTORD_PROVIDER_H

#include <stddef.h>

enum provider { PROVIDER_OTHER, PROVIDER_MICROSOFT365, PROVIDER_EXCHANGE, PROVIDER_GOOGLE };

/* One default: the value as the file would write it. */
struct provider_default {
	const char *section;
	const char *key;
	const char *value;
};

/* PROVIDER_* from its name in the file; -1 if unknown. */
int provider_parse(const char *name);
const char *provider_name(enum provider p);
/* Mail of Exchange (Online or Server): its AuthAs headers are read. */
#define PROVIDER_IS_EXCHANGE(p) ((p) == PROVIDER_MICROSOFT365 || (p) == PROVIDER_EXCHANGE)

/* The provider's defaults (static data); *n_r of them. */
const struct provider_default *provider_defaults(enum provider p, size_t *n_r);

/* The folder handled mail is moved to by the microsoft365, exchange and
 * google presets: a folder Outlook and Gmail (as a label) both show. */
#define PROVIDER_HANDLED_FOLDER "Handled by mentord"

#endif
