/* state.c - the shared configuration generation and map cache; see state.h. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "netlist.h"
#include "spf.h"
#include "state.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct milter_gen *current;
static struct podir_cache *maps;

struct milter_gen *gen_load(const char *confdir)
{
    struct milter_gen *g = xcalloc(1, sizeof(*g));
    char bad[128] = "", host[256] = "";
    int errors;

    g->refs = 1;
    errors = pogate_conf_load(&g->conf, confdir, &(struct conf_table) { milter_params, milter_nparams, &g->mc }, 1);
    if ((g->trusted = netlist_parse(g->mc.trusted_networks, bad, sizeof(bad))) == NULL) {
        msg_error("%s/pogate.conf: bad network in trusted_networks (%s)", confdir, bad);
        errors++;
    }
    if (errors == 0 && g->mc.spf != SPF_OFF) {
        if (gethostname(host, sizeof(host) - 1) < 0)
            host[0] = 0;
        if ((g->spf = spf_new(host, g->mc.spf_zone_file)) == NULL)
            errors++;
    }
    if (errors) {
        gen_release(g);
        return NULL;
    }
    return g;
}

static void gen_destroy(struct milter_gen *g)
{
    netlist_free(g->trusted);
    spf_free(g->spf);
    pogate_conf_free(&g->conf, &(struct conf_table) { milter_params, milter_nparams, &g->mc }, 1);
    free(g);
}

void gen_release(struct milter_gen *g)
{
    int last;

    if (g == NULL)
        return;
    pthread_mutex_lock(&state_lock);
    last = --g->refs == 0;
    pthread_mutex_unlock(&state_lock);
    if (last)
        gen_destroy(g);
}

void state_init(struct milter_gen *g, struct podir_cache *cache)
{
    current = g;
    maps = cache;
}

struct milter_gen *state_gen(void)
{
    struct milter_gen *g;

    pthread_mutex_lock(&state_lock);
    g = current;
    g->refs++;
    pthread_mutex_unlock(&state_lock);
    return g;
}

struct podir *state_podir(void)
{
    return podir_get(maps);
}

int state_reload(void)
{
    struct milter_gen *g, *old;

    pthread_mutex_lock(&state_lock);
    old = current;
    pthread_mutex_unlock(&state_lock);
    /* Only the signal thread reloads, so current cannot change meanwhile. */
    if ((g = gen_load(old->conf.confdir)) == NULL) {
        msg_error("reload: configuration errors; keeping the running configuration");
        return -1;
    }
    pthread_mutex_lock(&state_lock);
    current = g;
    pthread_mutex_unlock(&state_lock);
    gen_release(old);
    if (*g->conf.log_file && msg_open_file(g->conf.log_file) < 0)
        msg_error("%s: %m", g->conf.log_file);
    msg_info("reload: configuration and maps reloaded");
    return 0;
}

void state_shutdown(void)
{
    maps = NULL;
    gen_release(current);
    current = NULL;
}
