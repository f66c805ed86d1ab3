/* t_decide_rcpt.c - unit tests for milter/decide_rcpt.c: where each RCPT goes
 * over the compiled fixture directory (public, alias, catch-all, internal and
 * postmaster@ addresses, unknown mailboxes, paused POs, SIZE=, other
 * domains, outbound senders, spoilt and missing maps), and the recipient
 * rewrite at end of message. */
#include <stdio.h>
#include "decide_outbound.h"
#include "decide_rcpt.h"
#include "mcore_fixture.h"
#include "tap.h"

static struct podir *maps;

static enum verdict_action rcpt(struct podir *d, const char *addr, long long size, const struct ob_sender *ob,
                                struct rcpt_target *to, struct verdict *v)
{
    struct rcpt_in in = { addr, size, d, ob, "jsmith@sales.po" };

    return decide_rcpt(&in, to, v);
}

static void reaches(const char *addr, const char *where, const char *canonical, long long maxsize, const char *what)
{
    struct rcpt_target to;
    struct verdict v;

    is_int(rcpt(maps, addr, 0, NULL, &to, &v), VERDICT_CONTINUE, "%s: accepted", what);
    ok(to.ours && strcmp(to.where, where) == 0, "... reaches %s (%s)", where, to.where);
    is_str(to.canonical, canonical, "... canonical address");
    is_int(to.maxsize, maxsize, "... with its PO's maxsize");
}

static void refused(struct podir *d, const char *addr, long long size, enum verdict_action action, const char *code,
                    const char *xcode, const char *text, const char *what)
{
    struct rcpt_target to;
    struct verdict v;

    is_int(rcpt(d, addr, size, NULL, &to, &v), action, "%s: %s", what, action == VERDICT_REJECT ? "rejected" : "deferred");
    ok(strcmp(v.code, code) == 0 && strcmp(v.xcode, xcode) == 0, "... %s %s (%s %s)", code, xcode, v.code, v.xcode);
    is_str(v.text, text, "... text");
}

static void foreign(const char *addr, const char *what)
{
    struct rcpt_target to;
    struct verdict v;

    is_int(rcpt(maps, addr, 1LL << 40, NULL, &to, &v), VERDICT_CONTINUE, "%s: none of pogate's business", what);
    ok(!to.ours && to.canonical[0] == 0, "... not a PO mailbox");
}

/* What the metrics count for ADDR: its postoffice and verdict word. */
static void counted(const char *addr, long long size, const char *po, const char *word, const char *what)
{
    struct rcpt_target to;
    struct verdict v;

    rcpt(maps, addr, size, NULL, &to, &v);
    ok(word ? to.counted && strcmp(to.counted, word) == 0 && strcmp(to.po, po) == 0 : to.counted == NULL,
       "counted: %s: %s %s (%s %s)", what, po, word ? word : "(nothing)", to.po, to.counted ? to.counted : "(nothing)");
}

static void counts(void)
{
    counted("john.smith@sales.example.com", 0, "sales", "accept", "a mailbox");
    counted("nobody@sales.example.com", 0, "sales", "unknown", "no such mailbox: its domain's PO");
    counted("postmaster@hub.example.com", 0, "hub", "tempfail", "a paused PO");
    counted("john.smith@sales.example.com", 1LL << 40, "sales", "reject", "SIZE= over the PO's maxsize");
    counted("friend@elsewhere.example", 0, "", NULL, "another domain: not a PO's recipient");
}

static void resolution(void)
{
    reaches("john.smith@sales.example.com", "sales/jsmith", "john.smith@sales.example.com", 10LL << 20, "public address");
    reaches("JOHN.Smith@Sales.Example.COM", "sales/jsmith", "john.smith@sales.example.com", 10LL << 20, "any case");
    reaches("js@sales.example.com", "sales/jsmith", "john.smith@sales.example.com", 10LL << 20, "alias");
    reaches("whoever@sales.example.org", "sales/inbox", "inbox@sales.example.com", 10LL << 20, "catch-all of an alias domain");
    reaches("jsmith@sales.po", "sales/jsmith", "john.smith@sales.example.com", 10LL << 20, "internal address");
    reaches("postmaster@sales.example.org", "sales/postmaster", "postmaster@sales.example.com", 10LL << 20,
            "postmaster@ before the catch-all");
    refused(maps, "postmaster@branch.example.com", 0, VERDICT_TEMPFAIL, "451", "4.2.1",
            "<postmaster@branch.example.com>: postoffice branch paused, try again later",
            "postmaster@ a downstream PO of a paused hub (it follows its hub)");
    refused(maps, "nobody@sales.example.com", 0, VERDICT_REJECT, "550", "5.1.1",
            "<nobody@sales.example.com>: Recipient address rejected: no such mailbox", "unknown mailbox");
    refused(maps, "nobody@sales.po", 0, VERDICT_REJECT, "550", "5.1.1",
            "<nobody@sales.po>: Recipient address rejected: no such mailbox", "unknown mailbox at the internal domain");
    refused(maps, "postmaster@hub.example.com", 0, VERDICT_TEMPFAIL, "451", "4.2.1",
            "<postmaster@hub.example.com>: postoffice hub paused, try again later", "paused PO");
    refused(maps, "admin@hub.example.com", 1LL << 40, VERDICT_TEMPFAIL, "451", "4.2.1",
            "<admin@hub.example.com>: postoffice hub paused, try again later", "paused PO, any SIZE=: paused first");
    foreign("friend@elsewhere.example", "another domain");
    foreign("friend@sub.sales.example.com", "a subdomain of a PO domain");
    foreign("postmaster", "a bare local name");
    foreign("", "an empty address");
    foreign("@", "a lone @");
}

