/* deliver_commit.c - the visible half of a delivery: links into new/, the
 * directory fsyncs (or their hand-over for group commit), undo, and the
 * status of every linked recipient; see deliver_commit.h and deliver.h.
 *
 * It keeps one thing of its own per recipient, how its link stands (below),
 * and is handed everything else: the plan of each file (deliver_int.h), the
 * file's names, the directories deliver.c opened. It calls nothing above it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "deliver_commit.h"
#include "deliver_rcpt.h"
#include "deliver_write.h"
#include "log.h"
#include "mem.h"

enum {
    LINK_NONE,                  /* not in new/ (or taken out again) */
    LINK_NEW,                   /* linked by us into md->new (a Maildir's or a mailbag's) */
    LINK_TWIN,                  /* same mailbox as an earlier recipient (twin) */
    LINK_EXISTED,               /* the name was taken: an earlier attempt's file,
                                 * fsynced but never unlinked by us */
};

struct commit_target {
    struct deliver_rcpt *r;
    const struct maildir *md;   /* borrowed: where its link goes */
    int link;                   /* LINK_* */
    int twin;                   /* LINK_TWIN: the recipient whose outcome it shares */
};

void commit_init(struct commit *c, const struct deliver_params *p, struct deliver_rcpt *r, int n,
                 char *iobuf)
{
    c->store = p->store;
    c->flags = p->flags;
    c->iobuf = iobuf;
    c->n = n;
    c->t = xcalloc((size_t) n + 1, sizeof(*c->t));
    for (int i = 0; i < n; i++)
        c->t[i] = (struct commit_target) { .r = &r[i], .link = LINK_NONE, .twin = -1 };
}

void commit_free(struct commit *c)
{
    free(c->t);
    c->t = NULL;
}

void commit_dir(struct commit *c, int i, const struct maildir *md)
{
    c->t[i].md = md;
}

