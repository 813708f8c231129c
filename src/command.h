/* command: subject keywords and committee command lines, in English and
 * French (DESIGN.md sections 3.2 and 3.4). Pure.
 *
 * Comparison ignores case, accents and surrounding space; reply and
 * forward prefixes (Re:, RE :, Fwd:, Fw:, TR:, AW:, WG:, Réf :, and
 * repeats like "Re: Re[2]:") are removed first. */
#ifndef MENTORD_COMMAND_H
#define MENTORD_COMMAND_H

#include <stddef.h>

/* Subject without reply/forward prefixes, trimmed; allocated. */
char *command_subject_strip(const char *subject);

enum applicant_cmd {
	ACMD_NONE,
	ACMD_APPLY,     /* apply / candidature */
	ACMD_CONFIRM,   /* confirm TOKEN / confirmer TOKEN */
	ACMD_UPDATE,    /* update / modifier */
	ACMD_WITHDRAW,  /* withdraw / retrait */
	ACMD_STATUS,    /* status / statut */
	ACMD_ISSUE,     /* issue / problème */
	ACMD_HELP,      /* help / aide */
	ACMD_FORGET,    /* forget me / oubliez-moi */
};

/* Reads the keyword at the start of a (stripped or not) subject. *arg_r
 * (allocated, may be NULL) is the rest of the subject after the keyword;
 * *lang_r is "en" or "fr" by the keyword's language. The keyword must be the
 * whole subject or be followed by a space or ':' ("issue: my mentor..."). */
enum applicant_cmd command_applicant(const char *subject, char **arg_r, const char **lang_r);

enum committee_cmd {
	CCMD_NONE,
	CCMD_COMMANDS,        /* the subject "commands" / "commandes" */
	CCMD_MATCH,           /* match / apparier */
	CCMD_APPROVE,         /* approve all | approve N... / approuver */
	CCMD_REJECT,          /* reject N... / rejeter */
	CCMD_PAIR,            /* pair MENTOR MENTEE / associer */
	CCMD_UNPAIR,          /* unpair N REASON / dissocier */
	CCMD_TRAINING,        /* training DATE TIME DURATION LOCATION[, TITLE] / formation */
	CCMD_TRAINING_UPDATE, /* training update ... / formation modifier ... */
	CCMD_TRAINING_CANCEL, /* training cancel / formation annuler */
	CCMD_CLOSE,           /* close N / clore N */
	CCMD_COHORT_OPEN,     /* cohort open NAME / cohorte ouvrir NAME */
	CCMD_COHORT_CLOSE,    /* cohort close / cohorte fermer */
	CCMD_DIGEST,          /* digest / résumé */
	CCMD_STATUS,          /* status / statut */
};

#define COMMAND_NUMS_MAX 200

struct committee_command {
	enum committee_cmd cmd;
	int all;                       /* approve all */
	long nums[COMMAND_NUMS_MAX];   /* approve/reject/unpair/close numbers */
	size_t n_nums;
	char *arg1;                    /* pair: mentor address; cohort open: name; unpair: reason */
	char *arg2;                    /* pair: mentee address */
	/* training */
	int year, month, day, hour, minute;
	long duration_min;             /* 90m, 2h, 1h30 */
	char *location;
	char *title;                   /* NULL: the default title */
	char *error;                   /* why the line could not be read, English */
};

/* Parses one command line. Returns 1 if it is a command (check c->error for
 * a malformed one: "training" with a bad date), 0 if the line is not a
 * command at all. */
int command_committee_parse(const char *line, struct committee_command *c);
void command_committee_deinit(struct committee_command *c);

/* Plain one-word answers: yes/no/maybe/oui/non/peut-être for RSVPs,
 * ok/met/problem/pause/end (ok/rencontré/problème/pause/fin) for check-ins.
 * Only the first non-empty line of the (stripped) text is read. */
enum rsvp_answer { RSVP_NONE, RSVP_YES, RSVP_NO, RSVP_MAYBE };
enum rsvp_answer command_rsvp_answer(const char *text);

enum checkin_answer { CHK_NONE, CHK_OK, CHK_MET, CHK_PROBLEM, CHK_PAUSE, CHK_END };
/* *rest_r (allocated, may be NULL) is what follows "problem". */
enum checkin_answer command_checkin_answer(const char *text, char **rest_r);

#endif
