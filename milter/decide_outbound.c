/* decide_outbound.c - the outbound envelope decisions; see decide_outbound.h.
 *
 * The null sender: an untrusted client's <> is a bounce from the Internet,
 * not ours to judge; a trusted client's is outbound when the first From:
 * header that parses names a PO mailbox first, and is then held to that
 * mailbox's rules (outbound=no, size, autoreply=no) with the envelope kept <>.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "decide_outbound.h"
#include "decide_size.h"
#include "hdraddr.h"

static void take_po(struct ob_sender *s, const struct po *po, const struct mbx *mbx)
{
    s->have_po = 1;
    str_copy(s->po, po->name, sizeof(s->po));
    str_copy(s->mbx, mbx->name, sizeof(s->mbx));
    str_copy(s->address, mbx->address, sizeof(s->address));
    s->autoreply = po->autoreply;
    s->may_send_out = po->outbound && mbx->outbound;
    s->maxsize = po->maxsize;
    s->held = po->held;
}

static enum verdict_action lookup_failed(struct verdict *v)
{
    return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
}

/* A trusted client's sender at a PO domain: its mailbox, or a refusal. */
static enum verdict_action sender_mailbox(const struct ob_mail_in *in, struct ob_sender *s, struct verdict *v)
{
    struct po po;
    struct mbx mbx;

    switch (podir_sender(in->maps, in->sender, &po, &mbx)) {
    case PODIR_ERROR:
        return lookup_failed(v);
    case PODIR_FOUND:
        break;
    default:
        return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1", "<%s>: sender is not a postoffice mailbox",
                             in->sender);
    }
    take_po(s, &po, &mbx);      /* the sender's PO, for the metrics, also when refused */
    if (decide_size_po(in->declared_size, po.name, po.maxsize, in->sender, v) != VERDICT_CONTINUE)
        return v->action;
    s->outbound = 1;
    return VERDICT_CONTINUE;
}

enum verdict_action decide_ob_mail(const struct ob_mail_in *in, struct ob_sender *s, struct verdict *v)
{
    const char *at = strrchr(in->sender, '@');

    memset(s, 0, sizeof(*s));
    verdict_continue(v);
    if (*in->sender == 0 && in->trusted) {
        s->outbound = s->null_sender = 1;       /* decided from From: at end of message */
        return VERDICT_CONTINUE;
    }
    if (at == NULL)
        return VERDICT_CONTINUE;        /* null sender or a local name: not ours to judge */
    switch (podir_domain(in->maps, at + 1, NULL)) {
    case PODIR_ERROR:
        return lookup_failed(v);
    case PODIR_NOT_PO:
        return VERDICT_CONTINUE;
    default:
        break;
    }
    if (!in->trusted)
        return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1",
                             "<%s>: postoffice senders must authenticate or use a trusted relay", in->sender);
    return sender_mailbox(in, s, v);
}

enum verdict_action decide_ob_rcpt(const struct ob_sender *s, const char *sender, const char *rcpt,
                                   struct verdict *v)
{
    if (!s->outbound || !s->have_po || s->may_send_out)
        return verdict_continue(v);
    return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1", "<%s>: %s/%s may not send mail to the Internet (<%s>)",
                         sender, s->po, s->mbx, rcpt);
}

/* The null sender: the mailbox of the first From: that parses, if it is a PO
 * mailbox. PODIR_FOUND (*s filled), PODIR_ERROR, or anything else for "not ours". */
static enum podir_result from_mailbox(const struct ob_eom_in *in, struct ob_sender *s)
{
    enum podir_result res = PODIR_NOT_PO;
    struct hdraddr_list *l = NULL;
    const char *why;
    struct addr a;
    struct po po;
    struct mbx mbx;

    for (size_t i = 0; i < in->nfrom && l == NULL; i++)
        l = hdraddr_parse(in->from[i], strlen(in->from[i]), &why);
    if (l && hdraddr_count(l) > 0) {
        const struct hdraddr_mailbox *mb = hdraddr_at(l, 0);

        if (addr_parse(mb->addr, strlen(mb->addr), 0, &a) == ADDR_OK
            && (res = podir_sender(in->maps, a.key, &po, &mbx)) == PODIR_FOUND)
            take_po(s, &po, &mbx);
    }
    if (l)
        hdraddr_free(l);
    return res;
}

/* autoreply=no: an auto-reply to the Internet is refused or dropped. */
static enum verdict_action autoreply_policy(const struct ob_eom_in *in, const struct ob_sender *s,
                                            struct verdict *v)
{
    if (s->autoreply || in->marker == NULL || !in->internet_rcpt)
        return verdict_continue(v);
    if (in->autoreply_discard)
        return verdict_discard(v, "auto-reply (%s) from %s/%s to the Internet, postoffice %s has autoreply=no",
                               in->marker, s->po, s->mbx, s->po);
    return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1",
                         "auto-replies (%s) from postoffice %s may not be sent to the Internet", in->marker, s->po);
}

enum verdict_action decide_ob_eom(const struct ob_eom_in *in, struct ob_sender *s, struct ob_eom_out *out,
                                  struct verdict *v)
{
    memset(out, 0, sizeof(*out));
    verdict_continue(v);
    if (!s->outbound)
        return VERDICT_CONTINUE;
    if (s->null_sender) {
        switch (from_mailbox(in, s)) {
        case PODIR_FOUND:
            break;
        case PODIR_ERROR:
            return lookup_failed(v);
        default:
            return VERDICT_CONTINUE;    /* From: names no PO mailbox: not outbound */
        }
        if (!s->may_send_out && in->internet_rcpt)
            return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1", "<>: %s/%s may not send mail to the Internet",
                                 s->po, s->mbx);
    }
    out->outbound = 1;
    if (decide_size_sender(in->size, s->po, s->maxsize, v) != VERDICT_CONTINUE
        || autoreply_policy(in, s, v) != VERDICT_CONTINUE)
        return v->action;
    if (!s->null_sender && strcasecmp(s->address, in->sender) != 0)
        str_copy(out->new_sender, s->address, sizeof(out->new_sender));
    if (s->held) {
        out->hold = 1;
        snprintf(out->hold_reason, sizeof(out->hold_reason), "pogate: postoffice %s outbound paused", s->po);
    }
    snprintf(out->summary, sizeof(out->summary), "outbound=%s/%s sender=<%s>%s%s%s%s",
             s->po, s->mbx, s->null_sender ? "" : s->address,
             in->marker ? " autoreply=" : "", in->marker ? in->marker : "",
             s->held ? " hold=" : "", s->held ? s->po : "");
    return VERDICT_CONTINUE;
}