/* Links refused by the file system: recipient I gets a copy of its own. */
static int copy_into(struct commit *c, const struct dgroup *g, const struct commit_file *f, int i)
{
    const struct maildir *md = c->t[i].md;
    char name[STOREFS_NAME_MAX];
    int src = f->fd, dst = -1, rc = -1, saved;
    ssize_t got;
    off_t at = 0;

    if (src < 0 && (src = openat(g->tmpdir, f->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -1;
    storefs_unique(name, sizeof(name));
    dst = openat(md->tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (dst < 0)
        goto out;
    while ((got = pread(src, c->iobuf, DELIVER_IOBUF, at)) > 0) {
        if (write_all(dst, c->iobuf, (size_t) got) < 0)
            goto out;
        at += got;
    }
    if (got == 0 && fsync(dst) == 0) {
        rc = close(dst);
        dst = -1;
        if (rc == 0)    /* never over an existing name: that is an earlier attempt's file */
            rc = maildir_place(md->tmp, name, md->new, f->newname, 1);
    }
out:
    saved = errno;
    if (dst >= 0)
        close(dst);
    if (rc != 1)
        unlinkat(md->tmp, name, 0);
    if (src != f->fd)
        close(src);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

static void note_path(struct commit *c, const struct dgroup *g, const struct commit_file *f, int i)
{
    struct deliver_rcpt *r = c->t[i].r;

    if (g->bag)
        snprintf(r->syncdir, sizeof(r->syncdir), "%s/%s/mailbag/new", c->store, g->dir);
    else
        snprintf(r->syncdir, sizeof(r->syncdir), "%s/%s/mailboxes/%s/new", c->store, g->po,
                 r->mbx.name);
    str_copy(r->file, f->newname, sizeof(r->file));
}

/* Is recipient I's file in its new/ (linked by us, or there already)? */
static int in_new(const struct commit *c, int i)
{
    return c->t[i].link == LINK_NEW || c->t[i].link == LINK_EXISTED;
}

/* A member of G already linked into the same mailbox as I, or -1. */
static int twin_of(const struct commit *c, const struct dgroup *g, int i)
{
    for (int m = 0; m < g->n; m++) {
        int k = g->members[m];

        if (k != i && in_new(c, k) && strcmp(c->t[k].r->mbx.name, c->t[i].r->mbx.name) == 0)
            return k;
    }
    return -1;
}

/* Recipient I's name in new/ was taken. With a deterministic name that is
 * this message, placed by an earlier attempt that died before it could
 * report: delivered, as long as nothing here ever removes it. 0, or -1 (a
 * unique name cannot collide: leave it as the error it is). */
static int existed(struct commit *c, const struct dgroup *g, const struct commit_file *f, int i,
                   int quiet)
{
    if (!f->stable)
        return -1;
    if (!quiet)
        msg_info("%s/%s: %s already in new/ (an earlier attempt delivered it): not stored again",
                 g->dir, g->bag ? "mailbag" : c->t[i].r->mbx.name, f->newname);
    c->t[i].link = LINK_EXISTED;
    c->t[i].r->existed = 1;
    note_path(c, g, f, i);
    return 0;
}

/* The file system (or, for an unnamed file, a missing /proc) refuses the link. */
static int no_link(const struct commit_file *f, int err)
{
    return err == EPERM || err == EXDEV || err == ENOTSUP || (f->fd >= 0 && err == ENOENT);
}

/* Place F for member I of group G: 0 or 1 (renamed) as maildir_place, a
 * copy where links fail, or -1 with errno. Only the file's owner (MAY_RENAME)
 * may take a named tmp file away by rename; an unnamed one is copied. */
static int place(struct commit *c, const struct dgroup *g, const struct commit_file *f, int i,
                 int may_rename)
{
    int newdir = c->t[i].md->new, rc;

    if (f->fd >= 0)
        rc = storefs_link_fd(f->fd, newdir, f->newname);
    else
        rc = maildir_place(g->tmpdir, f->tmpname, newdir, f->newname, may_rename);
    if (rc < 0 && (!may_rename || f->fd >= 0) && no_link(f, errno))
        rc = copy_into(c, g, f, i);
    return rc;
}

static void link_maildir(struct commit *c, const struct dgroup *g, struct commit_file *f)
{
    int owner_in = 0, rc;

    for (int m = 0; m < g->n; m++)
        owner_in |= g->members[m] == g->owner;
    /* The owner last: its link may fall back to rename, which ends the tmp file. */
    for (int m = 0; m <= g->n; m++) {
        int i = m < g->n ? g->members[m] : g->owner;

        if ((m < g->n && i == g->owner) || (m == g->n && !owner_in))
            continue;
        if ((c->t[i].twin = twin_of(c, g, i)) >= 0) {
            c->t[i].link = LINK_TWIN;
            continue;
        }
        rc = place(c, g, f, i, i == g->owner);
        if (rc < 0 && errno == EEXIST && existed(c, g, f, i, 0) == 0)
            continue;
        if (rc < 0) {
            rcpt_fail(c->t[i].r, errno, "linking into new/");
            continue;
        }
        f->tmp_gone |= rc == 1;
        c->t[i].link = LINK_NEW;
        note_path(c, g, f, i);
    }
}

/* One link into the mailbag's new/ for all members of G. */
static void link_bag(struct commit *c, const struct dgroup *g, struct commit_file *f)
{
    int rc = place(c, g, f, g->members[0], 1);

    if (rc < 0 && errno == EEXIST && existed(c, g, f, g->members[0], 0) == 0) {
        for (int m = 1; m < g->n; m++)
            (void) existed(c, g, f, g->members[m], 1);
        return;
    }
    if (rc < 0) {
        int err = errno;

        msg_warn("%s/mailbag/new: %s", g->dir, strerror(err));
        for (int m = 0; m < g->n; m++)
            dstatus_errno(&c->t[g->members[m]].r->st, err);
        return;
    }
    f->tmp_gone = rc == 1;
    for (int m = 0; m < g->n; m++) {
        c->t[g->members[m]].link = LINK_NEW;
        note_path(c, g, f, g->members[m]);
    }
}

void commit_link(struct commit *c, const struct dgroup *g, struct commit_file *f)
{
    if (g->n == 0)
        return;
    if (g->bag)
        link_bag(c, g, f);
    else
        link_maildir(c, g, f);
}

int commit_there(const struct commit *c, const struct commit_file *f, int i)
{
    struct stat st;

    return f->stable && fstatat(c->t[i].md->new, f->newname, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Remove recipient I's link again (failed sync, or all-or-nothing undo);
 * never a file that was there before (LINK_EXISTED): another attempt's. */
static void unlink_one(struct commit *c, const struct commit_file *f, int i)
{
    struct commit_target *t = &c->t[i];

    if (t->link == LINK_NEW && unlinkat(t->md->new, f->newname, 0) < 0 && errno != ENOENT)
        msg_warn("%s/%s: %s", t->r->syncdir, f->newname, strerror(errno));
    t->link = LINK_NONE;
    t->r->sync_pending = 0;
}

/* An unnamed file got its link count from linkat(2) after its fsync: on a
 * file system without a journal (ext4's nojournal mode, ext2) nothing else
 * writes that inode, and fsync of new/ writes only the directory, so after
 * a crash new/ would name an inode whose count on disk is 0. One more fsync
 * of the file, for all its links; where it fails, they come out again. */
static void sync_links(struct commit *c, const struct dgroup *g, const struct commit_file *f)
{
    int any = 0;

    for (int m = 0; m < g->n; m++)
        any |= c->t[g->members[m]].link == LINK_NEW;
    if (f->fd < 0 || !any || fsync(f->fd) == 0)
        return;
    for (int m = 0; m < g->n; m++) {
        int i = g->members[m], err = errno;

        if (c->t[i].link != LINK_NEW)
            continue;
        rcpt_fail(c->t[i].r, err, "fsync of the linked file");
        unlink_one(c, f, i);
        errno = err;
    }
}

void commit_sync(struct commit *c, const struct dgroup *g, const struct commit_file *f)
{
    int synced = 0;             /* 1 done, -errno failed; mailbag: one sync for all */

    sync_links(c, g, f);
    for (int m = 0; m < g->n; m++) {
        int i = g->members[m];

        /* An existing file is fsynced too: its writer may have died before its own. */
        if (!in_new(c, i))
            continue;
        if (c->flags & DELIVER_DEFER_DIRSYNC) {
            c->t[i].r->sync_pending = 1;
            continue;
        }
        if (!g->bag || synced == 0)
            synced = fsync(c->t[i].md->new) == 0 ? 1 : -errno;
        if (synced != 1) {
            rcpt_fail(c->t[i].r, -synced, "fsync of new/");
            unlink_one(c, f, i);
        }
    }
}

void commit_undo(struct commit *c, const struct dgroup *g, const struct commit_file *f)
{
    for (int m = 0; m < g->n; m++)
        unlink_one(c, f, g->members[m]);
}

int commit_settle(struct commit *c)
{
    int done = 0;

    for (int i = 0; i < c->n; i++)
        if (in_new(c, i) && !c->t[i].r->sync_pending)
            rcpt_delivered(c->t[i].r);
    for (int i = 0; i < c->n; i++) {
        struct deliver_rcpt *r = c->t[i].r, *first;

        if (c->t[i].link != LINK_TWIN)
            continue;
        first = c->t[c->t[i].twin].r;
        if (in_new(c, c->t[i].twin)) {
            r->existed = first->existed;
            r->st = first->st;
            r->sync_pending = first->sync_pending;
            str_copy(r->syncdir, first->syncdir, sizeof(r->syncdir));
            str_copy(r->file, first->file, sizeof(r->file));
        }
    }
    for (int i = 0; i < c->n; i++)
        done += dstatus_is_ok(&c->t[i].r->st) || c->t[i].r->sync_pending;
    return done;
}

int commit_synced(struct deliver_rcpt *r, int err)
{
    int fd;

    r->sync_pending = 0;
    if (err == 0) {
        rcpt_delivered(r);
        return 1;
    }
    msg_warn("%s: fsync: %s", r->syncdir, strerror(err));
    dstatus_errno(&r->st, err);
    if (!r->existed && (fd = open(r->syncdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        unlinkat(fd, r->file, 0);
        close(fd);
    }
    return 0;
}
