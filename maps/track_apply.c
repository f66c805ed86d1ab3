/* track_apply.c - what each line adds to its message; see track_msg.h.
 *
 * A recipient is one entry whatever the line calls it: pogate-milter names
 * the address as sent and the mailbox's public address it becomes, Postfix
 * the rewritten one with orig_to, the delivery agent the rewritten one. So
 * each is looked up under all three names before a new entry is made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "track_int.h"

#define FIELD_MAX 1024          /* longest value kept from a line */
#define LINES_MAX 200           /* lines kept per message (--lines) */
#define LINE_BYTES_MAX 65536

static int is(const char *s, struct tslice v)
{
    return s && strlen(s) == v.n && ascii_ncaseeq(s, v.p, v.n);
}

static void set(char **dst, struct tslice v)
{
    free(*dst);
    *dst = xstrndup(v.p, v.n > FIELD_MAX ? FIELD_MAX : v.n);
}

static void set_if_none(char **dst, struct tslice v)
{
    if (*dst == NULL && v.n)
        set(dst, v);
}

static void copy_name(char *dst, size_t size, struct tslice v)
{
    size_t n = v.n < size ? v.n : size - 1;

    memcpy(dst, v.p, n);
    dst[n] = 0;
    str_lower(dst);
}

/* The postoffice of R from the maps, when no line named it. */
static void po_from_maps(const struct track *t, struct trcpt *r)
{
    struct po po;
    struct mbx mbx;
    enum podir_result res;

    if (t->o.maps == NULL || r->po[0])
        return;
    res = podir_resolve(t->o.maps, r->canonical ? r->canonical : r->addr, &po, &mbx);
    if (res == PODIR_FOUND || res == PODIR_NO_MAILBOX)
        str_copy(r->po, po.name, sizeof(r->po));
    if (res == PODIR_FOUND)
        str_copy(r->mbx, mbx.name, sizeof(r->mbx));
}

static struct trcpt *rcpt(const struct track *t, struct tmsg *m, struct tslice addr, struct tslice orig)
{
    struct trcpt *r;

    for (int i = 0; i < m->nr; i++) {
        r = &m->r[i];
        if (is(r->addr, addr) || is(r->canonical, addr) || (orig.n && (is(r->addr, orig) || is(r->orig_to, orig))))
            return r;
    }
    if (m->nr == m->rcap) {
        m->rcap = m->rcap ? 2 * m->rcap : 4;
        m->r = xrealloc(m->r, (size_t) m->rcap * sizeof(*m->r));
    }
    r = &m->r[m->nr++];
    memset(r, 0, sizeof(*r));
    set(&r->addr, orig.n ? orig : addr);
    if (orig.n && !(addr.n == orig.n && ascii_ncaseeq(addr.p, orig.p, addr.n)))
        set(&r->canonical, addr);
    po_from_maps(t, r);
    return r;
}

/* The MTA's status word, Postfix's or sendmail's, as one of sent,
 * deferred, bounced, expired. */
static struct tslice status_word(struct tslice status, struct tslice dsn)
{
    static const char *const words[] = { "sent", "deferred", "bounced", "expired" };
    const char *w;

    if (status.n >= 4 && ascii_ncaseeq(status.p, "sent", 4))
        w = words[0];
    else if (status.n >= 5 && ascii_ncaseeq(status.p, "defer", 5))
        w = words[1];
    else if (status.n >= 6 && (ascii_ncaseeq(status.p, "bounce", 6) || ascii_ncaseeq(status.p, "expire", 6)))
        w = status.p[0] == 'e' || status.p[0] == 'E' ? words[3] : words[2];
    else if (dsn.n && dsn.p[0] == '5')
        w = words[2];
    else if (status.n >= 6 && ascii_ncaseeq(status.p, "queued", 6))
        w = words[1];
    else
        w = dsn.n && dsn.p[0] == '2' ? words[0] : words[1];
    return (struct tslice) { w, strlen(w) };
}

static void delivery(const struct track *t, struct tmsg *m, const struct tevent *ev)
{
    for (int i = 0; i < ev->nrcpts; i++) {
        struct trcpt *r = rcpt(t, m, ev->rcpt[i].addr, ev->orig_to);

        struct tslice w = status_word(ev->status, ev->dsn);

        set(&r->status, w);
        if (!(w.p[0] == 's' && r->state && strcmp(r->state, "delivered") == 0))
            r->state = w.p;     /* Postfix's "sent" after pogate-lda's "delivered" says less */
        if (ev->dsn.n)
            set(&r->dsn, ev->dsn);
        if (ev->relay.n)
            set(&r->relay, ev->relay);
        set(&r->text, ev->reply);
        r->attempts++;
    }
}

