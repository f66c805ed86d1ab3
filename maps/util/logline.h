/* logline.h - one line of a system log, split into time, host, program,
 * pid and text, whichever of the usual forms it comes in.
 *
 * The forms (each may start with a syslog "<PRI>"):
 *   classic syslog    Dec  2 19:03:51[.123456] HOST PROG[PID]: TEXT
 *                     (rsyslog's default, Postfix's maillog_file, journalctl)
 *   RFC 3339          2026-12-02T19:03:51[.123][Z|+01:00|+0100] HOST PROG[PID]: TEXT
 *                     (rsyslog's file format, journalctl -o short-iso)
 *   without a host    2026-12-02T19:03:51 PROG[PID]: TEXT (pogate's log_file)
 *   RFC 5424          <22>1 2026-12-02T19:03:51Z HOST APP PID MSGID [SD] TEXT
 *   without a time    PROG[PID]: TEXT or PROG: TEXT (a daemon's stderr)
 * A stamp without a zone is local time; a classic stamp has no year, so it is
 * given the year that puts it at most a day after the reference time (a log
 * of December read in January is last year's). Local times are converted
 * once an hour of log, not once a line. This file knows no mail.
 */
#ifndef POGATE_LOGLINE_H
#define POGATE_LOGLINE_H

#include <stddef.h>
#include <time.h>

struct logline {
    long long sec;              /* seconds since the epoch; only when has_time */
    int usec;
    int has_time;
    const char *host;           /* "" when the form has none */
    size_t hostlen;
    const char *prog;           /* "postfix/smtpd", "pogate-milter" */
    size_t proglen;
    long pid;                   /* -1 when there is none */
    const char *text;           /* after "PROG[PID]: " */
    size_t textlen;
};

/* What the conversion of local times and years remembers between lines. */
struct logline_ctx {
    time_t now;                 /* the reference time for classic stamps' years */
    int now_year, now_mon, now_mday;
    int c_year, c_mon, c_mday, c_hour;  /* the hour last converted ... */
    long long c_epoch;          /* ... and its start, seconds since the epoch */
};

/* Start a context with NOW as the reference time. */
void logline_init(struct logline_ctx *ctx, time_t now);

/* Split LINE (LEN bytes, no newline; NUL bytes are not looked at specially)
 * into OUT, whose pointers point into LINE. 1: a program's line in one of the
 * forms above; 0: not a log line (OUT says nothing). */
int logline_parse(struct logline_ctx *ctx, const char *line, size_t len, struct logline *out);

/* Parse a time given by a user: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]", the
 * same with a T, a stamp of RFC 3339 (with its zone), "@EPOCH", or an age
 * before the reference time: "30m", "2h", "1d" (also with a leading '-').
 * Local time unless a zone is given. 0, or -1 when it is none of those. */
int logline_user_time(struct logline_ctx *ctx, const char *s, long long *sec);

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar. */
long long logline_days(int year, int mon, int mday);

#endif
