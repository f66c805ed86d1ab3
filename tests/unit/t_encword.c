/* t_encword.c - unit tests for maps/global/encword.c: RFC 2047 encoded-words out. */
#include <stdio.h>
#include <string.h>

#include "encword.h"
#include "tap.h"

/* RFC 2047 section 5 rule (3): upper and lower case letters, digits, "!",
 * "*", "+", "-", "/" (besides "=" and "_", which encode), as code points. */
static int rule3(int c)
{
    return (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
        || c == 0x21 || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2F;
}

static void word(int enc, const char *cs, const char *s, const char *want, const char *what)
{
    buf_t b = BUF_INIT;
    size_t n = strlen(s);

    encword_put(&b, enc, cs, s, n);
    is_str(b.data, want, "%s", what);
    is_int(encword_len(enc, cs, s, n), strlen(want), "%s: length told before writing", what);
    buf_free(&b);
}

/* Every octet alone in a Q word: itself, "_" or "=XX" (section 4.2). */
static void test_q_octets(void)
{
    int lit = 0, len_ok = 1;

    for (int c = 0; c < 256; c++) {
        char in = (char) c, want[16];
        buf_t b = BUF_INIT;

        if (rule3(c))
            snprintf(want, sizeof(want), "=?X?Q?%c?=", c), lit++;
        else if (c == 0x20)
            snprintf(want, sizeof(want), "=?X?Q?_?=");
        else
            snprintf(want, sizeof(want), "=?X?Q?=%02X?=", c);
        encword_put(&b, 'Q', "X", &in, 1);
        is_str(b.data, want, "octet 0x%02X in Q", c);
        len_ok &= encword_len('Q', "X", &in, 1) == strlen(want)
            && encword_text_len('Q', &in, 1) == strlen(want) - 8;     /* "=?X?Q?" and "?=" */
        buf_free(&b);
    }
    is_int(lit, 67, "67 octets stand for themselves: 52 letters, 10 digits, ! * + - /");
    ok(len_ok, "every octet's length told matches what is written");
}

static void test_words(void)
{
    word('Q', "ISO-8859-1", "Andr\xe9", "=?ISO-8859-1?Q?Andr=E9?=", "RFC 2047 sec. 8: Latin-1 Q");
    word('Q', "US-ASCII", "Keith Moore", "=?US-ASCII?Q?Keith_Moore?=", "RFC 2047 sec. 8: a space is _");
    word('Q', "UTF-8", "a=b?c_d\te", "=?UTF-8?Q?a=3Db=3Fc=5Fd=09e?=", "= ? _ and TAB encoded (4.2 (3))");
    word('Q', "UTF-8", "Caf\xc3\xa9 (Sales), \"x\"", "=?UTF-8?Q?Caf=C3=A9_=28Sales=29=2C_=22x=22?=",
         "phrase specials encoded (5 (3))");
    word('Q', "UTF-8", "", "=?UTF-8?Q?" "?=", "empty text");
    word('B', "ISO-8859-1", "If you can read this yo", "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=",
         "RFC 2047 sec. 8: B, one pad");
    word('B', "UTF-8", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "=?UTF-8?B?5pel5pys6Kqe?=", "B, no pad");
    word('B', "UTF-8", "ab", "=?UTF-8?B?YWI=?=", "B, two octets");
    word('B', "UTF-8", "a", "=?UTF-8?B?YQ==?=", "B, two pads");
    is_int(encword_text_len('B', "abcd", 4), 8, "B text length rounds up to quads");
    is_int(encword_len('Q', "UTF-8", "", 0), 12, "a UTF-8 word costs 12 octets around its text");
}

int main(void)
{
    test_q_octets();
    test_words();
    return done_testing();
}
