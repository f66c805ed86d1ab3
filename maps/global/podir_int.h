/* podir_int.h - inside a podir snapshot, shared by podir.c (lookups) and
 * podir_cache.c (opening, reference counting, the daemons' cache). */
#ifndef POGATE_PODIR_INT_H
#define POGATE_PODIR_INT_H

#include <stdatomic.h>
#include <stddef.h>

struct cdbr;

struct podir {
    struct cdbr *r;             /* CONFDIR/index.cdb, mapped */
    char *path;
    atomic_int refs;            /* podir_open: 1; each podir_get adds one */
    int count;                  /* POs */
    long long maxsize;
    long long spoof;            /* POs with spoof= other than off */
    const unsigned char *x4, *x6;       /* access prefix lengths in use, longest first */
    size_t nx4, nx6;
};

/* A snapshot over LEN bytes at MEM (not copied), named NAME in messages:
 * what the fuzz target feeds hostile index files through. */
struct podir *podir_open_mem(const void *mem, size_t len, const char *name);

#endif
