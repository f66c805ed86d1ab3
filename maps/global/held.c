/* held.c - records of held outbound messages; see held.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "held.h"
#include "mem.h"
#include "podir.h"

int held_qid_ok(const char *qid)
{
    size_t n = 0;

    for (; qid[n]; n++)
        if (n >= HELD_QID_MAX || !((qid[n] >= 'a' && qid[n] <= 'z') || (qid[n] >= 'A' && qid[n] <= 'Z')
                                   || (qid[n] >= '0' && qid[n] <= '9')))
            return 0;
    return n > 0;
}

static int path(buf_t *p, const char *dir, const char *po, const char *qid)
{
    if (!podir_name_ok(po) || (qid && !held_qid_ok(qid))) {
        errno = EINVAL;
        return -1;
    }
    buf_reset(p);
    buf_printf(p, "%s/%s%s%s", dir, po, qid ? "/" : "", qid ? qid : "");
    return 0;
}

int held_add(const char *dir, const char *po, const char *qid)
{
    buf_t d = BUF_INIT, tmp = BUF_INIT, f = BUF_INIT;
    int fd = -1, rc = -1, saved;

    if (path(&d, dir, po, NULL) < 0 || path(&f, dir, po, qid) < 0)
        goto out;
    if (mkdir(d.data, 0750) < 0 && errno == ENOENT && mkdir(dir, 0750) < 0 && errno != EEXIST)
        goto out;
    if (mkdir(d.data, 0750) < 0 && errno != EEXIST)
        goto out;
    buf_printf(&tmp, "%s/.%s.tmp", d.data, qid);
    if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0)
        goto out;
    if (fsync(fd) < 0) {
        saved = errno, close(fd), unlink(tmp.data), errno = saved;
        goto out;
    }
    if (close(fd) < 0) {
        saved = errno, unlink(tmp.data), errno = saved;
        goto out;
    }
    if (rename(tmp.data, f.data) < 0) {
        saved = errno, unlink(tmp.data), errno = saved;
        goto out;
    }
    if ((fd = open(d.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        rc = fsync(fd);
        saved = errno, close(fd), errno = saved;
    }
out:
    buf_free(&d), buf_free(&tmp), buf_free(&f);
    return rc;
}

static int older(const void *a, const void *b)
{
    const struct held *x = a, *y = b;

    return x->since < y->since ? -1 : x->since > y->since ? 1 : strcmp(x->qid, y->qid);
}

int held_list(const char *dir, const char *po, struct held **list, int *n)
{
    buf_t d = BUF_INIT;
    struct dirent *e;
    struct stat st;
    DIR *dp;
    int cap = 0;

    *list = NULL, *n = 0;
    if (path(&d, dir, po, NULL) < 0)
        return buf_free(&d), -1;
    if ((dp = opendir(d.data)) == NULL) {
        buf_free(&d);
        return errno == ENOENT ? 0 : -1;
    }
    while ((e = readdir(dp)) != NULL) {
        if (!held_qid_ok(e->d_name) || fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
            || !S_ISREG(st.st_mode))
            continue;           /* dot files (temporary ones among them), strays */
        if (*n == cap)
            *list = xrealloc(*list, (size_t) (cap = cap ? cap * 2 : 16) * sizeof(**list));
        str_copy((*list)[*n].qid, e->d_name, sizeof((*list)[*n].qid));
        (*list)[(*n)++].since = st.st_mtime;
    }
    closedir(dp);
    buf_free(&d);
    if (*n)
        qsort(*list, (size_t) *n, sizeof(**list), older);
    return 0;
}

int held_remove(const char *dir, const char *po, const char *qid)
{
    buf_t f = BUF_INIT;
    int rc = path(&f, dir, po, qid);

    if (rc == 0 && unlink(f.data) < 0 && errno != ENOENT)
        rc = -1;
    buf_free(&f);
    return rc;
}
