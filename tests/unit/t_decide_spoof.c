/* t_decide_spoof.c - unit tests for milter/decide_spoof.c over the compiled
 * fixture directory: a postoffice address in From:, Sender: or Reply-To: of
 * mail from an untrusted client is tagged or refused by the spoof= of the PO
 * it belongs to (public, alias and internal domains), off ignores it, the
 * strictest PO wins; trusted clients and SPF pass for that domain are
 * exempt; foreign and unparsable addresses are none of its business; a
 * spoilt map tempfails; the tracking word. */
#include "decide_spoof.h"
#include "mcore_fixture.h"
#include "tap.h"

static const char pos[] =
    "SALES domain=sales.example.com alias_domains=sales.example.org,s.example\n"
    "   internal=sales.po maxsize=10M quota=2G autoreply=no\n"
    "HUB domain=hub.example.com store=mailbag postmaster=admin state=paused spoof=reject\n"
    "BRANCH domain=branch.example.com via=HUB maxsize=20M outbound=no spoof=off\n";

static struct podir *maps;

static enum verdict_action run(const char *name, const char *value, int trusted, enum spf_result spf,
                               const char *sender, struct spoof_out *out, struct verdict *v)
{
    struct spoof_hdr h[2] = { { "Subject", "hello" }, { name, value } };
    struct spoof_in in = { trusted, spf != SPFR_NONE, spf, sender, maps, h, 2 };

    return decide_spoof(&in, out, v);
}

static void tagged(const char *name, const char *value, const char *addr, const char *what)
{
    struct spoof_out out;
    struct verdict v;

    is_int(run(name, value, 0, SPFR_NONE, "x@elsewhere.example", &out, &v), VERDICT_CONTINUE, "%s: goes on", what);
    ok(out.action == PO_SPOOF_TAG && out.nhit == 1 && strcmp(out.hit[0].addr, addr) == 0
       && strcmp(out.hit[0].po, "sales") == 0, "... tagged, %s of sales", addr);
}

static void untouched(const char *name, const char *value, int trusted, enum spf_result spf, const char *sender,
                      const char *what)
{
    struct spoof_out out;
    struct verdict v;

    is_int(run(name, value, trusted, spf, sender, &out, &v), VERDICT_CONTINUE, "%s: goes on", what);
    ok(out.action == PO_SPOOF_OFF && out.nhit == 0, "... untouched");
}

static void cases(void)
{
    struct spoof_out out;
    struct verdict v;
    char word[512];

    tagged("From", "\"John Smith\" <john.smith@sales.example.com>", "john.smith@sales.example.com", "From: a mailbox");
    tagged("from", "ceo@Sales.Example.COM", "ceo@sales.example.com", "from: any address at the public domain");
    tagged("Sender", "x@s.example", "x@s.example", "Sender: at an alias domain");
    tagged("Reply-To", "team: a@elsewhere.example, jsmith@sales.po;", "jsmith@sales.po",
           "Reply-To: an internal address in a group");
    is_int(run("From", "boss@hub.example.com", 0, SPFR_NONE, "x@elsewhere.example", &out, &v), VERDICT_REJECT,
           "From: at a spoof=reject PO");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "From: <boss@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
           "... text");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "spoof=reject:From=<boss@hub.example.com>", "... tracking word");
    untouched("From", "a@branch.example.com", 0, SPFR_NONE, "", "spoof=off PO");
    is_int(run("From", "a@branch.example.com, b@hub.example.com, c@sales.example.com", 0, SPFR_NONE, "", &out, &v),
           VERDICT_REJECT, "three POs: the strictest wins");
    is_int(out.nhit, 2, "... the spoof=off one not counted");
    untouched("From", "john.smith@sales.example.com", 1, SPFR_NONE, "", "trusted or authenticated client");
    untouched("From", "john.smith@sales.example.com", 0, SPFR_PASS, "bounce@sales.example.com",
              "SPF pass for that domain");
    tagged("From", "john.smith@sales.example.com", "john.smith@sales.example.com",
           "SPF pass for another domain is no exemption");
    {
        struct spoof_hdr h[1] = { { "From", "john.smith@sales.example.com" } };
        struct spoof_in in = { 0, 1, SPFR_SOFTFAIL, "bounce@sales.example.com", maps, h, 1 };

        decide_spoof(&in, &out, &v);
        ok(out.action == PO_SPOOF_TAG, "SPF softfail for the domain: tagged");
    }
    untouched("From", "someone@elsewhere.example", 0, SPFR_NONE, "", "a foreign address");
    untouched("To", "john.smith@sales.example.com", 0, SPFR_NONE, "", "To: is not read");
    untouched("From", "<a@sales_example.com>", 0, SPFR_NONE, "", "an address that does not parse");
    untouched("From", "((unclosed", 0, SPFR_NONE, "", "a header that does not parse");
    is_int(run("From", "x@sales.example.com", 0, SPFR_NONE, "", &out, &v), VERDICT_CONTINUE, "tag");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "spoof=tag:From=<x@sales.example.com>", "... tracking word");
    is_int(run("From", "x@elsewhere.example", 0, SPFR_NONE, "", &out, &v), VERDICT_CONTINUE, "nothing forged");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "", "... no tracking word");
}

static void spoilt(void)
{
    struct podir *bad = mcore_spoilt(POINDEX_PO "sales", "garbage");
    struct spoof_hdr h[1] = { { "From", "x@sales.example.com" } };
    struct spoof_in in = { 0, 0, SPFR_NONE, "", bad, h, 1 };
    struct spoof_out out;
    struct verdict v;

    ok(bad != NULL, "spoilt copy of the index");
    is_int(decide_spoof(&in, &out, &v), VERDICT_TEMPFAIL, "a corrupt PO record: tempfail, never reject");
    ok(strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.3.0") == 0, "... 451 4.3.0");
    if (bad)
        podir_put(bad);
}

int main(void)
{
    maps = mcore_maps("postoffices", pos);
    ok(podir_spoof_any(maps), "some PO has spoof= other than off");
    cases();
    spoilt();
    podir_put(maps);
    fixture_cleanup();
    return done_testing();
}
