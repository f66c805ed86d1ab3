/* decide_syntax.c - the envelope's address syntax; see decide_syntax.h. */
#include <string.h>

#include "addr.h"
#include "decide_syntax.h"

enum verdict_action decide_syntax(const char *arg, int sender, struct verdict *v)
{
    struct addr a;
    enum addr_status st = addr_parse(arg, strlen(arg), ADDR_LOCAL_OK | (sender ? ADDR_NULL_OK : 0), &a);

    if (st == ADDR_OK)
        return verdict_continue(v);
    return verdict_reply(v, VERDICT_REJECT, "501", sender ? "5.1.7" : "5.1.3", "Bad %s address syntax: %s",
                         sender ? "sender" : "recipient", addr_strerror(st));
}
