/* t_spf_header.c - unit tests for milter/spf_header.c: the Received-SPF
 * value of RFC 7208 9.1 for each result, bare and quoted values (IPv6
 * addresses, addresses with '@', the null sender, a HELO with blanks), the
 * comment's escapes, what never gets out (controls, 8-bit bytes) and the
 * bounds on free text; each value read back by spf_grammar.h. */
#include <string.h>

#include "spf_grammar.h"
#include "spf_header.h"
#include "tap.h"

#define KEYS "client-ip envelope-from receiver identity"

static const char *write(const struct spf_header *h, buf_t *out)
{
    buf_reset(out);
    spf_header_write(out, h);
    return out->data;
}

static void results(void)
{
    struct spf_header h = { SPFR_NONE, "mx.test: x", "192.0.2.1", "u@a.example", "mx.a.example", "mx.test",
                            "mailfrom", NULL };
    buf_t out = BUF_INIT;

    for (int r = SPFR_NONE; r <= SPFR_PERMERROR; r++) {
        const char *v, *bad;

        h.result = (enum spf_result) r;
        v = write(&h, &out);
        bad = received_spf_check(v, KEYS " helo");
        ok(bad == NULL && strncmp(v, spf_result_name(h.result), strlen(spf_result_name(h.result))) == 0,
           "%s: well formed (%s)", spf_result_name(h.result), bad ? bad : v);
    }
    h.result = SPFR_PASS;
    is_str(write(&h, &out), "pass (mx.test: x) client-ip=192.0.2.1; envelope-from=\"u@a.example\"; "
           "helo=mx.a.example; receiver=mx.test; identity=mailfrom", "pass, as written");
    h.result = SPFR_PERMERROR, h.problem = "Invalid IPv4 CIDR netmask (=0) near '/0 -all'";
    is_str(write(&h, &out), "permerror (mx.test: x) client-ip=192.0.2.1; envelope-from=\"u@a.example\"; "
           "helo=mx.a.example; receiver=mx.test; identity=mailfrom; problem=\"Invalid IPv4 CIDR netmask (=0) "
           "near '/0 -all'\"", "permerror: the problem as a quoted string");
    ok(received_spf_check(out.data, KEYS " problem") == NULL, "... well formed");
    buf_free(&out);
}

static void values(void)
{
    struct spf_header h = { SPFR_FAIL, NULL, "2001:db8::10", "", "JUMPIN' JUPITER", "mx.test", "helo", NULL };
    buf_t out = BUF_INIT;
    const char *v = write(&h, &out);

    ok(strstr(v, "client-ip=\"2001:db8::10\";") != NULL, "an IPv6 address is quoted (':' is no atext)");
    ok(strstr(v, "envelope-from=\"\";") != NULL, "the null sender: envelope-from=\"\"");
    ok(strstr(v, "helo=\"JUMPIN' JUPITER\";") != NULL, "a HELO with a blank is quoted");
    ok(strncmp(v, "fail client-ip=", 15) == 0, "no comment: none written");
    ok(received_spf_check(v, KEYS " helo") == NULL, "... well formed (%s)", v);
    h.helo = "", h.envelope_from = "a\"b\\c@x.example";
    v = write(&h, &out);
    ok(strstr(v, "helo=") == NULL, "no HELO: no helo=");
    ok(strstr(v, "envelope-from=\"a\\\"b\\\\c@x.example\"") != NULL, "quotes and backslashes escaped in a value");
    ok(received_spf_check(v, KEYS) == NULL, "... well formed (%s)", v);
    h.comment = "mx.test: see (this) \\ and\r\nthat \x01\xc3\xa9";
    h.problem = "a\x7f" "b";
    h.result = SPFR_TEMPERROR;
    v = write(&h, &out);
    ok(strstr(v, "(mx.test: see \\(this\\) \\\\ and  that ??" "?)") != NULL,
       "comment: parentheses and backslash escaped, CR LF as blanks, controls and 8-bit as '?' (%s)", v);
    ok(strstr(v, "problem=\"a?b\"") != NULL, "problem: DEL as '?'");
    ok(received_spf_check(v, KEYS " problem") == NULL, "... well formed");
    buf_free(&out);
}

static void bounds(void)
{
    char big[1000];
    struct spf_header h = { SPFR_PERMERROR, big, "192.0.2.1", "u@a.example", "h.example", "mx.test", "mailfrom",
                            big };
    buf_t out = BUF_INIT;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    write(&h, &out);
    ok(out.len < 998 - sizeof("Received-SPF: "), "a 999-octet comment and problem: the field stays under 998 (%zu)",
       out.len);
    ok(received_spf_check(out.data, KEYS " problem") == NULL, "... well formed");
    ok(strchr(out.data, '\n') == NULL && strchr(out.data, '\r') == NULL, "... on one line");
    buf_free(&out);
    is_str(spf_result_name((enum spf_result) 99), "temperror", "name of a value out of range: temperror");
}

int main(void)
{
    results();
    values();
    bounds();
    return done_testing();
}
