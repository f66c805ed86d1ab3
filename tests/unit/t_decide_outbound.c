/* t_decide_outbound.c - unit tests for milter/decide_outbound.c over the
 * compiled fixture directory: spoofing and the sender mailbox at MAIL,
 * outbound=no at RCPT, and at end of message the null sender's From:
 * mailbox, outbound=no, the sender PO's size, autoreply=no (reject and
 * discard), the envelope sender's new value, and spoilt or missing maps. */
#include "decide_outbound.h"
#include "mcore_fixture.h"
#include "tap.h"

static struct podir *maps;

static enum verdict_action mail(struct podir *d, const char *sender, int trusted, long long size,
                                struct ob_sender *s, struct verdict *v)
{
    struct ob_mail_in in = { sender, trusted, size, d };

    return decide_ob_mail(&in, s, v);
}

static void refused(struct podir *d, const char *sender, int trusted, long long size, const char *code,
                    const char *xcode, const char *text, const char *what)
{
    struct ob_sender s;
    struct verdict v;
    enum verdict_action a = mail(d, sender, trusted, size, &s, &v);

    is_int(a, code[0] == '4' ? VERDICT_TEMPFAIL : VERDICT_REJECT, "%s: %s", what,
           code[0] == '4' ? "deferred" : "rejected");
    ok(strcmp(v.code, code) == 0 && strcmp(v.xcode, xcode) == 0, "... %s %s (%s %s)", code, xcode, v.code, v.xcode);
    is_str(v.text, text, "... text");
    ok(!s.outbound, "... not taken as outbound");
}

static void inbound(const char *sender, int trusted, const char *what)
{
    struct ob_sender s;
    struct verdict v;

    is_int(mail(maps, sender, trusted, 0, &s, &v), VERDICT_CONTINUE, "%s: goes on", what);
    ok(!s.outbound, "... inbound");
}

static void spoofing(void)
{
    refused(maps, "john.smith@sales.example.com", 0, 0, "550", "5.7.1",
            "<john.smith@sales.example.com>: postoffice senders must authenticate or use a trusted relay",
            "untrusted client, public PO address");
    refused(maps, "jsmith@sales.po", 0, 0, "550", "5.7.1",
            "<jsmith@sales.po>: postoffice senders must authenticate or use a trusted relay",
            "untrusted client, internal PO address");
    refused(maps, "nobody@SALES.example.org", 0, 0, "550", "5.7.1",
            "<nobody@SALES.example.org>: postoffice senders must authenticate or use a trusted relay",
            "untrusted client, any address at an alias domain");
    inbound("someone@elsewhere.example", 0, "untrusted client, another domain");
    inbound("", 0, "untrusted client, null sender (a bounce from the Internet)");
    inbound("root", 0, "untrusted client, a local name");
    inbound("someone@elsewhere.example", 1, "trusted client, another domain (a relay for others)");
    inbound("root", 1, "trusted client, a local name");
}

static void senders(void)
{
    struct ob_sender s;
    struct verdict v;

    is_int(mail(maps, "jsmith@sales.po", 1, 0, &s, &v), VERDICT_CONTINUE, "trusted client, internal address");
    ok(s.outbound && !s.null_sender && s.have_po, "... outbound from a mailbox");
    ok(strcmp(s.po, "sales") == 0 && strcmp(s.mbx, "jsmith") == 0, "... sales/jsmith (%s/%s)", s.po, s.mbx);
    is_str(s.address, "john.smith@sales.example.com", "... public address");
    ok(s.may_send_out && !s.autoreply && s.maxsize == 10LL << 20, "... outbound=yes, autoreply=no, maxsize 10M");
    is_int(mail(maps, "JOHN.SMITH@sales.example.com", 1, 10LL << 20, &s, &v), VERDICT_CONTINUE,
           "trusted client, public address in another case, SIZE= at the limit");
    ok(s.outbound && strcmp(s.mbx, "jsmith") == 0, "... the same mailbox");
    mail(maps, "inbox@sales.example.com", 1, 0, &s, &v);
    ok(s.outbound && !s.may_send_out, "a mailbox with outbound=no: outbound, may not send out");
    mail(maps, "postmaster@branch.example.com", 1, 0, &s, &v);
    ok(s.outbound && !s.may_send_out, "a mailbox of a PO with outbound=no: may not send out");
    mail(maps, "admin@hub.example.com", 1, 0, &s, &v);
    ok(s.outbound && s.autoreply && s.maxsize == 0, "a PO without autoreply=no or maxsize");
    is_int(mail(maps, "", 1, 1LL << 40, &s, &v), VERDICT_CONTINUE, "trusted client, null sender, any SIZE=");
    ok(s.outbound && s.null_sender && !s.have_po, "... outbound, the mailbox to come from From:");
    refused(maps, "ghost@sales.po", 1, 0, "550", "5.7.1", "<ghost@sales.po>: sender is not a postoffice mailbox",
            "trusted client, no such mailbox");
    refused(maps, "js@sales.example.com", 1, 0, "550", "5.7.1", "<js@sales.example.com>: sender is not a postoffice mailbox",
            "trusted client, an alias is no sender");
    refused(maps, "jsmith@sales.po", 1, (10LL << 20) + 1, "552", "5.3.4",
            "<jsmith@sales.po>: SIZE=10485761 exceeds the maximum message size of postoffice sales",
            "trusted client, SIZE= over the sender PO's maxsize");
}

