/* groupsync.c - group commit of directory fsyncs; see groupsync.h.
 *
 * Per directory a "pending" generation collects the waiters that arrived
 * while the previous fsync was running. When that fsync ends, one waiter of
 * the pending generation becomes the syncer: it detaches the generation (new
 * arrivals start the next one), fsyncs without the lock, records the result
 * in the generation and wakes everyone. A generation is freed by its last
 * waiter, a directory entry when no one uses it: nothing grows without bound.
 * One mutex guards the small table; the fsyncs themselves run unlocked.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fsync_dir.h"
#include "groupsync.h"
#include "mem.h"

struct gen {
    int done;
    int rc;                     /* 0 or errno */
    int refs;                   /* waiters holding it */
};

struct dirent_gs {
    struct dirent_gs *next;
    char *path;
    int users;                  /* threads inside groupsync_dir for this path */
    int syncing;                /* a fsync is running */
    struct gen *pending;        /* the generation that starts next */
    pthread_cond_t cond;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dirent_gs *dirs;
static int enabled = 1;
static unsigned long long n_calls, n_fsyncs;

void groupsync_enable(int on)
{
    enabled = on;
}

void groupsync_stats(unsigned long long *calls, unsigned long long *fsyncs)
{
    pthread_mutex_lock(&lock);
    *calls = n_calls;
    *fsyncs = n_fsyncs;
    pthread_mutex_unlock(&lock);
}

/* Find or add DIR's entry; called locked. */
static struct dirent_gs *dir_get(const char *dir)
{
    struct dirent_gs *d;

    for (d = dirs; d != NULL; d = d->next)
        if (strcmp(d->path, dir) == 0)
            break;
    if (d == NULL) {
        d = xcalloc(1, sizeof(*d));
        d->path = xstrdup(dir);
        pthread_cond_init(&d->cond, NULL);
        d->next = dirs;
        dirs = d;
    }
    d->users++;
    return d;
}

/* Drop a use of D; the last user unlinks and frees it. Called locked. */
static void dir_put(struct dirent_gs *d)
{
    struct dirent_gs **pp;

    if (--d->users > 0)
        return;
    for (pp = &dirs; *pp != d; pp = &(*pp)->next)
        ;
    *pp = d->next;
    pthread_cond_destroy(&d->cond);
    free(d->path);
    free(d->pending);
    free(d);
}

/* Run the fsync for generation G of D; called locked, returns locked. */
static void run_sync(struct dirent_gs *d, struct gen *g)
{
    d->pending = NULL;
    d->syncing = 1;
    n_fsyncs++;
    pthread_mutex_unlock(&lock);
    int rc = fsync_dir(d->path) == 0 ? 0 : errno;
    pthread_mutex_lock(&lock);
    g->rc = rc;
    g->done = 1;
    d->syncing = 0;
    pthread_cond_broadcast(&d->cond);
}

int groupsync_dir(const char *dir)
{
    struct dirent_gs *d;
    struct gen *g;
    int rc;

    if (!enabled) {
        pthread_mutex_lock(&lock);
        n_calls++;
        n_fsyncs++;
        pthread_mutex_unlock(&lock);
        return fsync_dir(dir);
    }
    pthread_mutex_lock(&lock);
    n_calls++;
    d = dir_get(dir);
    if ((g = d->pending) == NULL)
        g = d->pending = xcalloc(1, sizeof(*g));
    g->refs++;
    while (!g->done) {
        /* Not done and no fsync running: G is still the pending generation. */
        if (!d->syncing)
            run_sync(d, g);
        else
            pthread_cond_wait(&d->cond, &lock);
    }
    rc = g->rc;
    if (--g->refs == 0)
        free(g);
    dir_put(d);
    pthread_mutex_unlock(&lock);
    errno = rc;
    return rc ? -1 : 0;
}
