/* cdbwrite.c - write a CDB file atomically, refusing duplicate keys (cdbfile.h).
 *
 * tinycdb's cdb_make keeps 8 bytes per record in memory and streams the data
 * to the file. Duplicate detection adds a table of 32-bit fingerprints (about
 * 8 bytes per key at most): a fingerprint match is only a suspicion, which
 * cdb_make_exists() then settles exactly by comparing the stored key, so a
 * false match costs a little time and never a wrong answer.
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
#include "mem.h"

struct cdbw {
    struct cdb_make mk;
    int fd;
    char *path;
    char *tmp;
    uint32_t *slots;            /* fingerprints, 0 = empty */
    unsigned bits;              /* the table has 1 << bits slots */
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
    w->bits = 10;
    w->slots = xcalloc((size_t) 1 << w->bits, sizeof(uint32_t));
    if (cdb_make_start(&w->mk, fd) < 0) {
        cdbw_abort(w);
        return NULL;
    }
    return w;
}

static void cdbw_free(struct cdbw *w)
{
    free(w->slots);
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
        cdb_make_finish(&w->mk);        /* frees tinycdb's record lists */
        close(w->fd);
    }
    unlink(w->tmp);
    cdbw_free(w);
    errno = saved;
}

unsigned long cdbw_count(const struct cdbw *w) { return w->count; }

/* A 32-bit fingerprint, never 0 (FNV-1a 64 folded, then mixed). */
static uint32_t fingerprint(const unsigned char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    uint32_t f;

    while (len--)
        h = (h ^ *p++) * 1099511628211ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    f = (uint32_t) h;
    return f ? f : 1;
}

static size_t slot_of(uint32_t fp, unsigned bits)
{
    return (uint32_t) (fp * 2654435769u) >> (32 - bits);
}

/* Find FP's slot: 1 if present, 0 with *at the empty slot for it. */
static int fp_lookup(const struct cdbw *w, uint32_t fp, size_t *at)
{
    size_t mask = ((size_t) 1 << w->bits) - 1, i = slot_of(fp, w->bits);

    for (; w->slots[i] != 0; i = (i + 1) & mask) {
        if (w->slots[i] == fp) {
            *at = i;
            return 1;
        }
    }
    *at = i;
    return 0;
}

static void grow(struct cdbw *w)
{
    uint32_t *old = w->slots;
    size_t n = (size_t) 1 << w->bits, i, at;

    w->bits++;
    w->slots = xcalloc((size_t) 1 << w->bits, sizeof(uint32_t));
    for (i = 0; i < n; i++) {
        if (old[i]) {
            fp_lookup(w, old[i], &at);
            w->slots[at] = old[i];
        }
    }
    free(old);
}

int cdbw_put(struct cdbw *w, const void *key, size_t klen, const void *val, size_t vlen,
             enum cdbw_dup mode)
{
    uint32_t fp = fingerprint(key, klen);
    size_t at;
    int seen;

    if (klen > 0x7fffffffu || vlen > 0x7fffffffu || w->mk.cdb_dpos > 0xffffffffu - 16 - klen - vlen)
        return errno = EFBIG, -1;
    if (fp_lookup(w, fp, &at)) {
        /* A suspicion only: tinycdb compares the real keys (rare, so its linear scan is fine). */
        if ((seen = cdb_make_exists(&w->mk, key, (unsigned) klen)) < 0)
            return -1;
        if (seen) {
            if (mode != CDBW_DUP_REPLACE)
                return 1;
            return cdb_make_put(&w->mk, key, (unsigned) klen, val, (unsigned) vlen,
                                CDB_PUT_REPLACE) < 0 ? -1 : 1;
        }
    } else {
        w->slots[at] = fp;
    }
    if (cdb_make_add(&w->mk, key, (unsigned) klen, val, (unsigned) vlen) < 0)
        return -1;
    if (++w->count * 4 >= ((unsigned long) 3 << w->bits))
        grow(w);
    return 0;
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

int cdbw_commit(struct cdbw *w)
{
    struct stat st;
    mode_t mode = stat(w->path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int fd = w->fd;

    w->fd = -1;
    if (cdb_make_finish(&w->mk) < 0 || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
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
