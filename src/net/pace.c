#include "pace.h"

#include <stdio.h>

time_t pace_backoff(long attempts)
{
	time_t d = PACE_BACKOFF_FIRST;
	long i;

	for (i = 1; i < attempts && d < PACE_BACKOFF_MAX; i++)
		d *= 2;
	return d < PACE_BACKOFF_MAX ? d : PACE_BACKOFF_MAX;
}

int pace_retry_at(time_t queued_at, long lifetime, long attempts, time_t now, time_t *next_r)
{
	time_t end = queued_at + lifetime, next = now + pace_backoff(attempts);

	if (now >= end)
		return 0;
	*next_r = next < end ? next : end;
	return 1;
}

void pace_duration_str(long seconds, char *out, size_t size)
{
	if (seconds >= 86400 && seconds % 86400 == 0)
		snprintf(out, size, "%ld day%s", seconds / 86400, seconds == 86400 ? "" : "s");
	else if (seconds >= 3600 && seconds % 3600 == 0)
		snprintf(out, size, "%ld h", seconds / 3600);
	else if (seconds >= 60 && seconds % 60 == 0)
		snprintf(out, size, "%ld min", seconds / 60);
	else
		snprintf(out, size, "%ld s", seconds);
}
