/* logline.c - splitting a system log line; see logline.h.
 *
 * Every field is found by scanning forward within LEN bytes: a line cut
 * anywhere (a truncated log, binary garbage) ends a field early or makes the
 * line "not a log line", never a read past its end.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logline.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* N digits at P (within END) as a number, or -1. */
static int digits(const char *p, const char *end, int n)
{
    int v = 0;

    if (end - p < n)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

long long logline_days(int year, int mon, int mday)
{
    /* Howard Hinnant's days_from_civil. */
    long long y = year - (mon <= 2);
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void logline_init(struct logline_ctx *ctx, time_t now)
{
    struct tm tm;

    memset(ctx, 0, sizeof(*ctx));
    ctx->now = now;
    localtime_r(&now, &tm);
    ctx->now_year = tm.tm_year + 1900;
    ctx->now_mon = tm.tm_mon + 1;
    ctx->now_mday = tm.tm_mday;
    ctx->c_year = -1;
}

/* A local time as seconds since the epoch, mktime() once per hour of log. */
static long long local_epoch(struct logline_ctx *ctx, int y, int mon, int d, int h, int mi, int s)
{
    if (y != ctx->c_year || mon != ctx->c_mon || d != ctx->c_mday || h != ctx->c_hour) {
        struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d, .tm_hour = h,
                         .tm_isdst = -1 };
        time_t t = mktime(&tm);

        ctx->c_epoch = t == (time_t) -1 ? (logline_days(y, mon, d) * 24 + h) * 3600 : (long long) t;
        ctx->c_year = y, ctx->c_mon = mon, ctx->c_mday = d, ctx->c_hour = h;
    }
    return ctx->c_epoch + mi * 60 + s;
}

static int valid_time(int mon, int d, int h, int mi, int s)
{
    return mon >= 1 && mon <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59
        && s >= 0 && s <= 60;
}

/* ".123456" at *P: microseconds, *P moved past the fraction. */
static int fraction(const char **pp, const char *end)
{
    const char *p = *pp;
    int usec = 0, n = 0;

    if (p < end && (*p == '.' || *p == ',')) {
        for (p++; p < end && is_digit(*p); p++, n++)
            if (n < 6)
                usec = usec * 10 + (*p - '0');
        for (; n < 6; n++)
            usec *= 10;
    }
    *pp = p;
    return usec;
}

/* "YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]": 1 with *P past it, else 0. SEP_SPACE
 * allows a space between date and time (user input). */
static int rfc3339(struct logline_ctx *ctx, const char **pp, const char *end, int sep_space,
                   long long *sec, int *usec)
{
    const char *p = *pp;
    int y = digits(p, end, 4), mon, d, h = 0, mi = 0, s = 0, off = 0, zone = 0;

    if (y < 0 || end - p < 10 || p[4] != '-' || p[7] != '-')
        return 0;
    mon = digits(p + 5, end, 2), d = digits(p + 8, end, 2);
    p += 10;
    if (p < end && (*p == 'T' || (sep_space && *p == ' ')) && end - p >= 6 && p[3] == ':') {
        h = digits(p + 1, end, 2), mi = digits(p + 4, end, 2);
        p += 6;
        if (end - p >= 3 && *p == ':')
            s = digits(p + 1, end, 2), p += 3;
    } else if (!sep_space) {
        return 0;
    }
    if (!valid_time(mon, d, h, mi, s))
        return 0;
    *usec = fraction(&p, end);
    if (p < end && (*p == 'Z' || *p == 'z')) {
        zone = 1, p++;
    } else if (end - p >= 5 && (*p == '+' || *p == '-')) {
        int oh = digits(p + 1, end, 2), om;
        const char *q = p + 3;

        if (q < end && *q == ':')
            q++;
        om = digits(q, end, 2);
        if (oh >= 0 && om >= 0 && oh < 24 && om < 60) {
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            zone = 1;
            p = q + 2;
        }
    }
    if (zone)
        *sec = (logline_days(y, mon, d) * 24 + h) * 3600 + mi * 60 + s - off;
    else
        *sec = local_epoch(ctx, y, mon, d, h, mi, s);
    *pp = p;
    return 1;
}

/* "Mmm dd HH:MM:SS[.frac]" (dd may be " 2" or "02"): 1 with *P past it. */
static int classic(struct logline_ctx *ctx, const char **pp, const char *end, long long *sec, int *usec)
{
    const char *p = *pp, *m;
    int mon, d, h, mi, s, y;

    if (end - p < 15 || p[3] != ' ')
        return 0;
    for (m = months; *m; m += 3)
        if (memcmp(p, m, 3) == 0)
            break;
    if (*m == 0)
        return 0;
    mon = (int) (m - months) / 3 + 1;
    d = p[4] == ' ' ? digits(p + 5, end, 1) : digits(p + 4, end, 2);
    if (p[6] != ' ' || p[9] != ':' || p[12] != ':')
        return 0;
    h = digits(p + 7, end, 2), mi = digits(p + 10, end, 2), s = digits(p + 13, end, 2);
    if (!valid_time(mon, d, h, mi, s))
        return 0;
    p += 15;
    *usec = fraction(&p, end);
    y = ctx->now_year;
    if (mon > ctx->now_mon || (mon == ctx->now_mon && d > ctx->now_mday + 1))
        y--;
    *sec = local_epoch(ctx, y, mon, d, h, mi, s);
    *pp = p;
    return 1;
}

/* The token at P up to a blank: its end. */
static const char *token_end(const char *p, const char *end)
{
    while (p < end && *p != ' ')
        p++;
    return p;
}

static int prog_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_'
        || c == '.' || c == '/' || c == '@';
}

