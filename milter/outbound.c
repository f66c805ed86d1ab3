/* outbound.c - outbound decisions of pogate-milter; see outbound.h.
 *
 * The envelope decisions (spoofing, outbound=no, the sender rewrite, SIZE=
 * against the sender's PO) are made here from the maps alone, at MAIL and
 * RCPT. Headers arrive one by one and are only kept (From:, Sender:,
 * Reply-To: with their per-name index, the first auto-reply marker); every
 * change happens at end of message, where obpolicy.c decides and this file
 * applies: size, auto-reply policy, header rewrites, envelope sender.
 *
 * The null sender: auto-replies are meant to be sent from <> (RFC 3834
 * section 3.3), so a trusted client's <> message whose first From: mailbox is
 * a PO mailbox is treated as that mailbox's outbound mail at end of message
 * (size, autoreply=no, header rewrites; the envelope stays <>). An
 * untrusted client's <> message is not ours to judge (bounces from the
 * Internet).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "context.h"
#include "decide_size.h"
#include "hdraddr.h"
#include "log.h"
#include "mem.h"
#include "obpolicy.h"
#include "outbound.h"

/* A From:, Sender: or Reply-To: header as it arrived. */
struct ob_hdr {
    char *name;
    char *value;
    int index;                  /* 1-based among headers of this name: smfi_chgheader's */
};

struct outbound_msg {
    int null_sender;            /* <> from a trusted client: the PO comes from From: */
    int have_po;                /* the fields below are filled */
    char po[PODIR_NAME_MAX + 1];
    char mbx[PODIR_NAME_MAX + 1];
    char address[PODIR_ADDR_MAX + 1];   /* public address */
    int autoreply;              /* the PO lets auto-replies out */
    int po_outbound;            /* the PO and the mailbox may send to the Internet */
    long long maxsize;          /* the sender PO's maxsize; 0 = none */
    struct ob_hdr *hdrs;
    int nhdr, hdr_cap;
    int nfrom, nsender, nreplyto;       /* per-name counts so far */
    const char *marker;         /* first auto-reply marker, static; NULL if none */
    char summary[PODIR_ADDR_MAX + 2 * PODIR_NAME_MAX + 64];
};

unsigned long outbound_actions(void)
{
    return SMFIF_CHGFROM | SMFIF_CHGHDRS;
}

/* Headers must be sent (SMFIP_NOHDRS is never asked for), but every outbound
 * decision waits for end of message, so header replies (SMFIP_NR_HDR) and
 * the end-of-headers step (SMFIP_NOEOH) stay off for both directions. */
unsigned long outbound_steps(void)
{
    return 0;
}

static void take_po(struct outbound_msg *ob, const struct po *po, const struct mbx *mbx)
{
    ob->have_po = 1;
    str_copy(ob->po, po->name, sizeof(ob->po));
    str_copy(ob->mbx, mbx->name, sizeof(ob->mbx));
    str_copy(ob->address, mbx->address, sizeof(ob->address));
    ob->autoreply = po->autoreply;
    ob->po_outbound = po->outbound && mbx->outbound;
    ob->maxsize = po->maxsize;
}

