/* decide_size.c - size limits; see decide_size.h. */
#include "decide_size.h"

enum verdict_action decide_size_mail(long long declared, long long largest, int trusted, const char *sender,
                                     struct verdict *v)
{
    if (trusted || declared <= 0 || largest <= 0 || declared <= largest)
        return verdict_continue(v);
    return verdict_reply(v, VERDICT_REJECT, "552", "5.3.4",
                         "<%s>: SIZE=%lld exceeds every postoffice's maximum message size", sender, declared);
}

enum verdict_action decide_size_po(long long declared, const char *po, long long maxsize, const char *addr,
                                   struct verdict *v)
{
    if (declared <= 0 || maxsize <= 0 || declared <= maxsize)
        return verdict_continue(v);
    return verdict_reply(v, VERDICT_REJECT, "552", "5.3.4",
                         "<%s>: SIZE=%lld exceeds the maximum message size of postoffice %s", addr, declared, po);
}

enum verdict_action decide_size_rcpts(long long size, const struct rcpt *r, size_t n, struct verdict *v)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].to.ours && r[i].to.maxsize > 0 && size > r[i].to.maxsize)
            return verdict_reply(v, VERDICT_REJECT, "552", "5.3.4",
                                 "message of %lld bytes exceeds the maximum message size of %s", size, r[i].to.where);
    return verdict_continue(v);
}

enum verdict_action decide_size_sender(long long size, const char *po, long long maxsize, struct verdict *v)
{
    if (maxsize <= 0 || size <= maxsize)
        return verdict_continue(v);
    return verdict_reply(v, VERDICT_REJECT, "552", "5.3.4",
                         "message of %lld bytes exceeds the maximum message size of postoffice %s", size, po);
}
