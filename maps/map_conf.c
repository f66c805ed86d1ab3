/* map_conf.c - pogate-map's parameter table; see map_conf.h. */
#include "map_conf.h"

const struct conf_param map_params[] = {
    CONF_PARAM(mta_transport, CONF_STR, "pogate:", NULL, struct map_conf, mta_transport),
};
const size_t map_nparams = sizeof(map_params) / sizeof(map_params[0]);
