/* deliver_commit.c - the visible half of a delivery: links into new/, the
 * directory fsyncs (or their hand-over for group commit), undo, clean-up,
 * the per-recipient tracking log, and the one-status summary; see deliver.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "deliver_int.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "msgname.h"

/* Links refused by the file system: recipient I gets a copy of its own. */
static int copy_into(struct job *j, struct group *g, int i)
{
    char name[STOREFS_NAME_MAX];
    int src, dst = -1, rc = -1, saved;
    ssize_t got;

    if ((src = openat(g->tmpdir, g->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -1;
    storefs_unique(name, sizeof(name));
    dst = openat(j->md[i].tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (dst < 0)
        goto out;
    while ((got = read(src, j->iobuf, DELIVER_IOBUF)) > 0)
        if (deliver_write_all(dst, j->iobuf, (size_t) got) < 0)
            goto out;
    if (got == 0 && fsync(dst) == 0) {
        rc = close(dst);
        dst = -1;
        if (rc == 0)    /* never over an existing name: that is an earlier attempt's file */
            rc = maildir_place(j->md[i].tmp, name, j->md[i].new, g->newname, 1);
    }
out:
    saved = errno;
    if (dst >= 0)
        close(dst);
    if (rc != 1)
        unlinkat(j->md[i].tmp, name, 0);
    close(src);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

static void note_path(struct job *j, struct group *g, int i)
{
    struct deliver_rcpt *r = &j->r[i];

    if (g->bag)
        snprintf(r->syncdir, sizeof(r->syncdir), "%s/%s/mailbag/new", j->p->store, g->dir);
    else
        snprintf(r->syncdir, sizeof(r->syncdir), "%s/%s/mailboxes/%s/new", j->p->store, g->po,
                 r->mbx.name);
    str_copy(r->file, g->newname, sizeof(r->file));
}

static int new_dir(const struct job *j, const struct group *g, int i);

/* Is recipient I's file in its new/ (linked by us, or there already)? */
static int in_new(const struct job *j, int i)
{
    return j->linked[i] == LINK_NEW || j->linked[i] == LINK_EXISTED;
}

/* A recipient of G already linked into the same mailbox as I, or -1. */
static int twin_of(const struct job *j, const struct group *g, int i)
{
    for (int m = 0; m < g->n; m++) {
        int k = j->members[g->first + m];

        if (k != i && in_new(j, k) && strcmp(j->r[k].mbx.name, j->r[i].mbx.name) == 0)
            return k;
    }
    return -1;
}

/* Recipient I's name in new/ was taken. With a deterministic name that is
 * this message, placed by an earlier attempt that died before it could
 * report: delivered, as long as nothing here ever removes it. 0, or -1 (a
 * unique name cannot collide: leave it as the error it is). */
static int existed(struct job *j, struct group *g, int i, int quiet)
{
    if (!g->stable)
        return -1;
    if (!quiet)
        msg_info("%s/%s: %s already in new/ (an earlier attempt delivered it): not stored again",
                 g->dir, g->bag ? "mailbag" : j->r[i].mbx.name, g->newname);
    j->linked[i] = LINK_EXISTED;
    j->r[i].existed = 1;
    note_path(j, g, i);
    return 0;
}

static void link_maildir(struct job *j, struct group *g)
{
    int owner_in = 0, rc;

    for (int m = 0; m < g->n; m++)
        owner_in |= j->members[g->first + m] == g->owner;
    /* The owner last: its link may fall back to rename, which ends the tmp file. */
    for (int m = 0; m <= g->n; m++) {
        int i = m < g->n ? j->members[g->first + m] : g->owner;

        if ((m < g->n && i == g->owner) || (m == g->n && !owner_in))
            continue;
        if ((j->twin[i] = twin_of(j, g, i)) >= 0) {
            j->linked[i] = LINK_TWIN;
            continue;
        }
        rc = maildir_place(g->tmpdir, g->tmpname, j->md[i].new, g->newname, i == g->owner);
        if (rc < 0 && i != g->owner && (errno == EPERM || errno == EXDEV || errno == ENOTSUP))
            rc = copy_into(j, g, i);
        if (rc < 0 && errno == EEXIST && existed(j, g, i, 0) == 0)
            continue;
        if (rc < 0) {
            deliver_fail_errno(j, i, errno, "linking into new/");
            continue;
        }
        g->tmp_gone |= rc == 1;
        j->linked[i] = LINK_NEW;
        note_path(j, g, i);
    }
}

/* G's hash: the message, where it was received, and a mailbag file's own
 * recipients (a bag file of a subset of them is a different file). */
static uint64_t group_hash(const struct job *j, const struct group *g)
{
    char when[32];
    uint64_t h = j->hash;

    snprintf(when, sizeof(when), "%lld", j->when);
    h = msgname_hash_str(msgname_hash_str(msgname_hash_str(h, storefs_host()), j->p->queue_id), when);
    if (g->bag) {
        h = msgname_hash_str(h, g->po);
        for (int m = 0; m < g->n; m++) {
            const struct deliver_rcpt *r = &j->r[j->members[g->first + m]];

            h = msgname_hash_str(msgname_hash_str(h, r->mbx.address[0] ? r->mbx.address : r->address),
                                 r->mbx.name);
        }
    }
    return msgname_final(h);
}

/* The name in new/: deterministic when possible (msgname.h), else unique.
 * Set once the file is written, before the checks (see deliver_there). */
void deliver_name(const struct job *j, struct group *g)
{
    long long size = g->hdrlen + g->size;

    g->stable = deliver_stable(j) && msgname_format(g->newname, sizeof(g->newname), j->when,
                                                     j->p->queue_id, group_hash(j, g),
                                                     storefs_host(), size) == 0;
    if (!g->stable)
        snprintf(g->newname, sizeof(g->newname), "%s,S=%lld", g->tmpname, size);
}

int deliver_there(const struct job *j, const struct group *g, int i)
{
    struct stat st;

    return g->stable && fstatat(new_dir(j, g, i), g->newname, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int deliver_stable(const struct job *j)
{
    return j->qid_ok && j->hashed && j->when_state == 1;
}

void deliver_link(struct job *j, struct group *g)
{
    int rc;

    if (g->n == 0 || !g->written)
        return;
    if (!g->bag) {
        link_maildir(j, g);
        return;
    }
    if ((rc = maildir_place(g->tmpdir, g->tmpname, g->bagdir.new, g->newname, 1)) < 0
        && errno == EEXIST && existed(j, g, j->members[g->first], 0) == 0) {
        for (int m = 1; m < g->n; m++)
            (void) existed(j, g, j->members[g->first + m], 1);
        return;
    }
    if (rc < 0) {
        int err = errno;

        msg_warn("%s/mailbag/new: %s", g->dir, strerror(err));
        for (int m = 0; m < g->n; m++)
            dstatus_errno(&j->r[j->members[g->first + m]].st, err);
        return;
    }
    g->tmp_gone = rc == 1;
    for (int m = 0; m < g->n; m++) {
        j->linked[j->members[g->first + m]] = LINK_NEW;
        note_path(j, g, j->members[g->first + m]);
    }
}

static int new_dir(const struct job *j, const struct group *g, int i)
{
    return g->bag ? g->bagdir.new : j->md[i].new;
}

/* Remove recipient I's link again (failed sync, or all-or-nothing undo);
 * never a file that was there before (LINK_EXISTED): another attempt's. */
static void unlink_one(struct job *j, struct group *g, int i)
{
    if (j->linked[i] == LINK_NEW && unlinkat(new_dir(j, g, i), g->newname, 0) < 0 && errno != ENOENT)
        msg_warn("%s/%s: %s", j->r[i].syncdir, g->newname, strerror(errno));
    j->linked[i] = LINK_NONE;
    j->r[i].sync_pending = 0;
}

static void sync_group(struct job *j, struct group *g)
{
    int synced = 0;             /* 1 done, -errno failed; mailbag: one sync for all */

    for (int m = 0; m < g->n; m++) {
        int i = j->members[g->first + m];

        /* An existing file is fsynced too: its writer may have died before its own. */
        if (!in_new(j, i))
            continue;
        if (j->p->flags & DELIVER_DEFER_DIRSYNC) {
            j->r[i].sync_pending = 1;
            continue;
        }
        if (!g->bag || synced == 0)
            synced = fsync(new_dir(j, g, i)) == 0 ? 1 : -errno;
        if (synced != 1) {
            deliver_fail_errno(j, i, -synced, "fsync of new/");
            unlink_one(j, g, i);
        }
    }
}

void deliver_dirsync(struct job *j)
{
    for (int k = 0; k < j->ng; k++)
        sync_group(j, &j->g[k]);
    if (!(j->p->flags & DELIVER_ALL_OR_NOTHING) || !deliver_any_failed(j))
        return;
    for (int k = 0; k < j->ng; k++)
        for (int m = 0; m < j->g[k].n; m++)
            unlink_one(j, &j->g[k], j->members[j->g[k].first + m]);
}

static void delivered(struct deliver_rcpt *r)
{
    dstatus_set(&r->st, "2.0.0", "delivered to %s/%s%s", r->po.name, r->mbx.name,
                r->existed ? " (already there: an earlier attempt stored it)" : "");
}

/* Statuses of linked recipients, twins taking their twin's outcome. */
static int settle(struct job *j)
{
    int done = 0;

    for (int i = 0; i < j->n; i++)
        if (in_new(j, i) && !j->r[i].sync_pending)
            delivered(&j->r[i]);
    for (int i = 0; i < j->n; i++) {
        struct deliver_rcpt *r = &j->r[i], *t;

        if (j->linked[i] != LINK_TWIN)
            continue;
        t = &j->r[j->twin[i]];
        if (in_new(j, j->twin[i])) {
            r->existed = t->existed;
            r->st = t->st;
            r->sync_pending = t->sync_pending;
            str_copy(r->syncdir, t->syncdir, sizeof(r->syncdir));
            str_copy(r->file, t->file, sizeof(r->file));
        }
    }
    for (int i = 0; i < j->n; i++)
        done += dstatus_is_ok(&j->r[i].st) || j->r[i].sync_pending;
    return done;
}

int deliver_finish(struct job *j)
{
    int done;

    for (int k = 0; k < j->ng; k++) {
        struct group *g = &j->g[k];

        if (g->tmpname[0] && !g->tmp_gone && g->tmpdir >= 0 && unlinkat(g->tmpdir, g->tmpname, 0) < 0)
            msg_warn("%s: unlinking tmp/%s: %m", g->dir, g->tmpname);
    }
    done = settle(j);
    for (int i = 0; i < j->n; i++)
        if (!j->r[i].sync_pending)
            deliver_log(j->p, &j->r[i]);
    for (int k = 0; k < j->ng; k++)
        maildir_close(&j->g[k].bagdir);
    for (int i = 0; i < j->n; i++)
        maildir_close(&j->md[i]);
    return done;
}

void deliver_log(const struct deliver_params *p, const struct deliver_rcpt *r)
{
    const struct dstatus *s = &r->st;
    const char *what = dstatus_is_pending(s) ? "held" : dstatus_is_ok(s) ? "delivered"
        : dstatus_is_temp(s) ? "deferred" : "bounced";

    metrics_delivery(r->po.name, *what == 'h' ? "deferred" : what, r->size, &r->started);

    msg_info("to=<%s>, from=<%s>, po=%s, mailbox=%s, size=%lld, path=%s%s%s, status=%s (%s)",
             r->address, p->sender, r->po.name ? r->po.name : "-", r->mbx.name[0] ? r->mbx.name : "-",
             r->size, r->file[0] ? r->syncdir : "-", r->file[0] ? "/" : "", r->file, what,
             dstatus_is_pending(s) ? "not delivered: another recipient failed" : s->text);
}

static int sync_path(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int deliver_sync(const struct deliver_params *p, struct deliver_rcpt *r, int n,
                 int (*sync)(const char *dir))
{
    int *res = xcalloc((size_t) n + 1, sizeof(int)), done = 0;

    for (int i = 0; i < n; i++) {
        int rc = 0, fd;         /* res[i]: 1 + errno of the sync covering syncdir (1: fine) */

        if (!r[i].sync_pending)
            continue;
        for (int k = 0; k < i && rc == 0; k++)
            if (res[k] && strcmp(r[k].syncdir, r[i].syncdir) == 0)
                rc = res[k];
        if (rc == 0)
            rc = (sync ? sync(r[i].syncdir) : sync_path(r[i].syncdir)) == 0 ? 1 : 1 + errno;
        res[i] = rc;
        r[i].sync_pending = 0;
        if (rc == 1) {
            delivered(&r[i]);
            done++;
        } else {
            msg_warn("%s: fsync: %s", r[i].syncdir, strerror(rc - 1));
            dstatus_errno(&r[i].st, rc - 1);
            if (!r[i].existed && (fd = open(r[i].syncdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
                unlinkat(fd, r[i].file, 0);
                close(fd);
            }
        }
        deliver_log(p, &r[i]);
    }
    free(res);
    return done;
}

void deliver_exit(const struct deliver_rcpt *r, int n, struct dstatus *out)
{
    int ok = 0, held = 0, temp = -1, perm = -1;

    for (int i = 0; i < n; i++) {
        if (dstatus_is_ok(&r[i].st))
            ok++;
        else if (dstatus_is_temp(&r[i].st) && temp < 0)
            temp = i;
        else if (dstatus_is_perm(&r[i].st) && perm < 0)
            perm = i;
        else if (dstatus_is_pending(&r[i].st))
            held++;
    }
    if (n > 0 && ok == n)
        dstatus_set(out, "2.0.0", "delivered to %d recipient%s", n, n > 1 ? "s" : "");
    else if (temp >= 0)
        *out = r[temp].st;
    else if (perm >= 0 && ok == 0 && held == 0)
        *out = r[perm].st;
    else if (perm >= 0)
        dstatus_set(out, "4.3.5", "%s; nothing delivered: several recipients with mixed results "
                    "(set the transport's recipient limit to 1)", r[perm].st.text);
    else
        dstatus_set(out, "4.3.0", "internal error: no delivery status");
}
