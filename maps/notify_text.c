/* notify_text.c - one notice as a mail; see notify.h.
 *
 * Plain US-ASCII text, short: what is wrong, since when, and the command
 * that fixes it, so that a postmaster reading it on a phone can act. The
 * headers say what an automatic message must (RFC 3834: Auto-Submitted:
 * auto-generated; with a null envelope sender nothing answers it) and what
 * any message has (RFC 5322: Date, Message-ID, From, To, Subject).
 * X-Pogate-Notice names the condition as the state file does, for filters.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

void notice_duration(long long secs, char *out, size_t size)
{
    if (secs < 0)
        secs = 0;
    if (secs >= 86400)
        snprintf(out, size, "%lldd %lldh", secs / 86400, secs % 86400 / 3600);
    else if (secs >= 3600)
        snprintf(out, size, "%lldh %lldm", secs / 3600, secs % 3600 / 60);
    else if (secs >= 60)
        snprintf(out, size, "%lldm", secs / 60);
    else
        snprintf(out, size, "%llds", secs);
}

/* T in UTC: for people, or (RFC5322) as a Date: header. */
static void when(buf_t *b, long long t, int rfc5322)
{
    char s[64];
    struct tm tm;
    time_t tt = (time_t) t;

    gmtime_r(&tt, &tm);
    if (rfc5322)
        strftime(s, sizeof(s), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    else
        strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
    buf_puts(b, s);
}

/* The map's errors may quote bytes of any kind: the mail says it is US-ASCII. */
static void ascii(buf_t *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf_putc(b, s[i] == '\n' || (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?');
}

static void subject(const struct notice *n, const char *dur, buf_t *b)
{
    switch (n->kind) {
    case NOTICE_PAUSED:
        buf_printf(b, "postoffice %s %s for %s", n->po, postate_name(n->state), dur);
        break;
    case NOTICE_HELD:
        buf_printf(b, "%lld outbound message%s of %s held for %s", n->count, n->count == 1 ? "" : "s", n->po, dur);
        break;
    case NOTICE_BACKLOG:
        buf_printf(b, "mailbag of %s not drained for %s", n->po, dur);
        break;
    case NOTICE_QUOTA:
        buf_printf(b, "postoffice %s at %lld%% of its quota", n->po, n->used * 100 / n->limit);
        break;
    case NOTICE_QUEUE:
        buf_printf(b, "%lld message%s of %s in the MTA queue for %s", n->count, n->count == 1 ? "" : "s", n->po, dur);
        break;
    case NOTICE_MAPS:
        buf_puts(b, "the postoffice maps failed to compile");
        break;
    case NOTICE_PICKUP:
        buf_printf(b, "%lld outgoing file%s of %s set aside, not sent", n->count, n->count == 1 ? "" : "s", n->po);
        break;
    }
}

/* Files of a file-only postoffice that pogate-pickup did not send. */
static void pickup_body(const struct notice *n, buf_t *b)
{
    const char *d = n->detail.data ? n->detail.data : "", *nl = strchr(d, '\n');
    int dl = nl ? (int) (nl - d) : (int) strlen(d);

    buf_printf(b, "Postoffice %s's software left %lld file%s in its outbag that pogate-pickup\n"
               "did not send: refused by the MTA, not readable as an outbag file, or found\n"
               "half-submitted after a crash (sent perhaps; never sent twice). They wait in\n\n    %.*s\n\n"
               "each with NAME.reason beside it. The oldest, since ", n->po, n->count, n->count == 1 ? "" : "s", dl, d);
    when(b, n->since, 0);
    buf_puts(b, ":\n\n    ");
    ascii(b, nl ? nl + 1 : "", nl ? strlen(nl + 1) : 0);
    buf_printf(b, "\n\nTo fix it: read the reasons, correct the file (or the sender's mailbox in\n"
               "the maps), and put it back for the next pass:\n\n    mv %.*s/NAME %.*s/new/\n",
               dl, d, dl - 4, d);
}

/* The facts, then "To fix it:" and the command. */
static void body(const struct notice *n, const struct notice_mail *m, const char *dur, buf_t *b)
{
    const char *c = m->confdir;
    char after[32];

    switch (n->kind) {
    case NOTICE_PAUSED:
        buf_printf(b, "Postoffice %s (%s) has been %s (state=%s) for %s, since\nthis check first saw it.\n",
                   n->po, n->domain, postate_name(n->state), postate_name(n->state), dur);
        if (postate_stopped(n->state) & PO_DIR_IN)
            buf_puts(b, "Its inbound mail waits in the MTA queue, which gives up on it after\n"
                     "its maximal queue lifetime and bounces it.\n");
        if (postate_stopped(n->state) & PO_DIR_OUT)
            buf_puts(b, "Its users' outbound mail is held in the MTA.\n");
        buf_printf(b, "\nTo resume it:\n\n    pogate-po -c %s resume %s\n", c, n->po);
        break;
    case NOTICE_HELD:
        buf_printf(b, "%lld outbound message%s of postoffice %s %s held in the MTA, the oldest\nsince ",
                   n->count, n->count == 1 ? "" : "s", n->po, n->count == 1 ? "is" : "are");
        when(b, n->since, 0);
        buf_printf(b, " (%s). Their senders were told they were sent.\n", dur);
        buf_printf(b, "\nTo release them:\n\n    pogate-po -c %s resume %s outbound\n", c, n->po);
        break;
    case NOTICE_BACKLOG:
        buf_printf(b, "The mailbag of postoffice %s holds %lld message%s (%lld bytes) its importer\n"
                   "has not taken; the oldest arrived ", n->po, n->count, n->count == 1 ? "" : "s", n->used);
        when(b, n->since, 0);
        buf_printf(b, " (%s ago).\n", dur);
        buf_printf(b, "\nTo fix it: check the importer that drains the mailbag's new/ folder;\n"
                   "what waits:\n\n    pogate-stat -c %s\n", c);
        break;
    case NOTICE_QUOTA:
        buf_printf(b, "Postoffice %s holds %lld bytes, %lld%% of its quota of %lld bytes.\n"
                   "At 100%% deliveries to it defer (or bounce: quota_action).\n", n->po, n->used,
                   n->used * 100 / n->limit, n->limit);
        buf_printf(b, "\nTo fix it: have its users remove old mail, or raise quota= of %s in\n"
                   "%s/postoffices and compile:\n\n    pogate-map -c %s\n", n->po, c, c);
        break;
    case NOTICE_QUEUE:
        notice_duration(n->after, after, sizeof(after));
        buf_printf(b, "%lld message%s to or from postoffice %s %s waited in the MTA queue for\n"
                   "longer than %s; the oldest (queue id %s) since ", n->count, n->count == 1 ? "" : "s",
                   n->po, n->count == 1 ? "has" : "have", after, n->detail.data ? n->detail.data : "?");
        when(b, n->since, 0);
        buf_printf(b, ".\n\nTo see why they wait (their deferral reasons, grouped):\n\n    pogate-stat -c %s\n", c);
        break;
    case NOTICE_MAPS:
        buf_printf(b, "The last compile of the maps in %s failed (exit %lld) at ", c, n->limit);
        when(b, n->since, 0);
        buf_puts(b, ";\nthe programs still use the index compiled before. The errors:\n\n");
        ascii(b, n->detail.data ? n->detail.data : "", n->detail.len);
        buf_printf(b, "\nTo fix it: correct the lines named above, then compile:\n\n    pogate-map -c %s\n", c);
        break;
    case NOTICE_PICKUP:
        pickup_body(n, b);
        break;
    }
}

static void headers(const struct notice *n, const struct notice_mail *m, const char *dur, buf_t *b)
{
    char key[160];

    notice_key(n, key, sizeof(key));
    buf_printf(b, "From: pogate-notify <%s>\n", m->from);
    buf_puts(b, "To: ");
    for (int i = 0; i < m->nto; i++)
        buf_printf(b, "%s<%s>", i ? ",\n    " : "", m->to[i]);
    buf_puts(b, "\nSubject: pogate: ");
    subject(n, dur, b);
    buf_puts(b, "\nDate: ");
    when(b, m->now, 1);
    buf_printf(b, "\nMessage-ID: <%lld.%ld.%u.notify@%s>\n", (long long) m->now, (long) getpid(), m->seq, m->host);
    buf_puts(b, "Auto-Submitted: auto-generated\n");
    buf_printf(b, "X-Pogate-Notice: %s\n", key);
    buf_puts(b, "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n");
}

void notice_format(const struct notice *n, const struct notice_mail *m, buf_t *msg)
{
    char dur[32], interval[32];

    notice_duration(m->now - m->since, dur, sizeof(dur));
    notice_duration(m->interval, interval, sizeof(interval));
    headers(n, m, dur, msg);
    body(n, m, dur, msg);
    buf_printf(msg, "\n-- \npogate-notify on %s; this notice comes again after %s (notify_interval)\n"
               "while the condition lasts.\n", m->host, interval);
}
