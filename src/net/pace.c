#include "pace.h"

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

#define MINUTE 60
#define DAY 86400

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
	if (seconds >= DAY && seconds % DAY == 0)
		snprintf(out, size, "%ld day%s", seconds / DAY, seconds == DAY ? "" : "s");
	else if (seconds >= 3600 && seconds % 3600 == 0)
		snprintf(out, size, "%ld h", seconds / 3600);
	else if (seconds >= MINUTE && seconds % MINUTE == 0)
		snprintf(out, size, "%ld min", seconds / MINUTE);
	else
		snprintf(out, size, "%ld s", seconds);
}

/* ---- the windows ---- */

/* Sends in (now - width, now]: a clock set back does not count what it
 * left "in the future" against now. */
static int window_count(struct store *st, time_t now, long width, long *n_r)
{
	int64_t n = 0;

	if (store_query_int(st, &n, "SELECT count(*) FROM smtp_sends WHERE at > ? AND at <= ?", "tt",
	    now - width, now) < 0)
		return -1;
	*n_r = (long)n;
	return 0;
}

/* When the window of width holding n sends, limit at most, has room for
 * one more: the (n - limit + 1)-th oldest send leaves it then. */
static int window_wait(struct store *st, time_t now, long width, long limit, long *wait_r)
{
	int64_t at = 0;
	long n = 0;

	*wait_r = 0;
	if (limit <= 0)
		return 0;
	if (window_count(st, now, width, &n) < 0)
		return -1;
	if (n < limit)
		return 0;
	if (store_query_int(st, &at, "SELECT at FROM smtp_sends WHERE at > ? AND at <= ?"
	    " ORDER BY at LIMIT 1 OFFSET ?", "tti", now - width, now, (int64_t)(n - limit)) < 0)
		return -1;
	*wait_r = (long)(at + width - now);
	if (*wait_r < 1)
		*wait_r = 1;
	return 0;
}

static int throttle_level(struct store *st, long *level_r)
{
	int64_t v = 0;

	if (store_query_int(st, &v, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'smtp_throttle'",
	    NULL) < 0)
		return -1;
	*level_r = (long)v;
	return 0;
}

int pace_open(struct pace *p, struct store *st, const struct config *cfg, time_t now)
{
	p->st = st;
	p->now = now;
	p->per_minute = cfg->smtp.max_per_minute;
	p->per_day = cfg->smtp.max_recipients_per_day;
	p->minute = p->day = p->unrecorded = 0;
	p->full = p->throttle_ended = 0;
	if (throttle_level(st, &p->throttle_level) < 0)
		return -1;
	if (p->per_minute == 0 && p->per_day == 0)
		return 0;
	if (store_exec(st, "DELETE FROM smtp_sends WHERE at <= ?", "t", now - DAY) < 0 ||
	    window_count(st, now, MINUTE, &p->minute) < 0 || window_count(st, now, DAY, &p->day) < 0)
		return -1;
	return 0;
}

int pace_room(struct pace *p)
{
	if ((p->per_minute > 0 && p->minute >= p->per_minute) ||
	    (p->per_day > 0 && p->day >= p->per_day)) {
		p->full = 1;
		return 0;
	}
	return 1;
}

void pace_sent(struct pace *p)
{
	if (p->throttle_level > 0) {
		p->throttle_level = 0;
		p->throttle_ended = 1;
	}
	p->minute++;
	p->day++;
	p->unrecorded++;
}

int pace_flush(struct pace *p)
{
	if (p->throttle_ended) {
		if (store_exec(p->st, "DELETE FROM meta WHERE key = 'smtp_throttle'", NULL) < 0)
			return -1;
		p->throttle_ended = 0;
	}
	if (p->per_minute == 0 && p->per_day == 0) {
		p->unrecorded = 0;
		return 0;
	}
	for (; p->unrecorded > 0; p->unrecorded--)
		if (store_exec(p->st, "INSERT INTO smtp_sends(at) VALUES(?)", "t", p->now) < 0)
			return -1;
	return 0;
}

int pace_wait(struct store *st, const struct config *cfg, time_t now, long *wait_r)
{
	long minute = 0, day = 0;

	if (window_wait(st, now, MINUTE, cfg->smtp.max_per_minute, &minute) < 0 ||
	    window_wait(st, now, DAY, cfg->smtp.max_recipients_per_day, &day) < 0)
		return -1;
	*wait_r = minute > day ? minute : day;
	return 0;
}

int pace_throttled(struct pace *p, time_t *until_r)
{
	p->throttle_level++;
	p->throttle_ended = 0;
	*until_r = p->now + pace_backoff(p->throttle_level);
	return store_exec(p->st, "INSERT OR REPLACE INTO meta(key, value) VALUES('smtp_throttle', ?)",
	    "i", (int64_t)p->throttle_level);
}