/* SALES has utf8=no: a UTF-8 sender it could not store is refused. */
static void utf8_sender(void)
{
    struct rcpt_in in = { "js@sales.example.com", 0, NULL, NULL, "j\xc3\xb6rg@b\xc3\xbc" "cher.example" };
    struct rcpt_target to;
    struct verdict v;

    in.maps = maps;
    is_int(decide_rcpt(&in, &to, &v), VERDICT_REJECT, "a UTF-8 sender to a utf8=no postoffice: refused");
    is_str(v.code, "553", "... 553 (RFC 6531)");
    is_str(v.xcode, "5.6.7", "... 5.6.7");
    ok(strstr(v.text, "postoffice sales cannot store the UTF-8 sender address") != NULL, "... says why (%s)", v.text);
    ok(!to.ours, "... and it goes nowhere");
    in.addr = "admin@hub.example.com";
    is_int(decide_rcpt(&in, &to, &v), VERDICT_TEMPFAIL, "... to a paused postoffice that stores UTF-8: 4.2.1 first");
}

static void sizes(void)
{
    struct rcpt_target to;
    struct verdict v;

    refused(maps, "js@sales.example.com", (10LL << 20) + 1, VERDICT_REJECT, "552", "5.3.4",
            "<js@sales.example.com>: SIZE=10485761 exceeds the maximum message size of postoffice sales",
            "SIZE= over the PO's maxsize");
    is_int(rcpt(maps, "js@sales.example.com", 10LL << 20, NULL, &to, &v), VERDICT_CONTINUE, "SIZE= equal to it");
    refused(maps, "nobody@sales.example.com", 1LL << 40, VERDICT_REJECT, "550", "5.1.1",
            "<nobody@sales.example.com>: Recipient address rejected: no such mailbox",
            "an unknown mailbox is unknown whatever SIZE= says");
}

static void odd(void)
{
    char longaddr[700];
    struct rcpt_target to;
    struct verdict v;

    refused(maps, "100%\r\nx@sales.example.com", 0, VERDICT_REJECT, "550", "5.1.1",
            "<100???x@sales.example.com>: Recipient address rejected: no such mailbox",
            "percent sign and CR LF in an address: made safe for the reply");
    memset(longaddr, 'a', 600);
    snprintf(longaddr + 600, sizeof(longaddr) - 600, "%s", "@sales.example.com");
    is_int(rcpt(maps, longaddr, 0, NULL, &to, &v), VERDICT_REJECT, "a 618-byte address at a PO domain: rejected");
    ok(strlen(v.text) == VERDICT_TEXT_MAX - 1 && strncmp(v.text, "<aaaa", 5) == 0, "... the text cut to fit");
}

static void map_errors(void)
{
    struct podir *mbx = mcore_spoilt(POINDEX_MAILBOX "sales/jsmith", "garbage");
    struct podir *dom = mcore_spoilt(POINDEX_DOMAIN "sales.example.com", "garbage");

    ok(mbx && dom, "indexes with a spoilt mailbox record and a spoilt domain record");
    refused(mbx, "john.smith@sales.example.com", 0, VERDICT_TEMPFAIL, "451", "4.3.0",
            "<john.smith@sales.example.com>: postoffice directory lookup failed", "spoilt mailbox record: deferred");
    refused(mbx, "js@sales.example.com", 0, VERDICT_TEMPFAIL, "451", "4.3.0",
            "<js@sales.example.com>: postoffice directory lookup failed", "... through an alias too");
    refused(dom, "nobody@sales.example.com", 0, VERDICT_TEMPFAIL, "451", "4.3.0",
            "<nobody@sales.example.com>: postoffice directory lookup failed",
            "spoilt domain record: an unknown mailbox is deferred, not rejected");
    refused(NULL, "john.smith@sales.example.com", 0, VERDICT_TEMPFAIL, "451", "4.3.0",
            "<john.smith@sales.example.com>: postoffice directory lookup failed", "no snapshot at all: deferred");
    refused(NULL, "friend@elsewhere.example", 0, VERDICT_TEMPFAIL, "451", "4.3.0",
            "<friend@elsewhere.example>: postoffice directory lookup failed", "... even for another domain");
    podir_close(mbx);
    podir_close(dom);
}

