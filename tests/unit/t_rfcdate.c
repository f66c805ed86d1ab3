/* t_rfcdate.c - unit tests of lda/rfcdate.c: the strict RFC 5322 date-time
 * parser that dates deterministic delivery file names. */
#include <string.h>

#include "rfcdate.h"
#include "tap.h"

static long long parse(const char *s)
{
    long long t;

    return rfcdate_parse(s, strlen(s), &t) == 0 ? t : -1;
}

int main(void)
{
    char buf[64];
    static const char *const bad[] = {
        "", "Wed, 25 Nov 26 10:57:09 +0000", "Wed, 25 Nov 2026 10:57:09 Z", "Wed, 25 Nov 2026 10:57:09",
        "25 Nov 2026 10:57:09 GMTX", "25 Nov 2026 10:57:09 CET", "25 Nov 2026 10:57:09 A",
        "Thu, 25 Nov 2026 10:57:09 +0000", "Wed 25 Nov 2026 10:57:09 +0000", "Wed, 31 Nov 2026 10:57:09 +0000",
        "29 Feb 2026 10:57:09 +0000", "25 Nov 2026 24:00:00 +0000", "25 Nov 2026 10:60:00 +0000",
        "25 Nov 2026 10:57:61 +0000", "25 Nov 2026 10:57:09 +0060", "25 Nov 2026 10:57:09 +000",
        "25 Nov 2026 10:57:09 +00000", "25 Nov 2026 10:57:09 +0000 x", "25 Nov 2026 10:57:09 +0000 (UTC",
        "25 Nov 2026 10:57:09 +0000 )", "25 Nove 2026 10:57:09 +0000", "125 Nov 2026 10:57:09 +0000",
        "25 Nov 20266 10:57:09 +0000", "25 Nov 2026 1:57:09 +0000", "0 Nov 2026 10:57:09 +0000",
        "25 Nov 1899 10:57:09 +0000", "Wednesday, 25 Nov 2026 10:57:09 +0000", "25 Nov 2026 10:57:9 +0000",
    };

    is_int(parse("Wed, 25 Nov 2026 10:57:09 +0000 (UTC)"), 1795604229LL, "Postfix's form, with comment");
    is_int(parse("Wed, 25 Nov 2026 10:57:09 +0000"), 1795604229LL, "sendmail's form");
    is_int(parse("25 Nov 2026 10:57:09 +0000"), 1795604229LL, "no day of week");
    is_int(parse("Wed, 25 Nov 2026 11:57:09 +0100"), 1795604229LL, "zone east");
    is_int(parse("Wed, 25 Nov 2026 05:27:09 -0530"), 1795604229LL, "zone west with minutes");
    is_int(parse("  wed ,\r\n\t25 nov 2026 10:57 +0000 (a (nested \\) comment)) (two)  "), 1795604220LL,
           "folding, case, no seconds, nested and quoted comments");
    is_int(parse("Wed, 25 Nov 2026 10:57:09 GMT"), 1795604229LL, "sendmail's GMT (obs-zone)");
    is_int(parse("Wed, 25 Nov 2026 10:57:09 ut"), 1795604229LL, "UT, any case");
    is_int(parse("Wed, 25 Nov 2026 02:57:09 PST (Pacific)"), 1795604229LL, "PST is -0800");
    is_int(parse("Wed, 25 Nov 2026 06:57:09 EDT"), 1795604229LL, "EDT is -0400");
    is_int(parse("Thu, 1 Jan 1970 00:00:00 +0000"), 0LL, "the epoch");
    is_int(parse("Thu, 29 Feb 2024 23:59:60 +0000"), 1709251199LL, "leap day; leap second as 59");
    is_int(parse("Sat, 1 Jan 2000 00:00:00 +0000"), 946684800LL, "2000 (leap century)");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        is_int(parse(bad[i]), -1, "refused: '%s'", bad[i]);
    rfcdate_format(1795604229LL, buf, sizeof(buf));
    is_str(buf, "Wed, 25 Nov 2026 10:57:09 +0000", "format");
    rfcdate_format(0, buf, sizeof(buf));
    is_str(buf, "Thu, 1 Jan 1970 00:00:00 +0000", "format: the epoch");
    for (long long t = -86400LL * 400; t < 86400LL * 365 * 500; t += 86400LL * 37 + 3599)
        if (rfcdate_format(t, buf, sizeof(buf)), parse(buf) != t) {
            ok(0, "format then parse: %lld -> %s", t, buf);
            break;
        }
    ok(1, "format then parse gives the same instant (1969-2470)");
    return done_testing();
}
