/* t_rfc2047.c - unit tests for milter/rfc2047.c: phrase encoding and encoded-word decoding. */
#include <stdio.h>
#include <string.h>

#include "encword.h"
#include "rfc2047.h"
#include "tap.h"

static void enc(const char *name, const char *want, const char *what)
{
    buf_t b = BUF_INIT;
    size_t n = rfc2047_encode_phrase(&b, name, strlen(name));

    is_str(b.data ? b.data : "", want, "encode %s", what);
    is_int(n, strlen(want), "encode %s: length returned", what);
    buf_free(&b);
}

static void dec(const char *text, const char *want, const char *what)
{
    buf_t b = BUF_INIT;

    rfc2047_decode_text(&b, text, strlen(text));
    is_str(b.data ? b.data : "", want, "decode %s", what);
    buf_free(&b);
}

static void not_word(const char *w, const char *what)
{
    buf_t b = BUF_INIT;

    is_int(rfc2047_decode_word(&b, w, strlen(w)), 0, "not an encoded-word: %s", what);
    is_int(b.len, 0, "nothing appended for %s", what);
    buf_free(&b);
}

/* Every word of S is at most 75 octets, and nothing in S is a control character. */
static int words_ok(const char *s)
{
    size_t run = 0;

    for (; *s; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return 0;
        run = *s == ' ' ? 0 : run + 1;
        if (run > ENCWORD_MAX)
            return 0;
    }
    return 1;
}

