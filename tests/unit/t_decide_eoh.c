/* t_decide_eoh.c - unit tests for milter/decide_eoh.c over the compiled
 * fixture directory: a message whose only need is the spoof check is decided
 * at end of headers (nothing forged: accepted; forged at spoof=tag: on to end
 * of message with the decision; at spoof=reject: 550 5.7.1; a spoilt map:
 * 451 4.3.0), any other message goes on undecided, without a lookup; and when
 * the end-of-headers step is asked for. */
#include <stdio.h>

#include "decide_eoh.h"
#include "mcore_fixture.h"
#include "tap.h"

/* SALES tags (the default) and has no maxsize, HUB refuses, BRANCH's forgers
 * go unpunished. A recipient's maxsize is the struct rcpt's, as RCPT found it. */
static const char pos[] =
    "SALES domain=sales.example.com alias_domains=sales.example.org,s.example internal=sales.po quota=2G\n"
    "HUB domain=hub.example.com store=mailbag postmaster=admin spoof=reject\n"
    "BRANCH domain=branch.example.com via=HUB spoof=off\n";

static struct podir *maps;
static int spf_asked;

static int spf_never(void *arg, const char *addr, const char *domain)
{
    (void) arg, (void) addr, (void) domain;
    spf_asked++;
    return 0;
}

static struct rcpt rcpt(const char *addr, const char *canonical, long long maxsize)
{
    struct rcpt r = { .arg = (char *) addr, .addr = (char *) addr, .to = { .ours = 1, .maxsize = maxsize } };

    snprintf(r.to.where, sizeof(r.to.where), "%s", "sales/jsmith");
    snprintf(r.to.canonical, sizeof(r.to.canonical), "%s", canonical);
    return r;
}

static struct rcpt plain[] = { { 0 } }, alias[] = { { 0 } }, limited[] = { { 0 } };

/* The decision on a message to R (N recipients) with From: FROM, the rest of
 * DATA's conditions as in D (its rcpts and spoof_check set here). */
static enum eoh_action run(struct data_in d, const struct rcpt *r, size_t n, const char *from, struct podir *m,
                           struct spoof_out *out, struct verdict *v, const char **why)
{
    struct spoof_hdr h[2] = { { "Subject", "hello" }, { "From", from } };
    struct spoof_in s = { 0, spf_never, NULL, m, h, 2 };
    struct eoh_in in = { &d, &s };

    d.rcpts = r, d.nrcpt = n, d.spoof_check = 1;
    spf_asked = 0;
    *why = NULL;
    return decide_eoh(&in, out, v, why);
}

static void decided(void)
{
    struct data_in d = { 0 };
    struct spoof_out out;
    struct verdict v;
    const char *why;

    is_int(run(d, plain, 1, "Someone <someone@internet.example>", maps, &out, &v, &why), EOH_ACCEPT,
           "an honest From: to a public address: accepted at end of headers");
    is_str(why, "nothing forged", "... why");
    ok(out.action == PO_SPOOF_OFF && out.nhit == 0 && v.action == VERDICT_CONTINUE, "... nothing forged, no reply");
    is_int(run(d, plain, 1, "a@branch.example.com", maps, &out, &v, &why), EOH_ACCEPT,
           "a forgery at a spoof=off PO: accepted");
    is_int(run(d, plain, 1, "\"The CEO\" <ceo@sales.example.com>", maps, &out, &v, &why), EOH_TAG,
           "a forgery at a spoof=tag PO: on to end of message");
    is_str(why, "forged, to be tagged at end of message", "... why");
    ok(out.action == PO_SPOOF_TAG && out.nhit == 1 && strcmp(out.hit[0].addr, "ceo@sales.example.com") == 0
       && strcmp(out.hit[0].name, "From") == 0, "... the decision kept for end of message: From <ceo@...>");
    is_int(spf_asked, 1, "... SPF asked once, for the forged address");
    is_int(run(d, plain, 1, "boss@hub.example.com, ceo@sales.example.com", maps, &out, &v, &why), EOH_REPLY,
           "a forgery at a spoof=reject PO: refused at end of headers");
    ok(v.action == VERDICT_REJECT && strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "From: <boss@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
           "... the reply names the forged address");
    is_int((int) out.nhit, 2, "... every forged address reported");
    is_str(why, "forged, refused", "... why");
    is_int(run(d, NULL, 0, "ceo@sales.example.com", maps, &out, &v, &why), EOH_TAG, "no recipient: decided too");
}

