/* t_addr.c - unit tests for maps/global/addr.c: RFC 5321 envelope addresses as MTAs pass them. */
#include <string.h>

#include "addr.h"
#include "tap.h"

/* Parse S (strlen) with FLAGS; check status, and on ADDR_OK the canonical address and key. */
static void good(const char *s, unsigned flags, const char *want_addr, const char *want_key)
{
    struct addr a;
    enum addr_status st = addr_parse(s, strlen(s), flags, &a);

    is_int(st, ADDR_OK, "'%s' parses (%s)", s, addr_strerror(st));
    is_str(a.addr, want_addr, "'%s' canonical address", s);
    is_str(a.key, want_key, "'%s' lookup key", s);
}

static void bad(const char *s, size_t len, unsigned flags, enum addr_status want, const char *what)
{
    struct addr a;
    enum addr_status st = addr_parse(s, len, flags, &a);

    is_int(st, want, "%s refused: %s", what, addr_strerror(st));
    ok(a.addr[0] == 0 && a.key[0] == 0 && a.local[0] == 0, "%s leaves nothing behind", what);
}

static void test_plain(void)
{
    struct addr a;

    good("<john.smith@Sales.Example.COM>", 0, "john.smith@sales.example.com", "john.smith@sales.example.com");
    good("John.Smith@EXAMPLE.com", 0, "John.Smith@example.com", "john.smith@example.com");
    good("  <a@b.c>  ", 0, "a@b.c", "a@b.c");
    good("<x!#$%&'*+-/=?^_`{|}~@example.org>", 0, "x!#$%&'*+-/=?^_`{|}~@example.org",
         "x!#$%&'*+-/=?^_`{|}~@example.org");
    addr_parse("<Jo@Ex.Org>", 11, 0, &a);
    is_str(a.local, "Jo", "local part keeps its case");
    is_str(a.domain, "ex.org", "domain lowercased");
    ok(!a.null, "not the null sender");
}

static void test_quoted_and_routes(void)
{
    struct addr a;

    good("<\"john.smith\"@example.com>", 0, "john.smith@example.com", "john.smith@example.com");
    good("<\"john smith\"@example.com>", 0, "\"john smith\"@example.com", "\"john smith\"@example.com");
    good("<\"a\\\"b\"@example.com>", 0, "\"a\\\"b\"@example.com", "\"a\\\"b\"@example.com");
    good("<\"a\\b\"@example.com>", 0, "ab@example.com", "ab@example.com");
    good("<\"a@b\"@example.com>", 0, "\"a@b\"@example.com", "\"a@b\"@example.com");
    good("<a..b@example.com>", 0, "\"a..b\"@example.com", "\"a..b\"@example.com");
    good("<.a@example.com>", 0, "\".a\"@example.com", "\".a\"@example.com");
    good("<@relay.example,@hub.example:user@Example.com>", 0, "user@example.com", "user@example.com");
    good("<@relay.example:user@example.com>", 0, "user@example.com", "user@example.com");
    bad("<@relay..example:user@example.com>", 34, 0, ADDR_ERR_ROUTE, "route with an empty label");
    bad("<@relay.example,user@example.com>", 33, 0, ADDR_ERR_ROUTE, "route without colon");
    bad("<\"abc@example.com>", 18, 0, ADDR_ERR_SYNTAX, "unterminated quote");
    bad("<\"abc\"x@example.com>", 20, 0, ADDR_ERR_SYNTAX, "text after the quoted local part");
    bad("<\"\"@example.com>", 16, 0, ADDR_ERR_EMPTY_LOCAL, "empty quoted local part");
    addr_parse("<\"a b\"@x.org>", 13, 0, &a);
    is_str(a.local, "\"a b\"", "a local part needing quotes stays quoted");
}