static void map_errors(void)
{
    struct podir *dom = mcore_spoilt(POINDEX_DOMAIN "sales.po", "garbage");
    struct podir *mbx = mcore_spoilt(POINDEX_MAILBOX "sales/jsmith", "garbage");
    const char *text = "postoffice directory lookup failed";

    ok(dom && mbx, "indexes with a spoilt domain record and a spoilt mailbox record");
    refused(dom, "jsmith@sales.po", 0, 0, "451", "4.3.0", text, "spoilt domain, untrusted client: deferred, not rejected");
    refused(dom, "jsmith@sales.po", 1, 0, "451", "4.3.0", text, "spoilt domain, trusted client: deferred");
    refused(mbx, "jsmith@sales.po", 1, 0, "451", "4.3.0", text, "spoilt mailbox, trusted client: deferred");
    refused(NULL, "jsmith@sales.po", 1, 0, "451", "4.3.0", text, "no snapshot: deferred");
    refused(NULL, "someone@elsewhere.example", 0, 0, "451", "4.3.0", text, "no snapshot, any domain: deferred");
    podir_close(dom);
    podir_close(mbx);
}

static void rcpt(void)
{
    struct ob_sender s;
    struct verdict v;

    memset(&s, 0, sizeof(s));
    is_int(decide_ob_rcpt(&s, "a@b", "friend@elsewhere.example", &v), VERDICT_CONTINUE, "RCPT of an inbound message");
    mail(maps, "inbox@sales.po", 1, 0, &s, &v);
    is_int(decide_ob_rcpt(&s, "inbox@sales.po", "friend@elsewhere.example", &v), VERDICT_REJECT,
           "RCPT to the Internet from an outbound=no mailbox: rejected");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "<inbox@sales.po>: sales/inbox may not send mail to the Internet (<friend@elsewhere.example>)", "... text");
    mail(maps, "jsmith@sales.po", 1, 0, &s, &v);
    is_int(decide_ob_rcpt(&s, "jsmith@sales.po", "friend@elsewhere.example", &v), VERDICT_CONTINUE,
           "RCPT to the Internet from an outbound=yes mailbox");
    mail(maps, "", 1, 0, &s, &v);
    is_int(decide_ob_rcpt(&s, "", "friend@elsewhere.example", &v), VERDICT_CONTINUE,
           "RCPT of a trusted null sender: judged at end of message");
}

/* End of message of an outbound message from SENDER (trusted), with FROM
 * headers (NULL-terminated), MARKER, a recipient on the Internet or not. */
static enum verdict_action eom(struct podir *d, const char *sender, const char *const *from, const char *marker,
                               int internet, long long size, int discard, struct ob_sender *s,
                               struct ob_eom_out *out, struct verdict *v)
{
    struct ob_eom_in in = { d, from, 0, marker, internet, size, discard, sender };
    struct verdict mv;

    while (from && from[in.nfrom])
        in.nfrom++;
    if (mail(maps, sender, 1, 0, s, &mv) != VERDICT_CONTINUE || !s->outbound)
        return VERDICT_REJECT;
    return decide_ob_eom(&in, s, out, v);
}

