/* t_hdraddr.c - unit tests for milter/hdraddr.c: RFC 5322 address lists, mailbox rewriting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hdraddr.h"
#include "tap.h"

/* Parse V; expect N mailboxes; WANT is "display|addr|span;..." for each. */
static void parses(const char *v, const char *want, const char *what)
{
    const char *why = NULL;
    struct hdraddr_list *l = hdraddr_parse(v, strlen(v), &why);
    buf_t got = BUF_INIT;

    if (!ok(l != NULL, "parses: %s", what)) {
        printf("#   why: %s\n", why);
        return;
    }
    for (size_t i = 0; i < hdraddr_count(l); i++) {
        const struct hdraddr_mailbox *mb = hdraddr_at(l, i);

        buf_printf(&got, "%s%s|%s|%.*s%s", i ? ";" : "", mb->display, mb->addr,
                   (int) (mb->end - mb->start), v + mb->start, mb->in_group ? "|g" : "");
    }
    is_str(got.data ? got.data : "", want, "mailboxes of: %s", what);
    ok(hdraddr_at(l, hdraddr_count(l)) == NULL, "no mailbox past the end: %s", what);
    buf_free(&got);
    hdraddr_free(l);
}

static void refused(const char *v, size_t len, const char *want_why, const char *what)
{
    const char *why = NULL;
    struct hdraddr_list *l = hdraddr_parse(v, len, &why);

    ok(l == NULL, "refused: %s", what);
    is_str(why, want_why, "reason: %s", what);
    hdraddr_free(l);
}

static void test_appendix_a(void)
{
    parses("John Doe <jdoe@machine.example>", "John Doe|jdoe@machine.example|John Doe <jdoe@machine.example>",
           "A.1.1 From");
    parses("\"Joe Q. Public\" <john.q.public@example.com>",
           "Joe Q. Public|john.q.public@example.com|\"Joe Q. Public\" <john.q.public@example.com>", "A.1.2 From");
    parses("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
           "Mary Smith|mary@x.test|Mary Smith <mary@x.test>;|jdoe@example.org|jdoe@example.org;"
           "Who?|one@y.test|Who? <one@y.test>", "A.1.2 To");
    parses("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
           "|boss@nil.test|<boss@nil.test>;Giant; \"Big\" Box|sysservices@example.net|"
           "\"Giant; \\\"Big\\\" Box\" <sysservices@example.net>", "A.1.2 Cc");
    parses("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
           "Ed Jones|c@a.test|Ed Jones <c@a.test>|g;|joe@where.test|joe@where.test|g;"
           "John|jdoe@one.test|John <jdoe@one.test>|g", "A.1.3 group");
    parses("Undisclosed recipients:;", "", "A.1.3 empty group");
    parses("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
           "Pete|pete@silly.test|Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
           "A.5 comments everywhere");
    parses("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
           "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
           "Chris Jones|c@public.example|Chris Jones <c@(Chris's host.)public.example>|g;"
           "|joe@example.org|joe@example.org|g;John|jdoe@one.test|John <jdoe@one.test> (my dear friend)|g",
           "A.5 folded group with comments");
    parses("(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", "", "A.5 nested comments, empty group");
    parses("Joe Q. Public <john.q.public@example.com>",
           "Joe Q. Public|john.q.public@example.com|Joe Q. Public <john.q.public@example.com>", "A.6.1 obs-phrase");
    parses("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
           "Mary Smith|mary@example.net|Mary Smith <@node.test:mary@example.net>;"
           "|jdoe@test.example|jdoe@test  . example", "A.6.1 route, empty element, obs-domain");
    parses("John Doe <jdoe@machine(comment).  example>",
           "John Doe|jdoe@machine.example|John Doe <jdoe@machine(comment).  example>", "A.6.3 CFWS in domain");
    parses(" Mary Smith\r\n  \r\n <mary@example.net>",
           "Mary Smith|mary@example.net|Mary Smith\r\n  \r\n <mary@example.net>", "A.6.3 obs-FWS blank line");
}

