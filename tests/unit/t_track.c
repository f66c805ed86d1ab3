/* t_track.c - unit tests for pogate-track's message table (maps/track_*.c):
 * what each kind of line says (Postfix, sendmail, pogate-milter, the
 * agents), messages joined from lines in several forms, a recipient under
 * its three names, NOQUEUE refusals joined, each query kind, the order of
 * the output, closing by Postfix's "removed", by sendmail's last recipient,
 * by a day of silence, and lines that are garbage. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "logline.h"
#include "track_msg.h"
#include "track_out.h"
#include "track_parse.h"
#include "tap.h"

static struct logline_ctx ctx;
static buf_t shown;             /* every block, text */
static int nshown;
static char order[512];         /* queue ids in the order shown */

static void emit(const struct tmsg *m, void *arg)
{
    (void) arg;
    track_out_text(m, &shown);
    track_out_json(m, &shown);
    nshown++;
    {
        size_t used = strlen(order);

        snprintf(order + used, sizeof(order) - used, "%s ", m->qid[0] ? m->qid : "NOQUEUE");
    }
}

/* Feed LINES (one per string) to a table with the queries Q. */
static void run(const struct tquery *q, int nq, const char *const *lines)
{
    struct track_opts o = { q, nq, 1, 0, 0, NULL, emit, NULL };
    struct track *t = track_new(&o);
    struct logline l;

    buf_reset(&shown);
    nshown = 0;
    order[0] = 0;
    for (int i = 0; lines[i]; i++) {
        size_t n = strlen(lines[i]);

        if (track_line_wanted(t, lines[i], n) && logline_parse(&ctx, lines[i], n, &l))
            track_line(t, &l, lines[i], n);
    }
    track_finish(t);
    track_free(t);
}

static const char *const postfix_log[] = {
    "Dec  2 19:03:51 relay postfix/smtpd[21641]: A497AA728EA: client=unknown[127.0.0.2]",
    "2026-12-02T19:03:51 pogate-milter[21280]: A497AA728EA: client=unknown[127.0.0.2] from=<someone@internet.example> size=258 spf=- to=<js@sales.example.com>->sales/jsmith=<john.smith@sales.example.com> verdict=accept",
    "Dec  2 19:03:51 relay postfix/cleanup[21643]: A497AA728EA: message-id=<m1@vm>",
    "Dec  2 19:03:51 relay postfix/qmgr[21627]: A497AA728EA: from=<someone@internet.example>, size=453, nrcpt=2 (queue active)",
    "2026-12-02T19:03:51 pogate-lda[21649]: A497AA728EA: to=<john.smith@sales.example.com>, from=<someone@internet.example>, po=sales, mailbox=jsmith, size=406, path=/store/sales/mailboxes/jsmith/new/1.QA497AA728EA_1.vm,S=489, status=delivered (2.0.0 delivered to sales/jsmith)",
    "Dec  2 19:03:51 relay postfix/pipe[21644]: A497AA728EA: to=<john.smith@sales.example.com>, relay=pogate, delay=0.03, delays=0.01/0.01/0/0.01, dsn=2.0.0, status=sent (delivered via pogate service (2.0.0 delivered to 1 recipient))",
    "Dec  2 19:03:51 relay postfix/qmgr[21627]: A497AA728EA: removed",
    "2026-12-02T19:03:51 pogate-milter[21280]: reject: RCPT from unknown[127.0.0.2]: 550 5.1.1 <nobody@sales.example.com>: Recipient address rejected: no such mailbox",
    "Dec  2 19:03:51 relay postfix/smtpd[21641]: NOQUEUE: milter-reject: RCPT from unknown[127.0.0.2]: 550 5.1.1 <nobody@sales.example.com>: Recipient address rejected: no such mailbox; from=<someone@internet.example> to=<nobody@sales.example.com> proto=ESMTP helo=<vm>",
    "Dec  2 19:03:52 relay postfix/smtpd[21641]: E9083A72684: client=unknown[127.0.0.1]",
    "2026-12-02T19:03:52 pogate-milter[21280]: E9083A72684: client=unknown[127.0.0.1] from=<jsmith@sales.po> size=255 spf=- to=<friend@internet.example> outbound=sales/jsmith sender=<john.smith@sales.example.com> verdict=accept",
    "Dec  2 19:03:52 relay postfix/qmgr[21627]: E9083A72684: from=<john.smith@sales.example.com>, size=453, nrcpt=1 (queue active)",
    "Dec  2 19:03:52 relay postfix/smtp[21676]: E9083A72684: to=<friend@internet.example>, relay=127.0.0.1[127.0.0.1]:34239, delay=0.01, delays=0/0.01/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1: Connection refused)",
    "Dec  2 19:13:52 relay postfix/smtp[21676]: E9083A72684: to=<friend@internet.example>, relay=127.0.0.1[127.0.0.1]:34239, delay=600, delays=0/600/0/0, dsn=5.1.1, status=bounced (host said: 550 5.1.1 unknown user)",
    "Dec  2 19:13:52 relay postfix/bounce[21699]: E9083A72684: sender non-delivery notification: 1B2C3D4E5F6",
    "Dec  2 19:13:52 relay postfix/qmgr[21627]: E9083A72684: removed",
    "Dec  2 19:13:52 relay postfix/qmgr[21627]: 1B2C3D4E5F6: from=<>, size=2000, nrcpt=1 (queue active)",
    "Dec  2 19:13:52 relay postfix/pipe[21700]: 1B2C3D4E5F6: to=<john.smith@sales.example.com>, orig_to=<jsmith@sales.po>, relay=pogate, dsn=2.0.0, status=sent (delivered)",
    "Dec  2 19:13:52 relay postfix/qmgr[21627]: 1B2C3D4E5F6: removed",
    "garbage \x01\x02 line",
    "Dec  2 19:13:53 relay kernel: [12.3] something else",
    "Dec  2 19:13:53 relay postfix/smtpd[21641]: connect from unknown[127.0.0.2]",
    NULL
};