static void eom_sender(void)
{
    struct ob_sender s;
    struct ob_eom_out out;
    struct verdict v;

    is_int(eom(maps, "jsmith@sales.po", NULL, NULL, 1, 1000, 0, &s, &out, &v), VERDICT_CONTINUE,
           "a plain outbound message goes out");
    ok(out.outbound, "... outbound");
    is_str(out.new_sender, "john.smith@sales.example.com", "... the envelope sender becomes the public address");
    is_str(out.summary, "outbound=sales/jsmith sender=<john.smith@sales.example.com>", "... tracking summary");
    eom(maps, "John.Smith@Sales.Example.com", NULL, NULL, 1, 1000, 0, &s, &out, &v);
    is_str(out.new_sender, "", "already the public address (in another case): the envelope stays");
    is_int(eom(maps, "jsmith@sales.po", NULL, NULL, 1, 10LL << 20, 0, &s, &out, &v), VERDICT_CONTINUE,
           "counted size at the sender PO's maxsize");
    is_int(eom(maps, "jsmith@sales.po", NULL, NULL, 0, (10LL << 20) + 1, 0, &s, &out, &v), VERDICT_REJECT,
           "one byte over the sender PO's maxsize, even to a PO: rejected");
    ok(strcmp(v.code, "552") == 0 && strcmp(v.xcode, "5.3.4") == 0, "... 552 5.3.4");
    is_str(v.text, "message of 10485761 bytes exceeds the maximum message size of postoffice sales", "... text");
    is_int(eom(maps, "admin@hub.example.com", NULL, NULL, 1, 1LL << 40, 0, &s, &out, &v), VERDICT_CONTINUE,
           "a PO without maxsize: any size");
}

/* A PO whose outbound direction is stopped: accepted, rewritten, and held. */
static void eom_hold(void)
{
    struct ob_sender s;
    struct ob_eom_out out;
    struct verdict v;

    eom(maps, "jsmith@sales.po", NULL, NULL, 1, 100, 0, &s, &out, &v);
    is_int(out.hold, 0, "an active PO's message is not held");
    is_int(eom(maps, "admin@hub.example.com", NULL, NULL, 1, 100, 0, &s, &out, &v), VERDICT_CONTINUE,
           "a paused PO's outbound message is accepted (the client sees success)");
    is_int(out.hold, 1, "... and held");
    is_str(out.hold_reason, "pogate: postoffice hub outbound paused", "... the reason names the PO");
    is_str(out.summary, "outbound=hub/admin sender=<admin@hub.example.com> hold=hub", "... tracking summary");
    is_int(eom(maps, "admin@hub.example.com", NULL, NULL, 0, 100, 0, &s, &out, &v), VERDICT_CONTINUE,
           "to a postoffice only: held as well (it leaves the postoffice)");
    is_int(out.hold, 1, "... held");
    is_int(eom(maps, "admin@hub.example.com", NULL, "Auto-Submitted", 1, 100, 0, &s, &out, &v), VERDICT_CONTINUE,
           "autoreply=yes PO: an auto-reply of a paused PO");
    is_int(out.hold, 1, "... is held too");
}

static void eom_autoreply(void)
{
    struct ob_sender s;
    struct ob_eom_out out;
    struct verdict v;

    is_int(eom(maps, "jsmith@sales.po", NULL, "Auto-Submitted", 1, 100, 0, &s, &out, &v), VERDICT_REJECT,
           "autoreply=no, an auto-reply to the Internet: rejected");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "auto-replies (Auto-Submitted) from postoffice sales may not be sent to the Internet", "... text");
    is_int(eom(maps, "jsmith@sales.po", NULL, "X-Autoreply", 1, 100, 1, &s, &out, &v), VERDICT_DISCARD,
           "... with autoreply_action = discard: dropped");
    is_str(v.text, "auto-reply (X-Autoreply) from sales/jsmith to the Internet, postoffice sales has autoreply=no",
           "... what to log");
    is_int(eom(maps, "jsmith@sales.po", NULL, "Auto-Submitted", 0, 100, 0, &s, &out, &v), VERDICT_CONTINUE,
           "an auto-reply to another PO goes");
    is_str(out.summary, "outbound=sales/jsmith sender=<john.smith@sales.example.com> autoreply=Auto-Submitted",
           "... the summary names the marker");
    is_int(eom(maps, "admin@hub.example.com", NULL, "Precedence: auto_reply", 1, 100, 0, &s, &out, &v),
           VERDICT_CONTINUE, "a PO without autoreply=no lets auto-replies out");
    is_int(eom(maps, "jsmith@sales.po", NULL, "Auto-Submitted", 1, (10LL << 20) + 1, 1, &s, &out, &v), VERDICT_REJECT,
           "too big and an auto-reply: the size is judged first");
    is_str(v.code, "552", "... 552");
}

