/* deliver.c - the phases of one delivery; see deliver.h.
 *
 * plan     one group per postoffice and kind (deliver_int.h)
 * open     the store directories of every target (symlink-free, created)
 * write    one file per group (deliver_write.c), fsync, close
 * check    loop, maxsize, quota: per recipient, on the finished file
 * link     into each recipient's new/ (or the mailbag's new/; deliver_commit.c)
 * sync     fsync of each new/ directory, or hand it to the caller
 * finish   unlink tmp/ (or close an unnamed file), settle and log every recipient
 * With DELIVER_ALL_OR_NOTHING a failure in any phase before the links are
 * durable leaves (or puts) nothing in new/.
 *
 * This file owns the job: the recipients' groups and the directories it
 * opens. It hands each phase what it needs; the files it calls keep their
 * own state (deliver_write.h, deliver_commit.h) and never call back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver_commit.h"
#include "deliver_rcpt.h"
#include "deliver_write.h"
#include "fsync_dir.h"
#include "lda_conf.h"
#include "log.h"
#include "maildir.h"
#include "mem.h"
#include "quota.h"
#include "storefs.h"

/* One file of the delivery and what each phase made of it. */
struct group {
    struct dgroup d;            /* the plan, handed down */
    struct maildir bagdir;      /* a mailbag file's directories */
    struct dfile file;          /* deliver_write.c: the tmp file */
    struct commit_file pub;     /* deliver_commit.c: its name in new/ */
};

struct job {
    const struct deliver_params *p;
    struct deliver_rcpt *r;
    int n;
    int store;                  /* store root fd */
    struct maildir *md;         /* per recipient: its Maildir (Maildir groups) */
    int *members;               /* the groups' members, one group after the other */
    struct group *g;
    int ng;
    char *iobuf;                /* DELIVER_IOBUF bytes, lent to msg and c */
    struct dmsg msg;            /* deliver_write.c: the message and its scan */
    struct commit c;            /* deliver_commit.c: the links */
};

void deliver_init(void)
{
    storefs_init();
}

static int is_bag(const struct deliver_rcpt *r)
{
    return r->po.via[0] || r->po.store == PO_STORE_MAILBAG;
}

/* The group of R, added if it is the first of its postoffice and kind. */
static int group_of(struct job *j, const struct deliver_rcpt *r)
{
    int k;

    for (k = 0; k < j->ng; k++)
        if (j->g[k].d.bag == is_bag(r) && strcmp(j->g[k].d.po, r->po.name) == 0)
            return k;
    j->g[k].d = (struct dgroup) { .bag = is_bag(r), .po = r->po.name,
        .dir = r->po.via[0] ? r->po.via : r->po.name, .owner = -1, .tmpdir = -1 };
    j->g[k].bagdir = (struct maildir) MAILDIR_INIT;
    j->g[k].file = (struct dfile) DFILE_INIT;
    j->g[k].pub.fd = -1;
    j->ng++;
    return k;
}

/* Group the pending recipients: one group per postoffice and kind. */
static void build_groups(struct job *j)
{
    int *gid = xcalloc((size_t) j->n, sizeof(int)), *fill, at = 0;

    for (int i = 0; i < j->n; i++) {
        gid[i] = -1;
        if (!dstatus_is_pending(&j->r[i].st))
            continue;
        gid[i] = group_of(j, &j->r[i]);
        j->g[gid[i]].d.n++;
    }
    for (int k = 0; k < j->ng; k++) {
        j->g[k].d.members = j->members + at;
        at += j->g[k].d.n;
    }
    fill = xcalloc((size_t) j->ng + 1, sizeof(int));
    for (int i = 0; i < j->n; i++)
        if (gid[i] >= 0)
            j->g[gid[i]].d.members[fill[gid[i]]++] = i;
    free(fill);
    free(gid);
}

/* Drop members that are no longer pending (their order is kept). */
static void compact(struct job *j, struct dgroup *g)
{
    int k = 0;

    for (int m = 0; m < g->n; m++)
        if (dstatus_is_pending(&j->r[g->members[m]].st))
            g->members[k++] = g->members[m];
    g->n = k;
}

