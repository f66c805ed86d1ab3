/* podir_conf.c - compile a config directory with the settings of its
 * pogate.conf: what pogate-map does with no FILE, and what pogate-po(8) and
 * pogate-notify(8) do after changing or to check the maps. */
#include <string.h>

#include "map_conf.h"
#include "podir_build.h"
#include "pogate_conf.h"

int podir_build_dir(const char *dir, int dry_run)
{
    struct pogate_conf conf;
    struct map_conf mc;
    const struct conf_table own = { map_params, map_nparams, &mc };
    struct podir_build_opts o = { 0 };
    int rc = 1;

    if (pogate_conf_load(&conf, dir, &own, 1) == 0) {
        o.confdir = dir;
        o.transport = mc.mta_transport;
        o.trusted_networks = pogate_conf_other(&conf, "trusted_networks");
        o.spf_on = strcmp(pogate_conf_other(&conf, "spf"), "off") != 0;
        o.dry_run = dry_run;
        o.fold = 1;
        rc = podir_build(&o);
    }
    pogate_conf_free(&conf, &own, 1);
    return rc;
}
