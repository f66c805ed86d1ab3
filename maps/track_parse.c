/* track_parse.c - what a mail log line says about a message; see
 * track_parse.h.
 *
 * Postfix and sendmail write "QUEUEID: name=value, name=value, ..."; pogate
 * writes its milter line with blanks between fields ("client=... from=<...>
 * to=<...>->po/mbx=<...> verdict=accept") and its agents' line with commas.
 * A value in angle brackets ends at its '>', any other at the next ',' or
 * blank; a status text in parentheses runs to the line's last ')'.
 */
#include <string.h>

#include "track_parse.h"

static const struct tslice none = { "", 0 };

static struct tslice slice(const char *p, const char *end)
{
    struct tslice s = { p, end > p ? (size_t) (end - p) : 0 };

    return s;
}

static struct tslice lit(const char *s)
{
    struct tslice v = { s, strlen(s) };

    return v;
}

static int has_prefix(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t) (end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The first "KEY" (which ends in '=') at the start of a field at or after P:
 * the start of the text or after a blank or comma. Its value's start, or NULL. */
static const char *key_at(const char *text, const char *p, const char *end, const char *key)
{
    size_t n = strlen(key);

    for (; p + n <= end; p++) {
        p = memchr(p, key[0], (size_t) (end - p));
        if (p == NULL || p + n > end)
            return NULL;
        if (memcmp(p, key, n) == 0 && (p == text || p[-1] == ' ' || p[-1] == ','))
            return p + n;
    }
    return NULL;
}

/* A value at P: "<...>" without its brackets (*NEXT past the '>'), or up to
 * the next ',' or blank (with BLANK_ENDS) or ',' alone. */
static struct tslice value(const char *p, const char *end, int blank_ends, const char **next)
{
    const char *q = p;

    if (p < end && *p == '<') {
        const char *gt = memchr(p, '>', (size_t) (end - p));

        q = gt ? gt : end;
        *next = gt ? gt + 1 : end;
        return slice(p + 1, q);
    }
    while (q < end && *q != ',' && !(blank_ends && *q == ' '))
        q++;
    *next = q;
    return slice(p, q);
}

static struct tslice field(const char *text, const char *end, const char *key, int blank_ends)
{
    const char *p = key_at(text, text, end, key), *next;

    return p ? value(p, end, blank_ends, &next) : none;
}

/* The value of KEY up to the next blank, brackets and commas in. */
static struct tslice word_field(const char *text, const char *end, const char *key)
{
    const char *p = key_at(text, text, end, key), *q = p;

    if (p == NULL)
        return none;
    while (q < end && *q != ' ')
        q++;
    return slice(p, q);
}

static long long number(struct tslice s)
{
    long long n = 0;

    if (s.n == 0 || s.n > 18)
        return -1;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return i ? n : -1;
        n = n * 10 + (s.p[i] - '0');
    }
    return n;
}

/* "(TEXT)" at P, up to the last ')' of the line. */
static struct tslice paren(const char *p, const char *end)
{
    const char *q = end;

    while (p < end && *p == ' ')
        p++;
    if (p >= end || *p != '(')
        return none;
    while (q > p + 1 && q[-1] != ')')
        q--;
    return q > p + 1 ? slice(p + 1, q - 1) : slice(p + 1, end);
}

int track_is_qid(const char *p, size_t n)
{
    int hex = 1, lower = 1;

    if (n < 6 || n > 20)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
        hex &= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        lower &= c >= 'a' && c <= 'z';
    }
    return hex || (n >= 10 && !lower);
}

/* "QID: " at the start of TEXT: the queue id, *REST after it. */
static struct tslice leading_qid(const char *text, const char *end, const char **rest)
{
    const char *c = text;

    while (c < end && c - text <= 20 && *c != ':')
        c++;
    if (c + 1 < end && *c == ':' && c[1] == ' ' && track_is_qid(text, (size_t) (c - text))) {
        *rest = c + 2;
        return slice(text, c);
    }
    *rest = text;
    return none;
}

/* "STAGE from CLIENT: REPLY[; from=<> to=<> ...]" (Postfix's rejects and
 * pogate-milter's). */
