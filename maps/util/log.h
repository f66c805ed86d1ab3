/* log.h - the one message-logging idiom of every pogate program.
 *
 * msg_info/msg_warn/msg_error/msg_fatal/msg_debug, printf-style with %m for
 * strerror(errno), as in Postfix. Output goes to syslog (daemons) or stderr
 * (foreground, tests, command-line tools). Each line carries the MTA queue id
 * of the message at hand when one is known, so that
 *     grep 4ABC123 /var/log/mail.log
 * shows what pogate did with a message next to what the MTA did. The queue id
 * is per thread: the milter serves one connection per thread.
 */
#ifndef POGATE_LOG_H
#define POGATE_LOG_H

#include <stdarg.h>

enum msg_level {
    MSG_LEVEL_ERROR,            /* errors and fatal errors only */
    MSG_LEVEL_WARNING,
    MSG_LEVEL_INFO,             /* default: one tracking line per message and stage */
    MSG_LEVEL_DEBUG
};

/* Where messages go. MSG_TO_STDERR prints "prog: [qid: ]text". */
enum msg_dest { MSG_TO_STDERR, MSG_TO_SYSLOG, MSG_TO_BOTH };

void msg_open(const char *progname, enum msg_dest dest);

/* Also append every line, time-stamped, to PATH (pogate.conf log_file), for hosts
 * without syslog. Returns -1 (errno set) when PATH cannot be opened. */
int msg_open_file(const char *path);
void msg_set_level(enum msg_level level);

/* Also hand every line logged (at the level set, without its "error: " tag)
 * to FN, until msg_tee(NULL, NULL): a command keeps what it reported, as
 * pogate-map keeps a failed build's errors for later. Single-threaded
 * programs only (one tee for the process). */
typedef void msg_tee_fn(void *arg, enum msg_level level, const char *text);
void msg_tee(msg_tee_fn *fn, void *arg);
enum msg_level msg_get_level(void);
int msg_level_parse(const char *name, enum msg_level *level);

/* Exit status of msg_fatal; 1 by default, 75 (EX_TEMPFAIL) in delivery agents. */
void msg_set_fatal_status(int status);

/* The queue id shown on this thread's lines; NULL or "" clears it. */
void msg_set_queue_id(const char *qid);
const char *msg_queue_id(void);

#define MSG_PRINTF(a, b) __attribute__((format(printf, a, b)))

void msg_debug(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_info(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_warn(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_error(const char *fmt, ...) MSG_PRINTF(1, 2);
_Noreturn void msg_fatal(const char *fmt, ...) MSG_PRINTF(1, 2);
_Noreturn void msg_fatal_status(int status, const char *fmt, ...) MSG_PRINTF(2, 3);
void msg_vlog(enum msg_level level, const char *fmt, va_list ap);

#endif
