/* cdbwrite.c - write a CDB file atomically, then find duplicate keys in it (cdbfile.h).
 *
 * tinycdb's cdb_make keeps 8 bytes per record in memory and streams the data
 * to the file; any table of keys on our side would double that on a map of
 * a million keys. So duplicates are found after cdb_make_finish(), in the
 * finished file: two records with one key share a hash, hence a hash table
 * and a 32-bit hash value; each of the 256 tables is read (pread, a few KB
 * each), sorted by hash, and only records with equal hashes have their keys
 * compared. tinycdb places equal keys in insertion order, so the first value
 * is the one readers find; for "last wins" the slots of each duplicate key
 * are rewritten newest first. Memory stays what tinycdb needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdb.h>

#include "buf.h"
#include "cdbfile.h"
#include "log.h"
#include "mem.h"

struct cdbw {
    struct cdb_make mk;
    int fd;
    int finished;
    char *path;
    char *tmp;
    unsigned long count;
};

struct cdbw *cdbw_begin(const char *path)
{
    struct cdbw *w;
    buf_t tmp = BUF_INIT;
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash)
        buf_printf(&tmp, "%.*s.%s.XXXXXX", (int) (slash + 1 - path), path, slash + 1);
    else
        buf_printf(&tmp, ".%s.XXXXXX", path);
    if ((fd = mkstemp(tmp.data)) < 0) {
        buf_free(&tmp);
        return NULL;
    }
    w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->path = xstrdup(path);
    w->tmp = buf_steal(&tmp);
    if (cdb_make_start(&w->mk, fd) < 0) {
        cdbw_abort(w);
        return NULL;
    }
    return w;
}

static void cdbw_free(struct cdbw *w)
{
    free(w->path);
    free(w->tmp);
    free(w);
}

void cdbw_abort(struct cdbw *w)
{
    int saved = errno;

    if (w == NULL)
        return;
    if (w->fd >= 0) {
        if (!w->finished)
            cdb_make_finish(&w->mk);    /* frees tinycdb's record lists */
        close(w->fd);
    }
    unlink(w->tmp);
    cdbw_free(w);
    errno = saved;
}

unsigned long cdbw_count(const struct cdbw *w) { return w->count; }

int cdbw_put(struct cdbw *w, const void *key, size_t klen, const void *val, size_t vlen)
{
    if (klen > 0x7fffffffu || vlen > 0x7fffffffu || w->mk.cdb_dpos > 0xffffffffu - 16 - klen - vlen)
        return errno = EFBIG, -1;
    if (cdb_make_add(&w->mk, key, (unsigned) klen, val, (unsigned) vlen) < 0)
        return -1;
    w->count++;
    return 0;
}

/* One hash-table slot of the finished file. */
struct slotent {
    uint32_t hash, rpos, slot;
};

static int read_full(int fd, void *buf, size_t len, off_t off)
{
    ssize_t n;

    while (len > 0) {
        if ((n = pread(fd, buf, len, off)) <= 0)
            return n == 0 ? (errno = EIO, -1) : -1;
        buf = (char *) buf + n, len -= (size_t) n, off += n;
    }
    return 0;
}

static int key_at(int fd, uint32_t rpos, buf_t *key)
{
    unsigned char hdr[8];
    unsigned klen;

    if (read_full(fd, hdr, 8, rpos) < 0)
        return -1;
    klen = cdb_unpack(hdr);
    buf_reset(key);
    buf_reserve(key, klen + 1);
    if (read_full(fd, key->data, klen, (off_t) rpos + 8) < 0)
        return -1;
    key->len = klen;
    key->data[klen] = 0;
    return 0;
}

static int by_hash_pos(const void *a, const void *b)
{
    const struct slotent *x = a, *y = b;

    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->rpos < y->rpos ? -1 : x->rpos > y->rpos;
}

struct dupscan {
    struct cdbw *w;
    enum cdbw_dup mode;
    void (*dup)(void *, const char *, size_t);
    void *ctx;
    uint32_t tpos, n;           /* the table being scanned */
    long found;
};

/* Records M[0..k) share one key (ascending rpos): newest first in probe order. */
static int newest_first(struct dupscan *s, struct slotent *m, size_t k)
{
    uint32_t home = (m[0].hash >> 8) % s->n, tmp;
    unsigned char e[8];
    size_t i, j;

    for (i = 0; i < k; i++)     /* slots by probe distance; rpos stays ascending */
        for (j = i + 1; j < k; j++)
            if ((m[j].slot + s->n - home) % s->n < (m[i].slot + s->n - home) % s->n)
                tmp = m[i].slot, m[i].slot = m[j].slot, m[j].slot = tmp;
    for (i = 0; i < k; i++) {
        cdb_pack(m[i].hash, e);
        cdb_pack(m[k - 1 - i].rpos, e + 4);
        if (pwrite(s->w->fd, e, 8, (off_t) s->tpos + (off_t) m[i].slot * 8) != 8)
            return -1;
    }
    return 0;
}

/* G records with one hash: sort out which share a key. */
static int equal_hashes(struct dupscan *s, struct slotent *g, size_t n)
{
    buf_t a = BUF_INIT, b = BUF_INIT;
    struct slotent *same = xmalloc(n * sizeof(*same));
    char *done = xcalloc(n, 1);
    size_t i, j, k;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        if (done[i] || (rc = key_at(s->w->fd, g[i].rpos, &a)) < 0)
            continue;
        same[0] = g[i], k = 1;
        for (j = i + 1; j < n && rc == 0; j++) {
            if (done[j] || (rc = key_at(s->w->fd, g[j].rpos, &b)) < 0)
                continue;
            if (a.len == b.len && memcmp(a.data, b.data, a.len) == 0)
                same[k++] = g[j], done[j] = 1;
        }
        s->found += (long) k - 1;
        for (j = 1; j < k && s->dup; j++)
            s->dup(s->ctx, a.data, a.len);
        if (rc == 0 && k > 1 && s->mode == CDBW_DUP_REPLACE)
            rc = newest_first(s, same, k);
    }
    buf_free(&a), buf_free(&b);
    free(same), free(done);
    return rc;
}

