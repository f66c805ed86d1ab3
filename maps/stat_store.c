/* stat_store.c - counting a postoffice's files; see stat_store.h.
 *
 * The measurement is usage.h's, the one the delivery agents' quota check
 * makes, with a stat per file in new/ for the oldest one's mtime (an
 * admin's command may take the milliseconds); a downstream postoffice's is
 * its share of its hub's mailbag.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "stat_store.h"
#include "usage.h"

static void failed(struct stat_store *s, int err)
{
    if (err != ENOENT) {
        s->errors++;
        s->err = err;
    }
}

static void measure(int root, const struct po *po, struct stat_store *out)
{
    const char *dir = po->via[0] ? po->via : po->name;
    struct usage u;
    int fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        failed(out, errno);
        return;
    }
    if (po->via[0])
        usage_downstream(fd, po->name, USAGE_OLDEST, &u);
    else
        usage_po(fd, USAGE_OLDEST, &u);
    close(fd);
    out->waiting = u.waiting;
    out->waiting_bytes = u.waiting_bytes;
    out->oldest = u.oldest;
    out->used = u.bytes;
    out->mailboxes = u.mailboxes;
    out->errors = u.errors;
    out->err = u.err;
}

void stat_store_scan(const char *store, const struct po *po, struct stat_store *out)
{
    int root;

    memset(out, 0, sizeof(*out));
    if ((root = open(store, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        failed(out, errno);
        return;
    }
    measure(root, po, out);
    close(root);
}