/* A trusted client's sender at a PO domain: find the mailbox or refuse. */
static sfsistat outbound_start(SMFICTX *m, struct ctx *c)
{
    struct po po;
    struct mbx mbx;
    struct verdict v;

    switch (podir_sender(c->maps, c->sender, &po, &mbx)) {
    case PODIR_ERROR:
        return ctx_reply(m, c, "MAIL", SMFIS_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
    case PODIR_FOUND:
        break;
    default:
        return ctx_reply(m, c, "MAIL", SMFIS_REJECT, "550", "5.7.1",
                         "<%s>: sender is not a postoffice mailbox", c->sender);
    }
    if (decide_size_po(c->declared_size, po.name, po.maxsize, c->sender, &v) != VERDICT_CONTINUE)
        return ctx_apply(m, c, "MAIL", &v);
    c->ob = xcalloc(1, sizeof(*c->ob));
    take_po(c->ob, &po, &mbx);
    return SMFIS_CONTINUE;
}

sfsistat outbound_envrcpt(SMFICTX *m, struct ctx *c, const char *rcpt)
{
    struct outbound_msg *ob = c->ob;

    if (!ob->have_po || ob->po_outbound)
        return SMFIS_CONTINUE;
    return ctx_reply(m, c, "RCPT", SMFIS_REJECT, "550", "5.7.1",
                     "<%s>: %s/%s may not send mail to the Internet (<%s>)",
                     c->sender, ob->po, ob->mbx, rcpt);
}

sfsistat outbound_envfrom(SMFICTX *m, struct ctx *c)
{
    const char *at = strrchr(c->sender, '@');

    if (*c->sender == 0 && c->trust.trusted) {
        c->ob = xcalloc(1, sizeof(*c->ob));     /* decided from From: at end of message */
        c->ob->null_sender = 1;
        return SMFIS_CONTINUE;
    }
    if (at == NULL)
        return SMFIS_CONTINUE;  /* null sender or a local name: not ours to judge */
    switch (podir_domain(c->maps, at + 1, NULL)) {
    case PODIR_ERROR:
        return ctx_reply(m, c, "MAIL", SMFIS_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
    case PODIR_NOT_PO:
        return SMFIS_CONTINUE;
    default:
        break;
    }
    if (!c->trust.trusted) {
        return ctx_reply(m, c, "MAIL", SMFIS_REJECT, "550", "5.7.1",
                         "<%s>: postoffice senders must authenticate or use a trusted relay",
                         c->sender);
    }
    return outbound_start(m, c);
}

/* The per-name counter of a rewritten header. */
static int *name_count(struct outbound_msg *ob, const char *name)
{
    if (strcasecmp(name, "From") == 0)
        return &ob->nfrom;
    if (strcasecmp(name, "Sender") == 0)
        return &ob->nsender;
    return &ob->nreplyto;
}

void outbound_header(struct ctx *c, const char *name, const char *value)
{
    struct outbound_msg *ob = c->ob;
    struct ob_hdr *h;

    if (ob->marker == NULL)
        ob->marker = ob_autoreply_marker(name, value);
    if (!ob_rewrites_header(name))
        return;
    if (ob->nhdr == ob->hdr_cap) {
        ob->hdr_cap = ob->hdr_cap ? 2 * ob->hdr_cap : 4;
        ob->hdrs = xrealloc(ob->hdrs, (size_t) ob->hdr_cap * sizeof(*ob->hdrs));
    }
    h = &ob->hdrs[ob->nhdr++];
    h->name = xstrdup(name);
    h->value = xstrdup(value);
    h->index = ++*name_count(ob, name);
}

/* The null sender: the PO of the first From: mailbox, if it is a PO mailbox.
 * Returns PODIR_FOUND (ob filled), PODIR_ERROR, or anything else for "not ours". */
static enum podir_result null_sender_po(struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    enum podir_result res = PODIR_NOT_PO;
    const struct hdraddr_mailbox *mb;
    struct hdraddr_list *l = NULL;
    const char *why;
    struct addr a;
    struct po po;
    struct mbx mbx;

    for (int i = 0; i < ob->nhdr && l == NULL; i++)
        if (strcasecmp(ob->hdrs[i].name, "From") == 0)
            l = hdraddr_parse(ob->hdrs[i].value, strlen(ob->hdrs[i].value), &why);
    if (l == NULL || hdraddr_count(l) == 0)
        goto done;
    mb = hdraddr_at(l, 0);
    if (addr_parse(mb->addr, strlen(mb->addr), 0, &a) != ADDR_OK)
        goto done;
    if ((res = podir_sender(c->maps, a.key, &po, &mbx)) == PODIR_FOUND)
        take_po(ob, &po, &mbx);
done:
    if (l)
        hdraddr_free(l);
    return res;
}

/* 1 if some envelope recipient is outside every postoffice. */
static int has_internet_rcpt(const struct ctx *c)
{
    return rcpt_any_foreign(c->rcpts, c->nrcpt);
}

/* autoreply=no: an auto-reply to the Internet is refused or dropped. */
static sfsistat autoreply_policy(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;

    if (ob->autoreply || ob->marker == NULL || !has_internet_rcpt(c))
        return SMFIS_CONTINUE;
    if (c->gen->mc.autoreply_action == AUTOREPLY_DISCARD) {
        msg_info("discard: END-OF-MESSAGE from %s: auto-reply (%s) from %s/%s to the Internet,"
                 " postoffice %s has autoreply=no", c->client.label, ob->marker, ob->po, ob->mbx, ob->po);
        return SMFIS_DISCARD;
    }
    return ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_REJECT, "550", "5.7.1",
                     "auto-replies (%s) from postoffice %s may not be sent to the Internet",
                     ob->marker, ob->po);
}

/* From:, Sender:, Reply-To: to the public addresses; -1 means tempfail (replied). */
static int rewrite_headers(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    buf_t out = BUF_INIT;
    const char *why = "";
    int rc = 0;

    for (int i = 0; i < ob->nhdr && rc == 0; i++) {
        struct ob_hdr *h = &ob->hdrs[i];

        switch (ob_rewrite_header(podir_sender, c->maps, h->name, h->value, &out, &why)) {
        case OB_KEEP:
            break;
        case OB_UNPARSEABLE:
            msg_warn("%s: header %s #%d left as it is: %s", c->client.label, h->name, h->index, why);
            break;
        case OB_TEMPFAIL:
            ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0",
                      "postoffice directory lookup failed");
            rc = -1;
            break;
        case OB_CHANGED:
            if (smfi_chgheader(m, h->name, h->index, out.data) != MI_SUCCESS) {
                msg_error("smfi_chgheader(%s, %d) failed", h->name, h->index);
                ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0", "header rewrite failed");
                rc = -1;
            }
            break;
        }
    }
    buf_free(&out);
    return rc;
}

