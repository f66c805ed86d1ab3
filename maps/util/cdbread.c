/* cdbread.c - read a CDB file without trusting it (cdbfile.h).
 *
 * tinycdb's cdb_find checks offsets against the file size, but it reads
 * through the whole mapping and answers -1/EPROTO only on some faults; its
 * cdb_init accepts any file of 2048 bytes or more. pogate reads files that an
 * operator may have copied half-way, so this reader checks the 256-entry table
 * of contents once on open and every record offset and length on each lookup
 * before touching memory. It works on any byte range, which lets the fuzz
 * target run it under AddressSanitizer on heap memory. The hash is tinycdb's,
 * so the files are the ones tinycdb and Postfix's cdb: type read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdb.h>

#include "cdbfile.h"
#include "mem.h"

#define TOC_SIZE 2048

struct cdbr {
    const unsigned char *mem;
    size_t size;
    size_t dend;                /* end of the record area: the first hash table */
    int mapped;
    struct stat st;
};

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* Check the table of contents: every hash table lies inside the file. */
static int check_toc(struct cdbr *r, const char **why)
{
    size_t i, pos, n, dend = r->size;

    if (r->size < TOC_SIZE) {
        *why = "shorter than a CDB table of contents (2048 bytes): truncated?";
        return -1;
    }
    if (r->size > 0xffffffffu) {
        *why = "larger than 4 GB";
        return -1;
    }
    for (i = 0; i < 256; i++) {
        pos = get32(r->mem + i * 8);
        n = get32(r->mem + i * 8 + 4);
        if (pos < TOC_SIZE || pos > r->size || n > (r->size - pos) / 8) {
            *why = "hash table outside the file: truncated or corrupt";
            return -1;
        }
        if (pos < dend)
            dend = pos;
    }
    r->dend = dend;
    return 0;
}

struct cdbr *cdbr_mem(const void *mem, size_t len, const char **why)
{
    struct cdbr *r = xcalloc(1, sizeof(*r));
    const char *dummy;

    r->mem = mem;
    r->size = len;
    if (check_toc(r, why ? why : &dummy) < 0) {
        free(r);
        errno = EPROTO;
        return NULL;
    }
    return r;
}

struct cdbr *cdbr_open(const char *path, const char **why)
{
    struct cdbr *r;
    struct stat st;
    void *mem;
    const char *dummy;
    int fd = open(path, O_RDONLY), saved;

    if (why == NULL)
        why = &dummy;
    *why = NULL;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        saved = S_ISREG(st.st_mode) ? errno : EINVAL;
        *why = "not a regular file";
        close(fd);
        errno = saved;
        return NULL;
    }
    if (st.st_size < TOC_SIZE || (uintmax_t) st.st_size > 0xffffffffu) {
        close(fd);
        *why = st.st_size < TOC_SIZE ? "shorter than a CDB table of contents (2048 bytes): truncated?"
            : "larger than 4 GB";
        errno = EPROTO;
        return NULL;
    }
    mem = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    saved = errno;
    close(fd);
    if (mem == MAP_FAILED) {
        errno = saved;
        return NULL;
    }
    if ((r = cdbr_mem(mem, (size_t) st.st_size, why)) == NULL) {
        munmap(mem, (size_t) st.st_size);
        errno = EPROTO;
        return NULL;
    }
    r->mapped = 1;
    r->st = st;
    return r;
}

void cdbr_close(struct cdbr *r)
{
    if (r == NULL)
        return;
    if (r->mapped)
        munmap((void *) r->mem, r->size);
    free(r);
}

const struct stat *cdbr_stat(const struct cdbr *r) { return &r->st; }

/* The record at POS: key and value inside the record area, or -1. */
static int record_at(const struct cdbr *r, size_t pos, size_t *klen, size_t *vlen)
{
    if (pos < TOC_SIZE || pos > r->dend || r->dend - pos < 8)
        return -1;
    *klen = get32(r->mem + pos);
    *vlen = get32(r->mem + pos + 4);
    if (*klen > r->dend - pos - 8 || *vlen > r->dend - pos - 8 - *klen)
        return -1;
    return 0;
}

int cdbr_find(const struct cdbr *r, const void *key, size_t klen, const char **val, size_t *vlen)
{
    uint32_t h, rh;
    size_t tpos, n, i, slot, rpos, rk, rv;

    if (klen > 0xffffffffu)
        return 0;
    h = cdb_hash(key, (unsigned) klen);
    tpos = get32(r->mem + (h & 255) * 8);
    n = get32(r->mem + (h & 255) * 8 + 4);
    if (n == 0)
        return 0;
    slot = (h >> 8) % n;
    for (i = 0; i < n; i++, slot = slot + 1 == n ? 0 : slot + 1) {
        rh = get32(r->mem + tpos + slot * 8);
        rpos = get32(r->mem + tpos + slot * 8 + 4);
        if (rpos == 0)
            return 0;
        if (rh != h)
            continue;
        if (record_at(r, rpos, &rk, &rv) < 0)
            return errno = EPROTO, -1;
        if (rk == klen && memcmp(r->mem + rpos + 8, key, klen) == 0) {
            *val = (const char *) r->mem + rpos + 8 + rk;
            *vlen = rv;
            return 1;
        }
    }
    return 0;
}

int cdbr_next(const struct cdbr *r, size_t *pos, const char **key, size_t *klen,
              const char **val, size_t *vlen)
{
    if (*pos < TOC_SIZE)
        *pos = TOC_SIZE;
    if (*pos >= r->dend)
        return 0;
    if (record_at(r, *pos, klen, vlen) < 0)
        return errno = EPROTO, -1;
    *key = (const char *) r->mem + *pos + 8;
    *val = *key + *klen;
    *pos += 8 + *klen + *vlen;
    return 1;
}
