/* usage_bag.c - a downstream postoffice's share of its hub's mailbag; see
 * usage.h. A file belongs to the postoffice its envelope block names
 * (envblock_po), read from the file's first USAGE_ENVELOPE_MAX bytes.
 *
 * Reading that block is an open, fstat, read and close per file, and the
 * quota check measures before every delivery: with thousands of files
 * waiting for the importer, thousands of opens per message. So the process
 * keeps what it read, per hub folder (by its device and inode), per file
 * name and inode number: a file in new/ is written once in tmp/ and then
 * only linked and unlinked, so its envelope does not change while its name
 * and inode stay; a name seen again with another inode is read again. Each
 * scan still lists the folder (readdir: the names without a stat each) and
 * forgets the files it no longer lists, so memory follows the backlog. One
 * mutex guards the tables: pogate-lmtp measures from many threads, and a
 * scan under the lock is what the first one would have read anyway.
 * pogate-lda measures once per process and so reads every file, as before;
 * pogate-stat and pogate-notify likewise, once per run.
 *
 * Not kept elsewhere: the mailbag's file names (legacy importers read those)
 * and any file the store's other readers would have to update.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envblock.h"
#include "mem.h"
#include "podir.h"
#include "usage.h"
#include "usage_int.h"

/* What one file of a bag is: its owner ("" when its envelope names none),
 * size and mtime, and the scan that last listed it. */
struct bag_file {
    struct bag_file *next;      /* in its hash chain */
    ino_t ino;
    long long size, mtime;
    unsigned seen;
    char po[PODIR_NAME_MAX + 1];
    char name[];
};

/* The files of one hub's mailbag/new. */
struct bag {
    struct bag *next;
    dev_t dev;
    ino_t ino;
    struct bag_file **slot;
    size_t nslot, n;
    unsigned scan;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct bag *bags;

static size_t hash(const char *name, ino_t ino)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t) ino;      /* FNV-1a */

    for (; *name; name++)
        h = (h ^ (unsigned char) *name) * 1099511628211ULL;
    return (size_t) h;
}

/* The table of the folder (DEV, INO), made when first asked for. */
static struct bag *bag_of(dev_t dev, ino_t ino)
{
    struct bag *b;

    for (b = bags; b; b = b->next)
        if (b->dev == dev && b->ino == ino)
            return b;
    b = xmalloc(sizeof(*b));
    memset(b, 0, sizeof(*b));
    b->dev = dev, b->ino = ino;
    b->nslot = 256;
    b->slot = xmalloc(b->nslot * sizeof(*b->slot));
    memset(b->slot, 0, b->nslot * sizeof(*b->slot));
    b->next = bags;
    bags = b;
    return b;
}

/* Twice the slots when the files outnumber them: chains stay short. */
static void grow(struct bag *b)
{
    size_t n = b->nslot * 2;
    struct bag_file **slot = xmalloc(n * sizeof(*slot)), *f, *next;

    memset(slot, 0, n * sizeof(*slot));
    for (size_t i = 0; i < b->nslot; i++)
        for (f = b->slot[i]; f; f = next) {
            next = f->next;
            f->next = slot[hash(f->name, f->ino) & (n - 1)];
            slot[hash(f->name, f->ino) & (n - 1)] = f;
        }
    free(b->slot);
    b->slot = slot;
    b->nslot = n;
}

static struct bag_file *find(const struct bag *b, const char *name, ino_t ino)
{
    struct bag_file *f = b->slot[hash(name, ino) & (b->nslot - 1)];

    while (f && (f->ino != ino || strcmp(f->name, name) != 0))
        f = f->next;
    return f;
}

/* The file NAME of DIR read: its owner, size and mtime into F. 0, or -1
 * when it cannot be (gone meanwhile, the importer took it, or not a
 * regular file): then nothing is kept, and a later scan tries again. */
static int read_file(int dir, const char *name, struct bag_file *f)
{
    char head[USAGE_ENVELOPE_MAX];
    struct stat st;
    ssize_t n;
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    n = read(fd, head, sizeof(head));
    close(fd);
    if (n <= 0 || envblock_po(head, (size_t) n, f->po, sizeof(f->po)) < 0)
        f->po[0] = 0;
    f->size = usage_name_size(name);
    if (f->size < 0)
        f->size = (long long) st.st_size;
    f->mtime = (long long) st.st_mtime;
    return 0;
}

/* The entry of NAME (inode INO) in B, read from DIR when not known yet. */
static struct bag_file *lookup(struct bag *b, int dir, const char *name, ino_t ino)
{
    size_t len = strlen(name);
    struct bag_file *f = find(b, name, ino);

    if (f)
        return f;
    f = xmalloc(sizeof(*f) + len + 1);
    memcpy(f->name, name, len + 1);
    f->ino = ino;
    if (read_file(dir, name, f) < 0) {
        free(f);
        return NULL;
    }
    if (b->n >= b->nslot)
        grow(b);
    f->next = b->slot[hash(name, ino) & (b->nslot - 1)];
    b->slot[hash(name, ino) & (b->nslot - 1)] = f;
    b->n++;
    return f;
}

/* Forget the files the scan of B did not list (taken by the importer). */
static void sweep(struct bag *b)
{
    for (size_t i = 0; i < b->nslot; i++) {
        struct bag_file **p = &b->slot[i], *f;

        while ((f = *p) != NULL) {
            if (f->seen == b->scan) {
                p = &f->next;
                continue;
            }
            *p = f->next;
            free(f);
            b->n--;
        }
    }
}

/* PO's files in the listed folder D (the table B) into U. */
static void scan(struct bag *b, DIR *d, const char *po, unsigned flags, struct usage *u)
{
    struct bag_file *f;
    struct dirent *e;

    b->scan++;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (f = lookup(b, dirfd(d), e->d_name, e->d_ino)) == NULL)
            continue;
        f->seen = b->scan;
        if (strcmp(f->po, po) != 0)
            continue;
        u->bytes += f->size;
        usage_note_waiting(u, f->size, flags & USAGE_OLDEST ? f->mtime : 0);
    }
    sweep(b);
}

/* The hub's mailbag/new opened; -1 with errno. */
static int open_bag(int hubfd)
{
    const int dflags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int bag = openat(hubfd, "mailbag", dflags), fd, saved;

    if (bag < 0)
        return -1;
    fd = openat(bag, "new", dflags);
    saved = errno;
    close(bag);
    errno = saved;
    return fd;
}

void usage_downstream(int hubfd, const char *po, unsigned flags, struct usage *u)
{
    struct stat st;
    DIR *d = NULL;
    int fd;

    memset(u, 0, sizeof(*u));
    if ((fd = open_bag(hubfd)) < 0 || fstat(fd, &st) < 0 || (d = fdopendir(fd)) == NULL) {
        usage_failed(u, errno);
        if (fd >= 0)
            close(fd);
        return;
    }
    pthread_mutex_lock(&lock);
    scan(bag_of(st.st_dev, st.st_ino), d, po, flags, u);
    pthread_mutex_unlock(&lock);
    closedir(d);
}
