/* notify_find.c - what is wrong now, for pogate-notify(8); see notify.h.
 *
 * Read-only, and each source on its own: a postoffice whose store cannot
 * be read, a queue that cannot be listed or records that cannot be read
 * leave the other conditions to be found and noticed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "held.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "podir_build.h"
#include "stat_store.h"

#define REASON_SHOWN 300        /* bytes of a reason file a notice quotes */

static struct notice *add(struct notices *l, enum notice_kind kind, const struct po *po)
{
    struct notice *n;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, (size_t) l->cap * sizeof(*l->v));
    }
    n = &l->v[l->n++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->since = -1;
    if (po) {
        str_copy(n->po, po->name, sizeof(n->po));
        str_copy(n->domain, po->domain, sizeof(n->domain));
    }
    return n;
}

/* Is QID held in the MTA's queue? Without a listing, every record counts. */
static int still_held(const struct mtaq *q, const char *qid)
{
    if (q == NULL)
        return 1;
    for (int i = 0; i < q->n; i++)
        if (q->msg[i].held && strcmp(q->msg[i].qid, qid) == 0)
            return 1;
    return 0;
}

/* Outbound mail held for PO longer than notify_paused_after. */
static int find_held(const struct notify_in *in, const struct po *po, struct notices *out)
{
    struct held *list;
    long long oldest = 0, count = 0;
    int n;

    if (held_list(in->hold_dir, po->name, &list, &n) < 0) {
        msg_warn("%s/%s: the records of held mail cannot be read: %m", in->hold_dir, po->name);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!still_held(in->queue, list[i].qid))
            continue;           /* released by hand: pogate-po drops the record later */
        if (count++ == 0)
            oldest = (long long) list[i].since;
    }
    free(list);
    if (count && in->now - oldest >= in->nc->paused_after) {
        struct notice *x = add(out, NOTICE_HELD, po);

        x->since = oldest, x->count = count, x->after = in->nc->paused_after;
    }
    return 0;
}

/* The store: quota use (a downstream postoffice's: its files in its hub's
 * mailbag), and a mailbag's oldest waiting file. */
static int find_store(const struct notify_in *in, const struct po *po, struct notices *out)
{
    struct stat_store s;
    struct notice *x;

    stat_store_scan(in->store, po, &s);
    if (s.errors)
        msg_warn("%s/%s: %d folder%s cannot be read: %s", in->store, po->name, s.errors,
                 s.errors == 1 ? "" : "s", strerror(s.err));
    if (po->quota > 0 && in->nc->quota_percent > 0 && s.used * 100 >= po->quota * in->nc->quota_percent) {
        x = add(out, NOTICE_QUOTA, po);
        x->used = s.used, x->limit = po->quota, x->after = 0;
    }
    /* A downstream postoffice's waiting files are its hub's backlog, noticed there. */
    if (po->store == PO_STORE_MAILBAG && !po->via[0] && s.waiting && in->now - s.oldest >= in->nc->backlog_after) {
        x = add(out, NOTICE_BACKLOG, po);
        x->since = s.oldest, x->count = s.waiting, x->used = s.waiting_bytes, x->after = in->nc->backlog_after;
    }
    return s.errors ? -1 : 0;
}