static void test_null_and_local(void)
{
    struct addr a;

    is_int(addr_parse("<>", 2, ADDR_NULL_OK, &a), ADDR_OK, "null sender accepted for MAIL");
    ok(a.null && a.addr[0] == 0 && a.key[0] == 0, "null sender is flagged, empty address");
    is_int(addr_parse(" <> ", 4, ADDR_NULL_OK, &a), ADDR_OK, "null sender with blanks");
    is_int(addr_parse("", 0, ADDR_NULL_OK, &a), ADDR_OK, "empty argument is the null sender");
    bad("<>", 2, 0, ADDR_ERR_EMPTY, "null sender as a recipient");
    bad("<postmaster>", 12, 0, ADDR_ERR_NO_DOMAIN, "bare local name");
    is_int(addr_parse("<Postmaster>", 12, ADDR_LOCAL_OK, &a), ADDR_OK, "bare local name when allowed");
    is_str(a.key, "postmaster", "bare local name key");
    ok(a.domain[0] == 0, "bare local name has no domain");
    bad("<user@>", 7, 0, ADDR_ERR_EMPTY_DOMAIN, "empty domain");
    bad("<user@>", 7, ADDR_LOCAL_OK, ADDR_ERR_EMPTY_DOMAIN, "empty domain even with local names allowed");
    bad("<@example.com>", 14, 0, ADDR_ERR_EMPTY_LOCAL, "empty local part");
}

static void test_domains(void)
{
    good("<a@[192.0.2.1]>", 0, "a@[192.0.2.1]", "a@[192.0.2.1]");
    good("<a@[IPv6:2001:db8::1]>", 0, "a@[ipv6:2001:db8::1]", "a@[ipv6:2001:db8::1]");
    good("<a@x-y.example>", 0, "a@x-y.example", "a@x-y.example");
    bad("<a@[192.0.2.256]>", 17, 0, ADDR_ERR_LITERAL, "bad IPv4 literal");
    bad("<a@[IPv6:zz::1]>", 16, 0, ADDR_ERR_LITERAL, "bad IPv6 literal");
    bad("<a@[192.0.2.1>", 14, 0, ADDR_ERR_LITERAL, "unclosed literal");
    bad("<a@-x.example>", 14, 0, ADDR_ERR_LABEL_HYPHEN, "label starting with a hyphen");
    bad("<a@x-.example>", 14, 0, ADDR_ERR_LABEL_HYPHEN, "label ending with a hyphen");
    bad("<a@x..example>", 14, 0, ADDR_ERR_LABEL_EMPTY, "empty label");
    bad("<a@example.com.>", 16, 0, ADDR_ERR_LABEL_EMPTY, "trailing dot");
    bad("<a@ex_ample.com>", 16, 0, ADDR_ERR_LABEL_CHAR, "underscore in a host name");
    bad("<a@b@example.com>", 17, 0, ADDR_ERR_LABEL_CHAR, "two @");
    bad("<a b@example.com>", 17, 0, ADDR_ERR_SYNTAX, "blank in an unquoted local part");
    bad("<a@example.com", 14, 0, ADDR_ERR_SYNTAX, "missing >");
    bad("<a(c)@example.com>", 18, 0, ADDR_ERR_SYNTAX, "comment in an envelope address");
}

static void test_injection(void)
{
    bad("<a@example.com>\r\nRCPT TO:<b@evil>", 33, 0, ADDR_ERR_CONTROL, "CRLF smuggling");
    bad("<a\n@example.com>", 16, 0, ADDR_ERR_CONTROL, "LF in local part");
    bad("<a@exa\rmple.com>", 16, 0, ADDR_ERR_CONTROL, "CR in domain");
    bad("<a@example.com\0.evil>", 21, 0, ADDR_ERR_CONTROL, "NUL byte");
    bad("<\"a\tb\"@example.com>", 19, 0, ADDR_ERR_CONTROL, "TAB in a quoted local part");
    bad("<\"a\\\nb\"@example.com>", 20, 0, ADDR_ERR_CONTROL, "quoted-pair of LF");
    bad("<a\x7f@example.com>", 16, 0, ADDR_ERR_CONTROL, "DEL");
    /* '/' is atext: such a local part is legal, and only ever a key, never a path */
    good("<../../etc@example.com>", 0, "\"../../etc\"@example.com", "\"../../etc\"@example.com");
    bad("<a@example.com/../x>", 20, 0, ADDR_ERR_LABEL_CHAR, "slash in a domain");
}

