/* ical: see ical.h; ical_private.h says which file does what. This one
 * holds libical, loaded while it is needed, and what the writer and the
 * reader both check. */
#include "ical.h"

#include <dlfcn.h>
#include <string.h>

#include "bounds.h"
#include "ical_private.h"
#include "log.h"
#include "util.h"

#ifndef ICAL_SONAME
#define ICAL_SONAME "libical.so.3"
#endif

struct ical_lib ical_lib;

int ical_lib_load(void)
{
	void *h;

	if (ical_lib.handle != NULL)
		return 0;
	if ((h = dlopen(ICAL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_err("calendar: cannot load %s: %s", ICAL_SONAME, dlerror());
		return -1;
	}
#define X(f) \
	if ((ical_lib.f = (__typeof__(ical_lib.f))dlsym(h, #f)) == NULL) { \
		log_err("calendar: %s has no %s", ICAL_SONAME, #f); \
		dlclose(h); \
		memset(&ical_lib, 0, sizeof(ical_lib)); \
		return -1; \
	}
	ICAL_FUNCTIONS(X)
#undef X
	ical_lib.handle = h;
	/* some builds of libical abort on the first error; nothing a peer
	 * sends may stop the daemon */
	ical_lib.icalerror_set_errors_are_fatal(0);
	return 0;
}

void ical_unload(void)
{
	if (ical_lib.handle == NULL)
		return;
	/* what libical keeps between calls lives on our heap */
	ical_lib.icaltimezone_free_builtin_timezones();
	ical_lib.icalmemory_free_ring();
	dlclose(ical_lib.handle);
	memset(&ical_lib, 0, sizeof(ical_lib));
}

int ical_addr_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	const unsigned char *p;

	if (n == 0 || n > ADDRESS_BYTES_MAX || at == NULL || at == s || at[1] == '\0' ||
	    !utf8_valid(s, n))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("\"(),:;<>[\\]", *p) != NULL)
			return 0;
	return 1;
}