/* "PROG[PID]: TEXT" or "PROG: TEXT" at P: 1 and OUT's fields filled. */
static int prog_text(const char *p, const char *end, struct logline *out)
{
    const char *q = p;

    while (q < end && prog_char((unsigned char) *q))
        q++;
    if (q == p)
        return 0;
    out->prog = p, out->proglen = (size_t) (q - p);
    out->pid = -1;
    if (q < end && *q == '[') {
        long pid = 0;
        const char *d = ++q;

        while (q < end && is_digit(*q) && q - d < 10)
            pid = pid * 10 + (*q++ - '0');
        if (q == d || q >= end || *q != ']')
            return 0;
        out->pid = pid;
        q++;
    }
    if (q >= end || *q != ':' || (q + 1 < end && q[1] != ' '))
        return 0;
    q += q + 1 < end ? 2 : 1;
    out->text = q, out->textlen = (size_t) (end - q);
    return 1;
}

/* RFC 5424 after "<PRI>1 ": STAMP HOST APP PROCID MSGID SD MSG. */
static int rfc5424(struct logline_ctx *ctx, const char *p, const char *end, struct logline *out)
{
    const char *f[4], *fe[4];

    if (!rfc3339(ctx, &p, end, 0, &out->sec, &out->usec))
        return 0;
    out->has_time = 1;
    for (int i = 0; i < 4; i++) {
        if (p >= end || *p != ' ')
            return 0;
        f[i] = ++p;
        p = fe[i] = token_end(p, end);
    }
    out->host = f[0], out->hostlen = (size_t) (fe[0] - f[0]);
    out->prog = f[1], out->proglen = (size_t) (fe[1] - f[1]);
    out->pid = f[2] < fe[2] && is_digit(*f[2]) ? 0 : -1;
    for (const char *d = f[2]; out->pid >= 0 && d < fe[2] && is_digit(*d) && out->pid < 1000000000L; d++)
        out->pid = out->pid * 10 + (*d - '0');
    if (p < end && *p == ' ')
        p++;
    if (p < end && *p == '[') {         /* structured data: skip to the last ']' of it */
        while (p < end && *p == '[') {
            while (p < end && *p != ']')
                p += *p == '\\' && p + 1 < end ? 2 : 1;
            if (p < end)
                p++;
        }
    } else if (p < end && *p == '-') {
        p++;
    }
    if (p < end && *p == ' ')
        p++;
    out->text = p, out->textlen = (size_t) (end - p);
    return out->proglen > 0;
}

int logline_parse(struct logline_ctx *ctx, const char *line, size_t len, struct logline *out)
{
    const char *p = line, *end = line + len, *h;

    memset(out, 0, sizeof(*out));
    out->host = "";
    if (p < end && *p == '<') {         /* <PRI> */
        const char *q = p + 1;

        while (q < end && is_digit(*q) && q - p < 4)
            q++;
        if (q < end && *q == '>' && q > p + 1) {
            p = q + 1;
            if (end - p > 2 && p[0] == '1' && p[1] == ' ')
                return rfc5424(ctx, p + 2, end, out);
        }
    }
    if (rfc3339(ctx, &p, end, 0, &out->sec, &out->usec) || classic(ctx, &p, end, &out->sec, &out->usec)) {
        out->has_time = 1;
        if (p >= end || *p != ' ')
            return 0;
        while (p < end && *p == ' ')
            p++;
        if (prog_text(p, end, out))     /* no host: pogate's log_file */
            return 1;
        h = p;
        p = token_end(p, end);
        out->host = h, out->hostlen = (size_t) (p - h);
        if (p < end)
            p++;
    }
    return prog_text(p, end, out);
}

/* "30m", "2h", "1d", "90s", "-2h": an age. */
static int age(const char *s, long long *secs)
{
    char *e;
    long long n;

    if (*s == '-')
        s++;
    if (!is_digit(*s))
        return -1;
    n = strtoll(s, &e, 10);
    switch (*e) {
    case 's': break;
    case 'm': n *= 60; break;
    case 'h': n *= 3600; break;
    case 'd': n *= 86400; break;
    case 'w': n *= 7 * 86400; break;
    default: return -1;
    }
    if (e[1] != 0 || n < 0 || n > 100LL * 365 * 86400)
        return -1;
    *secs = n;
    return 0;
}

int logline_user_time(struct logline_ctx *ctx, const char *s, long long *sec)
{
    const char *p = s, *end = s + strlen(s);
    long long a;
    int usec;

    if (*s == '@' && is_digit(s[1])) {
        char *e;

        *sec = strtoll(s + 1, &e, 10);
        return *e ? -1 : 0;
    }
    if (age(s, &a) == 0) {
        *sec = (long long) ctx->now - a;
        return 0;
    }
    if (rfc3339(ctx, &p, end, 1, sec, &usec) && p == end)
        return 0;
    return -1;
}
