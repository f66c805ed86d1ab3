/* stat_conf.h - pogate-stat's parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_STAT_CONF_H
#define POGATE_STAT_CONF_H

#include "conf.h"

struct stat_conf {
    char *queue_command;        /* lists the MTA's queue; "" = postqueue -j, else mailq, from PATH */
};

extern const struct conf_param stat_params[];
extern const size_t stat_nparams;

#endif
