/* t_decide_spoof.c - unit tests for milter/decide_spoof.c over the compiled
 * fixture directory: a postoffice address in From:, Sender: or Reply-To: of
 * mail from an untrusted client is tagged or refused by the spoof= of the PO
 * it belongs to (public, alias and internal domains), off ignores it, the
 * strictest PO wins; trusted clients and SPF pass for the forged address's
 * domain (libspf2 stubbed) are exempt; foreign and unparsable addresses are none of its business; a
 * spoilt map tempfails; the tracking word. */
#include <stdio.h>
#include "decide_spoof.h"
#include "mcore_fixture.h"
#include "tap.h"

static const char pos[] =
    "SALES domain=sales.example.com alias_domains=sales.example.org,s.example\n"
    "   internal=sales.po maxsize=10M quota=2G autoreply=no\n"
    "HUB domain=hub.example.com store=mailbag postmaster=admin state=paused spoof=reject\n"
    "BRANCH domain=branch.example.com via=HUB maxsize=20M outbound=no spoof=off\n";

static struct podir *maps;
static char asked[512];         /* the addresses SPF was asked about */

/* The stub of libspf2: the client is listed by s.example's record only. */
static int spf_stub(void *arg, const char *addr, const char *domain)
{
    (void) arg;
    {
        size_t used = strlen(asked);

        snprintf(asked + used, sizeof(asked) - used, "%s ", addr);
    }
    return strcmp(domain, "s.example") == 0;
}

static enum verdict_action run(const char *name, const char *value, int trusted, struct spoof_out *out,
                               struct verdict *v)
{
    struct spoof_hdr h[2] = { { "Subject", "hello" }, { name, value } };
    struct spoof_in in = { trusted, spf_stub, NULL, maps, h, 2 };

    asked[0] = 0;
    return decide_spoof(&in, out, v);
}

static void tagged(const char *name, const char *value, const char *addr, const char *what)
{
    struct spoof_out out;
    struct verdict v;

    is_int(run(name, value, 0, &out, &v), VERDICT_CONTINUE, "%s: goes on", what);
    ok(out.action == PO_SPOOF_TAG && out.nhit == 1 && strcmp(out.hit[0].addr, addr) == 0
       && strcmp(out.hit[0].po, "sales") == 0, "... tagged, %s of sales", addr);
}

static void untouched(const char *name, const char *value, int trusted, const char *what)
{
    struct spoof_out out;
    struct verdict v;

    is_int(run(name, value, trusted, &out, &v), VERDICT_CONTINUE, "%s: goes on", what);
    ok(out.action == PO_SPOOF_OFF && out.nhit == 0, "... untouched");
}

static void cases(void)
{
    struct spoof_out out;
    struct verdict v;
    char word[512];

    tagged("From", "\"John Smith\" <john.smith@sales.example.com>", "john.smith@sales.example.com", "From: a mailbox");
    tagged("from", "ceo@Sales.Example.COM", "ceo@sales.example.com", "from: any address at the public domain");
    tagged("Sender", "x@sales.example.org", "x@sales.example.org", "Sender: at an alias domain");
    tagged("Reply-To", "team: a@elsewhere.example, jsmith@sales.po;", "jsmith@sales.po",
           "Reply-To: an internal address in a group");
    is_int(run("From", "boss@hub.example.com", 0, &out, &v), VERDICT_REJECT,
           "From: at a spoof=reject PO");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "From: <boss@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
           "... text");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "spoof=reject:From=<boss@hub.example.com>", "... tracking word");
    untouched("From", "a@branch.example.com", 0, "spoof=off PO");
    ok(asked[0] == 0, "... SPF not even asked");
    is_int(run("From", "a@branch.example.com, b@hub.example.com, c@sales.example.com", 0, &out, &v),
           VERDICT_REJECT, "three POs: the strictest wins");
    is_int(out.nhit, 2, "... the spoof=off one not counted");
    is_str(v.text, "From: <b@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
           "... the reply names the spoof=reject PO's address, not the first one");
    is_int(run("From", "c@sales.example.com, b@hub.example.com", 0, &out, &v), VERDICT_REJECT,
           "a tag PO's address before a reject PO's");
    is_str(v.text, "From: <b@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
           "... the reply still names the reject PO's");
    untouched("From", "john.smith@sales.example.com", 1, "trusted or authenticated client");
    untouched("From", "news@s.example", 0, "SPF passes for the forged address's domain");
    is_str(asked, "news@s.example ", "... asked with the forged address as the sender");
    tagged("From", "news@sales.example.com", "news@sales.example.com", "SPF for another domain is no exemption");
    {
        struct spoof_hdr h[1] = { { "From", "john.smith@sales.example.com" } };
        struct spoof_in in = { 0, NULL, NULL, maps, h, 1 };

        decide_spoof(&in, &out, &v);
        ok(out.action == PO_SPOOF_TAG, "no SPF (spf = off): tagged");
    }
    untouched("From", "someone@elsewhere.example", 0, "a foreign address");
    untouched("To", "john.smith@sales.example.com", 0, "To: is not read");
    untouched("From", "<a@sales_example.com>", 0, "an address that does not parse");
    untouched("From", "((unclosed", 0, "a header that does not parse");
    is_int(run("From", "x@sales.example.com", 0, &out, &v), VERDICT_CONTINUE, "tag");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "spoof=tag:From=<x@sales.example.com>", "... tracking word");
    is_int(run("From", "x@elsewhere.example", 0, &out, &v), VERDICT_CONTINUE, "nothing forged");
    spoof_summary(&out, word, sizeof(word));
    is_str(word, "", "... no tracking word");
}

static void spoilt(void)
{
    struct podir *bad = mcore_spoilt(POINDEX_PO "sales", "garbage");
    struct spoof_hdr h[1] = { { "From", "x@sales.example.com" } };
    struct spoof_in in = { 0, NULL, NULL, bad, h, 1 };
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
