-- mentord's database as this version creates it: one statement a table or
-- index, grouped by concern. A new database is made from this file; an
-- older one is brought here by the migrations in store.c, and
-- tests/unit/test_store.c checks that both give the same tables, columns,
-- constraints and indexes. A change of schema is a new migration AND the
-- same change here (doc/DESIGN.md 6).
--
-- Columns keep the order the migrations gave them (ALTER TABLE adds at the
-- end), so that a migrated database and a new one are the same.

-- ---- the instance ----
-- key/value: 'instance' (the Message-ID part of this database), the
-- sender's held state, SMTPUTF8 and the throttle
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
-- scheduled jobs already done, by key (a job is done at most once)
CREATE TABLE jobs(key TEXT PRIMARY KEY, done_at INTEGER NOT NULL);
-- committee actions
CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT,
 action TEXT NOT NULL, detail TEXT);

-- ---- people and applications ----
CREATE TABLE cohorts(
 id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
 status TEXT NOT NULL DEFAULT 'open',           -- open, closed, anonymised
 opened_at INTEGER NOT NULL, closed_at INTEGER, anonymised_at INTEGER,
 feedback_at INTEGER);
CREATE TABLE people(
 id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE COLLATE NOCASE,
 name TEXT, language TEXT, bouncing INTEGER NOT NULL DEFAULT 0,
 bounce_info TEXT, created_at INTEGER NOT NULL, erased_at INTEGER);
CREATE TABLE applications(
 id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
 person_id INTEGER NOT NULL REFERENCES people(id),
 role TEXT NOT NULL,                            -- mentor, mentee
 name TEXT, department TEXT, field TEXT, language TEXT, topics TEXT,
 preference TEXT, pref_gender TEXT, pref_mentors TEXT, gender TEXT,
 capacity INTEGER NOT NULL DEFAULT 1, about TEXT,
 status TEXT NOT NULL,                          -- pending, confirmed, withdrawn, expired
 token TEXT NOT NULL UNIQUE,
 created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
 confirmed_at INTEGER, reminded_at INTEGER, waitlisted_at INTEGER,
 ended_at INTEGER,
 carried_from INTEGER);                         -- the waitlisted application it copies
CREATE INDEX applications_person ON applications(person_id, cohort_id);
-- what a reply must prove: the token given to that address alone
CREATE TABLE confirmations(
 token TEXT PRIMARY KEY, kind TEXT NOT NULL, address TEXT NOT NULL,
 ref_id INTEGER, payload TEXT, created_at INTEGER NOT NULL, done_at INTEGER,
 reminded_at INTEGER);                          -- a carry-over offer's one reminder
-- what an address has proven ("written" is no longer read)
CREATE TABLE contacts(address TEXT PRIMARY KEY COLLATE NOCASE, proven_at INTEGER,
 written INTEGER NOT NULL DEFAULT 0);

-- ---- pairs ----
CREATE TABLE proposals(
 id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
 status TEXT NOT NULL DEFAULT 'open');          -- open, closed
CREATE TABLE pairs(
 id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL,
 mentor_app INTEGER NOT NULL REFERENCES applications(id),
 mentee_app INTEGER NOT NULL REFERENCES applications(id),
 proposal_id INTEGER, number INTEGER,
 status TEXT NOT NULL,                          -- proposed, rejected, active, ended
 score REAL, reasons TEXT, created_at INTEGER NOT NULL,
 introduced_at INTEGER, ended_at INTEGER, end_reason TEXT,
 paused INTEGER NOT NULL DEFAULT 0, feedback_at INTEGER,
 same_department INTEGER, shared_field INTEGER, -- kept for the report after retention
 choice_rank INTEGER,                           -- the mentee's rank of the mentor (0: not chosen)
 rematched_at INTEGER,                          -- ended by a rematch: never proposed again
 declined_at INTEGER);                          -- will not go ahead (a no, or silence, to consent)

-- ---- choice, consent and repair (doc/DESIGN.md 3.8) ----
-- each mentor's number in her cohort, kept once given
CREATE TABLE profiles(cohort_id INTEGER NOT NULL, number INTEGER NOT NULL,
 mentor_app INTEGER NOT NULL UNIQUE, PRIMARY KEY(cohort_id, number));
-- one row per mentee asked: her ranked mentors (application ids) and her
-- motivation, for the committee only
CREATE TABLE choices(mentee_app INTEGER PRIMARY KEY, asked_at INTEGER NOT NULL,
 choice1 INTEGER, choice2 INTEGER, choice3 INTEGER, motivation TEXT, chosen_at INTEGER);
