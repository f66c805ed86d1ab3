/* decide_negotiate.h - milter option negotiation: what to ask the MTA for.
 *
 * libmilter aborts the connection when a filter asks for an action the MTA
 * did not offer, so only offered actions are asked for; the needed ones the
 * MTA refuses are reported (the connect decision then tempfails every
 * session, decide_access.h, instead of passing mail it could not rewrite).
 * Steps are left out only where the MTA can leave them out. The bits are
 * libmilter's SMFIF_* and SMFIP_* values, handed in by the callback.
 */
#ifndef POGATE_MILTER_DECIDE_NEGOTIATE_H
#define POGATE_MILTER_DECIDE_NEGOTIATE_H

struct negotiate_in {
    unsigned long offered_actions;      /* SMFIF_* the MTA offers */
    unsigned long offered_steps;        /* SMFIP_* the MTA can do */
    unsigned long need_actions;         /* SMFIF_* the stages use */
    unsigned long symlist_action;       /* SMFIF_SETSYMLIST: asked for when offered, never missed */
    unsigned long want_steps;           /* SMFIP_* the milter would have (steps left out, no-reply steps) */
};

struct negotiate_out {
    unsigned long actions;      /* to ask for */
    unsigned long steps;        /* to ask for */
    unsigned long missing;      /* needed actions the MTA refuses; 0 = none */
    int macros;                 /* the milter may name the macros each stage gets */
};

void decide_negotiate(const struct negotiate_in *in, struct negotiate_out *out);

#endif
