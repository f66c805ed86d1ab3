/* t_decide_negotiate.c - unit tests for milter/decide_negotiate.c: what the
 * milter asks for against what the MTA offers, with libmilter's own SMFIF_*
 * and SMFIP_* values (its header only; nothing of libmilter is linked). */
#include <libmilter/mfapi.h>

#include "decide_negotiate.h"
#include "tap.h"

/* What pogate-milter needs (negotiate.c, outbound.c) and would leave out. */
#define NEED (SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGFROM | SMFIF_CHGHDRS)
#define WANT_STEPS (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_NR_HDR | SMFIP_NR_BODY)

static struct negotiate_out offer(unsigned long actions, unsigned long steps)
{
    struct negotiate_in in = { actions, steps, NEED, SMFIF_SETSYMLIST, WANT_STEPS };
    struct negotiate_out out;

    decide_negotiate(&in, &out);
    return out;
}

int main(void)
{
    unsigned long all_actions = NEED | SMFIF_SETSYMLIST | SMFIF_CHGBODY | SMFIF_QUARANTINE | SMFIF_ADDRCPT_PAR;
    unsigned long all_steps = WANT_STEPS | SMFIP_NOHDRS | SMFIP_NOBODY | SMFIP_NOHELO | SMFIP_NR_RCPT;
    struct negotiate_out o = offer(all_actions, all_steps);
    struct negotiate_in no_symlist = { all_actions, all_steps, NEED, 0, WANT_STEPS };

    is_int(o.missing, 0, "everything offered: nothing missing");
    is_int(o.actions, NEED | SMFIF_SETSYMLIST, "... exactly the needed actions and the macro list asked for");
    ok(!(o.actions & (SMFIF_CHGBODY | SMFIF_QUARANTINE)), "... no body replacement, no quarantine");
    is_int(o.macros, 1, "... macro lists named");
    is_int(o.steps, WANT_STEPS, "... the steps left out, and no replies to headers and body");
    ok(!(o.steps & (SMFIP_NOHDRS | SMFIP_NOBODY | SMFIP_NOHELO)), "... headers, body and HELO still sent");

    o = offer(SMFIF_ADDHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_DELRCPT, SMFIP_NOCONNECT | SMFIP_NOHELO);
    is_int(o.missing, SMFIF_CHGFROM | SMFIF_CHGHDRS, "protocol 2's action set (0x0f): chgfrom and chgheader missing");
    is_int(o.actions, SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT, "... only offered actions asked for");
    is_int(o.macros, 0, "... no macro lists without SMFIF_SETSYMLIST");
    is_int(o.steps, 0, "... no step the MTA cannot leave out");

    o = offer(all_actions & ~SMFIF_DELRCPT, all_steps);
    is_int(o.missing, SMFIF_DELRCPT, "one needed action refused: it is missing");
    is_int(o.macros, 1, "... macros still named");

    o = offer(0, 0);
    is_int(o.missing, NEED, "nothing offered: every needed action missing");
    is_int(o.actions, 0, "... nothing asked for");

    o = offer(all_actions, SMFIP_NR_HDR | SMFIP_NOEOH);
    is_int(o.steps, SMFIP_NR_HDR | SMFIP_NOEOH, "only offered steps asked for");

    decide_negotiate(&no_symlist, &o);
    ok(o.macros == 0 && !(o.actions & SMFIF_SETSYMLIST), "no macro action given: none asked for");
    return done_testing();
}
