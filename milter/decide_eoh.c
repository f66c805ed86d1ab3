/* decide_eoh.c - the spoof check at end of headers; see decide_eoh.h. */
#include "decide_eoh.h"

/* 1 when the spoof check is all the message needs: DATA's decision, had
 * there been nothing to check. */
static int only_spoof_check(const struct data_in *data, const char **why)
{
    struct data_in rest = *data;

    if (!data->spoof_check) {
        *why = "no headers to check for spoofing";
        return 0;
    }
    rest.spoof_check = 0;
    return decide_data(&rest, why);
}

enum eoh_action decide_eoh(const struct eoh_in *in, struct spoof_out *out, struct verdict *v, const char **why)
{
    if (!only_spoof_check(in->data, why))
        return EOH_ON;
    if (decide_spoof(in->spoof, out, v) != VERDICT_CONTINUE) {
        *why = v->action == VERDICT_REJECT ? "forged, refused" : "spoof check failed";
        return EOH_REPLY;
    }
    if (out->action == PO_SPOOF_TAG) {
        *why = "forged, to be tagged at end of message";
        return EOH_TAG;
    }
    *why = "nothing forged";
    return EOH_ACCEPT;
}

int decide_eoh_step(int spf_on, long long largest, int spoof_any)
{
    return decide_data_step(spf_on, largest) && spoof_any;
}