static const char *const sendmail_log[] = {
    "Dec  2 21:53:41 relay.test sendmail[15338]: 6B2LrfIw015338: from=<someone@internet.example>, size=236, class=0, nrcpts=2, msgid=<s1@vm>, proto=ESMTP, daemon=MTA-v4, relay=[127.0.0.2]",
    "Dec  2 21:53:41 relay.test sendmail[15338]: 6B2LrfIw015338: Milter (pogate) delete: rcpt <js@sales.example.com>, naddrs=1",
    "Dec  2 21:53:41 relay.test sendmail[15338]: 6B2LrfIw015338: Milter (pogate) add: rcpt: <john.smith@sales.example.com>",
    "Dec  2 21:53:41 relay.test pogate-lda[15343]: 6B2LrfIw015338: to=<john.smith@sales.example.com>, from=<someone@internet.example>, po=sales, mailbox=jsmith, size=390, path=/s/1, status=delivered (2.0.0 delivered to sales/jsmith)",
    "Dec  2 21:53:41 relay.test pogate-lda[15343]: 6B2LrfIw015338: to=<anna@legacy.example.net>, from=<someone@internet.example>, po=legacy, mailbox=anna, size=390, path=/s/2, status=delivered (2.0.0 delivered to legacy/anna)",
    "Dec  2 21:53:41 relay.test sendmail[15340]: 6B2LrfIw015338: to=<john.smith@sales.example.com>,<anna@legacy.example.net>, delay=00:00:00, xdelay=00:00:00, mailer=pogate, pri=30236, relay=sales.example.com, dsn=2.0.0, stat=Sent",
    "Dec  2 21:53:42 relay.test sendmail[15775]: 6B2LrgjG015775: Milter: to=<nobody@sales.example.com>, reject=550 5.1.1 <nobody@sales.example.com>: Recipient address rejected: no such mailbox",
    "Dec  2 21:53:42 relay.test sendmail[15775]: 6B2LrgjG015775: from=<someone@internet.example>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA-v4, relay=[127.0.0.2]",
    "Dec  2 21:53:43 relay.test pogate-lda[16262]: 6B2LrhlI016255: to=<anna@legacy.example.net>, from=<other@internet.example>, po=legacy, mailbox=anna, size=392, path=-, status=deferred (4.3.0 store: Permission denied)",
    "Dec  2 21:53:43 relay.test sendmail[16261]: 6B2LrhlI016255: to=<anna@legacy.example.net>, delay=00:00:01, mailer=pogate, relay=legacy.example.net, dsn=4.0.0, stat=Deferred: pogate mailer exited with EX_TEMPFAIL",
    NULL
};

