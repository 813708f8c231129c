/* erase: a person removed from everything the database and the spool
 * hold (doc/DESIGN.md 7), the step that "forget me", `mentord forget` and
 * the anonymisation of a closed cohort share.
 *
 * What is the person: their address, every name they gave (their
 * applications', the one recorded for them) and the text of their cases.
 * What goes:
 *   - the person's row keeps only its id (address erased-ID@invalid), their
 *     applications lose every form field, their cases their text, their
 *     pairs the reasons and the end reason;
 *   - mail: the stored copy (data, subject, last error) of every message
 *     sent to them or about them, whatever its kind (committee notices,
 *     digests, proposals and introductions too: a copy is about them when
 *     its decoded headers, text or calendar name them); mail still queued
 *     for them is dropped; mail queued for others is kept, and its copy goes
 *     once it is sent when the caller marks it so (notice.scrub);
 *   - their inbound rows lose sender and subject, and the copies of their
 *     messages in SPOOL/quarantine and SPOOL/outbox are removed;
 *   - the audit log keeps each action and drops the person: their address
 *     and names become "[erased]" there, in committee commands waiting for
 *     confirmation, in other people's cases, in pair reasons and in other
 *     applications' preferred mentors;
 *   - what the robot counted for their address (answers, notices, proof).
 * The database's log of old pages is emptied once the transaction commits
 * (store_wipe_on_commit), so that no old copy stays on disk.
 *
 * Runs inside the caller's transaction. 0, or -1 with *error_r as notify.h
 * says. */
#ifndef MENTORD_ERASE_H
#define MENTORD_ERASE_H

#include <stdint.h>

struct engine;

int erase_person(struct engine *e, int64_t person_id, char **error_r);

#endif