static void refusal(const char *p, const char *end, struct tevent *ev, int postfix)
{
    const char *sp = memchr(p, ' ', (size_t) (end - p)), *c, *semi = NULL;

    if (sp == NULL)
        return;
    ev->stage = slice(p, sp);
    p = sp;
    if (has_prefix(p, end, " from ")) {
        p += 6;
        for (c = p; c + 1 < end && !(c[0] == ':' && c[1] == ' '); c++)
            ;
        ev->client = slice(p, c);
        p = c + 2 < end ? c + 2 : end;
    }
    if (postfix)                /* the last "; from=<" ends the reply */
        for (const char *q = p; (q = memchr(q, ';', (size_t) (end - q))) != NULL; q++)
            if (has_prefix(q, end, "; from=<"))
                semi = q;
    ev->reply = slice(p, semi ? semi : end);
    if (semi) {
        ev->sender = field(semi + 2, end, "from=", 1);
        ev->rcpt[0].addr = field(semi + 2, end, "to=", 1);
        ev->nrcpts = ev->rcpt[0].addr.n > 0;
    }
}

static enum tkind postfix_line(const char *text, const char *end, struct tevent *ev)
{
    static const char *const refusals[] = { "reject: ", "milter-reject: ", "discard: ", "milter-discard: ",
                                            "hold: ", "milter-hold: " };
    static const char *const children[] = { "sender non-delivery notification: ",
                                             "sender delivery status notification: ",
                                             "postmaster non-delivery notification: ",
                                             "sender delay notification: " };
    const char *p, *next;

    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        if (has_prefix(text, end, refusals[i])) {
            const char *w = strchr(refusals[i], '-');

            ev->verdict = slice(w ? w + 1 : refusals[i], refusals[i] + strlen(refusals[i]) - 2);
            refusal(text + strlen(refusals[i]), end, ev, 1);
            return ev->kind = TK_REJECT;
        }
    }
    if (ev->qid.n == 0)
        return TK_NONE;         /* NOQUEUE, connect, disconnect, statistics, warnings */
    for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
        if (has_prefix(text, end, children[i])) {
            ev->child = value(text + strlen(children[i]), end, 1, &next);
            return ev->kind = TK_CHILD;
        }
    }
    if (has_prefix(text, end, "client=")) {
        ev->client = value(text + 7, end, 0, &next);
        return ev->kind = TK_CLIENT;
    }
    if (has_prefix(text, end, "message-id=")) {
        ev->msgid = value(text + 11, end, 0, &next);
        return ev->kind = TK_MSGID;
    }
    if (end - text == 7 && memcmp(text, "removed", 7) == 0)
        return ev->kind = TK_REMOVED;
    if (has_prefix(text, end, "from=")) {
        ev->sender = field(text, end, "from=", 0);
        if (key_at(text, text, end, "status=expired"))
            return ev->kind = TK_EXPIRED;
        ev->size = number(field(text, end, "size=", 0));
        ev->nrcpt = (int) number(field(text, end, "nrcpt=", 1));
        return ev->kind = TK_QUEUED;
    }
    if (has_prefix(text, end, "to=")) {
        ev->rcpt[0].addr = field(text, end, "to=", 0);
        ev->nrcpts = 1;
        ev->orig_to = field(text, end, "orig_to=", 0);
        ev->relay = field(text, end, "relay=", 0);
        ev->dsn = field(text, end, "dsn=", 0);
        if ((p = key_at(text, text, end, "status=")) != NULL) {
            ev->status = value(p, end, 1, &next);
            ev->reply = paren(next, end);
        }
        return ev->kind = TK_DELIVERY;
    }
    if ((p = key_at(text, text, end, "from=")) != NULL)     /* pickup: uid=0 from=<root> */
        ev->sender = value(p, end, 1, &next);
    return ev->kind = TK_OTHER;
}

/* sendmail's "to=<a>,<b>,c, ..." list into ev->rcpt. */
static void sendmail_rcpts(const char *p, const char *end, struct tevent *ev)
{
    const char *next;

    while (p < end && ev->nrcpts < TEV_RCPT_MAX) {
        struct tslice a = value(p, end, 1, &next);

        if (a.n) {
            ev->rcpt[ev->nrcpts].where = ev->rcpt[ev->nrcpts].canonical = none;
            ev->rcpt[ev->nrcpts++].addr = a;
        }
        if (next >= end || *next != ',' || (next + 1 < end && next[1] == ' '))
            break;
        p = next + 1;
    }
}

