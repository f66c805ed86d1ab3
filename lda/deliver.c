/* deliver.c - the phases of one delivery; see deliver.h.
 *
 * open     the store directories of every target (symlink-free, created)
 * write    one file per group (deliver_write.c), fsync, close
 * check    loop, maxsize, quota: per recipient, on the finished file
 * link     into each recipient's new/ (or the mailbag's new/)
 * sync     fsync of each new/ directory, or hand it to the caller
 * finish   unlink tmp/, settle and log every recipient
 * With DELIVER_ALL_OR_NOTHING a failure in any phase before the links are
 * durable leaves (or puts) nothing in new/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "lda_conf.h"
#include "deliver_int.h"
#include "log.h"
#include "mem.h"
#include "msgname.h"
#include "quota.h"

void deliver_init(void)
{
    storefs_init();
}

void deliver_rcpt_init(struct deliver_rcpt *r, const char *address, const struct po *po,
                       const struct mbx *mbx)
{
    memset(r, 0, sizeof(*r));
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->address = address;
    r->po = *po;
    r->mbx = *mbx;
    dstatus_pending(&r->st);
}

int deliver_resolve(struct podir *d, const char *address, struct deliver_rcpt *r)
{
    struct addr a;
    enum addr_status as;

    memset(r, 0, sizeof(*r));
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->address = address;
    dstatus_pending(&r->st);
    if ((as = addr_parse(address, strlen(address), 0, &a)) != ADDR_OK) {
        dstatus_set(&r->st, "5.1.3", "<%s>: bad recipient address syntax (%s)", address, addr_strerror(as));
        return -1;
    }
    switch (podir_resolve(d, a.key, &r->po, &r->mbx)) {
    case PODIR_FOUND:
        if (!podir_name_ok(r->po.name) || !podir_name_ok(r->mbx.name)
            || (r->po.via[0] && !podir_name_ok(r->po.via)))
            dstatus_set(&r->st, "4.3.0", "<%s>: unsafe postoffice or mailbox name in the maps", address);
        else if (r->po.paused)
            dstatus_set(&r->st, "4.2.1", "postoffice %s paused", r->po.name);
        else
            return 0;
        return -1;
    case PODIR_NO_MAILBOX:
        dstatus_set(&r->st, "5.1.1", "<%s>: no such mailbox", address);
        return -1;
    case PODIR_NOT_PO:
        dstatus_set(&r->st, "4.3.5", "<%s>: not a postoffice domain (maps and MTA routing disagree)",
                    address);
        return -1;
    default:
        dstatus_set(&r->st, "4.3.0", "<%s>: postoffice directory lookup failed", address);
        return -1;
    }
}

static int is_bag(const struct deliver_rcpt *r)
{
    return r->po.via[0] || r->po.store == PO_STORE_MAILBAG;
}

void deliver_fail_errno(struct job *j, int i, int err, const char *what)
{
    msg_warn("%s/%s: %s: %s", j->r[i].po.name, j->r[i].mbx.name, what, strerror(err));
    dstatus_errno(&j->r[i].st, err);
}

/* Group the pending recipients: one group per postoffice and kind. */
static void build_groups(struct job *j)
{
    int *gid = xcalloc((size_t) j->n, sizeof(int)), k, *fill;

    for (int i = 0; i < j->n; i++) {
        struct deliver_rcpt *r = &j->r[i];

        gid[i] = -1;
        if (!dstatus_is_pending(&r->st))
            continue;
        for (k = 0; k < j->ng; k++)
            if (j->g[k].bag == is_bag(r) && strcmp(j->g[k].po, r->po.name) == 0)
                break;
        if (k == j->ng) {
            struct group *g = &j->g[j->ng++];

            g->bag = is_bag(r);
            g->po = r->po.name;
            g->dir = r->po.via[0] ? r->po.via : r->po.name;
            g->owner = -1;
            g->fd = -1;
            g->tmpdir = -1;
            g->bagdir = (struct maildir) MAILDIR_INIT;
        }
        gid[i] = k;
        j->g[k].n++;
    }
    for (k = 0; k < j->ng; k++)
        j->g[k].first = k ? j->g[k - 1].first + j->g[k - 1].n : 0;
    fill = xcalloc((size_t) j->ng + 1, sizeof(int));
    for (int i = 0; i < j->n; i++)
        if (gid[i] >= 0)
            j->members[j->g[gid[i]].first + fill[gid[i]]++] = i;
    free(fill);
    free(gid);
}

