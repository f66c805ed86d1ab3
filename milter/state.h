/* state.h - what every session of pogate-milter shares: the configuration
 * generation and the postoffice-directory cache.
 *
 * A generation is one load of pogate.conf with what is derived from it
 * (trusted_networks parsed, the SPF checker). It is read-only once published
 * and refcounted, like a podir snapshot: a session takes both at connect and
 * drops them at close, so SIGUSR1 or a rebuilt index.cdb never changes the
 * rules under a session in flight. This is the only global mutable state,
 * and it exists because libmilter's callbacks take no user pointer.
 */
#ifndef POGATE_MILTER_STATE_H
#define POGATE_MILTER_STATE_H

#include "milter_conf.h"
#include "podir.h"
#include "pogate_conf.h"

struct netlist;
struct spf;

struct milter_gen {
    struct pogate_conf conf;    /* the shared parameters */
    struct milter_conf mc;      /* pogate-milter's own */
    struct netlist *trusted;    /* trusted_networks */
    struct spf *spf;            /* NULL when spf = off */
    int refs;                   /* guarded by the state lock */
};

/* Load CONFDIR/pogate.conf and what derives from it; NULL after logging
 * every error. The result has one reference, the caller's. */
struct milter_gen *gen_load(const char *confdir);
void gen_release(struct milter_gen *g);

/* Publish G (taking over the caller's reference) and use MAPS, the
 * daemon skeleton's snapshot cache (server.h). */
void state_init(struct milter_gen *g, struct podir_cache *maps);

/* The current generation / map snapshot, with a reference each. The map
 * snapshot is NULL when no index can be read (callers tempfail). */
struct milter_gen *state_gen(void);
struct podir *state_podir(void);

/* SIGUSR1: reload pogate.conf, keeping the old generation on any error
 * (the skeleton has the maps re-read). 0 on success. */
int state_reload(void);

void state_shutdown(void);

#endif