static enum tkind sendmail_line(const char *text, const char *end, struct tevent *ev)
{
    const char *p, *next, *rest;
    struct tslice sub;

    if ((p = key_at(text, text, end, "reject=")) != NULL) {
        ev->verdict = lit("reject");
        ev->reply = slice(p, end);
        ev->sender = has_prefix(text, end, "Milter: from=") ? field(text, end, "from=", 0) : none;
        if (has_prefix(text, end, "Milter: to=") || key_at(text, text, end, "ruleset=check_rcpt,")) {
            ev->rcpt[0].addr = has_prefix(text, end, "Milter: ") ? field(text, end, "to=", 0) : field(text, end, "arg1=", 0);
            ev->nrcpts = ev->rcpt[0].addr.n > 0;
            ev->stage = lit("RCPT");
        } else if (has_prefix(text, end, "Milter: data") || has_prefix(text, end, "Milter: eom")) {
            ev->stage = lit("DATA");
        } else {
            ev->stage = key_at(text, text, end, "ruleset=check_relay,") ? lit("CONNECT")
                : lit("MAIL");
            if (ev->sender.n == 0 && key_at(text, text, end, "ruleset=check_mail,"))
                ev->sender = field(text, end, "arg1=", 0);
        }
        ev->relay = field(text, end, "relay=", 0);
        return ev->kind = TK_REJECT;
    }
    if (ev->qid.n == 0)
        return TK_NONE;
    sub = leading_qid(text, end, &rest);
    if (sub.n) {                /* "QID: NEWQID: DSN: ..." and other notices */
        ev->child = sub;
        return ev->kind = TK_CHILD;
    }
    if (has_prefix(text, end, "from=")) {
        ev->sender = field(text, end, "from=", 0);
        ev->size = number(field(text, end, "size=", 0));
        ev->nrcpt = (int) number(field(text, end, "nrcpts=", 0));
        ev->msgid = field(text, end, "msgid=", 0);
        ev->relay = field(text, end, "relay=", 0);
        if (ev->relay.n) {      /* "relay=host [ip]" runs to the next ", " */
            const char *q = ev->relay.p;

            while (q < end && !(q[0] == ',' && q + 1 < end && q[1] == ' '))
                q++;
            ev->client = slice(ev->relay.p, q);
        }
        return ev->kind = TK_QUEUED;
    }
    if (has_prefix(text, end, "to=")) {
        sendmail_rcpts(text + 3, end, ev);
        ev->relay = field(text, end, "relay=", 0);
        ev->dsn = field(text, end, "dsn=", 0);
        if ((p = key_at(text, text, end, "stat=")) != NULL) {
            ev->reply = slice(p, end);
            ev->status = value(p, end, 1, &next);
            if (ev->status.n && ev->status.p[ev->status.n - 1] == ':')
                ev->status.n--;
        }
        return ev->kind = TK_DELIVERY;
    }
    return ev->kind = TK_OTHER;
}

/* pogate-milter's "client=X from=<S> size=N spf=R to=<A>->po/mbx=<C> ...
 * outbound=po/mbx sender=<R> spoof=A:From=<F> verdict=V". */
static enum tkind milter_track(const char *text, const char *end, struct tevent *ev)
{
    const char *p = text, *next;

    ev->client = field(text, end, "client=", 1);
    ev->sender = field(text, end, "from=", 1);
    ev->size = number(field(text, end, "size=", 1));
    ev->outbound = field(text, end, "outbound=", 1);
    ev->spoof = word_field(text, end, "spoof=");
    ev->sender_rw = field(text, end, "sender=", 1);
    ev->verdict = field(text, end, "verdict=", 1);
    while ((p = key_at(text, p, end, "to=")) != NULL && ev->nrcpts < TEV_RCPT_MAX) {
        struct trcpt_ev *r = &ev->rcpt[ev->nrcpts++];

        r->where = r->canonical = none;
        r->addr = value(p, end, 1, &next);
        p = next;
        if (has_prefix(p, end, "->")) {
            const char *q = p + 2;

            while (q < end && *q != ' ' && !(q[0] == '=' && q + 1 < end && q[1] == '<'))
                q++;
            r->where = slice(p + 2, q);
            p = q;
            if (has_prefix(p, end, "=<"))
                r->canonical = value(p + 1, end, 1, &p);
        }
    }
    return ev->kind = TK_MILTER_TRACK;
}