static void open_group(struct job *j, struct group *g)
{
    for (int m = 0; m < g->d.n; m++) {
        int i = g->d.members[m];

        if (g->d.bag) {
            if (m == 0 && mailbag_open(j->store, g->d.dir, &g->bagdir) < 0) {
                int err = errno;

                msg_warn("%s/mailbag: %s", g->d.dir, strerror(err));
                for (int x = 0; x < g->d.n; x++)
                    dstatus_errno(&j->r[g->d.members[x]].st, err);
                break;
            }
            g->d.tmpdir = g->bagdir.tmp;
            commit_dir(&j->c, i, &g->bagdir);
        } else if (maildir_open(j->store, g->d.po, j->r[i].mbx.name, &j->md[i]) < 0) {
            rcpt_fail(&j->r[i], errno, "opening the Maildir");
        } else {
            commit_dir(&j->c, i, &j->md[i]);
            if (g->d.owner < 0) {
                g->d.owner = i;
                g->d.tmpdir = j->md[i].tmp;
            }
        }
    }
    compact(j, &g->d);
}

static int any_failed(const struct job *j)
{
    for (int i = 0; i < j->n; i++)
        if (!dstatus_is_pending(&j->r[i].st) && !dstatus_is_ok(&j->r[i].st))
            return 1;
    return 0;
}

/* Every member of G fails with ST; G has no members left. */
static void fail_group(struct job *j, struct group *g, const struct dstatus *st)
{
    for (int m = 0; m < g->d.n; m++)
        j->r[g->d.members[m]].st = *st;
    g->d.n = 0;
}

static void write_groups(struct job *j)
{
    int any = 0;

    for (int k = 0; k < j->ng; k++) {
        struct group *g = &j->g[k];

        if (g->d.n > 0 && dfile_write(&j->msg, &g->d, &g->file) < 0)
            fail_group(j, g, &g->file.st);
    }
    /* Only now: later groups may have copied from the first one's file. */
    for (int k = 0; k < j->ng; k++) {
        struct group *g = &j->g[k];

        if (dfile_close(&g->d, &g->file) < 0)
            fail_group(j, g, &g->file.st);
        any |= g->file.written;
    }
    if (any)
        dmsg_log_unique(&j->msg);
}

static void quota_fail(struct job *j, int i, const char *what, const char *name, long long quota)
{
    int bounce = j->p->quota_action == QUOTA_BOUNCE;

    dstatus_set(&j->r[i].st, bounce ? "5.2.2" : "4.2.2", "<%s>: %s %s full (quota %lld bytes)",
                j->r[i].address, what, name, quota);
}

/* The postoffice quota of member I of G, with *USED what the postoffice
 * holds so far (-1: not measured yet). 0, or -1 when it cannot be measured. */
static int check_po_quota(struct job *j, struct group *g, int i, long long file, long long *used)
{
    const struct deliver_rcpt *r = &j->r[i];

    if (*used < 0) {
        const char *path[] = { g->d.dir, NULL };
        int fd = storefs_path(j->store, 0, path);

        /* A downstream postoffice's files lie in its hub's bag: count its own. */
        if (fd < 0 || (r->po.via[0] ? quota_downstream_usage(fd, r->po.name, used) : quota_po_usage(fd, used)) < 0) {
            rcpt_fail(&j->r[i], errno, "measuring postoffice usage");
            *used = -1;
        }
        if (fd >= 0)
            close(fd);
        if (*used < 0)
            return -1;
    }
    if (*used + file > r->po.quota)
        quota_fail(j, i, "postoffice", r->po.name, r->po.quota);
    else
        *used += file;          /* each link counts in its own mailbox */
    return 0;
}

/* Loop, size and quota checks on the finished file of group G. A file an
 * earlier attempt already placed counts against no quota a second time.
 * The name in new/ is set first: it tells whether the file is there. */
static void check_group(struct job *j, struct group *g)
{
    long long file = g->file.hdrlen + g->file.size, used, po_used = -1;

    if (g->file.written) {
        g->pub.tmpname = g->file.tmpname;
        g->pub.fd = g->file.anon ? g->file.fd : -1;
        g->pub.stable = dfile_name(&j->msg, &g->d, &g->file, g->pub.newname, sizeof(g->pub.newname));
    }
    for (int m = 0; m < g->d.n; m++) {
        int i = g->d.members[m];
        struct deliver_rcpt *r = &j->r[i];
        int there = commit_there(&j->c, &g->pub, i);

        r->size = g->file.received;
        if (dmsg_looped(&j->msg, i)) {
            dstatus_set(&r->st, "5.4.6", "<%s>: mail forwarding loop (Delivered-To: %s already present)",
                        r->address, r->mbx.address);
        } else if (r->po.maxsize > 0 && g->file.received > r->po.maxsize) {
            dstatus_set(&r->st, "5.3.4", "<%s>: message too big for postoffice %s (%lld > %lld bytes)",
                        r->address, r->po.name, g->file.received, r->po.maxsize);
        } else if (!g->d.bag && r->mbx.quota > 0 && !there) {
            if (quota_maildir_usage(j->md[i].top, &used) < 0)
                rcpt_fail(r, errno, "measuring mailbox usage");
            else if (used + file > r->mbx.quota)
                quota_fail(j, i, "mailbox", r->mbx.name, r->mbx.quota);
        }
        if (dstatus_is_pending(&r->st) && r->po.quota > 0 && !there)
            (void) check_po_quota(j, g, i, file, &po_used);
    }
    compact(j, &g->d);
}