static void test_8bit(void)
{
    good("<J\xc3\xbcrgen@B\xc3\xbc" "cher.example>", 0, "J\xc3\xbcrgen@b\xc3\xbc" "cher.example",
         "j\xc3\xbcrgen@b\xc3\xbc" "cher.example");
    bad("<j\xfcrgen@example.com>", 20, 0, ADDR_ERR_8BIT, "Latin-1 octet");
    bad("<a\xc0\xaf@example.com>", 17, 0, ADDR_ERR_8BIT, "overlong UTF-8 slash");
    bad("<a\xed\xa0\x80@example.com>", 18, 0, ADDR_ERR_8BIT, "UTF-8 surrogate");
    bad("<a\xc2\x85@example.com>", 17, 0, ADDR_ERR_CONTROL, "C1 control NEL");
}

static void test_lengths(void)
{
    char buf[2048], label[64];
    struct addr a;
    int n;

    n = snprintf(buf, sizeof(buf), "%064d@example.com", 0);
    is_int(addr_parse(buf, (size_t) n, 0, &a), ADDR_OK, "64-octet local part");
    n = snprintf(buf, sizeof(buf), "%065d@example.com", 0);
    bad(buf, (size_t) n, 0, ADDR_ERR_LOCAL_LONG, "65-octet local part");
    n = snprintf(buf, sizeof(buf), "\"%062d\"@x.org", 0);
    is_int(addr_parse(buf, (size_t) n, 0, &a), ADDR_OK, "quoted local part of 64 with its quotes");
    n = snprintf(buf, sizeof(buf), "\"%062d \"@x.org", 0);
    bad(buf, (size_t) n, 0, ADDR_ERR_LOCAL_LONG, "quoted local part of 65 with its quotes");
    memset(label, 'a', 63);
    label[63] = 0;
    /* 4 labels of 63 + 3 dots = 255, the longest domain; but no path of 256 holds it */
    n = snprintf(buf, sizeof(buf), "%064d@%s.%s.%s.%s", 0, label, label, label, label);
    bad(buf, (size_t) n, 0, ADDR_ERR_TOO_LONG, "64 + 255 octets: a path of 322");
    n = snprintf(buf, sizeof(buf), "%s.%s.%s.%s", label, label, label, label);
    is_int(addr_check_domain(buf, (size_t) n, 0), ADDR_OK, "255-octet domain on its own");
    /* <local@domain> of 256: 64 + 1 + 189 + 2 */
    n = snprintf(buf, sizeof(buf), "<%064d@%s.%s.%.61s>", 0, label, label, label);
    is_int(n, 256, "the path below is 256 octets");
    is_int(addr_parse(buf, (size_t) n, 0, &a), ADDR_OK, "256-octet path: the longest");
    is_int(strlen(a.key), 254, "254-octet key kept whole");
    n = snprintf(buf, sizeof(buf), "<%064d@%s.%s.%.62s>", 0, label, label, label);
    bad(buf, (size_t) n, 0, ADDR_ERR_TOO_LONG, "257-octet path");
    n = snprintf(buf, sizeof(buf), "<@%s.%s:a@b.example>", label, label);
    is_int(addr_parse(buf, (size_t) n, 0, &a), ADDR_OK, "a source route counts in the path ...");
    n = snprintf(buf, sizeof(buf), "<@%s.%s.%s.%.60s:a@b.example>", label, label, label, label);
    bad(buf, (size_t) n, 0, ADDR_ERR_TOO_LONG, "... and makes it too long");
    /* as written: a quoted-pair counts, though the canonical form drops it */
    n = snprintf(buf, sizeof(buf), "\"%061d\\a\"@x.org", 0);
    bad(buf, (size_t) n, 0, ADDR_ERR_LOCAL_LONG, "65 octets as written, 64 canonical");
    n = snprintf(buf, sizeof(buf), "a@%s.%s.%s.%.62s.a", label, label, label, label);
    bad(buf, (size_t) n, 0, ADDR_ERR_DOMAIN_LONG, "256-octet domain");
    n = snprintf(buf, sizeof(buf), "a@%s%s", label, "a.com");
    bad(buf, (size_t) n, 0, ADDR_ERR_LABEL_LONG, "64-octet label");
    memset(buf, 'a', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = 0;
    bad(buf, strlen(buf), 0, ADDR_ERR_TOO_LONG, "2 KB of input");
}

/* Each RFC 1035 / RFC 5890 label rule, through addr_check_domain() itself. */
static void test_labels(void)
{
    char label[65];
    size_t n;

    is_int(addr_check_domain("a.b-c.d1", 8, 0), ADDR_OK, "letters, digits, inner hyphens");
    is_int(addr_check_domain("org", 3, 0), ADDR_OK, "a single label (RFC 5321 allows it)");
    is_int(addr_check_domain("c--n.com", 8, 0), ADDR_OK, "two hyphens inside a label");
    is_int(addr_check_domain("xn--hxajbheg2az3al.xn--jxalpdlp", 31, 0), ADDR_OK, "A-labels");
    is_int(addr_check_domain("xn--.example", 12, 0), ADDR_ERR_LABEL_HYPHEN, "xn-- alone ends with a hyphen");
    is_int(addr_check_domain("xn--80ak6aa92e.com", 18, 0), ADDR_OK, "A-label of Cyrillic text");
    is_int(addr_check_domain("xn--abc-.com", 12, 0), ADDR_ERR_LABEL_HYPHEN, "xn--abc- ends with a hyphen");
    is_int(addr_check_domain("xn--zzzzzzzzzzzz.com", 20, 0), ADDR_ERR_ALABEL, "Punycode past U+10FFFF");
    is_int(addr_check_domain("xn--abc-d-.com", 14, 0), ADDR_ERR_LABEL_HYPHEN, "hyphen at the end again");
    is_int(addr_check_domain("xn--ab_c.com", 12, 0), ADDR_ERR_LABEL_CHAR, "A-label with an underscore");
    is_int(addr_check_domain("xn--abc-9.com", 13, 0), ADDR_ERR_ALABEL, "Punycode that ends inside a digit run");
    is_int(addr_check_domain("xn--test.com", 12, 0), ADDR_ERR_ALABEL, "xn--test: Punycode that ends early");
    is_int(addr_check_domain("xn--a.com", 9, 0), ADDR_OK, "xn--a decodes (to U+0080, which IDNA2008 refuses: not judged here)");
    is_int(addr_check_domain("xn--a-.example", 14, 0), ADDR_ERR_LABEL_HYPHEN, "an A-label ends with no hyphen");
    is_int(addr_check_domain("a.-b", 4, 0), ADDR_ERR_LABEL_HYPHEN, "leading hyphen");
    is_int(addr_check_domain("a-.b", 4, 0), ADDR_ERR_LABEL_HYPHEN, "trailing hyphen");
    is_int(addr_check_domain(".a", 2, 0), ADDR_ERR_LABEL_EMPTY, "leading dot");
    is_int(addr_check_domain("a b", 3, 0), ADDR_ERR_LABEL_CHAR, "blank");
    is_int(addr_check_domain("a_b", 3, 0), ADDR_ERR_LABEL_CHAR, "underscore");
    is_int(addr_check_domain("a+b.c", 5, 0), ADDR_ERR_LABEL_CHAR, "plus");
    memset(label, 'a', 64);
    label[64] = 0;
    is_int(addr_check_domain(label, 63, 0), ADDR_OK, "63-octet label");
    is_int(addr_check_domain(label, 64, 0), ADDR_ERR_LABEL_LONG, "64-octet label");
    /* counted in octets: 21 three-octet characters are 63 */
    {
        char u[128] = "";
        for (int i = 0; i < 21; i++)
            memcpy(u + 3 * i, "\xe2\x82\xac", 3);
        n = strlen(u);
        is_int(addr_check_domain(u, n, 0), ADDR_OK, "U-label of 63 octets");
        u[n] = 'a';
        is_int(addr_check_domain(u, n + 1, 0), ADDR_ERR_LABEL_LONG, "U-label of 64 octets");
    }
    is_int(addr_check_domain("", 0, 0), ADDR_ERR_EMPTY_DOMAIN, "empty domain");
}

/* Address literals: RFC 5321 4.1.3, and where they may stand. */
static void test_literals(void)
{
    struct addr a;

    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444:5555:6666:7777:8888]", 46, 0), ADDR_OK, "IPv6 full");
    is_int(addr_check_domain("[IPv6:::]", 9, 0), ADDR_OK, "IPv6 ::");
    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444:5555::8888]", 37, 0), ADDR_OK, "IPv6 :: for two groups");
    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444:5555:6666::8888]", 42, 0), ADDR_ERR_LITERAL,
           "IPv6 :: for one group (RFC 5321: at least two)");
    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444::255.255.255.255]", 43, 0), ADDR_OK, "IPv6v4 compressed");
    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444:5555:6666::255.255.255.255]", 53, 0), ADDR_ERR_LITERAL,
           "IPv6v4 with too many groups");
    is_int(addr_check_domain("[IPv6:1111:2222:3333:4444:5555:6666:255.255.255.255]", 52, 0), ADDR_OK, "IPv6v4 full");
    is_int(addr_check_domain("[1111:2222::1]", 14, 0), ADDR_ERR_LITERAL_TAG, "IPv6 without its tag");
    is_int(addr_check_domain("[x-tag:stuff]", 13, 0), ADDR_ERR_LITERAL_TAG, "an unregistered tag");
    is_int(addr_check_domain("[RFC 5322 literal]", 18, 0), ADDR_ERR_LITERAL, "RFC 5322 domain-literal text");
    is_int(addr_check_domain("[192.0.2.1]", 11, ADDR_NO_LITERAL), ADDR_ERR_LITERAL_HERE,
           "no literal where a name must stand");
    is_int(addr_parse("<a@[192.0.2.1]>", 15, ADDR_NO_LITERAL, &a), ADDR_ERR_LITERAL_HERE,
           "addr_parse passes ADDR_NO_LITERAL on");
    is_int(addr_parse("<@[192.0.2.1]:a@b.example>", 26, 0, &a), ADDR_ERR_ROUTE, "no literal in a source route");
}