static enum tkind milter_line(const char *text, const char *end, struct tevent *ev)
{
    static const char *const words[] = { "reject: ", "defer: ", "discard: " };

    if (has_prefix(text, end, "client="))
        return milter_track(text, end, ev);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (has_prefix(text, end, words[i])) {
            ev->verdict = slice(words[i], words[i] + strlen(words[i]) - 2);
            refusal(text + strlen(words[i]), end, ev, 0);
            return ev->kind = TK_MILTER_REJECT;
        }
    }
    return ev->kind = ev->qid.n ? TK_OTHER : TK_NONE;
}

/* pogate-lda's and pogate-lmtp's "to=<A>, from=<S>, po=P, mailbox=M, size=N,
 * path=PATH, status=WORD (TEXT)". */
static enum tkind agent_line(const char *text, const char *end, struct tevent *ev)
{
    const char *p, *st = NULL, *next;

    if (!has_prefix(text, end, "to="))
        return ev->kind = ev->qid.n ? TK_OTHER : TK_NONE;
    ev->rcpt[0].addr = field(text, end, "to=", 0);
    ev->nrcpts = 1;
    ev->sender = field(text, end, "from=", 0);
    ev->po = field(text, end, "po=", 0);
    ev->mbx = field(text, end, "mailbox=", 0);
    ev->size = number(field(text, end, "size=", 0));
    for (const char *q = text; (q = key_at(text, q, end, "status=")) != NULL; q++)
        st = q;
    if (st) {
        ev->verdict = value(st, end, 1, &next);
        ev->reply = paren(next, end);
    }
    if ((p = key_at(text, text, end, "path=")) != NULL) {
        const char *pe = st && st - 9 >= p ? st - 9 : end;      /* up to ", status=" */

        ev->path = slice(p, pe);
        if (ev->path.n == 1 && *ev->path.p == '-')
            ev->path = none;
    }
    return ev->kind = TK_AGENT;
}

static enum tsrc source(const struct logline *l)
{
    const char *p = l->prog;
    size_t n = l->proglen;

    if (n == 13 && memcmp(p, "pogate-milter", 13) == 0)
        return TSRC_MILTER;
    if ((n == 10 && memcmp(p, "pogate-lda", 10) == 0) || (n == 11 && memcmp(p, "pogate-lmtp", 11) == 0))
        return TSRC_AGENT;
    if ((n == 8 && memcmp(p, "sendmail", 8) == 0) || (n > 3 && memcmp(p, "sm-", 3) == 0))
        return TSRC_SENDMAIL;
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(p + i, "postfix", 7) == 0)
            return TSRC_POSTFIX;
    return TSRC_NONE;
}

enum tkind track_parse(const struct logline *l, struct tevent *ev)
{
    const char *end = l->text + l->textlen, *text;

    ev->src = source(l);
    ev->kind = TK_NONE;
    ev->qid = ev->client = ev->sender = ev->sender_rw = ev->outbound = ev->spoof = ev->msgid = ev->child = none;
    ev->stage = ev->verdict = ev->reply = ev->status = ev->dsn = ev->relay = ev->orig_to = none;
    ev->po = ev->mbx = ev->path = none;
    ev->size = -1;
    ev->nrcpt = -1;
    ev->nrcpts = 0;
    ev->rcpt[0].addr = ev->rcpt[0].where = ev->rcpt[0].canonical = none;
    if (ev->src == TSRC_NONE)
        return TK_NONE;
    if (has_prefix(l->text, end, "NOQUEUE: "))
        text = l->text + 9;
    else
        ev->qid = leading_qid(l->text, end, &text);
    switch (ev->src) {
    case TSRC_POSTFIX: postfix_line(text, end, ev); break;
    case TSRC_SENDMAIL: sendmail_line(text, end, ev); break;
    case TSRC_MILTER: milter_line(text, end, ev); break;
    default: agent_line(text, end, ev); break;
    }
    return ev->kind;
}