static int scan_table(struct dupscan *s, unsigned char *raw, struct slotent *ents)
{
    size_t i, j, m = 0;

    if (read_full(s->w->fd, raw, (size_t) s->n * 8, s->tpos) < 0)
        return -1;
    for (i = 0; i < s->n; i++) {
        if ((ents[m].rpos = cdb_unpack(raw + i * 8 + 4)) != 0) {
            ents[m].hash = cdb_unpack(raw + i * 8);
            ents[m++].slot = (uint32_t) i;
        }
    }
    qsort(ents, m, sizeof(*ents), by_hash_pos);
    for (i = 0; i < m; i = j) {
        for (j = i + 1; j < m && ents[j].hash == ents[i].hash; j++)
            continue;
        if (j - i > 1 && equal_hashes(s, ents + i, j - i) < 0)
            return -1;
    }
    return 0;
}

long cdbw_finish(struct cdbw *w, enum cdbw_dup mode, void (*dup)(void *ctx, const char *key, size_t klen),
                 void *ctx)
{
    unsigned char toc[2048], *raw = NULL;
    struct slotent *ents = NULL;
    struct dupscan s = { w, mode, dup, ctx, 0, 0, 0 };
    uint32_t max = 0, i;
    int rc = 0;

    if (w->finished)
        return 0;
    w->finished = 1;
    if (cdb_make_finish(&w->mk) < 0 || read_full(w->fd, toc, sizeof(toc), 0) < 0)
        return -1;
    for (i = 0; i < 256; i++)
        if (cdb_unpack(toc + i * 8 + 4) > max)
            max = cdb_unpack(toc + i * 8 + 4);
    raw = xmalloc((size_t) max * 8 + 1);
    ents = xmalloc(((size_t) max + 1) * sizeof(*ents));
    for (i = 0; i < 256 && rc == 0; i++) {
        s.tpos = cdb_unpack(toc + i * 8);
        s.n = cdb_unpack(toc + i * 8 + 4);
        if (s.n > 1)
            rc = scan_table(&s, raw, ents);
    }
    free(raw), free(ents);
    return rc < 0 ? -1 : s.found;
}

/* fsync the directory holding PATH, so that the rename itself is durable. */
int cdbw_sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t) (slash - path)) : xstrdup(".");
    int fd = open(dir, O_RDONLY), rc = -1;

    free(dir);
    if (fd >= 0) {
        rc = fsync(fd);
        close(fd);
    }
    return rc;
}

/* 1 if the files A and B hold the same bytes; 0 if not or unreadable. */
static int same_bytes(const char *a, const char *b)
{
    char x[65536], y[65536];
    int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY | O_NOFOLLOW), same = 0;
    ssize_t n, m;

    if (fa >= 0 && fb >= 0) {
        do {
            n = read(fa, x, sizeof(x));
            m = n > 0 ? read(fb, y, (size_t) n) : read(fb, y, 1);
            same = n >= 0 && n == m && memcmp(x, y, (size_t) (n > 0 ? n : 0)) == 0;
        } while (same && n > 0);
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

/* 1 if PATH is a regular file of mode MODE holding the bytes of W's finished
 * file: then there is nothing to replace (Postfix restarts every process that
 * has a map open when its file changes, and a rebuild changes most maps not). */
static int unchanged(struct cdbw *w, mode_t mode)
{
    struct stat old, new;

    return stat(w->path, &old) == 0 && S_ISREG(old.st_mode) && (old.st_mode & 07777) == mode
        && fstat(w->fd, &new) == 0 && new.st_size == old.st_size && same_bytes(w->tmp, w->path);
}

int cdbw_commit(struct cdbw *w)
{
    struct stat st;
    mode_t mode = stat(w->path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int fd = w->fd;

    if (cdbw_finish(w, CDBW_DUP_IGNORE, NULL, NULL) < 0 || fchmod(fd, mode) < 0) {
        w->fd = -1;
        close(fd);
        goto fail;
    }
    if (unchanged(w, mode)) {       /* the finished file is closed by cdbw_abort */
        cdbw_abort(w);
        return 0;
    }
    w->fd = -1;
    if (fsync(fd) < 0) {
        close(fd);
        goto fail;
    }
    if (close(fd) < 0 || rename(w->tmp, w->path) < 0)
        goto fail;
    if (cdbw_sync_dir(w->path) < 0) {
        cdbw_free(w);           /* the new file is in place; only durability is in doubt */
        return -1;
    }
    cdbw_free(w);
    return 0;
fail:
    cdbw_abort(w);
    return -1;
}

int cdb_errno_temporary(int err)
{
    switch (err) {
    case ENOSPC: case EDQUOT: case EIO: case EAGAIN: case ENOMEM: case EMFILE:
    case ENFILE: case EROFS: case EACCES: case EPERM: case EINTR: case EBUSY:
    case ETXTBSY:
        return 1;
    default:
        return 0;
    }
}

int cdbw_commit_all(struct cdbw **w, char *const *path, int n, int failed)
{
    for (int i = 0; i < n; i++) {
        if (w[i] == NULL)
            continue;
        if (failed) {
            cdbw_abort(w[i]);
        } else if (cdbw_commit(w[i]) < 0) {
            msg_error("%s: cannot write: %m", path[i]);
            failed = 1;
        }
        w[i] = NULL;
    }
    return failed ? -1 : 0;
}
