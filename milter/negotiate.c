/* negotiate.c - milter option negotiation: ask the MTA for exactly what the
 * stages use, and refuse to run half-blind.
 *
 * decide_negotiate.c decides from the bits below; the needed actions the MTA
 * refuses are remembered in the context (connect then tempfails every
 * session, with this error logged once per connection). Steps no stage uses
 * are switched off, and headers and body chunks are sent without waiting for
 * a reply when the MTA can.
 *
 * Negotiation comes before the MTA says who the client is, so the steps
 * cannot differ between inbound and outbound connections; they follow the
 * configuration instead, which the connection takes here and keeps to its
 * close: HELO is read only by SPF (off: not sent; on: sent without a reply
 * awaited, nothing refuses it), the DATA step is asked for only where a
 * message may be accepted there (decide_data.h), which spares such a
 * message its headers, body and end of message, and the end-of-headers
 * step only where a message may be decided there by the spoof check
 * (decide_eoh.h), which spares an unforged one its body and end of message.
 * Every other message pays one round trip more for that step, so it stays
 * declined where no message can be decided there.
 */
#include "context.h"
#include "decide_data.h"
#include "decide_eoh.h"
#include "decide_negotiate.h"
#include "log.h"
#include "outbound.h"
#include "stages.h"

/* Inbound: Received-SPF, and the recipient rewrite at end of message. */
#define INBOUND_ACTIONS (SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT)

/* Steps no stage has a callback for. */
#define UNUSED_STEPS SMFIP_NOUNKNOWN

/* Steps that never decide anything, so the MTA need not wait for them. */
#define NO_REPLY_STEPS (SMFIP_NR_HDR | SMFIP_NR_BODY)

unsigned long milter_actions(void)
{
    return INBOUND_ACTIONS | outbound_actions();
}

/* Macros each stage reads; asking replaces the MTA's default list. */
static void request_macros(SMFICTX *m)
{
    static const struct {
        int stage;
        const char *list;
    } macros[] = {
        { SMFIM_CONNECT, "{daemon_name}" },
        { SMFIM_ENVFROM, "i {auth_authen}" },
        { SMFIM_DATA, "i" },
        { SMFIM_EOM, "i" },
    };

    for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
        if (smfi_setsymlist(m, macros[i].stage, (char *) macros[i].list) != MI_SUCCESS)
            msg_warn("MTA refused the macro list for stage %d", macros[i].stage);
}

/* HELO, DATA and end of headers, each left out or sent without a reply where
 * the connection's configuration and maps give it nothing to decide. */
static unsigned long message_steps(const struct ctx *c)
{
    int spf_on = c->gen->spf != NULL;
    long long largest = c->maps ? podir_max_size(c->maps) : 1;  /* no maps: every session tempfails */
    int spoof_any = c->maps && podir_spoof_any(c->maps);

    return (spf_on ? SMFIP_NR_HELO : SMFIP_NOHELO)
        | (decide_data_step(spf_on, largest) ? 0 : SMFIP_NODATA)
        | (decide_eoh_step(spf_on, largest, spoof_any) ? 0 : SMFIP_NOEOH);
}

sfsistat mlfi_negotiate(SMFICTX *m, unsigned long actions, unsigned long steps,
                        unsigned long f2, unsigned long f3, unsigned long *want_actions,
                        unsigned long *want_steps, unsigned long *pf2, unsigned long *pf3)
{
    struct ctx *c = ctx_get(m);
    struct negotiate_in in = {
        .offered_actions = actions, .offered_steps = steps, .need_actions = milter_actions(),
        .symlist_action = SMFIF_SETSYMLIST,
    };
    struct negotiate_out out;

    (void) f2, (void) f3;
    *pf2 = *pf3 = 0;
    if (c == NULL)
        return SMFIS_REJECT;
    ctx_take_config(c);
    in.want_steps = UNUSED_STEPS | NO_REPLY_STEPS | outbound_steps() | message_steps(c);
    msg_debug("negotiate: MTA offers actions 0x%lx steps 0x%lx", actions, steps);
    decide_negotiate(&in, &out);
    c->missing_actions = out.missing;
    if (out.missing)
        msg_error("the MTA refuses milter actions 0x%lx (offered 0x%lx, needed 0x%lx):"
                  " every connection will be tempfailed", out.missing, actions, in.need_actions);
    if (out.macros)
        request_macros(m);
    *want_actions = out.actions;
    *want_steps = c->steps = out.steps;
    return SMFIS_CONTINUE;
}
