/* outbound.c - outbound decisions of pogate-milter; see outbound.h.
 *
 * The envelope decisions (spoofing, outbound=no, the sender rewrite) are made
 * here from the maps alone. Rewriting From:/Sender:/Reply-To: and stopping
 * auto-replies need the RFC 5322/2047 header library; outbound_header() is
 * where those headers arrive and outbound_eom() where they are changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "context.h"
#include "log.h"
#include "mem.h"
#include "outbound.h"

struct outbound_msg {
    char po[PODIR_NAME_MAX + 1];
    char mbx[PODIR_NAME_MAX + 1];
    char address[PODIR_ADDR_MAX + 1];   /* public address */
    char display_name[256];
    int autoreply;              /* the PO lets auto-replies out */
    int po_outbound;            /* the PO and the mailbox may send to the Internet */
    char summary[PODIR_ADDR_MAX + 2 * PODIR_NAME_MAX + 32];
};

unsigned long outbound_actions(void)
{
    return SMFIF_CHGFROM;
}

unsigned long outbound_steps(void)
{
    return 0;
}

/* A trusted client's sender at a PO domain: find the mailbox or refuse. */
static sfsistat outbound_start(SMFICTX *m, struct ctx *c)
{
    struct po po;
    struct mbx mbx;
    struct outbound_msg *ob;

    switch (podir_sender(c->maps, c->sender, &po, &mbx)) {
    case PODIR_ERROR:
        return ctx_reply(m, c, "MAIL", SMFIS_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
    case PODIR_FOUND:
        break;
    default:
        return ctx_reply(m, c, "MAIL", SMFIS_REJECT, "550", "5.7.1",
                         "<%s>: sender is not a postoffice mailbox", c->sender);
    }
    c->ob = ob = xcalloc(1, sizeof(*ob));
    str_copy(ob->po, po.name, sizeof(ob->po));
    str_copy(ob->mbx, mbx.name, sizeof(ob->mbx));
    str_copy(ob->address, mbx.address, sizeof(ob->address));
    str_copy(ob->display_name, mbx.display_name, sizeof(ob->display_name));
    ob->autoreply = po.autoreply;
    ob->po_outbound = po.outbound && mbx.outbound;
    return SMFIS_CONTINUE;
}

sfsistat outbound_envrcpt(SMFICTX *m, struct ctx *c, const char *rcpt)
{
    struct outbound_msg *ob = c->ob;

    if (ob->po_outbound)
        return SMFIS_CONTINUE;
    return ctx_reply(m, c, "RCPT", SMFIS_REJECT, "550", "5.7.1",
                     "<%s>: %s/%s may not send mail to the Internet (<%s>)",
                     c->sender, ob->po, ob->mbx, rcpt);
}

sfsistat outbound_envfrom(SMFICTX *m, struct ctx *c)
{
    const char *at = strrchr(c->sender, '@');

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
    if (!c->trusted) {
        return ctx_reply(m, c, "MAIL", SMFIS_REJECT, "550", "5.7.1",
                         "<%s>: postoffice senders must authenticate or use a trusted relay",
                         c->sender);
    }
    return outbound_start(m, c);
}

void outbound_header(struct ctx *c, const char *name, const char *value)
{
    (void) c, (void) name, (void) value;
    /* From:, Sender:, Reply-To: and auto-reply markers are collected here
     * once the RFC 5322 header library is wired in. */
}

sfsistat outbound_eom(SMFICTX *m, struct ctx *c)
{
    struct outbound_msg *ob = c->ob;
    char arg[PODIR_ADDR_MAX + 3];

    if (strcasecmp(ob->address, c->sender) != 0) {
        snprintf(arg, sizeof(arg), "<%s>", ob->address);
        if (smfi_chgfrom(m, arg, NULL) != MI_SUCCESS) {
            msg_error("smfi_chgfrom(%s) failed", arg);
            return ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0", "sender rewrite failed");
        }
    }
    snprintf(ob->summary, sizeof(ob->summary), "outbound=%s/%s sender=<%s>",
             ob->po, ob->mbx, ob->address);
    return SMFIS_CONTINUE;
}

void outbound_reset(struct ctx *c)
{
    free(c->ob);
    c->ob = NULL;
}

const char *outbound_summary(const struct ctx *c)
{
    return c->ob ? c->ob->summary : "";
}