static void test_encode(void)
{
    enc("John Smith", "John Smith", "plain atoms stay bare");
    enc("O'Brien", "O'Brien", "apostrophe is atext");
    enc("Smith, John", "\"Smith, John\"", "comma needs quotes");
    enc("J. Smith", "\"J. Smith\"", "dot needs quotes");
    enc("a \"q\" \\ b", "\"a \\\"q\\\" \\\\ b\"", "quote and backslash escaped");
    enc("John  Smith", "\"John  Smith\"", "double blank kept in quotes");
    enc(" John", "\" John\"", "leading blank kept in quotes");
    enc("=?UTF-8?Q?x?=", "\"=?UTF-8?Q?x?=\"", "encoded-word lookalike quoted, not decoded by readers");
    enc("a =?b", "\"a =?b\"", "word starting =? quoted");
    enc("a=?b", "a=?b", "=? inside an atom is harmless");
    enc("", "", "empty name gives nothing");
    enc("   ", "", "blank name gives nothing");
    enc("Evil\r\nBcc: victim@example.com", "\"Evil  Bcc: victim@example.com\"", "CRLF becomes blanks");
    enc("A\tB", "A B", "TAB becomes a blank");
    enc("J\xc3\xbcrgen M\xc3\xbcller", "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=", "Latin text in Q");
    enc("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "=?UTF-8?B?5pel5pys6Kqe?=", "CJK text in B (shorter)");
    enc("a\xff", "=?UTF-8?Q?a=EF=BF=BD?=", "malformed UTF-8 becomes U+FFFD");
    enc("Caf\xc3\xa9 (Sales)", "=?UTF-8?Q?Caf=C3=A9_=28Sales=29?=", "parentheses encoded in Q");
    enc("x_y=z?", "x_y=z?", "= ? _ are atext: bare");
}

static void test_long(void)
{
    buf_t b = BUF_INIT, d = BUF_INIT, name = BUF_INIT;

    /* found by fuzz_rfc2047 (a check in the target, not the encoder, was wrong):
     * a long ASCII atom is not an encoded-word and has no 75-octet limit */
    for (int i = 0; i < 100; i++)
        buf_putc(&name, i ? 'x' : '=');
    rfc2047_encode_phrase(&b, name.data, name.len);
    is_str(b.data, name.data, "100-octet atom starting with = stays bare and whole");
    buf_reset(&b), buf_reset(&name);

    for (int i = 0; i < 100; i++)
        buf_puts(&name, "\xc3\xbc");            /* u-umlaut, 2 octets, =C3=BC in Q */
    rfc2047_encode_phrase(&b, name.data, name.len);
    ok(words_ok(b.data), "100 umlauts: every encoded-word within 75 octets");
    ok(strstr(b.data, "=C3?=") == NULL && strstr(b.data, "?Q?=BC") == NULL, "no character split across words");
    rfc2047_decode_text(&d, b.data, b.len);
    is_str(d.data, name.data, "100 umlauts decode back");
    buf_reset(&b), buf_reset(&d), buf_reset(&name);
    for (int i = 0; i < 85; i++)
        buf_puts(&name, "\xf0\x9f\x98\x80");    /* 4-octet emoji: B */
    rfc2047_encode_phrase(&b, name.data, name.len);
    ok(words_ok(b.data) && strncmp(b.data, "=?UTF-8?B?", 10) == 0, "340 octets of emoji in B words of <= 75");
    rfc2047_decode_text(&d, b.data, b.len);
    is_str(d.data, name.data, "emoji decode back");
    buf_free(&b), buf_free(&d), buf_free(&name);
}

static void test_decode_words(void)
{
    dec("=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xc3\xa9 Pirard", "RFC 2047 sec. 8: Latin-1 Q");
    dec("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore", "RFC 2047 sec. 8: US-ASCII");
    dec("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
        "If you can read this you understand the example.", "RFC 2047 sec. 8: folded B words joined");
    dec("=?ISO-8859-1?Q?a?= b", "a b", "sec. 8: word then text");
    dec("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab", "sec. 8: blank between words dropped");
    dec("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=", "ab", "sec. 8: folding between words dropped");
    dec("=?ISO-8859-1?Q?a_b?=", "a b", "sec. 8: underscore is a blank");
    dec("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b", "sec. 8: blank inside the second word kept");
    dec("=?utf-8?b?SsO8cmdlbg==?=", "J\xc3\xbcrgen", "lower-case charset and encoding");
    dec("=?UTF-8*de?Q?J=c3=bcrgen?=", "J\xc3\xbcrgen", "RFC 2231 language suffix, lower-case hex");
    dec("=?UTF-8?B?SsO8cmdlbg?=", "J\xc3\xbcrgen", "B without padding");
    dec("=?UTF-8?Q?Evil=0D=0ABcc:_x?=", "Evil  Bcc: x", "encoded CRLF decodes to blanks");
    dec("=?UTF-8?Q?a=00b?=", "a b", "encoded NUL decodes to a blank");
    dec("=?UTF-8?Q?=C2=85?=", " ", "encoded C1 control decodes to a blank");
    dec("=?UTF-8?Q?=FF?=", "\xef\xbf\xbd", "malformed UTF-8 in a word becomes U+FFFD");
    dec("=?windows-1252?Q?=80?=", "\xe2\x82\xac", "windows-1252 euro through iconv");
    dec("plain\ttext \xff", "plain text \xef\xbf\xbd", "plain text cleaned");
    dec("a =?UTF-8?Q?b?=c", "a =?UTF-8?Q?b?=c", "word glued to text is not a word");
    not_word("=?UTF-8?X?abc?=", "unknown encoding");
    not_word("=?x-no-such-charset?Q?abc?=", "unknown charset");
    not_word("=?../../etc/passwd?Q?a?=", "charset with a path");
    not_word("=?UTF-8?B?@@@@?=", "bad base64");
    not_word("=?UTF-8?B?Q===?=", "base64 of a lone sextet");
    not_word("=?UTF-8?B?QQ=x?=", "base64 text after padding");
    not_word("=?UTF-8?Q?a=4?=", "truncated =XX");
    not_word("=?UTF-8?Q?a?b?=", "question mark in text");
    not_word("=??Q?a?=", "empty charset");
    not_word("=?UTF-8?Q?\xc3\xbc?=", "8-bit octets in a word");
}

int main(void)
{
    test_encode();
    test_long();
    test_decode_words();
    return done_testing();
}
