/* counters.c - the shared counters file; see counters.h.
 *
 * Lock-free on purpose: a delivery agent killed at any instruction must not
 * leave a lock that stops every other process from counting. The only
 * window is a slot being claimed (its name being copied, a few hundred
 * nanoseconds): a process that finds a slot still claiming after a bounded
 * wait goes on probing past it, so even a claimer killed in that window
 * costs a slot, never a count.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "counters.h"
#include "mem.h"

#define MAGIC "pogate-counters1"        /* 16 bytes, no NUL in the file */
#define SLOT_SIZE 256
#define STATE_FREE 0u
#define STATE_CLAIMING 1u
#define STATE_READY 2u
#define CLAIM_WAIT 100000               /* polls of a claiming slot before going past it */

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free to be shared between processes");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free to be shared between processes");

struct header {
    char magic[16];
    uint32_t slot_size;
    uint32_t slots;
    int64_t created;
    char pad[32];
};

struct slot {
    _Atomic uint32_t state;
    uint32_t hash;
    _Atomic uint64_t value;
    char name[SLOT_SIZE - 16];
};

_Static_assert(sizeof(struct header) == 64, "header layout");
_Static_assert(sizeof(struct slot) == SLOT_SIZE, "slot layout");
_Static_assert(sizeof(((struct slot *) 0)->name) == COUNTERS_NAME_MAX + 1, "name size");

struct counters {
    struct header *h;
    struct slot *s;
    size_t size;
    int writable;
};

#define FILE_SIZE (sizeof(struct header) + (size_t) COUNTERS_SLOTS * SLOT_SIZE)

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char) *s++) * 16777619u;
    return h ? h : 1;
}

/* A complete empty file at a temporary name, linked to PATH: whoever links
 * first made it, the others use theirs. 0, or -1 with errno. */