/* Link every written file, then make the links durable (or hand that over);
 * all or nothing: take them all out again if anything failed. */
static void link_groups(struct job *j)
{
    for (int k = 0; k < j->ng; k++)
        if (j->g[k].file.written)
            commit_link(&j->c, &j->g[k].d, &j->g[k].pub);
    for (int k = 0; k < j->ng; k++)
        commit_sync(&j->c, &j->g[k].d, &j->g[k].pub);
    if (!(j->p->flags & DELIVER_ALL_OR_NOTHING) || !any_failed(j))
        return;
    for (int k = 0; k < j->ng; k++)
        commit_undo(&j->c, &j->g[k].d, &j->g[k].pub);
}

/* Unlink the tmp files, settle and log every recipient, close. The number delivered. */
static int finish(struct job *j)
{
    int done;

    for (int k = 0; k < j->ng; k++)
        if (!j->g[k].pub.tmp_gone)
            dfile_remove(&j->g[k].d, &j->g[k].file);
    done = commit_settle(&j->c);
    for (int i = 0; i < j->n; i++)
        if (!j->r[i].sync_pending)
            rcpt_log(j->p, &j->r[i]);
    for (int k = 0; k < j->ng; k++)
        maildir_close(&j->g[k].bagdir);
    for (int i = 0; i < j->n; i++)
        maildir_close(&j->md[i]);
    return done;
}

static void job_start(struct job *j, int fd)
{
    const struct deliver_params *p = j->p;

    j->md = xcalloc((size_t) j->n + 1, sizeof(*j->md));
    for (int i = 0; i < j->n; i++)
        j->md[i] = (struct maildir) MAILDIR_INIT;
    j->members = xcalloc((size_t) j->n + 1, sizeof(int));
    j->g = xcalloc((size_t) j->n + 1, sizeof(*j->g));
    j->iobuf = xmalloc(DELIVER_IOBUF);
    dmsg_init(&j->msg, p, fd, j->r, j->n, j->iobuf);
    commit_init(&j->c, p, j->r, j->n, j->iobuf);
    if ((j->store = open(p->store, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        msg_warn("store %s: %m", p->store);
        for (int i = 0; i < j->n; i++)
            if (dstatus_is_pending(&j->r[i].st))
                dstatus_errno(&j->r[i].st, errno);
    }
}

static void job_end(struct job *j)
{
    if (j->store >= 0)
        close(j->store);
    commit_free(&j->c);
    dmsg_free(&j->msg);
    free(j->iobuf);
    free(j->md);
    free(j->members);
    free(j->g);
}

int deliver_message(const struct deliver_params *p, int fd, struct deliver_rcpt *r, int n)
{
    struct job j = { .p = p, .r = r, .n = n };
    int all = p->flags & DELIVER_ALL_OR_NOTHING, done;

    job_start(&j, fd);
    build_groups(&j);
    for (int k = 0; k < j.ng; k++)
        open_group(&j, &j.g[k]);
    if (!all || !any_failed(&j)) {
        write_groups(&j);
        for (int k = 0; k < j.ng; k++)
            check_group(&j, &j.g[k]);
        if (!all || !any_failed(&j))
            link_groups(&j);
    }
    done = finish(&j);
    job_end(&j);
    return done;
}

int deliver_sync(const struct deliver_params *p, struct deliver_rcpt *r, int n,
                 int (*sync)(const char *dir))
{
    int *res = xcalloc((size_t) n + 1, sizeof(int)), done = 0;

    for (int i = 0; i < n; i++) {
        int rc = 0;             /* res[i]: 1 + errno of the sync covering syncdir (1: fine) */

        if (!r[i].sync_pending)
            continue;
        for (int k = 0; k < i && rc == 0; k++)
            if (res[k] && strcmp(r[k].syncdir, r[i].syncdir) == 0)
                rc = res[k];
        if (rc == 0)
            rc = (sync ? sync : fsync_dir)(r[i].syncdir) == 0 ? 1 : 1 + errno;
        res[i] = rc;
        done += commit_synced(&r[i], rc - 1);
        rcpt_log(p, &r[i]);
    }
    free(res);
    return done;
}
