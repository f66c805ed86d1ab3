/* context.c - per-connection state of pogate-milter; see context.h.
 *
 * Every path out of a connection (close after QUIT, the MTA dropping the
 * connection, negotiation failure) ends in xxfi_close and so in ctx_free();
 * every path out of a message (end of message, abort, a new MAIL) ends in
 * ctx_msg_reset(). Nothing else owns memory.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "log.h"
#include "mem.h"
#include "outbound.h"
#include "spoof.h"

struct ctx *ctx_get(SMFICTX *m)
{
    struct ctx *c = smfi_getpriv(m);

    if (c == NULL) {
        c = xcalloc(1, sizeof(*c));
        buf_init(&c->spf_header);
        if (smfi_setpriv(m, c) != MI_SUCCESS) {
            msg_error("smfi_setpriv failed");
            free(c);
            return NULL;
        }
    }
    msg_set_queue_id(c->qid);
    return c;
}

void ctx_take_config(struct ctx *c)
{
    if (c->gen == NULL) {
        c->gen = state_gen();
        c->maps = state_podir();
    }
}

void ctx_take_qid(struct ctx *c, SMFICTX *m)
{
    const char *qid = smfi_getsymval(m, "i");

    if (qid && *qid && strcmp(qid, c->qid) != 0) {
        str_copy(c->qid, qid, sizeof(c->qid));
        msg_set_queue_id(c->qid);
    }
}

void ctx_add_rcpt(struct ctx *c, const char *arg, const char *addr, const struct rcpt_target *to)
{
    struct rcpt *r;

    if (c->nrcpt == c->rcpt_cap) {
        c->rcpt_cap = c->rcpt_cap ? 2 * c->rcpt_cap : 4;
        c->rcpts = xrealloc(c->rcpts, c->rcpt_cap * sizeof(*c->rcpts));
    }
    r = &c->rcpts[c->nrcpt++];
    r->arg = xstrdup(arg);
    r->addr = xstrdup(addr);
    r->to = *to;
}

void ctx_msg_reset(struct ctx *c)
{
    for (size_t i = 0; i < c->nrcpt; i++) {
        free(c->rcpts[i].arg);
        free(c->rcpts[i].addr);
    }
    c->nrcpt = 0;
    c->rcpt_refused = 0;
    free(c->sender);
    c->sender = NULL;
    c->declared_size = c->size = 0;
    c->uncounted = 0;
    c->spf = SPFR_NONE;
    c->spf_checked = 0;
    buf_reset(&c->spf_header);
    outbound_reset(c);
    spoof_reset(c);
    c->qid[0] = 0;
    msg_set_queue_id(NULL);
}

void ctx_free(SMFICTX *m)
{
    struct ctx *c = smfi_getpriv(m);

    if (c == NULL)
        return;
    ctx_msg_reset(c);
    free(c->rcpts);
    free(c->helo);
    buf_free(&c->spf_header);
    if (c->maps)
        podir_put(c->maps);
    gen_release(c->gen);
    free(c);
    smfi_setpriv(m, NULL);
}

sfsistat ctx_apply(SMFICTX *m, struct ctx *c, const char *stage, const struct verdict *v)
{
    const char *client = c->client.label[0] ? c->client.label : "unknown";

    if (v->error)
        msg_error("%s", v->error);
    switch (v->action) {
    case VERDICT_CONTINUE:
        return SMFIS_CONTINUE;
    case VERDICT_DISCARD:
        msg_info("discard: %s from %s: %s", stage, client, v->text);
        return SMFIS_DISCARD;
    case VERDICT_REJECT:
    case VERDICT_TEMPFAIL:
        break;
    }
    msg_info("%s: %s from %s: %s %s %s", v->action == VERDICT_REJECT ? "reject" : "defer", stage,
             client, v->code, v->xcode, v->text);
    if (smfi_setreply(m, (char *) v->code, (char *) v->xcode, (char *) v->text) != MI_SUCCESS)
        msg_warn("smfi_setreply(%s %s %s) failed", v->code, v->xcode, v->text);
    return v->action == VERDICT_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

sfsistat ctx_tempfail(SMFICTX *m, struct ctx *c, const char *stage, const char *text)
{
    struct verdict v;

    verdict_reply(&v, VERDICT_TEMPFAIL, "451", "4.3.0", "%s", text);
    return ctx_apply(m, c, stage, &v);
}
