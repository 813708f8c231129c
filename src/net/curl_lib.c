/* curl_lib: see curl_lib.h. */
#include "curl_lib.h"

#include <dlfcn.h>
#include <string.h>

#include "util.h"

#ifndef CURL_SONAME
#define CURL_SONAME "libcurl-gnutls.so.4"
#endif

struct curl_lib curl_lib;

int curl_lib_load(char **error_r)
{
	void *h;

	if (curl_lib.handle != NULL)
		return 0;
	if ((h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*error_r = xasprintf("cannot load %s: %s", CURL_SONAME, dlerror());
		return -1;
	}
#define X(f) \
	if ((curl_lib.f = (__typeof__(curl_lib.f))dlsym(h, #f)) == NULL) { \
		*error_r = xasprintf("%s has no %s", CURL_SONAME, #f); \
		goto fail; \
	}
	CURL_FUNCTIONS(X)
#undef X
	if (curl_lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*error_r = xstrdup("libcurl initialisation failed");
		goto fail;
	}
	curl_lib.handle = h;
	return 0;
fail:
	dlclose(h);
	memset(&curl_lib, 0, sizeof(curl_lib));
	return -1;
}

int curl_lib_present(void)
{
	void *h;

	if (curl_lib.handle != NULL)
		return 1;
	if ((h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_NOLOAD)) == NULL)
		return 0;
	dlclose(h);
	return 1;
}
