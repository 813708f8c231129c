/* survey: the answers to the end-of-programme questions (doc/DESIGN.md
 * 3.6), read from the words of a reply. Pure.
 *
 * The feedback request asks six questions, each answered in one line:
 *   1 usefulness, 1 to 5        4 taking part again, and as what
 *   2 how often they met        5 a sentence that may be quoted
 *   3 meeting after the end     6 yes or no to quoting it anonymously
 * An answer is read from
 *   - a numbered line: "1. 4", "2) monthly", "Q4: oui, comme mentor",
 *     "5 - I learnt a lot"; the question may be copied before the answer
 *     ("1. Usefulness (1 to 5): 4"); with a dash the line counts as
 *     numbered only when the rest answers that question, so "4 - very
 *     useful" is a usefulness, not an answer to question 4;
 *   - a line that names the question before a ':' or '?':
 *     "Usefulness: 4", "Utilité : 4", "How often did you meet? Monthly";
 *   - when the reply has neither, its first lines in the order of the
 *     questions, as long as each reads as an answer to its question and
 *     the first is a usefulness ("4\nmonthly\nyes\nyes, as a mentor").
 * A quote given on a numbered or named line goes on over the plain lines
 * after it, up to an empty line.
 *
 * Each answer is read leniently and never guessed:
 *   usefulness  a whole number 1..5 (or one..five, un..cinq) at the start:
 *               "4", "4/5", "4 sur 5", "4 out of 5", "4 - very useful";
 *               "4.5", "3-4", "3 or 4", "8/10" are unclear
 *   meetings    the frequency words and phrases of English and French
 *               ("weekly", "every two weeks", "twice a month", "tous les
 *               quinze jours", "rarely", "jamais"), in five bands: at least
 *               weekly; every two weeks; about monthly (every 3 to 5
 *               weeks); less often; never. Two bands in one answer
 *               ("weekly, then monthly") are unclear
 *   continuing  yes / no / maybe by the first words ("yes", "oui", "bien
 *               sûr", "non", "peut-être"), or "we will continue" without
 *               a negation
 *   again       the same, with the role named: "oui, comme mentor",
 *               "yes, as a mentee", "either"; a role alone ("as a
 *               mentor") is a yes; a negation after the yes is unclear
 *   quote       any text; "no", "none", "-", "aucune" mean no quote
 *   quote_ok    yes / no by the first words; only a yes allows quoting
 * An answer given but not read as one of these values is kept, as
 * written, in unclear[question], for the committee to read. */
#ifndef MENTORD_SURVEY_H
#define MENTORD_SURVEY_H

enum survey_question {
	SQ_USEFUL, SQ_MEETINGS, SQ_CONTINUE, SQ_AGAIN, SQ_QUOTE, SQ_QUOTE_OK,
	SURVEY_QUESTIONS
};

enum survey_answer { SURVEY_UNSET, SURVEY_YES, SURVEY_NO, SURVEY_MAYBE };

enum survey_meet {
	MEET_UNSET, MEET_WEEKLY, MEET_FORTNIGHTLY, MEET_MONTHLY, MEET_RARELY, MEET_NEVER,
	SURVEY_MEET_BANDS
};

enum survey_role { AS_UNSET, AS_MENTOR, AS_MENTEE, AS_EITHER };

struct survey {
	int usefulness;                /* 1..5; 0: not answered */
	enum survey_meet meetings;
	enum survey_answer continuing;
	enum survey_answer again;
	enum survey_role again_as;     /* with again = YES: the role named, if any */
	char *quote;                   /* NULL: none */
	enum survey_answer quote_ok;   /* YES only when explicitly allowed */
	char *unclear[SURVEY_QUESTIONS]; /* answers not understood, as written */
	int answered;                  /* questions answered, clearly or not */
};

/* Reads text (the sender's own words, quotes already stripped) into *s,
 * which is overwritten. At most SURVEY_LINES_MAX lines are read; each
 * answer and the quote keep at most SURVEY_ANSWER_BYTES_MAX bytes, cut on
 * a character boundary. Returns s->answered. */
int survey_parse(const char *text, struct survey *s);
void survey_deinit(struct survey *s);

/* Stable names, for the database and the report: "weekly", "fortnightly",
 * "monthly", "rarely", "never"; "yes", "no", "maybe"; "mentor", "mentee",
 * "either". NULL for the UNSET values. */
const char *survey_meet_name(enum survey_meet m);
const char *survey_answer_name(enum survey_answer a);
const char *survey_role_name(enum survey_role r);

#endif