/* Drop members that are no longer pending (their order is kept). */
static void compact(struct job *j, struct group *g)
{
    int k = 0;

    for (int m = 0; m < g->n; m++)
        if (dstatus_is_pending(&j->r[j->members[g->first + m]].st))
            j->members[g->first + k++] = j->members[g->first + m];
    g->n = k;
}

static void open_group(struct job *j, struct group *g)
{
    for (int m = 0; m < g->n; m++) {
        int i = j->members[g->first + m];

        if (g->bag) {
            if (m == 0 && mailbag_open(j->store, g->dir, &g->bagdir) < 0) {
                int err = errno;

                msg_warn("%s/mailbag: %s", g->dir, strerror(err));
                for (int x = 0; x < g->n; x++)
                    dstatus_errno(&j->r[j->members[g->first + x]].st, err);
                break;
            }
            g->tmpdir = g->bagdir.tmp;
        } else if (maildir_open(j->store, g->po, j->r[i].mbx.name, &j->md[i]) < 0) {
            deliver_fail_errno(j, i, errno, "opening the Maildir");
        } else if (g->owner < 0) {
            g->owner = i;
            g->tmpdir = j->md[i].tmp;
        }
    }
    compact(j, g);
}

int deliver_any_failed(const struct job *j)
{
    for (int i = 0; i < j->n; i++)
        if (!dstatus_is_pending(&j->r[i].st) && !dstatus_is_ok(&j->r[i].st))
            return 1;
    return 0;
}

static void write_groups(struct job *j)
{
    for (int k = 0; k < j->ng; k++) {
        struct group *g = &j->g[k];

        if (g->n == 0)
            continue;
        if (deliver_write(j, g) < 0) {
            for (int m = 0; m < g->n; m++)
                j->r[j->members[g->first + m]].st = g->st;
            g->n = 0;
        }
    }
    /* Only now: later groups may have copied from the first one's file. */
    for (int k = 0; k < j->ng; k++) {
        struct group *g = &j->g[k];

        if (g->fd >= 0 && close(g->fd) < 0 && g->written) {
            dstatus_errno(&g->st, errno);
            msg_warn("%s: closing %s: %m", g->dir, g->tmpname);
            for (int m = 0; m < g->n; m++)
                j->r[j->members[g->first + m]].st = g->st;
            g->n = 0;
        }
        g->fd = -1;
    }
}

#define NAME_MODE "unique file names: a retry after an interrupted delivery may store a second copy"

/* Once per message: why a retry after a crash could store a second copy. */
static void log_name_mode(const struct job *j)
{
    const char *qid = j->p->queue_id;
    int any = 0;

    for (int k = 0; k < j->ng; k++)
        any |= j->g[k].written;
    if (!any || deliver_stable(j))
        return;
    if (qid == NULL || *qid == 0)
        msg_info("%s (no queue id)", NAME_MODE);
    else if (!j->qid_ok)
        msg_info("%s (queue id not 1-63 letters and digits)", NAME_MODE);
    else if (j->when_state == 0)
        msg_info("%s (no Received header names id %s)", NAME_MODE, qid);
    else
        msg_info("%s (the date of the Received header naming id %s does not parse)", NAME_MODE, qid);
}

static void quota_fail(struct job *j, int i, const char *what, const char *name, long long quota)
{
    int bounce = j->p->quota_action == QUOTA_BOUNCE;

    dstatus_set(&j->r[i].st, bounce ? "5.2.2" : "4.2.2", "<%s>: %s %s full (quota %lld bytes)",
                j->r[i].address, what, name, quota);
}

/* Loop, size and quota checks on the finished file of group G. A file an
 * earlier attempt already placed counts against no quota a second time. */
