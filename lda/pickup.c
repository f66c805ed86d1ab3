/* pickup.c - the outbag's directories: passes over new/, recovery of cur/,
 * files set aside in bad/; see pickup.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "pickup_int.h"
#include "storefs.h"

void pickup_owner_tag(buf_t *b)
{
    buf_printf(b, ",H=%s,P=%ld", storefs_host(), (long) getpid());
}

void pickup_new_path(const struct pickup_env *e, const struct po *po, buf_t *path)
{
    buf_printf(path, "%s/%s/outbag/new", e->store, po->name);
}

static void outbag_close(struct outbag *o)
{
    int *fds[] = { &o->new, &o->cur, &o->bad };

    for (int i = 0; i < 3; i++)
        if (*fds[i] >= 0)
            close(*fds[i]), *fds[i] = -1;
}

/* Open (making what is missing) the outbag of PO. -1 logged. */
static int outbag_open(const struct pickup_env *e, const struct po *po, struct outbag *o)
{
    const char *names[] = { "new", "cur", "bad", "tmp" };
    int *fds[] = { &o->new, &o->cur, &o->bad, NULL };
    int root = open(e->store, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    o->po = po->name, o->new = o->cur = o->bad = -1;
    if (root < 0) {
        msg_error("store %s: %m", e->store);
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        const char *path[] = { po->name, "outbag", names[i], NULL };
        int fd = storefs_path(root, 1, path);

        if (fd < 0) {
            msg_error("%s/%s/outbag/%s: %m", e->store, po->name, names[i]);
            close(root);
            outbag_close(o);
            return -1;
        }
        if (fds[i])
            *fds[i] = fd;
        else
            close(fd);
    }
    close(root);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names in directory FD that are not hidden (".", a writer's own), sorted. */
static char **names_in(int fd, int *n)
{
    int dup_fd = dup(fd), cap = 0;
    DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    char **v = NULL;
    struct dirent *de;

    *n = 0;
    if (dir == NULL) {
        if (dup_fd >= 0)
            close(dup_fd);
        return NULL;
    }
    rewinddir(dir);
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (*n == cap)
            v = xrealloc(v, (size_t) (cap = cap ? 2 * cap : 16) * sizeof(char *));
        v[(*n)++] = xstrdup(de->d_name);
    }
    closedir(dir);
    if (*n)
        qsort(v, (size_t) *n, sizeof(char *), by_name);
    return v;
}

static void names_free(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* NAME.reason in bad/, written whole before it gets its name. */
static int write_reason(const struct outbag *o, const char *badname, const char *why)
{
    buf_t tmp = BUF_INIT, fin = BUF_INIT, text = BUF_INIT;
    int fd, rc = -1;

    buf_printf(&tmp, ".%s.reason", badname);
    buf_printf(&fin, "%s.reason", badname);
    buf_printf(&text, "%s\n", why);
    fd = openat(o->bad, tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 && write(fd, text.data, text.len) == (ssize_t) text.len && fsync(fd) == 0
        && renameat(o->bad, tmp.data, o->bad, fin.data) == 0)
        rc = 0;
    else
        msg_error("bad/%s: %m", fin.data);
    if (fd >= 0)
        close(fd);
    buf_free(&tmp), buf_free(&fin), buf_free(&text);
    return rc;
}

int pickup_set_aside(const struct outbag *o, int from, const char *name, const char *badname,
                     const char *why)
{
    if (write_reason(o, badname, why) < 0)
        return -1;
    if (renameat(from, name, o->bad, badname) < 0 || fsync(o->bad) < 0 || fsync(from) < 0) {
        msg_error("%s: cannot move to bad/: %m", name);
        return -1;
    }
    msg_warn("po=%s: set aside in bad/: %s", o->po, why);
    return 0;
}

int pickup_pass(const struct pickup_env *e, const struct po *po, struct pickup_count *n)
{
    struct outbag o;
    char **v;
    int k, rc = 0;

    if (outbag_open(e, po, &o) < 0)
        return -1;
    v = names_in(o.new, &k);
    for (int i = 0; i < k && rc == 0 && !(e->stop && atomic_load(e->stop)); i++) {
        switch (pickup_file(e, po, &o, v[i])) {
        case PICKUP_SENT: n->sent++; break;
        case PICKUP_BAD: n->bad++; break;
        case PICKUP_WAIT: n->waiting++, rc = 1; break;
        case PICKUP_GONE: break;
        }
    }
    names_free(v, k);
    outbag_close(&o);
    return rc;
}

/* The name a file of cur/ had in new/, when a pickup of this host that is
 * no longer running left it there; NULL for another host's or a live one's. */
static char *orphan_of(const char *cname)
{
    buf_t tag = BUF_INIT;
    const char *h, *p;
    char *end, *name = NULL;
    long pid;

    buf_printf(&tag, ",H=%s,P=", storefs_host());
    for (h = strstr(cname, tag.data); h && (p = strstr(h + 1, tag.data)) != NULL; h = p)
        ;                       /* the last tag: NAME itself may hold one */
    if (h && (pid = strtol(h + tag.len, &end, 10)) > 0 && *end == 0
        && pid != (long) getpid() && kill((pid_t) pid, 0) < 0 && errno == ESRCH)
        name = xstrndup(cname, (size_t) (h - cname));
    buf_free(&tag);
    return name;
}

int pickup_recover(const struct pickup_env *e, const struct po *po, struct pickup_count *n)
{
    struct outbag o;
    char **v, *name;
    int k;

    if (outbag_open(e, po, &o) < 0)
        return -1;
    v = names_in(o.cur, &k);
    for (int i = 0; i < k; i++) {
        if ((name = orphan_of(v[i])) == NULL)
            continue;
        msg_set_queue_id(name);
        if (pickup_set_aside(&o, o.cur, v[i], name,
                             "pogate-pickup stopped while the MTA had this file: whether the MTA "
                             "took it is unknown, so it is not sent again (never twice); look for "
                             "it in the mail log, and move it back to new/ to send it") == 0)
            n->recovered++;
        msg_set_queue_id(NULL);
        free(name);
    }
    names_free(v, k);
    outbag_close(&o);
    return 0;
}
