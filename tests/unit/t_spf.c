/* t_spf.c - unit tests for maps/global/spf.c: libspf2's results as the milter
 * sees them (result, Received-SPF value, reason), for IPv4 and IPv6 clients,
 * the null sender's HELO identity, identities SPF cannot check (RFC 7208
 * 4.3), a record with a syntax error (permerror, RFC 7208 4.6), clients SPF
 * cannot judge, and the zone file that answers every DNS question here (no
 * network): its escapes, ANY, and the lines it refuses. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mcore_fixture.h"
#include "spf.h"
#include "spf_grammar.h"
#include "tap.h"

static char zone[] = "/tmp/t_spf.zone.XXXXXX";

static const char zone_text[] =
    "# test zone\n"
    "good.example TXT \"v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all\"\n"
    "bad.example TXT \"v=spf1 -all\"\n"
    "soft.example TXT \"v=spf1 ~all\"\n"
    "neutral.example TXT \"v=spf1 ?all\"\n"
    "temp.example TXT !TRY_AGAIN\n"
    "perm.example TXT \"v=spf1 include:nowhere.example -all\"\n"
    "twice.example TXT \"v=spf1 -all\"\n"
    "twice.example TXT \"v=spf1 +all\"\n"
    "broken.example TXT \"v=spf1 ip4:192.0.2.300 -all\"\n"
    "text.example TXT \"not an spf record\"\n"
    "a.example TXT \"v=spf1 a -all\"\n"
    "a.example A 192.0.2.33\n"
    "helo.example TXT \"v=spf1 ip4:192.0.2.20 -all\"\n"
    "escaped.example TXT \"v=spf1 ip4:192.0.2.40 \\\"-all\"\n"
    "esc\\032name.example TXT \"v=spf1 ip4:192.0.2.41 -all\"\n"
    "ctl.example TXT \"v=spf1 ip4:192.0.2.42\\013ptr -all\"\n"
    "cut.example TXT \"v=spf1 ip4:192.0.2.43 -all\\000 +all\"\n"
    "down.example ANY !TRY_AGAIN\n";

static int write_zone(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    return fp && fputs(text, fp) >= 0 && fclose(fp) == 0 ? 0 : -1;
}

/* Check IP/HELO/SENDER; the result, and the Received-SPF value must start with HEAD. */
static void check(struct spf *s, const char *ip, const char *helo, const char *sender, enum spf_result want,
                  const char *head, const char *what)
{
    struct sockaddr_storage ss;
    buf_t h = BUF_INIT, why = BUF_INIT;
    enum spf_result r = spf_check(s, sa_of(ip, &ss), helo, sender, &h, &why);

    is_int(r, want, "%s: %s", what, spf_result_name(want));
    ok(h.data && strncmp(h.data, head, strlen(head)) == 0, "... Received-SPF: %s", h.data ? h.data : "(none)");
    ok(h.data && !strpbrk(h.data, "\r\n"), "... on one line");
    ok(h.data && received_spf_check(h.data, r == SPFR_TEMPERROR || r == SPFR_PERMERROR
                                    ? "client-ip envelope-from receiver identity problem"
                                    : "client-ip envelope-from receiver identity") == NULL,
       "... as RFC 7208 9.1 writes it");
    buf_free(&h);
    buf_free(&why);
}