-- the early fit check, one row per person of a pair asked; answer good,
-- unsure or not (confidential: the committee's only)
CREATE TABLE fits(id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL,
 person_id INTEGER NOT NULL, asked_at INTEGER NOT NULL, answer TEXT, answered_at INTEGER,
 UNIQUE(pair_id, person_id));
-- both sides of an approved pair agree before the introduction; yes or no
CREATE TABLE consents(id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL,
 person_id INTEGER NOT NULL, asked_at INTEGER NOT NULL, nudged_at INTEGER, answer TEXT,
 answered_at INTEGER, UNIQUE(pair_id, person_id));

-- ---- training sessions and answers ----
CREATE TABLE events(
 id INTEGER PRIMARY KEY, cohort_id INTEGER, uid TEXT NOT NULL UNIQUE,
 sequence INTEGER NOT NULL DEFAULT 0, start_at INTEGER NOT NULL,
 duration_min INTEGER NOT NULL, location TEXT, title TEXT,
 status TEXT NOT NULL DEFAULT 'scheduled',      -- scheduled, cancelled
 created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE rsvps(
 event_id INTEGER NOT NULL, person_id INTEGER NOT NULL,
 partstat TEXT NOT NULL DEFAULT 'NEEDS-ACTION', reply_seq INTEGER, reply_stamp INTEGER,
 source TEXT, invited_seq INTEGER, invited_at INTEGER, updated_at INTEGER,
 uid TEXT,                                      -- the UID of that person's own invitation
 PRIMARY KEY(event_id, person_id));
CREATE UNIQUE INDEX rsvps_uid ON rsvps(uid);

-- ---- follow-up ----
CREATE TABLE checkins(
 id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL, person_id INTEGER NOT NULL,
 number INTEGER NOT NULL, sent_at INTEGER NOT NULL, message_id TEXT,
 answer TEXT, answered_at INTEGER, nudged_at INTEGER, flagged_at INTEGER,
 UNIQUE(pair_id, person_id, number));
-- one row a person asked: the figures of the answer, its words, the quote
CREATE TABLE feedback(
 id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL, pair_id INTEGER NOT NULL,
 person_id INTEGER NOT NULL, role TEXT NOT NULL,  -- mentor, mentee
 sent_at INTEGER NOT NULL, nudged_at INTEGER, answered_at INTEGER,
 usefulness INTEGER, meetings TEXT, continuing TEXT, again TEXT, again_as TEXT,
 quote TEXT, quote_ok INTEGER NOT NULL DEFAULT 0, unclear TEXT, text TEXT,
 UNIQUE(pair_id, person_id));
CREATE INDEX feedback_cohort ON feedback(cohort_id);

-- ---- confidential cases ----
CREATE TABLE cases(
 id INTEGER PRIMARY KEY, person_id INTEGER, pair_id INTEGER,
 text TEXT, status TEXT NOT NULL DEFAULT 'open',
 opened_at INTEGER NOT NULL, closed_at INTEGER, inbound_id INTEGER,
 cohort_id INTEGER,
 ref TEXT);                                     -- the reporter's reference, random
CREATE UNIQUE INDEX cases_ref ON cases(ref);

-- ---- mail in ----
CREATE TABLE inbound(
 id INTEGER PRIMARY KEY, mailbox TEXT NOT NULL, uidvalidity INTEGER NOT NULL,
 uid INTEGER NOT NULL, message_id TEXT NOT NULL, sender TEXT, subject TEXT,
 class TEXT, outcome TEXT, received_at INTEGER NOT NULL,
 needs_flag INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0,
 quarantine TEXT,
 quarantine_dropped_at INTEGER,                 -- when its raw copy was removed
 UNIQUE(mailbox, uidvalidity, uid));
CREATE INDEX inbound_message_id ON inbound(message_id);
CREATE INDEX inbound_unflagged ON inbound(mailbox, uidvalidity) WHERE needs_flag = 1 AND flagged = 0;

-- ---- mail out ----
-- priority 0 is an answer (sent first); queued_at starts the queue
-- lifetime (NULL: created_at); rcpt ",a,b," the recipients as queued;
-- unproven: to an address that has not proven itself; scrub: the data goes
-- once sent (an erased person's mail)
CREATE TABLE outbound(
 id INTEGER PRIMARY KEY, message_id TEXT UNIQUE, kind TEXT NOT NULL,
 envelope_to TEXT NOT NULL, person_id INTEGER, subject TEXT, data BLOB,
 status TEXT NOT NULL DEFAULT 'queued',         -- queued, sent, failed, bounced, dropped
 attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL,
 last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER,
 cause_inbound INTEGER, ref_kind TEXT, ref_id INTEGER,
 priority INTEGER NOT NULL DEFAULT 1, queued_at INTEGER,
 rcpt TEXT, unproven INTEGER NOT NULL DEFAULT 0, scrub INTEGER NOT NULL DEFAULT 0);
CREATE INDEX outbound_due ON outbound(next_attempt) WHERE status = 'queued';
CREATE INDEX outbound_ref ON outbound(ref_kind, ref_id);
CREATE INDEX outbound_order ON outbound(priority, next_attempt, id) WHERE status = 'queued';
CREATE INDEX outbound_unproven ON outbound(next_attempt) WHERE unproven = 1;
-- one row per transaction the server accepted, for the provider's limits
CREATE TABLE smtp_sends(at INTEGER NOT NULL);
CREATE INDEX smtp_sends_at ON smtp_sends(at);

-- ---- caps ----
-- answers a sender had on one day
CREATE TABLE answers(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,
 count INTEGER NOT NULL, PRIMARY KEY(address, day));
-- committee notices caused by one sender on one day
CREATE TABLE notices(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,
 count INTEGER NOT NULL, PRIMARY KEY(address, day));
-- answers to unproven addresses by the hour they may go (next_attempt /
-- 3600); "first" counts the confirmation requests for applications, which
-- go before the other answers (doc/DESIGN.md 7)
CREATE TABLE unproven_hours(hour INTEGER PRIMARY KEY, count INTEGER NOT NULL,
 first INTEGER NOT NULL DEFAULT 0);
-- answers to one unproven address a day, and the message last answered
CREATE TABLE unproven_answers(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,
 count INTEGER NOT NULL, last_inbound INTEGER, PRIMARY KEY(address, day));
