#include "inbound.h"

#include <stdarg.h>
#include <stdio.h>

#include "classify.h"

void inbound_outcome(struct msgctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->h->outcome, sizeof(c->h->outcome), fmt, ap);
	va_end(ap);
}

void inbound_leave(struct msgctx *c, const char *why)
{
	c->h->needs_flag = 0;
	c->h->class_name = classify_name(CLASS_HUMAN);
	inbound_outcome(c, "left for the committee: %s", why);
}