/* Client, HELO, sender; the result, how Received-SPF starts, what the case shows. */
static const struct spf_case {
    const char *ip, *helo, *sender;
    enum spf_result want;
    const char *head, *what;
} cases[] = {
    { "192.0.2.10", "mx.good.example", "user@good.example", SPFR_PASS, "pass (", "listed IPv4 client" },
    { "2001:db8::10", "mx.good.example", "user@good.example", SPFR_PASS, "pass (", "listed IPv6 client" },
    { "192.0.2.11", "mx.good.example", "user@good.example", SPFR_FAIL, "fail (", "unlisted client, -all" },
    { "2001:db8::11", "mx.good.example", "user@good.example", SPFR_FAIL, "fail (", "unlisted IPv6 client" },
    { "192.0.2.10", "x", "user@bad.example", SPFR_FAIL, "fail (", "v=spf1 -all" },
    { "192.0.2.10", "x", "user@soft.example", SPFR_SOFTFAIL, "softfail (", "~all" },
    { "192.0.2.10", "x", "user@neutral.example", SPFR_NEUTRAL, "neutral (", "?all" },
    { "192.0.2.10", "x", "user@temp.example", SPFR_TEMPERROR, "temperror", "DNS TRY_AGAIN" },
    { "192.0.2.10", "x", "user@perm.example", SPFR_PERMERROR, "permerror (", "include: of a domain without SPF" },
    { "192.0.2.10", "x", "user@twice.example", SPFR_PERMERROR, "permerror (", "two SPF records" },
    /* libspf2 answers a record it cannot compile with its result "invalid":
     * a syntax error is the sender's, permerror (RFC 7208 4.6), never a
     * temperror a sender would retry for days under spf = reject. */
    { "192.0.2.10", "x", "user@broken.example", SPFR_PERMERROR, "permerror (", "a record libspf2 cannot compile" },
    { "::ffff:192.0.2.10", "x", "user@good.example", SPFR_PASS, "pass (",
      "a v4-mapped IPv6 client is judged as the IPv4 address it is (a dual-stack socket)" },
    { "::ffff:192.0.2.11", "x", "user@good.example", SPFR_FAIL, "fail (", "... and fails as that IPv4 address" },
    { "192.0.2.10", "x", "user@[192.0.2.10]", SPFR_NONE, "none (", "a domain literal sender: none (RFC 7208 4.3)" },
    { "192.0.2.10", "x", "user@example", SPFR_NONE, "none (", "a single-label sender domain: none" },
    { "192.0.2.10", "x", "user@a..example", SPFR_NONE, "none (", "an empty label: none" },
    { "192.0.2.10", "x", "user@a1234567890123456789012345678901234567890123456789012345678901234.example",
      SPFR_NONE, "none (", "a 64-octet label: none" },
    { "192.0.2.20", "helo", "", SPFR_NONE, "none (", "null sender, single-label HELO: none" },
    { "192.0.2.20", "[192.0.2.20]", "", SPFR_NONE, "none (", "null sender, address literal HELO: none" },
    { "192.0.2.20", "helo.example.", "", SPFR_PASS, "pass (", "null sender, HELO with a trailing dot: checked" },
    { "192.0.2.40", "x", "user@escaped.example", SPFR_PERMERROR, "permerror (",
      "zone: \\\" in a quoted record (here a syntax error)" },
    { "192.0.2.41", "x", "user@esc name.example", SPFR_PASS, "pass (", "zone: \\032 in a name" },
    { "192.0.2.44", "x", "user@cut.example", SPFR_FAIL, "fail (", "zone: \\000 ends the text (no +all)" },
    { "192.0.2.10", "x", "user@down.example", SPFR_TEMPERROR, "temperror (", "zone: ANY !TRY_AGAIN" },
    { "192.0.2.10", "x", "user@text.example", SPFR_NONE, "none (", "a TXT record that is not SPF" },
    { "192.0.2.10", "x", "user@nowhere.example", SPFR_NONE, "none (", "a domain the zone does not know" },
    { "192.0.2.33", "x", "user@a.example", SPFR_PASS, "pass (", "the a mechanism, answered from the zone" },
    { "192.0.2.34", "x", "user@a.example", SPFR_FAIL, "fail (", "... another address fails it" },
    { "192.0.2.20", "helo.example", "", SPFR_PASS, "pass (", "null sender: the HELO identity passes" },
    { "192.0.2.21", "helo.example", "", SPFR_FAIL, "fail (", "null sender: the HELO identity fails" },
};

static void results(struct spf *s)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct spf_case *k = &cases[i];

        check(s, k->ip, k->helo, k->sender, k->want, k->head, k->what);
    }
}

static void cannot_judge(struct spf *s)
{
    struct sockaddr_storage ss;
    buf_t h = BUF_INIT, why = BUF_INIT;

    is_int(spf_check(s, NULL, "helo.example", "user@good.example", &h, &why), SPFR_NONE, "no client address: none");
    is_str(why.data, "client address not IPv4 or IPv6", "... and why");
    ok(h.len == 0, "... no Received-SPF value");
    buf_reset(&why);
    is_int(spf_check(s, sa_of("192.0.2.20", &ss), "", "", &h, &why), SPFR_NONE, "null sender without HELO: none");
    is_str(why.data, "HELO (none) is not a domain SPF can check", "... and why");
    ok(strstr(h.data, "identity=helo") && strstr(h.data, "envelope-from=\"\""), "... said in Received-SPF: %s", h.data);
    buf_reset(&why);
    buf_reset(&h);
    is_int(spf_check(s, sa_of("192.0.2.20", &ss), NULL, "", &h, &why), SPFR_NONE, "null sender, NULL HELO: none");
    buf_free(&h);
    buf_free(&why);
}