/* The first line of bad/NAME.reason, as pogate-pickup wrote it, into B. */
static void reason_line(int dir, const char *name, buf_t *b)
{
    char path[NAME_MAX + 8], text[REASON_SHOWN + 1];
    int fd;
    ssize_t n = -1;

    snprintf(path, sizeof(path), "%s.reason", name);
    if ((fd = openat(dir, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
        n = read(fd, text, REASON_SHOWN);
        close(fd);
    }
    if (n <= 0) {
        buf_puts(b, "(no reason file)");
        return;
    }
    text[n] = 0;
    text[strcspn(text, "\n")] = 0;
    for (char *c = text; *c; c++)
        if ((unsigned char) *c < ' ' || *c == 127)
            *c = '?';
    buf_puts(b, text);
}

/* A file-only postoffice's outbag: what pogate-pickup set aside in bad/
 * (refused by the MTA, not parsed, or found half-sent after a crash) waits
 * for a person; it is noticed at once. */
static int find_pickup(const struct notify_in *in, const struct po *po, struct notices *out)
{
    buf_t dir = BUF_INIT;
    DIR *d = NULL;
    struct dirent *e;
    struct stat st;
    char oldest[NAME_MAX + 1] = "";
    long long when = 0, count = 0;
    int fd, rc = 0;

    if (!po->pickup)
        return 0;
    buf_printf(&dir, "%s/%s/outbag/bad", in->store, po->name);
    if ((fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || (d = fdopendir(fd)) == NULL) {
        if (errno != ENOENT)
            msg_warn("%s: cannot be read: %m", dir.data), rc = -1;
        if (fd >= 0)
            close(fd);
        buf_free(&dir);
        return rc;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.' || (len > 7 && strcmp(e->d_name + len - 7, ".reason") == 0)
            || fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
            continue;
        count++;
        if (oldest[0] == 0 || (long long) st.st_mtime < when)
            when = (long long) st.st_mtime, str_copy(oldest, e->d_name, sizeof(oldest));
    }
    if (count) {
        struct notice *x = add(out, NOTICE_PICKUP, po);

        x->since = when, x->count = count, x->after = 0;
        buf_printf(&x->detail, "%s\n%s: ", dir.data, oldest);
        reason_line(fd, oldest, &x->detail);
    }
    closedir(d);
    buf_free(&dir);
    return rc;
}

/* The postoffice of a queued message: a recipient's domain (inbound), else the sender's. */
static int queue_po(struct podir *d, const struct mtaq_msg *m, struct po *po)
{
    const char *at;

    for (int i = 0; i < m->nrcpt; i++)
        if ((at = strrchr(m->rcpts[i], '@')) != NULL && podir_domain(d, at + 1, po) == PODIR_FOUND)
            return 1;
    return (at = strrchr(m->sender, '@')) != NULL && podir_domain(d, at + 1, po) == PODIR_FOUND;
}

/* Mail of a postoffice waiting in the MTA's queue longer than notify_queue_after
 * (held mail is find_held's). */
static void find_queue(const struct notify_in *in, struct notices *out)
{
    struct po po;
    int first = out->n;

    for (int i = 0; in->queue && i < in->queue->n; i++) {
        const struct mtaq_msg *m = &in->queue->msg[i];
        struct notice *x = NULL;

        if (m->held || m->arrival <= 0 || in->now - m->arrival < in->nc->queue_after || !queue_po(in->dir, m, &po))
            continue;
        for (int k = first; k < out->n && x == NULL; k++)
            if (strcmp(out->v[k].po, po.name) == 0)
                x = &out->v[k];
        if (x == NULL) {
            x = add(out, NOTICE_QUEUE, &po);
            x->since = (long long) m->arrival, x->after = in->nc->queue_after;
            buf_puts(&x->detail, m->qid);
        }
        x->count++;
        if ((long long) m->arrival < x->since) {
            x->since = (long long) m->arrival;
            buf_reset(&x->detail), buf_puts(&x->detail, m->qid);
        }
    }
}

static int find_maps(const struct notify_in *in, struct notices *out)
{
    buf_t errors = BUF_INIT;
    long long when;
    int status, rc = podir_build_failed(in->confdir, &when, &status, &errors);

    if (rc == 1) {
        struct notice *x = add(out, NOTICE_MAPS, NULL);

        x->since = when, x->limit = status, x->after = 0;
        x->detail = errors;
        return 0;
    }
    buf_free(&errors);
    return rc;
}

int notify_find(const struct notify_in *in, struct notices *out)
{
    int rc = find_maps(in, out);
    struct po po;

    for (int i = 0; i < podir_po_count(in->dir); i++) {
        if (podir_po_at(in->dir, i, &po) != PODIR_FOUND) {
            msg_error("%s/index.cdb: the postoffice directory is corrupt (run pogate-map)", in->confdir);
            return -1;
        }
        if (po.state != PO_ACTIVE) {
            struct notice *x = add(out, NOTICE_PAUSED, &po);

            x->state = po.state, x->after = in->nc->paused_after;
        }
        rc |= find_held(in, &po, out);
        rc |= find_store(in, &po, out);
        rc |= find_pickup(in, &po, out);
    }
    find_queue(in, out);
    return rc ? -1 : 0;
}

void notice_key(const struct notice *n, char *key, size_t size)
{
    static const char *const kind[] = { "paused", "held", "backlog", "quota", "queue", "maps", "pickup" };

    if (n->po[0])
        snprintf(key, size, "%s:%s", kind[n->kind], n->po);
    else
        snprintf(key, size, "%s", kind[n->kind]);
}

void notices_free(struct notices *l)
{
    for (int i = 0; i < l->n; i++)
        buf_free(&l->v[i].detail);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