/* RFC 5321 quoted-pairSMTP: a backslash and a printable ASCII octet. */
static void test_quoted_pairs(void)
{
    struct addr a;

    is_int(addr_parse("\"\\a\"@x.org", 10, 0, &a), ADDR_OK, "quoted-pair of a letter");
    bad("\"a\\\xc2\xa9\"@x.org", 11, 0, ADDR_ERR_SYNTAX, "quoted-pair of a UTF-8 character");
}

/* RFC 5322 3.2.3: atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~", spelt here as the
 * ABNF's code points rather than addr.c's string, so the two are independent. */
static int rfc5322_atext(int c)
{
    static const int special[] = {
        33, 35, 36, 37, 38, 39, 42, 43, 45, 47, 61, 63, 94, 95, 96, 123, 124, 125, 126
    };

    if ((c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39))
        return 1;
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (c == special[i])
            return 1;
    return 0;
}

/* addr_atext() against the set, all 256 octets, with and without UTF-8. */
static void test_atext(void)
{
    int n = 0;

    for (int c = 0; c < 256; c++) {
        int want = rfc5322_atext(c);

        n += want;
        is_int(addr_atext((unsigned char) c, 0), want, "0x%02X %s atext (RFC 5322 3.2.3)", c,
               want ? "is" : "is not");
        is_int(addr_atext((unsigned char) c, 1), want || c >= 0x80, "0x%02X with UTF-8: %s atext%s", c,
               want || c >= 0x80 ? "is" : "is not", c >= 0x80 ? " (RFC 6532 3.2)" : "");
    }
    is_int(n, 81, "the set holds 52 letters, 10 digits and 19 specials");
}

int main(void)
{
    test_atext();
    test_plain();
    test_quoted_and_routes();
    test_null_and_local();
    test_domains();
    test_injection();
    test_8bit();
    test_lengths();
    test_labels();
    test_literals();
    test_quoted_pairs();
    is_str(addr_strerror(ADDR_ERR_LOCAL_LONG), "local part longer than 64 octets (RFC 5321 4.5.3.1.1)",
           "reason text names the rule");
    return done_testing();
}