static void milter_track(const struct track *t, struct tmsg *m, const struct tevent *ev)
{
    set_if_none(&m->client, ev->client);
    if (m->sender && ev->sender.n && !is(m->sender, ev->sender) && m->sender_rw == NULL)
        m->sender_rw = m->sender, m->sender = NULL;     /* the MTA's line had the rewritten one */
    if (ev->sender.n || ev->verdict.n)
        set(&m->sender, ev->sender);
    if (ev->sender_rw.n)
        set(&m->sender_rw, ev->sender_rw);
    if (ev->outbound.n)
        set(&m->outbound, ev->outbound);
    if (ev->spoof.n)
        set(&m->spoof, ev->spoof);
    set(&m->verdict, ev->verdict);
    if (m->size < 0)
        m->size = ev->size;
    for (int i = 0; i < ev->nrcpts; i++) {
        struct tslice none = { "", 0 };
        struct trcpt *r = rcpt(t, m, ev->rcpt[i].addr, none);
        const char *slash = memchr(ev->rcpt[i].where.p, '/', ev->rcpt[i].where.n);

        if (ev->rcpt[i].canonical.n)
            set(&r->canonical, ev->rcpt[i].canonical);
        if (slash) {
            copy_name(r->po, sizeof(r->po), (struct tslice) { ev->rcpt[i].where.p, (size_t) (slash - ev->rcpt[i].where.p) });
            copy_name(r->mbx, sizeof(r->mbx), (struct tslice) { slash + 1, ev->rcpt[i].where.n - (size_t) (slash + 1 - ev->rcpt[i].where.p) });
        }
    }
}

static void agent(const struct track *t, struct tmsg *m, const struct tevent *ev)
{
    struct tslice none = { "", 0 };
    struct trcpt *r = rcpt(t, m, ev->rcpt[0].addr, none);

    set_if_none(&m->sender, ev->sender);
    set(&r->agent_status, ev->verdict);
    r->state = is("delivered", ev->verdict) ? "delivered" : is("bounced", ev->verdict) ? "bounced"
        : is("held", ev->verdict) ? "held" : "deferred";
    set(&r->agent_text, ev->reply);
    if (ev->path.n)
        set(&r->path, ev->path);
    if (ev->po.n && !(ev->po.n == 1 && *ev->po.p == '-'))
        copy_name(r->po, sizeof(r->po), ev->po);
    if (ev->mbx.n && !(ev->mbx.n == 1 && *ev->mbx.p == '-'))
        copy_name(r->mbx, sizeof(r->mbx), ev->mbx);
    if (m->size < 0)
        m->size = ev->size;
}

/* "STAGE: REPLY" of a refusal (the first one), and its word. */
static void refusal(struct tmsg *m, const struct tevent *ev)
{
    buf_t b = BUF_INIT;

    if (m->refusal)
        return;
    buf_printf(&b, "%.*s: %.*s", (int) ev->stage.n, ev->stage.p,
               (int) (ev->reply.n > FIELD_MAX ? FIELD_MAX : ev->reply.n), ev->reply.p);
    m->refusal = buf_steal(&b);
    set(&m->refused, ev->verdict);
}

/* A bounce or notice made of M: its queue id, shown with M's when M matches. */
static void child(struct track *t, struct tmsg *m, struct tslice c)
{
    buf_t b = BUF_INIT;
    char qid[24];

    if (c.n == 0 || c.n >= sizeof(qid))
        return;
    memcpy(qid, c.p, c.n);
    qid[c.n] = 0;
    if (m->children) {
        buf_puts(&b, m->children);
        buf_putc(&b, ' ');
    }
    buf_puts(&b, qid);
    free(m->children);
    m->children = buf_steal(&b);
    if (m->matched)
        track_want(t, qid);
}

/* The sender's mailbox in the maps, once: po= and mailbox= find the
 * refusals of a postoffice's users that no line names the postoffice of. */
static void sender_from_maps(const struct track *t, struct tmsg *m)
{
    struct po po;
    struct mbx mbx;

    if (m->sender_looked || m->sender == NULL || t->o.maps == NULL)
        return;
    m->sender_looked = 1;
    if (podir_sender(t->o.maps, m->sender, &po, &mbx) == PODIR_FOUND)
        snprintf(m->sender_po, sizeof(m->sender_po), "%s/%s", po.name, mbx.name);
}

