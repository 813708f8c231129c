/* log: one line per event on stderr, with the syslog priority prefix that
 * journald understands ("<3>" error, "<4>" warning, "<6>" info, "<7>" debug).
 * Where stderr is not the journal, each line starts with the local time in
 * ISO 8601 and a space: "2026-03-01T09:30:00+01:00 <6>...".
 *
 * Every line is escaped as a whole before it is written: bytes below 0x20,
 * 0x7f and invalid UTF-8 become \xNN, so text from the network can never
 * forge a line, and each line is capped at LOG_LINE_MAX bytes. Callers still
 * must never pass secrets or confidential case text. */
#ifndef MENTORD_LOG_H
#define MENTORD_LOG_H

#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_INFO 6
#define LOG_DEBUG 7

/* Decides again whether stderr is the journal: JOURNAL_STREAM names the
 * device and inode of stderr (systemd.exec(5)). The first line logged
 * decides by itself. */
void log_init(void);
/* Messages above this priority number are dropped (default LOG_INFO). */
void log_set_level(int level);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* The daemon's lines, one per message handled and per message sent, go
 * out a buffer at a time rather than a write(2) each: 10,000 messages are
 * 20,000 lines, and a pipe to journald wakes its reader for each write.
 * Warnings and errors are still written at once; log_flush() comes before
 * every wait and every fork, and exit() flushes the rest. */
void log_set_buffered(int on);
void log_flush(void);

/* Escapes s as log_msg would, into out (always NUL-terminated). */
void log_escape(const char *s, char *out, size_t size);

#endif
