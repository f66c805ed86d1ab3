/* t_groupsync.c - unit tests of lda/groupsync.c (group commit of directory fsyncs).
 *
 * Threads call groupsync_dir() on one real directory at once: every call must
 * return success, and with sharing on fewer fsyncs than calls are performed;
 * with sharing off exactly one per call. Errors reach the caller with errno.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "groupsync.h"
#include "tap.h"

#define THREADS 8
#define ROUNDS 40

static char dir[64];
static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void) arg;
    for (int i = 0; i < ROUNDS; i++)
        if (groupsync_dir(dir) != 0) {
            pthread_mutex_lock(&fail_lock);
            failures++;
            pthread_mutex_unlock(&fail_lock);
        }
    return NULL;
}

static void run(unsigned long long *calls, unsigned long long *fsyncs)
{
    pthread_t t[THREADS];
    unsigned long long c0, f0;

    groupsync_stats(&c0, &f0);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    groupsync_stats(calls, fsyncs);
    *calls -= c0;
    *fsyncs -= f0;
}

int main(void)
{
    unsigned long long calls, fsyncs;

    snprintf(dir, sizeof(dir), "/tmp/t_groupsync.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    run(&calls, &fsyncs);
    is_int(failures, 0, "every shared sync succeeded");
    is_int(calls, THREADS * ROUNDS, "every call counted");
    ok(fsyncs >= 1 && fsyncs < calls, "concurrent callers shared fsyncs (%llu for %llu calls)",
       fsyncs, calls);
    groupsync_enable(0);
    run(&calls, &fsyncs);
    is_int(fsyncs, calls, "sharing off: one fsync per call");
    groupsync_enable(1);
    errno = 0;
    ok(groupsync_dir("/nonexistent/pogate-dir") < 0 && errno == ENOENT,
       "a directory that cannot be opened: -1 with ENOENT");
    rmdir(dir);
    return done_testing();
}