static void check_group(struct job *j, struct group *g)
{
    long long file = g->hdrlen + g->size, used, po_used = -1;

    if (g->written)
        deliver_name(j, g);
    for (int m = 0; m < g->n; m++) {
        int i = j->members[g->first + m];
        struct deliver_rcpt *r = &j->r[i];
        int there = deliver_there(j, g, i);

        r->size = g->size;
        if (j->looped[i]) {
            dstatus_set(&r->st, "5.4.6", "<%s>: mail forwarding loop (Delivered-To: %s already present)",
                        r->address, r->mbx.address);
        } else if (r->po.maxsize > 0 && g->size > r->po.maxsize) {
            dstatus_set(&r->st, "5.3.4", "<%s>: message too big for postoffice %s (%lld > %lld bytes)",
                        r->address, r->po.name, g->size, r->po.maxsize);
        } else if (!g->bag && r->mbx.quota > 0 && !there) {
            if (quota_maildir_usage(j->md[i].top, &used) < 0)
                deliver_fail_errno(j, i, errno, "measuring mailbox usage");
            else if (used + file > r->mbx.quota)
                quota_fail(j, i, "mailbox", r->mbx.name, r->mbx.quota);
        }
        if (dstatus_is_pending(&r->st) && r->po.quota > 0 && !there) {
            if (po_used < 0) {
                const char *path[] = { g->dir, NULL };
                int fd = storefs_path(j->store, 0, path);

                if (fd < 0 || quota_po_usage(fd, &po_used) < 0) {
                    deliver_fail_errno(j, i, errno, "measuring postoffice usage");
                    po_used = -1;
                }
                if (fd >= 0)
                    close(fd);
                if (po_used < 0)
                    continue;
            }
            if (po_used + file > r->po.quota)
                quota_fail(j, i, "postoffice", r->po.name, r->po.quota);
            else
                po_used += file;        /* each link counts in its own mailbox */
        }
    }
    compact(j, g);
}

int deliver_message(const struct deliver_params *p, int fd, struct deliver_rcpt *r, int n)
{
    struct job j = { .p = p, .r = r, .n = n, .in = fd, .stream_group = -1 };
    struct stat st;
    int k, done;

    j.md = xcalloc((size_t) n + 1, sizeof(*j.md));
    for (int i = 0; i < n; i++)
        j.md[i] = (struct maildir) MAILDIR_INIT;
    j.looped = xcalloc((size_t) n + 1, sizeof(int));
    j.linked = xcalloc((size_t) n + 1, sizeof(int));
    j.twin = xcalloc((size_t) n + 1, sizeof(int));
    j.members = xcalloc((size_t) n + 1, sizeof(int));
    j.g = xcalloc((size_t) n + 1, sizeof(*j.g));
    j.in_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    j.qid_ok = msgname_qid_ok(p->queue_id);
    if ((j.store = open(p->store, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        msg_warn("store %s: %m", p->store);
        for (int i = 0; i < n; i++)
            if (dstatus_is_pending(&r[i].st))
                dstatus_errno(&r[i].st, errno);
    }
    build_groups(&j);
    for (k = 0; k < j.ng; k++)
        open_group(&j, &j.g[k]);
    if (!(p->flags & DELIVER_ALL_OR_NOTHING) || !deliver_any_failed(&j)) {
        j.iobuf = xmalloc(DELIVER_IOBUF);
        write_groups(&j);
        log_name_mode(&j);
        for (k = 0; k < j.ng; k++)
            check_group(&j, &j.g[k]);
        if (!(p->flags & DELIVER_ALL_OR_NOTHING) || !deliver_any_failed(&j)) {
            for (k = 0; k < j.ng; k++)
                deliver_link(&j, &j.g[k]);
            deliver_dirsync(&j);
        }
    }
    done = deliver_finish(&j);
    if (j.store >= 0)
        close(j.store);
    free(j.iobuf);
    free(j.md);
    free(j.looped);
    free(j.linked);
    free(j.twin);
    free(j.members);
    free(j.g);
    return done;
}
