/* envelope.c - the envelope stages of pogate-milter: MAIL, RCPT, abort.
 *
 * MAIL and RCPT: the address syntax first (decide_syntax.c). MAIL: a SASL
 * login trusts the client, then the outbound decisions
 * (outbound.c), SIZE= against the largest postoffice limit, and SPF
 * (decide_spf.c). RCPT: where the recipient goes (decide_rcpt.c). Each
 * callback only gathers what libmilter hands over, asks the decision, and
 * applies its verdict.
 */
#include <stdlib.h>

#include "context.h"
#include "decide_rcpt.h"
#include "decide_size.h"
#include "decide_spf.h"
#include "decide_syntax.h"
#include "envarg.h"
#include "log.h"
#include "metrics.h"
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
    struct verdict v;
    sfsistat st;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_msg_reset(c);
    ctx_take_qid(c, m);
    if (decide_syntax(argv[0], 1, &v) != VERDICT_CONTINUE)
        return ctx_apply(m, c, "MAIL", &v);
    envarg_address(argv[0], &addr);
    c->sender = buf_steal(&addr);
    c->declared_size = envarg_size(argv);
    if (envarg_smtputf8(argv))
        msg_debug("MAIL FROM:<%s> SMTPUTF8", c->sender);
    decide_trust_sasl(smfi_getsymval(m, "{auth_authen}"), &c->trust);
    if ((st = outbound_envfrom(m, c)) != SMFIS_CONTINUE)
        return st;
    if (decide_size_mail(c->declared_size, podir_max_size(c->maps), c->trust.trusted, c->sender, &v)
        != VERDICT_CONTINUE)
        return ctx_apply(m, c, "MAIL", &v);
    return check_spf(m, c);
}

sfsistat mlfi_envrcpt(SMFICTX *m, char **argv)
{
    struct ctx *c = ctx_get(m);
    buf_t addr = BUF_INIT;
    struct rcpt_in in;
    struct rcpt_target to;
    struct verdict v;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    if (decide_syntax(argv[0], 0, &v) != VERDICT_CONTINUE)
        return ctx_apply(m, c, "RCPT", &v);
    envarg_address(argv[0], &addr);
    in.addr = addr.data;
    in.declared_size = c->declared_size;
    in.maps = c->maps;
    in.ob = outbound_sender(c);
    in.sender = c->sender ? c->sender : "";
    if (decide_rcpt(&in, &to, &v) == VERDICT_CONTINUE)
        ctx_add_rcpt(c, argv[0], addr.data, &to);
    if (to.counted)
        metrics_recipient(to.po, to.counted);
    else if (v.action == VERDICT_REJECT)
        outbound_judged(c, "reject");
    buf_free(&addr);
    if (v.action == VERDICT_REJECT && c->client.local_submission) {
        if (!c->rcpt_refused)
            c->rcpt_refusal = v, c->rcpt_refused = 1;
        msg_info("RCPT from %s: %s %s %s: a local submission, refused at its end", c->client.label,
                 v.code, v.xcode, v.text);
        return SMFIS_CONTINUE;
    }
    return ctx_apply(m, c, "RCPT", &v);
}

sfsistat mlfi_abort(SMFICTX *m)
{
    struct ctx *c = ctx_get(m);

    if (c)
        ctx_msg_reset(c);
    return SMFIS_CONTINUE;
}