/* The envelope sender to the public address, unless it is already that (or <>). */
static sfsistat rewrite_sender(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    char arg[PODIR_ADDR_MAX + 3];

    if (ob->null_sender || strcasecmp(ob->address, c->sender) == 0)
        return SMFIS_CONTINUE;
    snprintf(arg, sizeof(arg), "<%s>", ob->address);
    if (smfi_chgfrom(m, arg, NULL) != MI_SUCCESS) {
        msg_error("smfi_chgfrom(%s) failed", arg);
        return ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0", "sender rewrite failed");
    }
    return SMFIS_CONTINUE;
}

sfsistat outbound_eom(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    struct verdict v;
    sfsistat st;

    if (ob->null_sender) {
        switch (null_sender_po(c)) {
        case PODIR_FOUND:
            break;
        case PODIR_ERROR:
            return ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0",
                             "postoffice directory lookup failed");
        default:
            return SMFIS_CONTINUE;      /* From: names no PO mailbox: not outbound */
        }
        if (!ob->po_outbound && has_internet_rcpt(c))
            return ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_REJECT, "550", "5.7.1",
                             "<>: %s/%s may not send mail to the Internet", ob->po, ob->mbx);
    }
    if (decide_size_sender(c->size, ob->po, ob->maxsize, &v) != VERDICT_CONTINUE)
        return ctx_apply(m, c, "END-OF-MESSAGE", &v);
    if ((st = autoreply_policy(m, c)) != SMFIS_CONTINUE)
        return st;
    if (rewrite_headers(m, c) < 0)
        return SMFIS_TEMPFAIL;
    if ((st = rewrite_sender(m, c)) != SMFIS_CONTINUE)
        return st;
    snprintf(ob->summary, sizeof(ob->summary), "outbound=%s/%s sender=<%s>%s%s",
             ob->po, ob->mbx, ob->null_sender ? "" : ob->address,
             ob->marker ? " autoreply=" : "", ob->marker ? ob->marker : "");
    return SMFIS_CONTINUE;
}

void outbound_reset(struct ctx *c)
{
    struct outbound_msg *ob = c->ob;

    if (ob == NULL)
        return;
    for (int i = 0; i < ob->nhdr; i++) {
        free(ob->hdrs[i].name);
        free(ob->hdrs[i].value);
    }
    free(ob->hdrs);
    free(ob);
    c->ob = NULL;
}

const char *outbound_summary(const struct ctx *c)
{
    return c->ob ? c->ob->summary : "";
}
