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
    const unsigned char *x4, *x6;       /* access prefix lengths in use, longest first */
    size_t nx4, nx6;
};

#endif
