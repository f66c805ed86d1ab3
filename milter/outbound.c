/* outbound.c - the outbound hooks of pogate-milter; see outbound.h.
 *
 * Headers arrive one by one and are only kept (From:, Sender:, Reply-To:
 * with their per-name index, and the first auto-reply marker); the
 * decisions are decide_outbound.c's at MAIL, RCPT and end of message and
 * obpolicy.c's for each kept header, and this file applies them in order:
 * refusal, header rewrites, envelope sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "context.h"
#include "decide_outbound.h"
#include "held.h"
#include "log.h"
#include "metrics.h"
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
    struct ob_sender sender;
    struct ob_hdr *hdrs;
    int nhdr, hdr_cap;
    int nfrom, nsender, nreplyto;       /* per-name counts so far */
    const char *marker;         /* first auto-reply marker, static; NULL if none */
    char summary[OB_SUMMARY_MAX];      /* set once the message went out */
    int held;                   /* quarantined for its PO */
    const char *judged;         /* "reject" once refused, else "accept" once accepted: counted at reset */
};

unsigned long outbound_actions(void)
{
    return SMFIF_CHGFROM | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
}

/* Headers must be sent (SMFIP_NOHDRS is never asked for), but every outbound
 * decision waits for end of message, so no header needs a reply
 * (SMFIP_NR_HDR, asked for both directions by negotiate.c) and the outbound
 * direction needs no end-of-headers step: negotiate.c asks for that one
 * only for the inbound spoof check (decide_eoh.h). Its reply is always
 * awaited (SMFIP_NR_EOH is never asked for): it may accept or refuse. */
unsigned long outbound_steps(void)
{
    return 0;
}

sfsistat outbound_envfrom(SMFICTX *m, struct ctx *c)
{
    struct ob_mail_in in = { c->sender, c->trust.trusted, c->declared_size, c->maps };
    struct ob_sender s;
    struct verdict v;

    if (decide_ob_mail(&in, &s, &v) != VERDICT_CONTINUE) {
        if (s.have_po && v.action == VERDICT_REJECT)
            metrics_outbound(s.po, "reject");
        return ctx_apply(m, c, "MAIL", &v);
    }
    if (s.outbound) {
        c->ob = xcalloc(1, sizeof(*c->ob));
        c->ob->sender = s;
    }
    return SMFIS_CONTINUE;
}

const struct ob_sender *outbound_sender(const struct ctx *c)
{
    return c->ob ? &c->ob->sender : NULL;
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
            ctx_tempfail(m, c, "END-OF-MESSAGE", "postoffice directory lookup failed");
            rc = -1;
            break;
        case OB_CHANGED:
            if (smfi_chgheader(m, h->name, h->index, out.data) != MI_SUCCESS) {
                msg_error("smfi_chgheader(%s, %d) failed", h->name, h->index);
                ctx_tempfail(m, c, "END-OF-MESSAGE", "header rewrite failed");
                rc = -1;
            }
            break;
        }
    }
    buf_free(&out);
    return rc;
}

/* The values of the From: headers, in order (a null sender's mailbox is the first one's). */
static const char **from_values(const struct outbound_msg *ob, size_t *n)
{
    const char **from = xcalloc((size_t) ob->nhdr + 1, sizeof(*from));

    *n = 0;
    for (int i = 0; i < ob->nhdr; i++)
        if (strcasecmp(ob->hdrs[i].name, "From") == 0)
            from[(*n)++] = ob->hdrs[i].value;
    return from;
}

/* The PO's outbound direction is stopped: record the queue id (held.h), then
 * have the MTA hold the message. Without the record pogate-po could not
 * release it, so either failing tempfails the message. */
static int hold(SMFICTX *m, struct ctx *c, const struct ob_eom_out *out)
{
    const char *dir = c->gen->conf.hold_dir;

    if (!held_qid_ok(c->qid)) {
        msg_error("no queue id from the MTA (macro i at end of message): cannot hold for %s", c->ob->sender.po);
        return -1;
    }
    if (held_add(dir, c->ob->sender.po, c->qid) < 0) {
        msg_error("%s/%s/%s: cannot record the held message: %m", dir, c->ob->sender.po, c->qid);
        return -1;
    }
    if (smfi_quarantine(m, (char *) out->hold_reason) != MI_SUCCESS) {
        msg_error("smfi_quarantine failed");
        held_remove(dir, c->ob->sender.po, c->qid);
        return -1;
    }
    return 0;
}

sfsistat outbound_eom(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    struct ob_eom_in in = { .maps = c->maps, .marker = ob->marker, .size = c->size, .sender = c->sender,
                            .internet_rcpt = rcpt_any_foreign(c->rcpts, c->nrcpt),
                            .autoreply_discard = c->gen->mc.autoreply_action == AUTOREPLY_DISCARD };
    const char **from = from_values(ob, &in.nfrom);
    struct ob_eom_out out;
    struct verdict v;
    char arg[PODIR_ADDR_MAX + 3];

    in.from = from;
    decide_ob_eom(&in, &ob->sender, &out, &v);
    free(from);
    if (v.action == VERDICT_REJECT)
        outbound_judged(c, "reject");
    if (v.action != VERDICT_CONTINUE || !out.outbound)
        return ctx_apply(m, c, "END-OF-MESSAGE", &v);
    if (rewrite_headers(m, c) < 0)
        return SMFIS_TEMPFAIL;
    if (out.new_sender[0]) {
        snprintf(arg, sizeof(arg), "<%s>", out.new_sender);
        if (smfi_chgfrom(m, arg, NULL) != MI_SUCCESS) {
            msg_error("smfi_chgfrom(%s) failed", arg);
            return ctx_tempfail(m, c, "END-OF-MESSAGE", "sender rewrite failed");
        }
    }
    if (out.hold && hold(m, c, &out) < 0)
        return ctx_tempfail(m, c, "END-OF-MESSAGE", "the message cannot be held");
    ob->held = out.hold;
    str_copy(ob->summary, out.summary, sizeof(ob->summary));
    outbound_judged(c, "accept");
    return SMFIS_CONTINUE;
}

void outbound_judged(struct ctx *c, const char *verdict)
{
    if (c->ob && verdict && (c->ob->judged == NULL || strcmp(verdict, "reject") == 0))
        c->ob->judged = verdict;
}

void outbound_reset(struct ctx *c)
{
    struct outbound_msg *ob = c->ob;

    if (ob == NULL)
        return;
    if (ob->judged && ob->sender.have_po)
        metrics_outbound(ob->sender.po, ob->judged);
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

int outbound_held(const struct ctx *c)
{
    return c->ob ? c->ob->held : 0;
}
