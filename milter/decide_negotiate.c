/* decide_negotiate.c - milter option negotiation; see decide_negotiate.h. */
#include "decide_negotiate.h"

void decide_negotiate(const struct negotiate_in *in, struct negotiate_out *out)
{
    out->missing = in->need_actions & ~in->offered_actions;
    out->actions = in->need_actions & in->offered_actions;
    out->macros = in->symlist_action && (in->offered_actions & in->symlist_action) == in->symlist_action;
    if (out->macros)
        out->actions |= in->symlist_action;
    out->steps = in->offered_steps & in->want_steps;
}