static void apply(struct track *t, struct tmsg *m, const struct tevent *ev)
{
    struct tslice none = { "", 0 };

    if (ev->src == TSRC_POSTFIX || ev->src == TSRC_SENDMAIL)
        m->mta_lines++;
    if (ev->src == TSRC_SENDMAIL)
        m->sendmail = 1;
    switch (ev->kind) {
    case TK_CLIENT: set_if_none(&m->client, ev->client); break;
    case TK_MSGID: set_if_none(&m->msgid, ev->msgid); break;
    case TK_QUEUED:
        if (m->sender == NULL)
            set(&m->sender, ev->sender);
        else if (!is(m->sender, ev->sender) && m->sender_rw == NULL)
            set(&m->sender_rw, ev->sender);
        if (ev->size >= 0)
            m->size = ev->size;
        if (ev->nrcpt >= 0)
            m->nrcpt_expected = ev->nrcpt;
        set_if_none(&m->msgid, ev->msgid);
        set_if_none(&m->client, ev->client);
        break;
    case TK_DELIVERY: delivery(t, m, ev); break;
    case TK_REMOVED: m->removed = 1; break;
    case TK_EXPIRED: m->expired = 1; set_if_none(&m->sender, ev->sender); break;
    case TK_CHILD: child(t, m, ev->child); break;
    case TK_REJECT:
    case TK_MILTER_REJECT:
        refusal(m, ev);
        set_if_none(&m->client, ev->client);
        set_if_none(&m->sender, ev->sender);
        if (ev->nrcpts && ev->stage.n == 4 && memcmp(ev->stage.p, "RCPT", 4) == 0)
            rcpt(t, m, ev->rcpt[0].addr, none)->state = ev->reply.n && ev->reply.p[0] == '4' ? "deferred" : "refused";
        else if (ev->nrcpts)
            rcpt(t, m, ev->rcpt[0].addr, none);
        break;
    case TK_MILTER_TRACK: milter_track(t, m, ev); break;
    case TK_AGENT: agent(t, m, ev); break;
    default: break;
    }
    sender_from_maps(t, m);
}

static void keep_line(struct track *t, struct tmsg *m, const char *raw, size_t len)
{
    if (!t->o.keep_lines)
        return;
    if (m->nlines >= LINES_MAX || m->lines.len + len >= LINE_BYTES_MAX) {
        m->lines_dropped++;
        return;
    }
    buf_append(&m->lines, raw, len);
    buf_putc(&m->lines, '\n');
    m->nlines++;
}

/* A refusal before a queue id: pogate-milter's waits for the MTA's NOQUEUE
 * line of the same refusal, which joins it; either alone is a block. */
static void noqueue(struct track *t, const struct tevent *ev, long long now, const char *raw, size_t len)
{
    struct tmsg *m = NULL;

    if (ev->src == TSRC_POSTFIX && ev->kind == TK_REJECT && ev->client.n && ev->reply.n) {
        buf_t c = BUF_INIT, r = BUF_INIT;

        buf_append(&c, ev->client.p, ev->client.n);
        buf_printf(&r, "%.*s: %.*s", (int) ev->stage.n, ev->stage.p,
                   (int) (ev->reply.n > FIELD_MAX ? FIELD_MAX : ev->reply.n), ev->reply.p);
        m = track_pending_take(t, c.data, r.data);
        buf_free(&c);
        buf_free(&r);
    }
    if (m == NULL)
        m = track_new_msg(t, "", now);
    if (now > m->last)
        m->last = now;
    apply(t, m, ev);
    keep_line(t, m, raw, len);
    m->matched = m->matched || track_matches(t, m);
    if (ev->src == TSRC_MILTER && ev->kind == TK_MILTER_REJECT)
        track_pending_add(t, m);
    else
        track_close(t, m);
}

void track_line(struct track *t, const struct logline *l, const char *raw, size_t len)
{
    static _Thread_local struct tevent ev;      /* 20 KB: not on the stack of every line */
    char qid[24];
    struct tmsg *m;
    long long now = l->has_time ? l->sec : t->now;

    if (track_parse(l, &ev) == TK_NONE)
        return;
    track_advance(t, now);
    if (ev.qid.n == 0) {
        if (ev.kind == TK_REJECT || ev.kind == TK_MILTER_REJECT || ev.kind == TK_MILTER_TRACK || ev.kind == TK_AGENT)
            noqueue(t, &ev, now, raw, len);
        return;
    }
    memcpy(qid, ev.qid.p, ev.qid.n);
    qid[ev.qid.n] = 0;
    if ((m = track_find(t, qid)) == NULL) {
        if (t->qid_only && !track_line_wanted(t, qid, strlen(qid)))
            return;
        m = track_new_msg(t, qid, now);
    }
    apply(t, m, &ev);
    keep_line(t, m, raw, len);
    m->matched = m->matched || track_matches(t, m);
    if (m->removed || m->expired)
        track_close(t, m);
    else
        track_touch(t, m, now);
}