static void test_odd_but_legal(void)
{
    parses("\"john smith\"@example.com", "|\"john smith\"@example.com|\"john smith\"@example.com", "quoted local part");
    parses("john . smith @ example . com", "|john.smith@example.com|john . smith @ example . com", "obs-local-part");
    parses("\"a\" . b@example.com", "|\"a\".b@example.com|\"a\" . b@example.com", "quoted word in obs-local-part");
    parses("a@[192.0.2.1]", "|a@[192.0.2.1]|a@[192.0.2.1]", "domain literal");
    parses("x@y (Old Style Name)", "|x@y|x@y (Old Style Name)", "trailing comment is in the span");
    parses("Mary\n <mary@example.net>", "Mary|mary@example.net|Mary\n <mary@example.net>", "LF folding");
    parses(",,a@b,,", "|a@b|a@b", "empty elements around");
    parses("team: a@b, c@d;, e@f", "|a@b|a@b|g;|c@d|c@d|g;|e@f|e@f", "group then mailbox");
    parses("g:,a@b,;", "|a@b|a@b|g", "empty elements in a group");
    parses("<a@b>", "|a@b|<a@b>", "bare angle address");
    parses("\"\" <a@b>", "|a@b|\"\" <a@b>", "empty quoted display name");
    parses("J\xc3\xbcrgen <j@x>", "J\xc3\xbcrgen|j@x|J\xc3\xbcrgen <j@x>", "raw UTF-8 display name");
    parses("J\xfcrgen <j@x>", "J\xef\xbf\xbdrgen|j@x|J\xfcrgen <j@x>", "Latin-1 octet shown as U+FFFD");
    parses("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
           "Andr\xc3\xa9 Pirard|PIRARD@vm1.ulg.ac.be|=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
           "RFC 2047 sec. 8 From");
    parses("=?UTF-8?Q?a?= =?UTF-8?Q?b?= <a@b>", "ab|a@b|=?UTF-8?Q?a?= =?UTF-8?Q?b?= <a@b>", "adjacent words joined");
    parses("\"=?UTF-8?Q?x?=\" <a@b>", "=?UTF-8?Q?x?=|a@b|\"=?UTF-8?Q?x?=\" <a@b>", "no decoding inside quotes");
    parses("=?UTF-8?Q?x=0D=0Ay?= <a@b>", "x  y|a@b|=?UTF-8?Q?x=0D=0Ay?= <a@b>", "encoded CRLF shown as blanks");
    parses("\"a\\\r\n b\" <a@b>", "a b|a@b|\"a\\\r\n b\" <a@b>", "folded quoted-pair");
    parses("\"tab\there\" <a@b>", "tab here|a@b|\"tab\there\" <a@b>", "TAB in a quoted display name");
    parses("\"\x01x\" <a@b>", " x|a@b|\"\x01x\" <a@b>", "obs-qtext control shown as a blank");
}

static void test_malformed(void)
{
    char deep[400];
    size_t n = 0;

    refused("", 0, "no address", "empty value");
    refused(" \r\n ", 4, "no address", "blank value");
    refused("John Smith", 10, "display name without an address", "name only");
    refused("<a@b", 4, "missing > after address", "unclosed angle");
    refused("a@b>", 4, "expected , between addresses", "stray >");
    refused("\"unterminated <a@b>", 19, "unbalanced quote", "open quote");
    refused("(unbalanced <a@b>", 17, "unbalanced comment", "open comment");
    refused("a@b)", 4, "unbalanced comment", "stray )");
    refused("a@b\r\nBcc: x@y", 13, "bare CR or LF in header", "header injection by CRLF");
    refused("a@b\nBcc: x@y", 12, "bare CR or LF in header", "header injection by LF");
    refused("a@b\r", 4, "bare CR or LF in header", "trailing CR");
    refused("\"x\ny\" <a@b>", 11, "bare CR or LF in quoted text", "LF in a quoted string");
    refused("(x\ry) <a@b>", 11, "bare CR or LF in comment", "CR in a comment");
    refused("a@b\0c", 5, "NUL in header", "NUL");
    refused("\"a\0\" <a@b>", 10, "NUL in header", "NUL in a quoted string");
    refused("a\x01@b", 5, "control character in header", "control character in an atom");
    refused("a..b@c", 6, "malformed local part", "double dot");
    refused(".a@c", 4, "malformed local part", "leading dot");
    refused("a@", 2, "malformed domain", "no domain");
    refused("a@b.", 4, "malformed domain", "trailing dot in domain");
    refused("@b", 2, "expected an address", "no local part");
    refused("<>", 2, "empty <> address", "null address");
    refused("a@b c@d", 7, "expected , between addresses", "missing comma");
    refused("Name <a@b> <c@d>", 16, "expected , between addresses", "two angle addresses");
    refused("g: a@b", 6, "expected , or ; in group", "unterminated group");
    refused("g: h: a@b;;", 11, "display name without an address", "nested group");
    refused("a@[1.2.3.4", 10, "unbalanced [", "open literal");
    refused("a@[1[2]", 7, "[ inside domain literal", "bracket in literal");
    refused("<@:a@b>", 7, "malformed domain", "empty route");
    refused("a\\b@c", 5, "stray special character", "backslash outside quotes");
    refused("Name <a@b", 9, "missing > after address", "name and open angle");
    for (int i = 0; i < 100; i++)
        deep[n++] = '(';
    for (int i = 0; i < 100; i++)
        deep[n++] = ')';
    memcpy(deep + n, " a@b", 4);
    refused(deep, n + 4, "comments nested too deeply", "100 nested comments");
}