static void undecided(void)
{
    struct data_in d = { 0 }, ob = { .outbound = 1 }, spf = { .spf_header = 1 }, refused = { .rcpt_refused = 1 };
    struct spoof_out out;
    struct verdict v;
    const char *why;
    struct spoof_in s = { 0, spf_never, NULL, maps, NULL, 0 };
    struct data_in none = { .rcpts = plain, .nrcpt = 1 };
    struct eoh_in in = { &none, &s };

    is_int(decide_eoh(&in, &out, &v, &why), EOH_ON, "no spoof check for the message (trusted client): undecided");
    is_str(why, "no headers to check for spoofing", "... why");
    is_int(run(ob, plain, 1, "ceo@sales.example.com", maps, &out, &v, &why), EOH_ON, "outbound: undecided");
    is_str(why, "outbound: headers and sender rewrite", "... why: DATA's");
    is_int(run(spf, plain, 1, "boss@hub.example.com", maps, &out, &v, &why), EOH_ON,
           "a Received-SPF header to add: undecided, even for a spoof=reject forgery");
    is_int(spf_asked, 0, "... SPF not asked: the headers not read");
    is_int(run(d, alias, 1, "ceo@sales.example.com", maps, &out, &v, &why), EOH_ON, "a recipient to rewrite: undecided");
    is_str(why, "recipients to rewrite", "... why");
    is_int(run(d, limited, 1, "ceo@sales.example.com", maps, &out, &v, &why), EOH_ON,
           "a recipient postoffice with a maxsize: undecided (the counted size comes first at end of message)");
    is_int(run(refused, plain, 1, "someone@internet.example", maps, &out, &v, &why), EOH_ON,
           "a local submission's recipient refusal waits for end of message: undecided");
}

static void spoilt(void)
{
    struct podir *bad = mcore_spoilt(POINDEX_PO "sales", "garbage");
    struct data_in d = { 0 };
    struct spoof_out out;
    struct verdict v;
    const char *why;

    ok(bad != NULL, "spoilt copy of the index");
    is_int(run(d, plain, 1, "ceo@sales.example.com", bad, &out, &v, &why), EOH_REPLY,
           "a corrupt PO record: a reply at end of headers");
    ok(v.action == VERDICT_TEMPFAIL && strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.3.0") == 0,
       "... 451 4.3.0, never a reject");
    is_str(why, "spoof check failed", "... why");
    if (bad)
        podir_put(bad);
}

int main(void)
{
    maps = mcore_maps("postoffices", pos);
    plain[0] = rcpt("john.smith@sales.example.com", "john.smith@sales.example.com", 0);
    alias[0] = rcpt("js@sales.example.com", "john.smith@sales.example.com", 0);
    limited[0] = rcpt("boss@branch.example.com", "boss@branch.example.com", 10 << 20);
    decided();
    undecided();
    spoilt();
    podir_put(maps);
    fixture_cleanup();

    is_int(decide_eoh_step(0, 0, 1), 1, "end-of-headers step: SPF off, some PO without maxsize, some spoof= on");
    is_int(decide_eoh_step(0, 0, 0), 0, "... not with every PO at spoof=off (nothing to decide there)");
    is_int(decide_eoh_step(1, 0, 1), 0, "... not with SPF on (every checked message gets Received-SPF)");
    is_int(decide_eoh_step(0, 10 << 20, 1), 0, "... not when every PO has a maxsize");
    return done_testing();
}