static int make_file(const char *path)
{
    struct header h;
    buf_t tmp = BUF_INIT;
    int fd, rc = -1, saved;

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, MAGIC, sizeof(h.magic));
    h.slot_size = SLOT_SIZE;
    h.slots = COUNTERS_SLOTS;
    h.created = (int64_t) time(NULL);
    buf_printf(&tmp, "%s.%ld.tmp", path, (long) getpid());
    if ((fd = open(tmp.data, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
        saved = errno;
        buf_free(&tmp);
        errno = saved;
        return -1;
    }
    if (fchmod(fd, 0644) == 0 && ftruncate(fd, (off_t) FILE_SIZE) == 0
        && pwrite(fd, &h, sizeof(h), 0) == (ssize_t) sizeof(h)
        && (link(tmp.data, path) == 0 || errno == EEXIST))
        rc = 0;
    saved = errno;
    close(fd);
    unlink(tmp.data);
    buf_free(&tmp);
    errno = saved;
    return rc;
}

static int check_header(const struct header *h)
{
    return memcmp(h->magic, MAGIC, sizeof(h->magic)) == 0 && h->slot_size == SLOT_SIZE
        && h->slots == COUNTERS_SLOTS;
}

struct counters *counters_open(const char *path, int create, const char **why)
{
    struct counters *c;
    struct stat st;
    void *mem;
    int fd, saved;

    *why = NULL;
    fd = open(path, (create ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT && create) {
        if (make_file(path) < 0)
            return NULL;
        fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t) st.st_size != FILE_SIZE) {
        saved = S_ISREG(st.st_mode) ? EPROTO : EINVAL;
        close(fd);
        *why = "not a counters file of this version (remove it: it is made again)";
        errno = saved;
        return NULL;
    }
    mem = mmap(NULL, FILE_SIZE, create ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    saved = errno;
    close(fd);
    if (mem == MAP_FAILED) {
        errno = saved;
        return NULL;
    }
    if (!check_header(mem)) {
        munmap(mem, FILE_SIZE);
        *why = "not a counters file of this version (remove it: it is made again)";
        errno = EPROTO;
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->h = mem;
    c->s = (struct slot *) ((char *) mem + sizeof(struct header));
    c->size = FILE_SIZE;
    c->writable = create;
    return c;
}

void counters_close(struct counters *c)
{
    if (c == NULL)
        return;
    munmap(c->h, c->size);
    free(c);
}

time_t counters_created(const struct counters *c)
{
    return (time_t) c->h->created;
}

/* Wait while slot S is being claimed; its state when that is over, or
 * STATE_CLAIMING when its claimer seems gone. */
static uint32_t settled(struct slot *s)
{
    uint32_t st;

    for (int i = 0; i < CLAIM_WAIT; i++) {
        if ((st = atomic_load_explicit(&s->state, memory_order_acquire)) != STATE_CLAIMING)
            return st;
        if (i > 64)
            sched_yield();
    }
    return STATE_CLAIMING;
}

static int is(const struct slot *s, uint32_t h, const char *name)
{
    return s->hash == h && strcmp(s->name, name) == 0;
}

/* The slot of NAME; with CLAIM, a free one is claimed for it. NULL when it
 * has none (or none is free). Slot 0 is the overflow counter's. */
static struct slot *find(const struct counters *c, const char *name, int claim)
{
    uint32_t h = hash(name), st;
    size_t n = COUNTERS_SLOTS - 1, start = h % n;

    for (size_t k = 0; k < n; k++) {
        struct slot *s = &c->s[1 + (start + k) % n];
        uint32_t expect = STATE_FREE;

        st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == STATE_FREE) {
            if (!claim)
                return NULL;
            if (atomic_compare_exchange_strong_explicit(&s->state, &expect, STATE_CLAIMING,
                                                        memory_order_acq_rel, memory_order_acquire)) {
                str_copy(s->name, name, sizeof(s->name));
                s->hash = h;
                atomic_store_explicit(&s->state, STATE_READY, memory_order_release);
                return s;
            }
            st = expect;
        }
        if (st == STATE_CLAIMING)
            st = settled(s);
        if (st == STATE_READY && is(s, h, name))
            return s;
    }
    return NULL;
}

/* Slot 0, named at the first overflow. */
static struct slot *overflow(const struct counters *c)
{
    struct slot *s = &c->s[0];
    uint32_t expect = STATE_FREE;

    if (atomic_compare_exchange_strong_explicit(&s->state, &expect, STATE_CLAIMING,
                                                memory_order_acq_rel, memory_order_acquire)) {
        str_copy(s->name, COUNTERS_OVERFLOW, sizeof(s->name));
        s->hash = hash(COUNTERS_OVERFLOW);
        atomic_store_explicit(&s->state, STATE_READY, memory_order_release);
    }
    return s;
}

void counters_add(struct counters *c, const char *name, uint64_t n)
{
    struct slot *s = NULL;

    if (c == NULL || !c->writable)
        return;
    if (strlen(name) <= COUNTERS_NAME_MAX)
        s = find(c, name, 1);
    if (s == NULL)
        s = overflow(c);
    atomic_fetch_add_explicit(&s->value, n, memory_order_relaxed);
}

/* The sum over every slot of NAME: a slot passed by while its claimer was
 * held up may have made a second one (the renderer sums them too). */
uint64_t counters_get(const struct counters *c, const char *name)
{
    uint32_t h = hash(name);
    size_t n = COUNTERS_SLOTS - 1, start = h % n;
    uint64_t sum = 0;

    if (strcmp(name, COUNTERS_OVERFLOW) == 0)
        return atomic_load_explicit(&c->s[0].value, memory_order_relaxed);
    for (size_t k = 0; k < n && strlen(name) <= COUNTERS_NAME_MAX; k++) {
        struct slot *s = &c->s[1 + (start + k) % n];
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);

        if (st == STATE_FREE)
            break;
        if (st == STATE_READY && is(s, h, name))
            sum += atomic_load_explicit(&s->value, memory_order_relaxed);
    }
    return sum;
}

void counters_each(const struct counters *c, void (*fn)(const char *name, uint64_t value, void *arg),
                   void *arg)
{
    for (size_t i = 0; i < COUNTERS_SLOTS; i++) {
        struct slot *s = &c->s[i];

        if (atomic_load_explicit(&s->state, memory_order_acquire) == STATE_READY && s->name[0])
            fn(s->name, atomic_load_explicit(&s->value, memory_order_relaxed), arg);
    }
}
