/* decide_data.c - accept at DATA what needs nothing more; see decide_data.h. */
#include <stdlib.h>

#include "decide_data.h"
#include "mem.h"

int decide_data(const struct data_in *in, const char **why)
{
    struct rcpt_change *ch;
    size_t changes;

    if (in->outbound) {
        *why = "outbound: headers and sender rewrite";
        return 0;
    }
    if (in->rcpt_refused) {
        *why = "a recipient refusal to give at end of message";
        return 0;
    }
    if (in->spoof_check) {
        *why = "headers to check for spoofing";
        return 0;
    }
    if (in->spf_header) {
        *why = "Received-SPF to add";
        return 0;
    }
    for (size_t i = 0; i < in->nrcpt; i++)
        if (in->rcpts[i].to.ours && in->rcpts[i].to.maxsize > 0) {
            *why = "a recipient postoffice has a maxsize";
            return 0;
        }
    ch = xcalloc(2 * in->nrcpt + 1, sizeof(*ch));
    changes = rcpt_rewrites(in->rcpts, in->nrcpt, ch);
    free(ch);
    if (changes > 0) {
        *why = "recipients to rewrite";
        return 0;
    }
    *why = "nothing left for end of message";
    return 1;
}

int decide_data_step(int spf_on, long long largest)
{
    return !spf_on && largest == 0;
}