int main(void)
{
    struct tquery q[2];

    setenv("TZ", "UTC", 1);
    tzset();
    logline_init(&ctx, (time_t) 1796238231 + 86400);
    /* what single lines say */
    {
        struct logline l;
        struct tevent *ev = calloc(1, sizeof(*ev));
        const char *s = postfix_log[5];

        ok(logline_parse(&ctx, s, strlen(s), &l) && track_parse(&l, ev) == TK_DELIVERY, "pipe: a delivery");
        ok(ev->src == TSRC_POSTFIX && ev->qid.n == 11 && ev->status.n == 4 && memcmp(ev->dsn.p, "2.0.0", 5) == 0,
           "... queue id, status, dsn");
        ok(ev->reply.n && memcmp(ev->reply.p, "delivered via pogate service (2.0.0 delivered to 1 recipient)",
                                 ev->reply.n) == 0, "... the text in parentheses, nested ones kept");
        s = postfix_log[1];
        ok(logline_parse(&ctx, s, strlen(s), &l) && track_parse(&l, ev) == TK_MILTER_TRACK && ev->nrcpts == 1
           && ev->rcpt[0].where.n == 12 && ev->rcpt[0].canonical.n == 28, "milter line: recipient, mailbox, rewrite");
        s = sendmail_log[5];
        ok(logline_parse(&ctx, s, strlen(s), &l) && track_parse(&l, ev) == TK_DELIVERY && ev->nrcpts == 2
           && ev->src == TSRC_SENDMAIL, "sendmail: a delivery to two recipients");
        s = "Dec  2 19:03:51 relay pogate-milter[1]: SIGUSR1: reloading";
        ok(logline_parse(&ctx, s, strlen(s), &l) && track_parse(&l, ev) == TK_NONE, "SIGUSR1 is not a queue id");
        s = "Dec  2 19:03:51 relay postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 5.7.1 <a@b>: Relay access denied; from=<c@d> to=<a@b> proto=ESMTP helo=<h>";
        ok(logline_parse(&ctx, s, strlen(s), &l) && track_parse(&l, ev) == TK_REJECT && ev->qid.n == 0
           && ev->sender.n == 3 && ev->rcpt[0].addr.n == 3 && ev->stage.n == 4, "NOQUEUE reject: stage, from, to");
        ok(track_is_qid("4F9D195432C", 11) && track_is_qid("6B2LrfIw015338", 14) && !track_is_qid("warning", 7)
           && !track_is_qid("NOQUEUE", 7) && !track_is_qid("SIGTERM", 7) && !track_is_qid("ABC12", 5),
           "queue ids and words");
        free(ev);
    }

    q[0] = (struct tquery) { TQ_QID, "A497AA728EA" };
    run(q, 1, postfix_log);
    is_int(nshown, 1, "by queue id: one block");
    ok(strstr(shown.data, "A497AA728EA  2026-12-02 19:03:51 +0000  delivered\n"), "header: queue id, time, state");
    ok(strstr(shown.data, "client      unknown[127.0.0.2]"), "the client (smtpd)");
    ok(strstr(shown.data, "message-id  <m1@vm>"), "the message-id (cleanup)");
    ok(strstr(shown.data, "to          <js@sales.example.com> -> sales/jsmith <john.smith@sales.example.com>"),
       "one recipient under three names: as sent, its mailbox, rewritten (milter, agent, pipe)");
    ok(strstr(shown.data, "/store/sales/mailboxes/jsmith/new/1.QA497AA728EA_1.vm,S=489"), "the stored file");
    ok(strstr(shown.data, "\"path\":\"/store/sales/mailboxes/jsmith/new/1.QA497AA728EA_1.vm,S=489\""), "JSON: the path");
    ok(strstr(shown.data, "  | Dec  2 19:03:51 relay postfix/qmgr[21627]: A497AA728EA: removed"), "--lines: the lines");

    /* pogate-milter's spoofing word, tagged and refused */
    {
        static const char *const spoof_log[] = {
            "2026-12-02T19:05:01 pogate-milter[21280]: B1C2D3E4F56: client=unknown[127.0.0.2] from=<x@internet.example> size=300 spf=none to=<john.smith@sales.example.com>->sales/jsmith spoof=tag:From=<ceo@sales.example.com>,Reply-To=<js@sales.po> verdict=accept",
            "2026-12-02T19:05:02 pogate-milter[21280]: B1C2D3E4F57: client=unknown[127.0.0.2] from=<x@internet.example> size=300 spf=none to=<admin@hub.example.com>->hub/admin spoof=reject:From=<boss@hub.example.com> verdict=reject-spoof",
            /* refused at end of headers: nothing counted */
            "2026-12-02T19:05:03 pogate-milter[21280]: B1C2D3E4F58: reject: END-OF-HEADERS from unknown[127.0.0.2]: 550 5.7.1 From: <boss@hub.example.com> is an address of postoffice hub; mail from outside may not use it",
            "2026-12-02T19:05:03 pogate-milter[21280]: B1C2D3E4F58: client=unknown[127.0.0.2] from=<x@internet.example> size=- spf=- to=<admin@hub.example.com>->hub/admin spoof=reject:From=<boss@hub.example.com> verdict=reject-spoof",
            NULL,
        };

        q[0] = (struct tquery) { TQ_QID, "B1C2D3E4F56" };
        run(q, 1, spoof_log);
        ok(strstr(shown.data, "  spoof       tag:From=<ceo@sales.example.com>,Reply-To=<js@sales.po>\n"),
           "spoof: the action and every forged header address");
        ok(strstr(shown.data, "\"spoof\":\"tag:From=<ceo@sales.example.com>,Reply-To=<js@sales.po>\""), "... in JSON");
        q[0] = (struct tquery) { TQ_QID, "B1C2D3E4F57" };
        run(q, 1, spoof_log);
        ok(strstr(shown.data, "  spoof       reject:From=<boss@hub.example.com>\n")
           && strstr(shown.data, "  milter      reject-spoof\n"), "a refused forgery: spoof and the verdict");
        q[0] = (struct tquery) { TQ_QID, "B1C2D3E4F58" };
        run(q, 1, spoof_log);
        ok(nshown == 1 && strstr(shown.data, "  spoof       reject:From=<boss@hub.example.com>\n")
           && strstr(shown.data, "  milter      reject-spoof\n"), "refused at end of headers (size=-): the same");
        ok(strstr(shown.data, "END-OF-HEADERS: 550 5.7.1 From: <boss@hub.example.com>") != NULL,
           "... the refusal's stage and reply");
        ok(strstr(shown.data, " bytes") == NULL && strstr(shown.data, "\"size\"") == NULL,
           "... no size where none was counted");
    }

    q[0] = (struct tquery) { TQ_QID, "E9083A72684" };
    run(q, 1, postfix_log);
    is_str(order, "E9083A72684 1B2C3D4E5F6 ", "a queue id brings its bounce");
    ok(strstr(shown.data, "E9083A72684  2026-12-02 19:03:52 +0000  bounced (600 s)"), "bounced after 600 s");
    ok(strstr(shown.data, "mta: bounced 5.1.1 relay=127.0.0.1[127.0.0.1]:34239 (2 attempts)"), "two attempts, the last one's status");
    ok(strstr(shown.data, "from        <jsmith@sales.po> -> <john.smith@sales.example.com>"), "outbound: the sender rewritten");

    q[0] = (struct tquery) { TQ_ADDR, "jsmith@sales.po" };
    run(q, 1, postfix_log);
    is_str(order, "E9083A72684 1B2C3D4E5F6 ", "by the internal address: the message and the bounce to it (orig_to)");
    q[0] = (struct tquery) { TQ_ADDR, "john.smith@sales.example.com" };
    run(q, 1, postfix_log);
    is_str(order, "A497AA728EA E9083A72684 1B2C3D4E5F6 ", "by the public address: in the order of the first lines");
    q[0] = (struct tquery) { TQ_ADDR, "nobody@sales.example.com" };
    run(q, 1, postfix_log);
    is_str(order, "NOQUEUE ", "a refusal before a queue id");
    ok(strstr(shown.data, "from        <someone@internet.example>")
       && strstr(shown.data, "  | 2026-12-02T19:03:51 pogate-milter[21280]: reject: RCPT")
       && strstr(shown.data, "  | Dec  2 19:03:51 relay postfix/smtpd[21641]: NOQUEUE: milter-reject"),
       "... one block of pogate-milter's line and Postfix's");
    q[0] = (struct tquery) { TQ_PO, "sales" };
    run(q, 1, postfix_log);
    is_str(order, "A497AA728EA E9083A72684 1B2C3D4E5F6 ",
           "po=sales: inbound, outbound and its bounce (the refusal names no postoffice: without maps, not found)");
    q[0] = (struct tquery) { TQ_MAILBOX, "sales/jsmith" };
    q[1] = (struct tquery) { TQ_QID, "1B2C3D4E5F6" };
    run(q, 2, postfix_log);
    is_str(order, "A497AA728EA E9083A72684 1B2C3D4E5F6 ", "mailbox= or a queue id");
    q[0] = (struct tquery) { TQ_ADDR, "nosuch@example.org" };
    run(q, 1, postfix_log);
    is_int(nshown, 0, "nothing matches");

    q[0] = (struct tquery) { TQ_PO, "legacy" };
    run(q, 1, sendmail_log);
    is_str(order, "6B2LrfIw015338 6B2LrhlI016255 ", "sendmail: by postoffice, from its to= lines");
    ok(strstr(shown.data, "6B2LrfIw015338  2026-12-02 21:53:41 +0000  delivered"), "sendmail: both recipients sent");
    ok(strstr(shown.data, "6B2LrhlI016255  2026-12-02 21:53:43 +0000  deferred"), "sendmail: a deferral");
    q[0] = (struct tquery) { TQ_ADDR, "nobody@sales.example.com" };
    run(q, 1, sendmail_log);
    ok(strstr(shown.data, "6B2LrgjG015775  2026-12-02 21:53:42 +0000  rejected")
       && strstr(shown.data, "refused     RCPT: 550 5.1.1"), "sendmail: a milter refusal under its queue id");

    /* A message with no line for a day is shown as it stands, before the end. */
    {
        static const char *const quiet[] = {
            "Dec  1 10:00:00 relay postfix/qmgr[1]: AAAAAA11111: from=<a@b.c>, size=1, nrcpt=1 (queue active)",
            "Dec  2 10:00:01 relay postfix/qmgr[1]: BBBBBB22222: from=<a@b.c>, size=1, nrcpt=1 (queue active)",
            "Dec  2 10:00:02 relay postfix/qmgr[1]: AAAAAA11111: removed",
            NULL
        };

        q[0] = (struct tquery) { TQ_QID, "AAAAAA11111" };
        q[1] = (struct tquery) { TQ_QID, "BBBBBB22222" };
        run(q, 2, quiet);
        is_str(order, "AAAAAA11111 BBBBBB22222 AAAAAA11111 ", "a day of silence closes a message; a later line is a new block");
    }
    buf_free(&shown);
    return done_testing();
}
