/* command: subject keywords, committee command lines and one-line answers,
 * in English and French (doc/DESIGN.md sections 3.2, 3.4, 3.5 and 3.6). Pure.
 *
 * Keywords are compared case- and accent-insensitively (str_fold). Reply
 * and forward prefixes (Re:, RE :, Re[2]:, Fwd:, FW:, TR:, AW:, WG:,
 * Réf :, in any number, "RE: TR: ...") and the "[EXTERNAL]"-style tags that
 * mail gateways put in front are removed from a subject first. */
#ifndef MENTORD_COMMAND_H
#define MENTORD_COMMAND_H

#include <stddef.h>

/* Subject without reply/forward prefixes and leading [tags], trimmed;
 * allocated, never NULL. */
char *command_subject_strip(const char *subject);

enum applicant_cmd {
	ACMD_NONE,
	ACMD_APPLY,     /* apply / candidature */
	ACMD_CONFIRM,   /* confirm TOKEN / confirmer TOKEN */
	ACMD_UPDATE,    /* update / modifier */
	ACMD_WITHDRAW,  /* withdraw / retrait, retirer */
	ACMD_STATUS,    /* status / statut */
	ACMD_ISSUE,     /* issue / problème */
	ACMD_HELP,      /* help / aide */
	ACMD_FORGET,    /* forget me / oubliez-moi */
};

/* Reads the keyword at the start of a subject (prefixes are stripped here).
 * The keyword must be the whole subject or be followed by a space or ':'
 * ("issue: my mentor...", "Problème avec mon mentor"); punctuation stuck
 * to it ("Help?") is allowed, another letter is not ("helpful tips" is not
 * help). *arg_r (allocated) is the rest after the keyword and its ':',
 * trimmed, or NULL if none. *lang_r is "en" or "fr" by the keyword's
 * language, NULL for ACMD_NONE. */
enum applicant_cmd command_applicant(const char *subject, char **arg_r, const char **lang_r);

enum committee_cmd {
	CCMD_NONE,
	CCMD_COMMANDS,        /* the subject "commands" / "commandes" */
	CCMD_MATCH,           /* match / apparier */
	CCMD_APPROVE,         /* approve all | approve N... / approuver tout | N... */
	CCMD_REJECT,          /* reject N... / rejeter */
	CCMD_PAIR,            /* pair MENTOR MENTEE / associer */
	CCMD_UNPAIR,          /* unpair N REASON / dissocier */
	CCMD_TRAINING,        /* training DATE TIME DURATION LOCATION[, TITLE] / formation */
	CCMD_TRAINING_UPDATE, /* training update ... / formation modifier ... */
	CCMD_TRAINING_CANCEL, /* training cancel / formation annuler */
	CCMD_CLOSE,           /* close N / clore N, fermer N */
	CCMD_COHORT_OPEN,     /* cohort open NAME / cohorte ouvrir NAME */
	CCMD_COHORT_CLOSE,    /* cohort close / cohorte fermer */
	CCMD_DIGEST,          /* digest / résumé */
	CCMD_STATUS,          /* status / statut */
	CCMD_REPORT,          /* report [--cohort NAME | NAME] / rapport, bilan */
	CCMD_PROFILES,        /* profiles / profils */
	CCMD_REMATCH,         /* rematch N / réapparier N */
	CCMD_HELP,            /* help [COMMAND] / aide [COMMANDE]: the committee's help */
	CCMD_TRAINING_ANSWERS, /* training answers [N] / status training: who answered */
	CCMD_RESEND,          /* resend N / renvoyer N: an undelivered message, again */
};

#define COMMAND_NUMS_MAX 200

/* What a training line gave: "training update" may give only what changes
 * ("move training to 2026-05-15"); a new training gives all but the title. */
#define TRAINING_GIVEN_DATE 1u
#define TRAINING_GIVEN_TIME 2u
#define TRAINING_GIVEN_DURATION 4u
#define TRAINING_GIVEN_LOCATION 8u

struct committee_command {
	enum committee_cmd cmd;
	int all;                       /* approve all (nums: the pairs excepted) */
	long nums[COMMAND_NUMS_MAX];   /* approve/reject/unpair/close/resend, a session */
	size_t n_nums;
	char *arg1;                    /* pair: mentor address; cohort open, report: name; unpair: reason */
	char *arg2;                    /* pair: mentee address */
	/* training */
	int year, month, day, hour, minute;
	long duration_min;             /* 90m, 2h, 1h30 */
	char *location;
	char *title;                   /* NULL: the default title */
	char *error;                   /* why the line could not be read, English */
	int announce;                  /* cohort open NAME --announce (--annoncer) */
	int anyway;                    /* pair MENTOR MENTEE anyway: past the mentor's capacity */
	int by_name;                   /* pair NAME with NAME: arg1, arg2 are names */
	unsigned given;                /* training: what the line gave (TRAINING_GIVEN_*) */
	const char *lang;              /* the language of the command word (borrowed) */
	enum committee_cmd topic;      /* help COMMAND: that command (CCMD_NONE: all) */
};

