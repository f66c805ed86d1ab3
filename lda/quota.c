/* quota.c - mailbox and postoffice usage for the quota check; see quota.h. */
#include <errno.h>

#include "quota.h"
#include "usage.h"

/* U's bytes into *BYTES: 0, or -1 with errno when a folder could not be
 * read (a quota is not checked against part of the store). */
static int result(const struct usage *u, long long *bytes)
{
    *bytes = u->bytes;
    if (u->errors) {
        errno = u->err;
        return -1;
    }
    return 0;
}

int quota_maildir_usage(int mbxfd, long long *bytes)
{
    struct usage u;

    usage_maildir(mbxfd, 0, &u);
    return result(&u, bytes);
}

int quota_po_usage(int pofd, long long *bytes)
{
    struct usage u;

    usage_po(pofd, 0, &u);
    return result(&u, bytes);
}

int quota_downstream_usage(int hubfd, const char *po, long long *bytes)
{
    struct usage u;

    usage_downstream(hubfd, po, 0, &u);
    return result(&u, bytes);
}
