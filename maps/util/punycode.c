/* punycode.c - the decoding half of RFC 3492, as a check; see punycode.h.
 *
 * Only the arithmetic of the decoder (RFC 3492 6.2) runs: the code points
 * are never stored, so the check needs no output buffer and no limit on how
 * many there are beyond the overflow tests the RFC prescribes.
 */
#include <limits.h>
#include <string.h>

#include "punycode.h"

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

static long digit_of(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '0' && c <= '9')
        return c - '0' + 26;
    return -1;
}

/* RFC 3492 6.1. */
static long adapt(long delta, long points, int first)
{
    long k = 0;

    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

/* One generalized variable-length integer at *P (RFC 3492 3.3) added to *I;
 * -1 on a bad digit, an early end or an overflow. */
static int read_delta(const char **p, const char *end, long bias, long *i)
{
    long w = 1;

    for (long k = BASE;; k += BASE) {
        long d = *p < end ? digit_of((unsigned char) *(*p)++) : -1;
        long t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;

        if (d < 0 || d > (LONG_MAX - *i) / w)
            return -1;
        *i += d * w;
        if (d < t)
            return 0;
        if (w > LONG_MAX / (BASE - t))
            return -1;
        w *= BASE - t;
    }
}

int punycode_valid(const char *s, size_t len)
{
    const char *end = s + len, *p = s, *dash = NULL;
    long n = INITIAL_N, i = 0, bias = INITIAL_BIAS, out;

    for (const char *q = s; q < end; q++)
        if (*q == '-')
            dash = q;
    out = dash ? (long) (dash - s) : 0;
    for (const char *q = s; q < s + out; q++)
        if ((unsigned char) *q >= 0x80)
            return 0;
    if (dash)
        p = dash + 1;
    if (p == end)
        return 0;               /* nothing encoded: the text is all ASCII */
    while (p < end) {
        long old = i;

        if (read_delta(&p, end, bias, &i) < 0)
            return 0;
        bias = adapt(i - old, out + 1, old == 0);
        if (i / (out + 1) > 0x10FFFF - n)
            return 0;
        n += i / (out + 1);
        i %= out + 1;
        if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
            return 0;
        out++;
        i++;
    }
    return 1;
}