static void eom_null_sender(void)
{
    static const char *const john[] = { "John <jsmith@sales.po>", NULL };
    static const char *const second[] = { "<<not an address", "jsmith@sales.po", NULL };
    static const char *const group[] = { "undisclosed-recipients:;", "jsmith@sales.po", NULL };
    static const char *const other[] = { "daemon@elsewhere.example", NULL };
    static const char *const several[] = { "someone@elsewhere.example, jsmith@sales.po", NULL };
    static const char *const mute[] = { "inbox@sales.po", NULL };
    static const char *const ghost[] = { "ghost@sales.po", NULL };
    struct podir *bad = mcore_spoilt(POINDEX_MAILBOX "sales/jsmith", "garbage");
    struct ob_sender s;
    struct ob_eom_out out;
    struct verdict v;

    is_int(eom(maps, "", john, NULL, 1, 100, 0, &s, &out, &v), VERDICT_CONTINUE, "<> whose From: is a PO mailbox goes");
    ok(out.outbound && s.have_po && strcmp(s.mbx, "jsmith") == 0, "... outbound from sales/jsmith");
    is_str(out.new_sender, "", "... the envelope stays <>");
    is_str(out.summary, "outbound=sales/jsmith sender=<>", "... summary");
    eom(maps, "", second, NULL, 1, 100, 0, &s, &out, &v);
    ok(out.outbound && strcmp(s.mbx, "jsmith") == 0, "<>: an unparseable From: is passed over for the next one");
    eom(maps, "", group, NULL, 1, 100, 0, &s, &out, &v);
    ok(!out.outbound && v.action == VERDICT_CONTINUE, "<>: a From: with no mailbox in it: not outbound");
    eom(maps, "", other, "Auto-Submitted", 1, 100, 0, &s, &out, &v);
    ok(!out.outbound && v.action == VERDICT_CONTINUE && out.summary[0] == 0, "<> from another domain: not outbound");
    eom(maps, "", several, NULL, 1, 100, 0, &s, &out, &v);
    ok(!out.outbound, "<>: only the first mailbox of From: counts");
    eom(maps, "", ghost, NULL, 1, 100, 0, &s, &out, &v);
    ok(!out.outbound && v.action == VERDICT_CONTINUE, "<> from an unknown mailbox at a PO domain: not outbound");
    eom(maps, "", NULL, NULL, 1, 100, 0, &s, &out, &v);
    ok(!out.outbound && v.action == VERDICT_CONTINUE, "<> without From:: not outbound");
    is_int(eom(maps, "", mute, NULL, 1, 100, 0, &s, &out, &v), VERDICT_REJECT,
           "<> from an outbound=no mailbox to the Internet: rejected");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0, "... 550 5.7.1");
    is_str(v.text, "<>: sales/inbox may not send mail to the Internet", "... text");
    is_int(eom(maps, "", mute, NULL, 0, 100, 0, &s, &out, &v), VERDICT_CONTINUE, "... to a PO: goes");
    is_int(eom(maps, "", john, "X-Autoreply", 1, 100, 0, &s, &out, &v), VERDICT_REJECT,
           "<> auto-reply from an autoreply=no PO to the Internet: rejected");
    is_int(eom(bad, "", john, NULL, 1, 100, 0, &s, &out, &v), VERDICT_TEMPFAIL, "<>: spoilt mailbox record: deferred");
    ok(strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.3.0") == 0, "... 451 4.3.0");
    is_int(eom(NULL, "", john, NULL, 1, 100, 0, &s, &out, &v), VERDICT_TEMPFAIL, "<>: no snapshot: deferred");
    podir_close(bad);
    memset(&s, 0, sizeof(s));
    is_int(decide_ob_eom(&(struct ob_eom_in) { maps, NULL, 0, NULL, 1, 1, 0, "a@b" }, &s, &out, &v), VERDICT_CONTINUE,
           "an inbound message: nothing to decide");
    ok(!out.outbound, "... not outbound");
}

int main(void)
{
    maps = mcore_maps(NULL, NULL);
    spoofing();
    senders();
    map_errors();
    rcpt();
    eom_sender();
    eom_hold();
    eom_autoreply();
    eom_null_sender();
    podir_close(maps);
    fixture_cleanup();
    return done_testing();
}