static void test_sizes(void)
{
    buf_t v = BUF_INIT;
    const char *why = NULL;
    struct hdraddr_list *l;

    for (int i = 0; i < 5000; i++)
        buf_printf(&v, "%sUser %d <user%d@example.com>", i ? ",\r\n " : "", i, i);
    l = hdraddr_parse(v.data, v.len, &why);
    ok(l && hdraddr_count(l) == 5000, "5000 mailboxes, folded");
    ok(l && strcmp(hdraddr_at(l, 4999)->addr, "user4999@example.com") == 0, "the last one is right");
    hdraddr_free(l);
    buf_reset(&v);
    for (int i = 0; i < 10001; i++)
        buf_printf(&v, "%sa@b", i ? "," : "");
    refused(v.data, v.len, "too many addresses", "10001 mailboxes");
    buf_reset(&v);
    for (int i = 0; i < 300 * 1024; i++)
        buf_putc(&v, 'a');
    refused(v.data, v.len, "header too long", "300 KB value");
    buf_reset(&v);
    buf_puts(&v, "\"");
    for (int i = 0; i < 100000; i++)
        buf_putc(&v, 'x');
    buf_puts(&v, "\" <a@b>");
    l = hdraddr_parse(v.data, v.len, &why);
    ok(l && strlen(hdraddr_at(l, 0)->display) == 100000, "100000-octet display name parses whole");
    hdraddr_free(l);
    buf_free(&v);
}

/* The rewrite callback of the tests: a table "from-key display new-addr". */
struct map { const char *from, *display, *to; int fail; int calls; };

static int map_fn(void *arg, const struct hdraddr_mailbox *mb, struct hdraddr_new *to)
{
    struct map *m = arg;
    struct addr a;

    m->calls++;
    if (m->fail)
        return -1;
    if (addr_parse(mb->addr, strlen(mb->addr), 0, &a) != ADDR_OK || strcmp(a.key, m->from) != 0)
        return 0;
    to->display = m->display;
    to->addr = m->to;
    return 1;
}

static void rewrites(const char *v, struct map *m, int want_rc, const char *want, const char *what)
{
    buf_t out = BUF_INIT;
    const char *why = NULL;
    int rc = hdraddr_rewrite(v, strlen(v), map_fn, m, &out, &why);

    is_int(rc, want_rc, "rewrite result: %s", what);
    is_str(out.data ? out.data : "", want, "rewritten: %s", what);
    buf_free(&out);
}

