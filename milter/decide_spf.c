/* decide_spf.c - the SPF policy of MAIL; see decide_spf.h. */
#include "decide_spf.h"

int decide_spf_check(const struct spf_in *in)
{
    return in->enabled && !in->trusted && !in->exempt && in->have_ip;
}

enum verdict_action decide_spf(const struct spf_in *in, enum spf_result r, const char *sender,
                               const char *why, struct verdict *v)
{
    if (in->reject && r == SPFR_FAIL)
        return verdict_reply(v, VERDICT_REJECT, "550", "5.7.23", "<%s>: SPF validation failed: %s",
                             sender, why ? why : "");
    if (in->reject && r == SPFR_TEMPERROR)
        return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.4.3",
                             "<%s>: SPF check failed temporarily, try again later", sender);
    return verdict_continue(v);
}
