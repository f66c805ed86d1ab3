/* decide_rcpt.c - recipient resolution and the recipient rewrite; see decide_rcpt.h.
 *
 * Addresses compare case-insensitively: a recipient already written as its
 * mailbox's public address (in any case) stays as it is, and a public
 * address is added only when no recipient that stays, and none added before,
 * already is that address.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "decide_outbound.h"
#include "decide_rcpt.h"
#include "decide_size.h"

static int has_8bit(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s >= 0x80)
            return 1;
    return 0;
}

/* A recipient at a PO domain, resolved: check the PO and say where it goes. */
static enum verdict_action po_recipient(const struct rcpt_in *in, const struct po *po, const struct mbx *mbx,
                                        struct rcpt_target *to, struct verdict *v)
{
    str_copy(to->po, po->name, sizeof(to->po));
    to->counted = "tempfail";
    if (po->paused)
        return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.2.1", "<%s>: postoffice %s paused, try again later",
                             in->addr, po->name);
    to->counted = "reject";
    if (decide_size_po(in->declared_size, po->name, po->maxsize, in->addr, v) != VERDICT_CONTINUE)
        return v->action;
    if (!po->utf8 && has_8bit(in->sender))
        return verdict_reply(v, VERDICT_REJECT, "553", "5.6.7", "<%s>: postoffice %s cannot store the UTF-8 "
                             "sender address <%s>", in->addr, po->name, in->sender);
    to->counted = "accept";
    to->ours = 1;
    str_copy(to->canonical, mbx->address, sizeof(to->canonical));
    snprintf(to->where, sizeof(to->where), "%s/%s", po->name, mbx->name);
    to->maxsize = po->maxsize;
    return VERDICT_CONTINUE;
}

enum verdict_action decide_rcpt(const struct rcpt_in *in, struct rcpt_target *to, struct verdict *v)
{
    struct po po;
    struct mbx mbx;

    memset(to, 0, sizeof(*to));
    verdict_continue(v);
    switch (podir_resolve(in->maps, in->addr, &po, &mbx)) {
    case PODIR_ERROR:
        to->counted = "tempfail";
        return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.0", "<%s>: postoffice directory lookup failed",
                             in->addr);
    case PODIR_NO_MAILBOX:
        str_copy(to->po, po.name, sizeof(to->po));
        to->counted = "unknown";
        return verdict_reply(v, VERDICT_REJECT, "550", "5.1.1",
                             "<%s>: Recipient address rejected: no such mailbox", in->addr);
    case PODIR_FOUND:
        return po_recipient(in, &po, &mbx, to, v);
    case PODIR_NOT_PO:
        break;
    }
    if (in->ob)
        return decide_ob_rcpt(in->ob, in->sender, in->addr, v);
    return VERDICT_CONTINUE;
}

int rcpt_any_foreign(const struct rcpt *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!r[i].to.ours)
            return 1;
    return 0;
}

static int rewritten(const struct rcpt *r)
{
    return r->to.ours && strcasecmp(r->addr, r->to.canonical) != 0;
}

/* 1 if ADDR is already a recipient that stays, or one added before I. */
static int already_present(const struct rcpt *r, size_t n, size_t i, const char *addr)
{
    for (size_t j = 0; j < n; j++) {
        if (!rewritten(&r[j]) && strcasecmp(r[j].addr, addr) == 0)
            return 1;
        if (rewritten(&r[j]) && j < i && strcasecmp(r[j].to.canonical, addr) == 0)
            return 1;
    }
    return 0;
}

size_t rcpt_rewrites(const struct rcpt *r, size_t n, struct rcpt_change *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (!rewritten(&r[i]))
            continue;
        out[k].add = 0, out[k++].addr = r[i].arg;
        if (!already_present(r, n, i, r[i].to.canonical))
            out[k].add = 1, out[k++].addr = r[i].to.canonical;
    }
    return k;
}
