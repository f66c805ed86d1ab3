/* podir_cache.c - open a snapshot, and keep the current one for the daemons.
 *
 * Opening is one open, one mmap and a few probes, cheap enough for
 * pogate-lda to do per message. The milter is multi-threaded: its cache is a
 * mutex-protected pointer to the newest snapshot plus an atomic reference
 * count in each snapshot, so a session keeps the snapshot it started with
 * while podir_get() in another thread moves on to a newer index.cdb. The
 * file is stat()ed at most once a second (dev, inode, mtime, size): pogate-map
 * renames a new file into place, so a change is always a new inode.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "cdbfile.h"
#include "log.h"
#include "mem.h"
#include "podir.h"
#include "podir_int.h"
#include "poindex.h"

struct podir_cache {
    pthread_mutex_t lock;
    char *confdir;
    char *path;
    struct podir *cur;          /* holds one reference; NULL until a snapshot opened */
    time_t checked;             /* monotonic second of the last stat */
    int reload;                 /* podir_cache_reload() asked for a fresh look */
};

static int small_num(struct podir *d, const char *key, long long *out)
{
    const char *v;
    size_t len;
    char num[32];

    if (cdbr_find(d->r, key, strlen(key), &v, &len) != 1 || len == 0 || len >= sizeof(num))
        return -1;
    memcpy(num, v, len);
    num[len] = 0;
    *out = strtoll(num, NULL, 10);
    return *out < 0 ? -1 : 0;
}

static int read_header(struct podir *d, const char **why)
{
    const char *v;
    size_t len;
    long long count;
    int rc;

    if (cdbr_find(d->r, POINDEX_KEY_VERSION, strlen(POINDEX_KEY_VERSION), &v, &len) != 1
        || len != strlen(POINDEX_VERSION) || memcmp(v, POINDEX_VERSION, len) != 0) {
        *why = "not a pogate index of this version: run pogate-map";
        return -1;
    }
    if (small_num(d, POINDEX_KEY_COUNT, &count) < 0 || count > 1000000000
        || small_num(d, POINDEX_KEY_MAXSIZE, &d->maxsize) < 0 || small_num(d, POINDEX_KEY_SPOOF, &d->spoof) < 0) {
        *why = "corrupt index header: run pogate-map";
        return -1;
    }
    d->count = (int) count;
    if ((rc = cdbr_find(d->r, POINDEX_KEY_PREFIX4, strlen(POINDEX_KEY_PREFIX4), &v, &len)) == 1)
        d->x4 = (const unsigned char *) v, d->nx4 = len;
    if (rc >= 0 && (rc = cdbr_find(d->r, POINDEX_KEY_PREFIX6, strlen(POINDEX_KEY_PREFIX6), &v, &len)) == 1)
        d->x6 = (const unsigned char *) v, d->nx6 = len;
    if (rc < 0) {
        *why = "corrupt index: run pogate-map";
        return -1;
    }
    return 0;
}

/* Open PATH, or LEN bytes at MEM when MEM is not NULL (podir_int.h). */
static struct podir *open_index(const char *path, const void *mem, size_t len)
{
    struct podir *d = xcalloc(1, sizeof(*d));
    const char *why = NULL;
    int saved;

    d->path = xstrdup(path);
    atomic_init(&d->refs, 1);
    d->r = mem ? cdbr_mem(mem, len, &why) : cdbr_open(path, &why);
    if (d->r == NULL || read_header(d, &why) < 0) {
        saved = d->r ? EPROTO : errno;
        if (why)
            msg_error("%s: %s", d->path, why);
        else
            msg_error("%s: cannot open: %m", d->path);
        cdbr_close(d->r);
        free(d->path);
        free(d);
        errno = saved;
        return NULL;
    }
    return d;
}

struct podir *podir_open(const char *confdir)
{
    buf_t path = BUF_INIT;
    struct podir *d;

    buf_printf(&path, "%s/index.cdb", confdir);
    d = open_index(path.data, NULL, 0);
    buf_free(&path);
    return d;
}

struct podir *podir_open_mem(const void *mem, size_t len, const char *name)
{
    return open_index(name, mem, len);
}

void podir_put(struct podir *d)
{
    if (d == NULL)
        return;
    if (atomic_fetch_sub(&d->refs, 1) == 1) {
        cdbr_close(d->r);
        free(d->path);
        free(d);
    }
}

void podir_close(struct podir *d)
{
    podir_put(d);
}

struct podir_cache *podir_cache_new(const char *confdir)
{
    struct podir_cache *c = xcalloc(1, sizeof(*c));
    buf_t path = BUF_INIT;

    pthread_mutex_init(&c->lock, NULL);
    c->confdir = xstrdup(confdir);
    buf_printf(&path, "%s/index.cdb", confdir);
    c->path = buf_steal(&path);
    c->reload = 1;
    return c;
}

static time_t now_sec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
        && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* With the lock held: replace the current snapshot if index.cdb changed. */
static void refresh(struct podir_cache *c)
{
    struct stat st;
    struct podir *d;
    time_t now = now_sec();

    if (!c->reload && c->cur && now == c->checked)
        return;
    c->checked = now;
    c->reload = 0;
    if (c->cur && stat(c->path, &st) == 0 && same_file(&st, cdbr_stat(c->cur->r)))
        return;
    if ((d = podir_open(c->confdir)) == NULL) {
        if (c->cur)
            msg_warn("%s: keeping the directory loaded before", c->path);
        return;
    }
    podir_put(c->cur);
    c->cur = d;
}

struct podir *podir_get(struct podir_cache *c)
{
    struct podir *d;

    pthread_mutex_lock(&c->lock);
    refresh(c);
    if ((d = c->cur) != NULL)
        atomic_fetch_add(&d->refs, 1);
    pthread_mutex_unlock(&c->lock);
    return d;
}

void podir_cache_reload(struct podir_cache *c)
{
    pthread_mutex_lock(&c->lock);
    c->reload = 1;
    pthread_mutex_unlock(&c->lock);
}

void podir_cache_free(struct podir_cache *c)
{
    if (c == NULL)
        return;
    podir_put(c->cur);
    pthread_mutex_destroy(&c->lock);
    free(c->confdir);
    free(c->path);
    free(c);
}