/* Parses one command line (anything after a CR or LF is ignored).
 * Returns 1 if it is a command, 0 if the line is not a command at all.
 * A command with bad arguments returns 1 with c->error set (one English
 * sentence, starting with the command's name) and nothing else to trust.
 *
 * Forgiving forms, each unambiguous: "approve all except 9" (but, sauf:
 * all set, nums the exceptions); "end pair 13", "end 13" (unpair, whose
 * REASON is asked for when missing); a training's date as YYYY-MM-DD,
 * DD/MM/YYYY (refused naming both dates when day and month could be
 * swapped: 05/06/2026), or "14 May 2026" (month names from the words);
 * its time with a DURATION or an end time ("14:00-16:00", "14h-16h",
 * "14:00 - 16:00"); "training update" and "move training to 2026-05-15"
 * may give only what changes (given says what; to, on, at, au, le, à
 * before a part are skipped). "training update", "training cancel" and
 * "training answers" may name the session by its number first
 * ("training cancel 1"; n_nums 1); "training" alone lists the sessions
 * (given 0, no error). "pair Olga Ivanova with Nadia Benali" (and, avec,
 * et) names the two people (by_name; the mentor first), whom the pairing
 * finds among the applicants, naming the candidates when a name is not
 * one person's.
 *
 * Numbers: "1 3 4", "1,3,4", "1-3" (ranges), "#2"; at most
 * COMMAND_NUMS_MAX, in the order given, without repeats, each 1..1000000.
 * Addresses (pair): one '@', the characters of RFC 5322 dot-atoms, stored
 * in lower case; "<a@b>" and "mailto:" are accepted. Training: a real
 * calendar date YYYY-MM-DD, HH:MM (also 9:30, 14h30, 14h), a duration of
 * 1 minute to 24 hours written 90m, 45min, 2h, 1h30 or 1h30m; the rest is
 * LOCATION, and after its first comma the TITLE. Texts (location, title,
 * cohort name, unpair reason) lose their control characters and are at most
 * SUBJECT_BYTES_MAX bytes. "cohort open NAME --announce" (also --annonce,
 * --annoncer) sets announce; "report" takes a cohort's NAME, alone or after
 * --cohort (--cohorte), or nothing (arg1 NULL). "help" takes a command's
 * words (topic), or anything else, read as no topic.
 *
 * c is overwritten: a struct filled by an earlier call must be given to
 * command_committee_deinit() first. */
int command_committee_parse(const char *line, struct committee_command *c);
void command_committee_deinit(struct committee_command *c);
/* The English name of a command ("training update"), "" for CCMD_NONE. */
const char *command_committee_name(enum committee_cmd cmd);

/* 1 if addr is a plain address: one '@', a dot-atom local part of 1..64
 * bytes and a host name, at most ADDRESS_BYTES_MAX bytes, ASCII only. */
int command_address_valid(const char *addr);

/* Plain answers, read from the first non-empty line of a text that the
 * caller has already stripped of quotes (quote_strip). The line must start
 * with the keyword and be short; after the keyword come only punctuation
 * and a few more words ("Yes, I will come", "oui !") or a courtesy ("no
 * thanks", "oui merci"): "no idea" is not an answer.
 *
 * RSVP: yes, accept(ed), oui, accepté(e) / no, decline(d), non, refusé(e)
 * / maybe, tentative, peut-être. */
enum rsvp_answer { RSVP_NONE, RSVP_YES, RSVP_NO, RSVP_MAYBE };
enum rsvp_answer command_rsvp_answer(const char *text);

/* Check-in: ok / met, rencontré(e)(s) / problem, problème ... / pause /
 * end, fin. "problem" may be followed by anything: *rest_r (allocated,
 * NULL if empty or for another answer) is the whole text after the
 * keyword, its following lines included, trimmed, at most
 * CASE_TEXT_BYTES_MAX bytes (cut on a character boundary). */
enum checkin_answer { CHK_NONE, CHK_OK, CHK_MET, CHK_PROBLEM, CHK_PAUSE, CHK_END };
enum checkin_answer command_checkin_answer(const char *text, char **rest_r);

#endif
