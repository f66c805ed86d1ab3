/* map_conf.h - pogate-map's own parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_MAP_CONF_H
#define POGATE_MAP_CONF_H

#include "conf.h"

struct map_conf {
    char *mta_transport;        /* transport written for PO domains, e.g. "pogate:" */
};

extern const struct conf_param map_params[];
extern const size_t map_nparams;

#endif
