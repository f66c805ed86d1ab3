/* connect.c - the connection stages of pogate-milter: connect, HELO, close.
 *
 * The session uses the configuration generation and map snapshot it took at
 * negotiation (ctx_take_config) until close; decide_access.c says whether
 * the client may go on and whether it is trusted. HELO is kept for SPF only
 * and never refused: the MTA waits for no reply to it where it can.
 */
#include <stdlib.h>

#include "context.h"
#include "decide_access.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "stages.h"

sfsistat mlfi_connect(SMFICTX *m, char *hostname, _SOCK_ADDR *hostaddr)
{
    struct ctx *c = ctx_get(m);
    struct access_in in;
    struct verdict v;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_take_config(c);
    client_set(&c->client, hostname, hostaddr);
    in.client = client_addr(&c->client);
    in.service = smfi_getsymval(m, "{daemon_name}");
    in.maps = c->maps;
    in.trusted_networks = c->gen->trusted;
    in.outbound_services = c->gen->mc.outbound_services;
    in.mta_refused_actions = c->missing_actions != 0;
    decide_access(&in, &c->trust, &v);
    metrics_connection(verdict_word(v.action));
    if (v.action != VERDICT_CONTINUE)
        return ctx_apply(m, c, "CONNECT", &v);
    msg_debug("connect from %s%s%s", c->client.label, c->trust.trusted ? ", trusted by " : "",
              c->trust.trusted ? c->trust.reason : "");
    return SMFIS_CONTINUE;
}

sfsistat mlfi_helo(SMFICTX *m, char *helo)
{
    struct ctx *c = ctx_get(m);

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    free(c->helo);
    c->helo = xstrdup(helo ? helo : "");
    return (c->steps & SMFIP_NR_HELO) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

sfsistat mlfi_close(SMFICTX *m)
{
    if (smfi_getpriv(m))
        ctx_get(m);             /* for the queue id on any last line */
    ctx_free(m);
    msg_set_queue_id(NULL);
    return SMFIS_CONTINUE;
}