static void outbound(void)
{
    struct ob_sender mute = { 1, 0, 1, "sales", "inbox", "inbox@sales.example.com", 0, 0, 10LL << 20, 0 };
    struct ob_sender may = { 1, 0, 1, "sales", "jsmith", "john.smith@sales.example.com", 0, 1, 10LL << 20, 0 };
    struct ob_sender null = { 1, 1, 0, "", "", "", 0, 0, 0, 0 };
    struct rcpt_target to;
    struct verdict v;

    is_int(rcpt(maps, "friend@elsewhere.example", 0, &mute, &to, &v), VERDICT_REJECT,
           "outbound=no mailbox to the Internet: rejected");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "<jsmith@sales.po>: sales/inbox may not send mail to the Internet (<friend@elsewhere.example>)",
           "... text");
    is_int(rcpt(maps, "js@sales.example.com", 0, &mute, &to, &v), VERDICT_CONTINUE, "... to a PO: accepted");
    ok(to.ours, "... as a PO recipient");
    is_int(rcpt(maps, "friend@elsewhere.example", 0, &may, &to, &v), VERDICT_CONTINUE, "outbound=yes: accepted");
    is_int(rcpt(maps, "friend@elsewhere.example", 0, &null, &to, &v), VERDICT_CONTINUE,
           "a null sender is judged at end of message, not at RCPT");
    is_int(rcpt(maps, "nobody@sales.example.com", 0, &may, &to, &v), VERDICT_REJECT,
           "an outbound message to an unknown PO mailbox: rejected");
    is_str(v.xcode, "5.1.1", "... 5.1.1");
}

/* The recipients ARGS (NULL-terminated), each resolved as decide_rcpt does. */
static size_t accept_all(const char *const *args, struct rcpt *r, char bare[][400])
{
    size_t n = 0;
    struct verdict v;

    for (; args[n]; n++) {
        size_t len = strlen(args[n]);

        snprintf(bare[n], 400, "%.*s", (int) (len - 2), args[n] + 1);
        r[n].arg = (char *) args[n];
        r[n].addr = bare[n];
        rcpt(maps, bare[n], 0, NULL, &r[n].to, &v);
    }
    return n;
}

static void rewrites(void)
{
    static const char *const mixed[] = {
        "<js@sales.example.com>", "<anything@sales.example.org>", "<John.Smith@Sales.Example.com>",
        "<friend@elsewhere.example>", NULL,
    };
    static const char *const twice[] = { "<js@sales.example.com>", "<jsmith@sales.po>", "<x@sales.example.org>", NULL };
    static const char *const plain[] = { "<john.smith@sales.example.com>", "<friend@elsewhere.example>", NULL };
    struct rcpt r[8];
    struct rcpt_change ch[16];
    char bare[8][400];
    size_t n = accept_all(mixed, r, bare), k = rcpt_rewrites(r, n, ch);

    is_int(k, 3, "alias, catch-all, canonical, foreign: three changes");
    ok(k == 3 && !ch[0].add && strcmp(ch[0].addr, "<js@sales.example.com>") == 0, "... js@ deleted as the MTA named it");
    ok(k == 3 && !ch[1].add && strcmp(ch[1].addr, "<anything@sales.example.org>") == 0, "... the catch-all recipient deleted");
    ok(k == 3 && ch[2].add && strcmp(ch[2].addr, "inbox@sales.example.com") == 0, "... the catch-all mailbox added");
    is_int(rcpt_any_foreign(r, n), 1, "... one recipient is outside every PO");
    n = accept_all(twice, r, bare), k = rcpt_rewrites(r, n, ch);
    is_int(k, 5, "two addresses of one mailbox and a catch-all: five changes");
    ok(k == 5 && !ch[0].add && ch[1].add && strcmp(ch[1].addr, "john.smith@sales.example.com") == 0,
       "... the first deleted and its mailbox added");
    ok(k == 5 && !ch[2].add && strcmp(ch[2].addr, "<jsmith@sales.po>") == 0, "... the second deleted, not added again");
    ok(k == 5 && !ch[3].add && ch[4].add, "... the catch-all replaced");
    is_int(rcpt_any_foreign(r, n), 0, "... no recipient outside the POs");
    n = accept_all(plain, r, bare);
    is_int(rcpt_rewrites(r, n, ch), 0, "canonical and foreign recipients: nothing to change");
    is_int(rcpt_rewrites(r, 0, ch), 0, "no recipients: nothing to change");
    is_int(rcpt_any_foreign(r, 0), 0, "no recipients: none foreign");
}

int main(void)
{
    maps = mcore_maps(NULL, NULL);
    resolution();
    counts();
    sizes();
    utf8_sender();
    odd();
    map_errors();
    outbound();
    rewrites();
    podir_close(maps);
    fixture_cleanup();
    return done_testing();
}
