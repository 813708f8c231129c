/* curl_lib: libcurl, opened at run time by the first module that needs it.
 *
 * libcurl and what it brings would double the resident size of an idle
 * daemon, so the daemon itself never loads it: smtp.c opens it in the
 * process that sends (sender.h), and oauth2.c in the sending child or in a
 * short-lived child of its own (oauth2.h). Both call libcurl through the
 * one table below; every function either uses is in its list. */
#ifndef MENTORD_CURL_LIB_H
#define MENTORD_CURL_LIB_H

/* plain functions: they are called through pointers */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#define CURL_FUNCTIONS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_perform) \
	X(curl_easy_recv) \
	X(curl_easy_send) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_global_init) \
	X(curl_slist_append) \
	X(curl_slist_free_all)

struct curl_lib {
	void *handle;          /* NULL while libcurl is not loaded */
#define X(f) __typeof__(&f) f;
	CURL_FUNCTIONS(X)
#undef X
};

extern struct curl_lib curl_lib;

/* 0 when libcurl is loaded and initialised (at once if it was already);
 * -1 with *error_r (allocated) naming the library or the missing
 * function, and nothing loaded. */
int curl_lib_load(char **error_r);

/* 1 if libcurl is in this process already (loaded by us or by anyone),
 * 0 if not. */
int curl_lib_present(void);

#endif
