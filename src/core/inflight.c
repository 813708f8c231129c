#include "inflight.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* "%10u %10u %4d\n": one record, always this long, so that a write never
 * leaves a part of an older one behind. The file is the mark, then the
 * dead message. */
#define RECORD_BYTES 27
#define COUNT_MAX 9999

struct record {
	uint32_t uidvalidity, uid;
	int count;
};

struct inflight {
	int fd;
	struct record mark, dead;
};

static int record_format(char *buf, const struct record *r)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%10u %10u %4d\n", r->uidvalidity, r->uid,
	    r->count > COUNT_MAX ? COUNT_MAX : r->count);

	if (n != RECORD_BYTES)
		return -1;
	memcpy(buf, tmp, RECORD_BYTES);
	return 0;
}

/* Our own record, read field by field; anything else reads as none. */
static void record_parse(const char *buf, struct record *r)
{
	char rec[RECORD_BYTES + 1], *end;
	unsigned long v, u;
	long count;

	memset(r, 0, sizeof(*r));
	memcpy(rec, buf, RECORD_BYTES);
	rec[RECORD_BYTES] = '\0';
	errno = 0;
	v = strtoul(rec, &end, 10);
	if (*end != ' ')
		return;
	u = strtoul(end + 1, &end, 10);
	if (*end != ' ')
		return;
	count = strtol(end + 1, &end, 10);
	if (errno != 0 || *end != '\n' || v > UINT32_MAX || u > UINT32_MAX || count < 0 ||
	    count > COUNT_MAX)
		return;
	r->uidvalidity = (uint32_t)v;
	r->uid = (uint32_t)u;
	r->count = (int)count;
}

static int same(const struct record *a, const struct record *b)
{
	return a->uid != 0 && a->uid == b->uid && a->uidvalidity == b->uidvalidity;
}

static int file_write(struct inflight *f)
{
	char buf[2 * RECORD_BYTES];

	if (record_format(buf, &f->mark) < 0 || record_format(buf + RECORD_BYTES, &f->dead) < 0) {
		errno = EINVAL;
		return -1;
	}
	return pwrite(f->fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) ? 0 : -1;
}

int inflight_open(const char *path, struct inflight **f_r, char **error_r)
{
	struct inflight *f = xcalloc(1, sizeof(*f));
	char buf[2 * RECORD_BYTES];

	f->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f->fd < 0) {
		*error_r = file_error(path, errno);
		free(f);
		return -1;
	}
	if (pread(f->fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf)) {
		record_parse(buf, &f->mark);
		record_parse(buf + RECORD_BYTES, &f->dead);
	}
	if (f->mark.uid != 0) {
		/* the last process died while handling it */
		if (same(&f->mark, &f->dead))
			f->dead.count++;
		else
			f->dead = (struct record){ f->mark.uidvalidity, f->mark.uid, 1 };
		memset(&f->mark, 0, sizeof(f->mark));
		if (file_write(f) < 0) {
			*error_r = file_error(path, errno);
			close(f->fd);
			free(f);
			return -1;
		}
	}
	*f_r = f;
	return 0;
}

void inflight_close(struct inflight **fp)
{
	if (*fp == NULL)
		return;
	close((*fp)->fd);
	free(*fp);
	*fp = NULL;
}

int inflight_begin(struct inflight *f, uint32_t uidvalidity, uint32_t uid, int *died_r)
{
	f->mark = (struct record){ uidvalidity, uid, 1 };
	*died_r = same(&f->mark, &f->dead) ? f->dead.count : 0;
	/* order matters: the mark is down before the work starts */
	return file_write(f);
}

int inflight_end(struct inflight *f)
{
	memset(&f->mark, 0, sizeof(f->mark));
	return file_write(f);
}