static void test_rewrite(void)
{
    struct map jd = { "jdoe@po.internal", "John Doe", "john.doe@sales.example.com", 0, 0 };
    struct map u8 = { "jdoe@po.internal", "J\xc3\xbcrgen M\xc3\xbcller", "jm@sales.example.com", 0, 0 };
    struct map sm = { "jdoe@po.internal", "Smith, John", "js@sales.example.com", 0, 0 };
    struct map ev = { "jdoe@po.internal", "Evil\r\nBcc: victim@example.org\r\n", "e@sales.example.com", 0, 0 };
    struct map ba = { "jdoe@po.internal", "X", "e@x>\r\nBcc: y@z", 0, 0 };
    struct map bx = { "jdoe@po.internal", "X", "<e@x>", 0, 0 };
    struct map fl = { "jdoe@po.internal", "X", "e@x", 1, 0 };
    struct map no = { "jdoe@po.internal", "", "jd@sales.example.com", 0, 0 };

    rewrites("JDOE <jdoe@PO.internal>", &jd, 1, "John Doe <john.doe@sales.example.com>", "name-addr");
    rewrites("jdoe@po.internal", &jd, 1, "John Doe <john.doe@sales.example.com>", "bare addr-spec");
    rewrites("jdoe@po.internal (JDOE on PO)", &jd, 1, "John Doe <john.doe@sales.example.com>",
             "trailing comment replaced with the mailbox");
    rewrites("a@x.example,  \"J D\" <jdoe@po.internal> (c) ,\r\n\tc@y.example", &jd, 1,
             "a@x.example,  John Doe <john.doe@sales.example.com> ,\r\n\tc@y.example", "middle of a list");
    rewrites("team: a@x, jdoe@po.internal;, (x) b@y", &jd, 1,
             "team: a@x, John Doe <john.doe@sales.example.com>;, (x) b@y", "inside a group");
    rewrites("jdoe@po.internal, jdoe@po.internal", &jd, 2,
             "John Doe <john.doe@sales.example.com>, John Doe <john.doe@sales.example.com>", "twice");
    rewrites("other@x.example (Comment)", &jd, 0, "other@x.example (Comment)", "nothing to do: byte-identical");
    rewrites("JD <jdoe@po.internal>", &u8, 1, "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@sales.example.com>",
             "UTF-8 name encoded");
    rewrites("JD <jdoe@po.internal>", &sm, 1, "\"Smith, John\" <js@sales.example.com>", "name needing quotes");
    rewrites("JD <jdoe@po.internal>", &ev, 1, "\"Evil  Bcc: victim@example.org  \" <e@sales.example.com>",
             "CRLF in a display name never reaches the header");
    rewrites("JD <jdoe@po.internal>", &no, 1, "<jd@sales.example.com>", "empty display name");
    rewrites("JD <jdoe@po.internal>", &ba, HDRADDR_ERR_ADDR, "", "injection through the new address");
    rewrites("JD <jdoe@po.internal>", &bx, HDRADDR_ERR_ADDR, "", "angle brackets in the new address");
    rewrites("JD <jdoe@po.internal>", &fl, HDRADDR_ERR_MAP, "", "lookup failure aborts");
    rewrites("JD <jdoe@po.internal", &jd, HDRADDR_ERR_PARSE, "", "unparseable value is not rewritten");
    jd.calls = 0;
    rewrites("Undisclosed recipients:;", &jd, 0, "Undisclosed recipients:;", "empty group");
    is_int(jd.calls, 0, "callback not called without mailboxes");
}

/* Rewrite, reparse: the new display name reads back as given (cleaned). */
static void round_trip(const char *name, const char *want_display)
{
    struct map m = { "a@b.example", name, "pub@sales.example.com", 0, 0 };
    buf_t out = BUF_INIT;
    const char *why = NULL;
    struct hdraddr_list *l;

    hdraddr_rewrite("x@y, A <a@b.example>, z@w", 25, map_fn, &m, &out, &why);
    l = hdraddr_parse(out.data, out.len, &why);
    ok(l && hdraddr_count(l) == 3, "round trip reparses: %s", out.data);
    if (l)
        is_str(hdraddr_at(l, 1)->display, want_display, "round trip display name: %s", out.data);
    ok(strpbrk(out.data, "\r\n") == NULL, "round trip has no CR/LF");
    hdraddr_free(l);
    buf_free(&out);
}

int main(void)
{
    buf_t longname = BUF_INIT;

    test_appendix_a();
    test_odd_but_legal();
    test_malformed();
    test_sizes();
    test_rewrite();
    round_trip("John Doe", "John Doe");
    round_trip("Doe, John (Sales) \"JD\"", "Doe, John (Sales) \"JD\"");
    round_trip("=?UTF-8?B?QQ==?=", "=?UTF-8?B?QQ==?=");
    round_trip("J\xc3\xbcrgen \"Bj\xc3\xb6rn\" M\xc3\xbcller", "J\xc3\xbcrgen \"Bj\xc3\xb6rn\" M\xc3\xbcller");
    round_trip("\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e", "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e");
    round_trip(" lead and trail ", " lead and trail ");
    round_trip("bad\xff\xfe", "bad\xef\xbf\xbd\xef\xbf\xbd");
    for (int i = 0; i < 120; i++)
        buf_puts(&longname, i % 2 ? "\xc3\xa9" : "e ");
    round_trip(longname.data, longname.data);
    buf_free(&longname);
    return done_testing();
}
