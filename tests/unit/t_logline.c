/* t_logline.c - unit tests for maps/util/logline.c: every form of log line,
 * time zones, the year of classic stamps, lines that are not log lines, user
 * times. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logline.h"
#include "tap.h"

static struct logline_ctx ctx;

static int parse(const char *s, struct logline *l)
{
    return logline_parse(&ctx, s, strlen(s), l);
}

static int field(const char *p, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(p, want, n) == 0;
}

int main(void)
{
    struct logline l;
    long long t;
    /* 2026-12-02 19:03:51 UTC */
    const long long ref = 1796238231;

    setenv("TZ", "UTC", 1);
    tzset();
    logline_init(&ctx, (time_t) ref);
    is_int(logline_days(1970, 1, 1), 0, "days: the epoch");
    is_int(logline_days(2000, 3, 1), 11017, "days: 2000-03-01");

    ok(parse("Dec  2 19:03:51 relay postfix/smtpd[21641]: A497AA728EA: client=unknown[127.0.0.1]", &l) == 1,
       "classic syslog");
    ok(l.has_time && l.sec == ref, "classic: the time (this year)");
    ok(field(l.host, l.hostlen, "relay") && field(l.prog, l.proglen, "postfix/smtpd") && l.pid == 21641,
       "classic: host, program, pid");
    ok(field(l.text, l.textlen, "A497AA728EA: client=unknown[127.0.0.1]"), "classic: text");
    ok(parse("Dec 02 19:03:51 relay postfix/qmgr[1]: X: removed", &l) == 1 && l.sec == ref,
       "Postfix's maillog_file: day with a zero");
    ok(parse("Dec  2 19:03:51.250000 relay sm-mta[7]: x", &l) == 1 && l.sec == ref && l.usec == 250000,
       "classic with microseconds");
    ok(parse("Dec 31 23:00:00 relay postfix/qmgr[1]: x", &l) == 1 && l.sec < ref && l.sec > ref - 86400 * 366,
       "classic: a December 31st read on December 2nd is last year's");
    ok(parse("Dec  3 10:00:00 relay postfix/qmgr[1]: x", &l) == 1 && l.sec > ref, "classic: tomorrow stays this year");

    ok(parse("2026-12-02T19:03:51+0000 relay postfix/smtpd[5]: hi", &l) == 1 && l.sec == ref,
       "journalctl -o short-iso (+0000)");
    ok(parse("2026-12-02T20:03:51.123456+01:00 relay postfix/smtpd[5]: hi", &l) == 1 && l.sec == ref
       && l.usec == 123456, "RFC 3339 with an offset and a fraction");
    ok(parse("2026-12-02T19:03:51Z relay pogate-lda[9]: hi", &l) == 1 && l.sec == ref, "RFC 3339 Z");
    ok(parse("2026-12-02T19:03:49 pogate-milter[21280]: ready: listening", &l) == 1 && l.sec == ref - 2
       && l.hostlen == 0 && field(l.prog, l.proglen, "pogate-milter") && l.pid == 21280,
       "pogate's log_file: no host, local time");
    ok(field(l.text, l.textlen, "ready: listening"), "log_file: text");
    ok(parse("<22>1 2026-12-02T19:03:51Z relay postfix 123 - - A1B2C3: removed", &l) == 1 && l.sec == ref
       && field(l.prog, l.proglen, "postfix") && l.pid == 123 && field(l.text, l.textlen, "A1B2C3: removed"),
       "RFC 5424");
    ok(parse("<22>1 2026-12-02T19:03:51Z relay app - ID47 [x@1 a=\"\\]\"] msg", &l) == 1
       && field(l.text, l.textlen, "msg"), "RFC 5424 with structured data");
    ok(parse("<22>Dec  2 19:03:51 relay sendmail[3]: q: x", &l) == 1 && l.sec == ref, "classic with <PRI>");

    ok(parse("pogate-milter: A497AA728EA: client=x verdict=accept", &l) == 1 && !l.has_time
       && field(l.prog, l.proglen, "pogate-milter") && l.pid == -1, "a daemon's stderr: no time, no pid");
    ok(parse("postfix/smtpd[12]: connect from x", &l) == 1 && l.pid == 12, "stderr with a pid");
    ok(parse("pogate-milter:", &l) == 1 && l.textlen == 0, "empty text");

    ok(parse("", &l) == 0, "empty line");
    ok(parse("-- Journal begins at Mon 2026-11-30 --", &l) == 0, "journalctl's banner");
    ok(parse("Dec  2 19:03", &l) == 0, "a stamp cut short");
    ok(parse("Dec  2 19:03:51 relay", &l) == 0, "a host and nothing else");
    ok(parse("Dec  2 19:03:51 relay postfix/smtpd[12", &l) == 0, "a pid cut short");
    ok(parse("Dec 32 19:03:51 relay x: y", &l) == 0, "day 32");
    ok(parse("2026-13-02T19:03:51 x: y", &l) == 0, "month 13");
    ok(parse("\x01\x02\xff\xfe garbage", &l) == 0, "binary garbage");
    {
        char nul[] = "Dec  2 19:03:51 relay x[1]: a\0b";

        ok(logline_parse(&ctx, nul, sizeof(nul) - 1, &l) == 1 && l.textlen == 3, "a NUL byte inside the text is text");
    }

    ok(logline_user_time(&ctx, "2026-12-02", &t) == 0 && t == ref - 19 * 3600 - 3 * 60 - 51, "user time: a date");
    ok(logline_user_time(&ctx, "2026-12-02 19:03", &t) == 0 && t == ref - 51, "user time: date and minute");
    ok(logline_user_time(&ctx, "2026-12-02T19:03:51+00:00", &t) == 0 && t == ref, "user time: RFC 3339");
    ok(logline_user_time(&ctx, "@1796238231", &t) == 0 && t == ref, "user time: @epoch");
    ok(logline_user_time(&ctx, "2h", &t) == 0 && t == ref - 7200, "user time: an age");
    ok(logline_user_time(&ctx, "-1d", &t) == 0 && t == ref - 86400, "user time: -1d");
    ok(logline_user_time(&ctx, "yesterday", &t) == -1, "user time: a word is refused");
    ok(logline_user_time(&ctx, "2026-12-02 19:03 junk", &t) == -1, "user time: trailing junk refused");
    return done_testing();
}
