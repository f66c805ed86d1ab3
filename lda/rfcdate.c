/* rfcdate.c - strict RFC 5322 date-time parsing; see rfcdate.h.
 *
 * A cursor walks the string token by token; every token has a fixed shape,
 * so there is no backtracking. The calendar arithmetic is the proleptic
 * Gregorian days-from-civil computation, written out because timegm() is
 * not POSIX and mktime() depends on the local zone.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rfcdate.h"

struct cur {
    const char *p, *end;
};

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const wdays[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Folding white space: spaces, tabs, and line ends followed by more. */
static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

/* Exactly MIN..MAX digits into *V; 0 or -1. */
static int digits(struct cur *c, int min, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && c->p < c->end && is_digit(*c->p)) {
        *v = *v * 10 + (*c->p++ - '0');
        n++;
    }
    return n >= min && !(c->p < c->end && is_digit(*c->p)) ? 0 : -1;
}

/* One of the three-letter NAMES[0..N-1] followed by a non-letter: its index or -1. */
static int name3(struct cur *c, const char *const *names, int n)
{
    if (c->end - c->p < 3 || (c->end - c->p > 3 && ((c->p[3] | 32) >= 'a' && (c->p[3] | 32) <= 'z')))
        return -1;
    for (int i = 0; i < n; i++)
        if (strncasecmp(c->p, names[i], 3) == 0) {
            c->p += 3;
            return i;
        }
    return -1;
}

static int expect(struct cur *c, char ch)
{
    if (c->p >= c->end || *c->p != ch)
        return -1;
    c->p++;
    return 0;
}

/* Comments and white space to the end, nothing else. */
static int trailer(struct cur *c)
{
    int depth = 0;

    for (; c->p < c->end; c->p++) {
        char ch = *c->p;

        if ((unsigned char) ch < ' ' ? ch != '\t' && ch != '\r' && ch != '\n' : ch == 127)
            return -1;          /* no control characters, not even in a comment */
        if (ch == '(')
            depth++;
        else if (ch == ')' && depth > 0)
            depth--;
        else if (ch == '\\' && depth > 0 && c->p + 1 < c->end)
            c->p++;
        else if (depth == 0 && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
            return -1;
    }
    return depth == 0 ? 0 : -1;
}

static long long days_from_civil(int y, int m, int d)
{
    long long era, yoe, doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int month_days(int y, int m)
{
    static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return len[m - 1] + (m == 2 && leap);
}

/* RFC 5322 obs-zone names with a defined offset (sendmail writes "GMT");
 * the military letters are refused: RFC 5322 says their sign is unreliable. */
static int zone_name(struct cur *c, long long *off)
{
    static const struct { const char *name; int hours; } names[] = {
        { "UT", 0 }, { "GMT", 0 }, { "EST", -5 }, { "EDT", -4 }, { "CST", -6 },
        { "CDT", -5 }, { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
    };
    size_t n = 0;

    while (c->p + n < c->end && ((c->p[n] | 32) >= 'a' && (c->p[n] | 32) <= 'z'))
        n++;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && strncasecmp(c->p, names[i].name, n) == 0) {
            c->p += n;
            *off = names[i].hours * 3600LL;
            return 0;
        }
    return -1;
}

/* The zone "+hhmm" / "-hhmm" (or an obs-zone name) as seconds east of UTC into *OFF. */
static int zone(struct cur *c, long long *off)
{
    int sign, hh, mm, v;

    if (c->p < c->end && *c->p != '+' && *c->p != '-')
        return zone_name(c, off);
    if (c->p >= c->end)
        return -1;
    sign = *c->p++ == '-' ? -1 : 1;
    if (digits(c, 4, 4, &v) < 0)
        return -1;
    hh = v / 100;
    mm = v % 100;
    if (mm > 59)
        return -1;
    *off = sign * (hh * 3600LL + mm * 60LL);
    return 0;
}

int rfcdate_parse(const char *s, size_t len, long long *t)
{
    struct cur c = { s, s + len };
    int wday = -1, day, mon, year, hh, mm, ss = 0;
    long long off, days;

    skip_ws(&c);
    if (c.p < c.end && !is_digit(*c.p)) {
        if ((wday = name3(&c, wdays, 7)) < 0)
            return -1;
        skip_ws(&c);
        if (expect(&c, ',') < 0)
            return -1;
        skip_ws(&c);
    }
    if (digits(&c, 1, 2, &day) < 0)
        return -1;
    skip_ws(&c);
    if ((mon = name3(&c, months, 12) + 1) == 0)
        return -1;
    skip_ws(&c);
    if (digits(&c, 4, 4, &year) < 0 || year < 1900)
        return -1;
    skip_ws(&c);
    if (digits(&c, 2, 2, &hh) < 0 || expect(&c, ':') < 0 || digits(&c, 2, 2, &mm) < 0)
        return -1;
    if (c.p < c.end && *c.p == ':' && (c.p++, digits(&c, 2, 2, &ss) < 0))
        return -1;
    if (day < 1 || day > month_days(year, mon) || hh > 23 || mm > 59 || ss > 60)
        return -1;
    skip_ws(&c);
    if (zone(&c, &off) < 0 || trailer(&c) < 0)
        return -1;
    days = days_from_civil(year, mon, day);
    if (wday >= 0 && ((days % 7) + 7) % 7 != wday)
        return -1;
    *t = days * 86400 + hh * 3600LL + mm * 60LL + (ss == 60 ? 59 : ss) - off;
    return 0;
}

void rfcdate_format(long long t, char *buf, size_t size)
{
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), sec = t - days * 86400;
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1), m = (int) (mp < 10 ? mp + 3 : mp - 9);
    long long y = yoe + era * 400 + (m <= 2);

    snprintf(buf, size, "%s, %d %s %04lld %02lld:%02lld:%02lld +0000", wdays[((days % 7) + 7) % 7], d,
             months[m - 1], y, sec / 3600, sec / 60 % 60, sec % 60);
}
