/* envelope.c - the envelope stages of pogate-milter: MAIL, RCPT, abort.
 *
 * MAIL: the outbound checks (outbound.c), SIZE= against the largest
 * postoffice limit, and SPF (decide_spf.c). RCPT: a PO domain's recipient
 * must resolve to a mailbox (550 5.1.1), its PO must not be paused (451
 * 4.2.1) nor too small for SIZE= (552 5.3.4); map trouble is 451 4.3.0.
 * Recipients outside every PO are none of pogate's business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "context.h"
#include "decide_spf.h"
#include "envarg.h"
#include "log.h"
#include "mem.h"
#include "outbound.h"
#include "stages.h"

static sfsistat check_spf(SMFICTX *m, struct ctx *c)
{
    struct spf_in in = {
        .enabled = c->gen->spf != NULL, .reject = c->gen->mc.spf == SPF_REJECT,
        .trusted = c->trust.trusted, .exempt = c->trust.spf_exempt, .have_ip = c->client.have_sa,
    };
    buf_t why = BUF_INIT;
    struct verdict v;

    if (!decide_spf_check(&in))
        return SMFIS_CONTINUE;
    c->spf = spf_check(c->gen->spf, client_addr(&c->client), c->helo ? c->helo : "", c->sender,
                       &c->spf_header, &why);
    c->spf_checked = 1;
    decide_spf(&in, c->spf, c->sender, why.data ? why.data : "", &v);
    buf_free(&why);
    return ctx_apply(m, c, "MAIL", &v);
}

sfsistat mlfi_envfrom(SMFICTX *m, char **argv)
{
    struct ctx *c = ctx_get(m);
    buf_t addr = BUF_INIT;
    long long max;
    sfsistat st;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_msg_reset(c);
    ctx_take_qid(c, m);
    envarg_address(argv[0], &addr);
    c->sender = buf_steal(&addr);
    c->declared_size = envarg_size(argv);
    decide_trust_sasl(smfi_getsymval(m, "{auth_authen}"), &c->trust);
    if ((st = outbound_envfrom(m, c)) != SMFIS_CONTINUE)
        return st;
    max = podir_max_size(c->maps);
    if (!c->trust.trusted && c->declared_size && max > 0 && c->declared_size > max) {
        return ctx_reply(m, c, "MAIL", SMFIS_REJECT, "552", "5.3.4",
                         "<%s>: SIZE=%lld exceeds every postoffice's maximum message size",
                         c->sender, c->declared_size);
    }
    return check_spf(m, c);
}

/* A recipient at a PO domain, resolved: check the PO and remember the mailbox. */
static sfsistat po_recipient(SMFICTX *m, struct ctx *c, struct rcpt *r,
                             const struct po *po, const struct mbx *mbx)
{
    if (po->paused) {
        return ctx_reply(m, c, "RCPT", SMFIS_TEMPFAIL, "451", "4.2.1",
                         "<%s>: postoffice %s paused, try again later", r->addr, po->name);
    }
    if (c->declared_size && po->maxsize && c->declared_size > po->maxsize) {
        return ctx_reply(m, c, "RCPT", SMFIS_REJECT, "552", "5.3.4",
                         "<%s>: SIZE=%lld exceeds the maximum message size of postoffice %s",
                         r->addr, c->declared_size, po->name);
    }
    r->canonical = xstrdup(mbx->address);
    r->maxsize = po->maxsize;
    snprintf(r->where, sizeof(r->where), "%s/%s", po->name, mbx->name);
    return SMFIS_CONTINUE;
}

sfsistat mlfi_envrcpt(SMFICTX *m, char **argv)
{
    struct ctx *c = ctx_get(m);
    buf_t addr = BUF_INIT;
    struct po po;
    struct mbx mbx;
    struct rcpt *r;
    sfsistat st = SMFIS_CONTINUE;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    envarg_address(argv[0], &addr);
    switch (podir_resolve(c->maps, addr.data ? addr.data : "", &po, &mbx)) {
    case PODIR_ERROR:
        st = ctx_reply(m, c, "RCPT", SMFIS_TEMPFAIL, "451", "4.3.0",
                       "<%s>: postoffice directory lookup failed", addr.data);
        break;
    case PODIR_NO_MAILBOX:
        st = ctx_reply(m, c, "RCPT", SMFIS_REJECT, "550", "5.1.1",
                       "<%s>: Recipient address rejected: no such mailbox", addr.data);
        break;
    case PODIR_FOUND:
        r = ctx_add_rcpt(c, argv[0], addr.data);
        if ((st = po_recipient(m, c, r, &po, &mbx)) != SMFIS_CONTINUE)
            ctx_drop_rcpt(c);
        break;
    case PODIR_NOT_PO:
        if (c->ob && (st = outbound_envrcpt(m, c, addr.data)) != SMFIS_CONTINUE)
            break;
        ctx_add_rcpt(c, argv[0], addr.data);
        break;
    }
    buf_free(&addr);
    return st;
}

sfsistat mlfi_abort(SMFICTX *m)
{
    struct ctx *c = ctx_get(m);

    if (c)
        ctx_msg_reset(c);
    return SMFIS_CONTINUE;
}
