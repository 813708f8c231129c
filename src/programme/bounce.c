#include "bounce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "outbox.h"
#include "roster.h"
#include "store.h"

int bounce_report(struct msgctx *c, char **error_r)
{
	struct dsn d;
	char *kind = NULL, info[300];
	int64_t out_id = 0, person = 0;
	int r = 0;

	(void)error_r;
	memset(&d, 0, sizeof(d));
	if (dsn_parse(c->m->arena, c->m, &d) != 1 || (!d.permanent && !d.temporary)) {
		inbound_outcome(c, "report recorded (not a failed delivery)");
		return 1;
	}
	if (d.original_message_id != NULL)
		r = store_outbound_by_message_id(c->e->st, d.original_message_id, &out_id, &kind, NULL,
		    NULL, &person);
	free(kind);
	if (r < 0)
		return -1;
	/* anyone can write a delivery report: it counts only for a message
	 * of ours, and for an address that message went to */
	if (r == 1 && d.recipient != NULL) {
		char *ref_kind = NULL;
		int64_t ref_id = 0;
		int to = outbox_sent_to(c->e, d.original_message_id, d.recipient, &ref_kind, &ref_id);

		free(ref_kind);
		if (to < 0)
			return -1;
		if (to == 0)
			r = 0;
	}
	if (r == 0) {
		inbound_outcome(c, "report matching no message we sent to that address; not counted");
		return 1;
	}
	if (!d.permanent) {
		inbound_outcome(c, "delivery delayed for a recipient");
		return 1;
	}
	snprintf(info, sizeof(info), "%s%s%s", d.status != NULL ? d.status : "failed",
	    d.diagnostic != NULL ? ": " : "", d.diagnostic != NULL ? d.diagnostic : "");
	if (store_outbound_mark_bounced(c->e->st, out_id, info) < 0)
		return -1;
	if (d.recipient != NULL && roster_person_bouncing(c->e, d.recipient, info) < 0)
		return -1;
	inbound_outcome(c, "bounce of our message%s",
	    d.recipient != NULL ? "; address marked bouncing" : "");
	return 1;
}