static void why_and_name(struct spf *s)
{
    struct sockaddr_storage ss;
    buf_t h = BUF_INIT, why = BUF_INIT;

    spf_check(s, sa_of("192.0.2.11", &ss), "mx.good.example", "user@good.example", &h, &why);
    ok(why.len > 0, "fail: a reason for the reply (%s)", why.data ? why.data : "");
    ok(strstr(h.data, "(t-spf.example: ") != NULL, "Received-SPF names this host");
    ok(strstr(h.data, "client-ip=192.0.2.11;") != NULL, "... and the client");
    ok(strstr(h.data, "envelope-from=\"user@good.example\";") != NULL, "... and the sender");
    ok(strstr(h.data, "helo=mx.good.example;") != NULL, "... and the HELO");
    ok(strstr(h.data, "receiver=t-spf.example;") != NULL, "... and the receiver");
    ok(strstr(h.data, "identity=mailfrom") != NULL, "... and the identity");
    buf_reset(&h);
    spf_check(s, sa_of("2001:db8::11", &ss), "mx.good.example", "", &h, &why);
    ok(strstr(h.data, "client-ip=\"2001:db8::11\";") != NULL, "an IPv6 client-ip is quoted: %s", h.data);
    ok(strstr(h.data, "identity=helo") != NULL, "... null sender: identity=helo");
    buf_reset(&h);
    spf_check(s, sa_of("192.0.2.10", &ss), "x", "user@broken.example", &h, &why);
    ok(strstr(h.data, "problem=\"Invalid IPv4 address literal") != NULL, "a permerror names the problem: %s", h.data);
    buf_free(&h);
    buf_free(&why);
    is_str(spf_result_name(SPFR_NONE), "none", "name: none");
    is_str(spf_result_name(SPFR_NEUTRAL), "neutral", "name: neutral");
    is_str(spf_result_name(SPFR_PASS), "pass", "name: pass");
    is_str(spf_result_name(SPFR_FAIL), "fail", "name: fail");
    is_str(spf_result_name(SPFR_SOFTFAIL), "softfail", "name: softfail");
    is_str(spf_result_name(SPFR_TEMPERROR), "temperror", "name: temperror");
    is_str(spf_result_name(SPFR_PERMERROR), "permerror", "name: permerror");
    is_str(spf_result_name((enum spf_result) 99), "temperror", "name of a value out of range: temperror");
}

static void bad_zones(void)
{
    static const char *const bad[] = {
        "only.two TXT\n", "x.example CNAME y.example\n", "x.example TXT !SERVFAIL\n",
        "x.example TXT \"not closed\n", "x.example TXT \"bad \\q escape\"\n", "x.example TXT \"\\25\"\n",
        "x.example TXT \"\\256\"\n", "x.example ANY \"v=spf1 -all\"\n", "x.example TXT \"a\" b\n",
        /* libspf2 aborts on the first and dereferences NULL on the second. */
        "x.example ANY !TRY_AGAIN\nX.example ANY !NO_DATA\n", "x.example TXT \"a\"\nx.example txt !TRY_AGAIN\n",
        "x.example A !NO_DATA\nx.example A 192.0.2.1\n",
    };

    ok(spf_new("h", "/nonexistent/zone") == NULL, "missing zone file: no checker");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_zone(zone, bad[i]);
        ok(spf_new("h", zone) == NULL, "zone refused: %.*s", (int) strcspn(bad[i], "\n"), bad[i]);
    }
    {
        FILE *fp = fopen(zone, "w");

        fputs("x.example TXT \"", fp);
        for (int i = 0; i < 5000; i++)
            fputc('a', fp);
        fputs("\"\n", fp);
        fclose(fp);
        ok(spf_new("h", zone) == NULL, "zone refused: a line over 4094 bytes (not cut silently)");
    }
}

int main(void)
{
    struct spf *s;
    int fd = mkstemp(zone);

    msg_open("t_spf", MSG_TO_STDERR);
    if (fd < 0 || close(fd) != 0 || write_zone(zone, zone_text) != 0) {
        printf("Bail out! %s\n", zone);
        return 1;
    }
    s = spf_new("t-spf.example", zone);
    ok(s != NULL, "checker over the zone file");
    if (s) {
        results(s);
        cannot_judge(s);
        why_and_name(s);
        spf_free(s);
    }
    bad_zones();
    spf_free(NULL);
    unlink(zone);
    return done_testing();
}
