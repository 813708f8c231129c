/* bounds: every limit on untrusted input, named in one place.
 * Over a limit, a message is quarantined or a field refused; nothing that
 * arrives from the network may grow without bound. */
#ifndef MENTORD_BOUNDS_H
#define MENTORD_BOUNDS_H

/* Mail in */
#define MSG_BYTES_MAX (10u * 1024 * 1024)   /* whole raw message */
#define HEADER_BYTES_MAX (256u * 1024)      /* the header block of one part */
#define HEADER_FIELDS_MAX 1000              /* fields in one header block */
#define MIME_DEPTH_MAX 16                   /* nesting of multiparts */
#define MIME_PARTS_MAX 500                  /* parts in one message */
#define TEXT_BYTES_MAX (2u * 1024 * 1024)   /* decoded text of a message */
#define ADDRESS_BYTES_MAX 320               /* one e-mail address (RFC 5321 4.5.3.1.3: 64+1+255) */
#define ADDRESS_LOCAL_BYTES_MAX 64          /* its local part (RFC 5321 4.5.3.1.1) */
#define ADDRESS_DOMAIN_BYTES_MAX 255        /* its domain (RFC 5321 4.5.3.1.2) */
#define DISPLAY_NAME_BYTES_MAX 256          /* a display name kept; a longer one is dropped */
#define SUBJECT_BYTES_MAX 998               /* RFC 5322 2.1.1 line limit */

/* Forms and commands */
#define FORM_FIELD_BYTES_MAX 4000           /* one field value, e.g. About */
#define FORM_NAME_CHARS_MAX 100             /* Name: 1..100 characters */
#define FORM_LIST_ITEMS_MAX 20              /* items in Field or Topics */
#define COMMAND_LINES_MAX 100               /* lines in one committee message */
#define CASE_TEXT_BYTES_MAX 20000           /* confidential case text kept */
#define SURVEY_LINES_MAX 400                /* lines of a feedback reply read for answers */
#define SURVEY_ANSWER_BYTES_MAX 1000        /* one feedback answer or quote kept */
#define FEEDBACK_TEXT_BYTES_MAX 20000       /* the words of a feedback reply kept */
#define PROFILE_VALUE_BYTES_MAX 600         /* one value of an anonymous profile shown */
#define CHOICE_LINES_MAX 40                 /* lines of a reply read for a mentee's choices */
#define CHOICE_MOTIVATION_BYTES_MAX 1000    /* her motivation kept */

/* iCalendar */
#define ICAL_BYTES_MAX (512u * 1024)        /* one text/calendar part */
#define ICAL_COMPONENTS_MAX 200             /* components in one calendar */

/* Protocol */
#define IMAP_FETCH_BATCH 200                /* UIDs per FETCH command */
#define IMAP_SIZES_BATCH 1000               /* UIDs per FETCH RFC822.SIZE */
#define IMAP_SET_CHARS_MAX 4000             /* a UID set on one command line (RFC 7162 4) */
#define SMTP_REPLY_BYTES_MAX 2000           /* error text kept from a server */
#define SECRET_BYTES_MAX 16384              /* a password or token file */
#define CONFIG_BYTES_MAX (1024u * 1024)     /* the configuration file */
#define TEMPLATE_BYTES_MAX (64u * 1024)     /* one template file */
#define LOG_LINE_MAX 1024                   /* one log line, escaped */
#define NOTIFY_BYTES_MAX 512                /* one service manager notification (STATUS= line) */

/* Health (`mentord status --health`): when a concern turns WARNING, CRITICAL */
#define HEALTH_FETCH_WARN_S (15 * 60)       /* no successful IMAP fetch for this long */
#define HEALTH_FETCH_CRIT_S (60 * 60)
#define HEALTH_SMTP_WARN_S (60 * 60)        /* mail due, no successful delivery for this long */
#define HEALTH_SMTP_CRIT_S (6 * 3600)
#define HEALTH_QUEUE_WARN_S (60 * 60)       /* age of the oldest queued message */
#define HEALTH_QUEUE_CRIT_S (24 * 3600)
#define HEALTH_FAILED_CRIT 20               /* failed deliveries; 1 is a warning */
#define HEALTH_QUARANTINE_DAYS 7            /* quarantined messages this recent warn */
#define HEALTH_DISK_WARN_PCT 10             /* free space of the database's file system */
#define HEALTH_DISK_CRIT_PCT 3
#define HEALTH_DISK_WARN_BYTES (256ull * 1024 * 1024)
#define HEALTH_DISK_CRIT_BYTES (64ull * 1024 * 1024)
#define HEALTH_MARK_S 60                    /* a running daemon records its last fetch this often */

/* Disk */
#define DISK_ROOM_MIN_BYTES (256u * 1024)   /* less free than this: the file system counts as full */

/* OAuth 2 token service (src/net/oauth2.c) */
#define OAUTH2_RESPONSE_BYTES_MAX (64u * 1024) /* one HTTP answer body */
#define JSON_DEPTH_MAX 32                   /* nesting in a JSON answer */
#define JSON_MEMBERS_MAX 100                /* top-level members kept */
#define JSON_STRING_BYTES_MAX (16u * 1024)  /* one decoded string */

/* Mail out */
#define TEXT_LINE_MAX 78                    /* characters in a line of text we send (RFC 5322 2.1.1) */
#define TEXT_FILL 72                        /* where the lines of a reflowed paragraph end */

#endif
