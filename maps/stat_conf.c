/* stat_conf.c - pogate-stat's parameter table; see stat_conf.h. */
#include "stat_conf.h"

const struct conf_param stat_params[] = {
    CONF_PARAM(stat_queue_command, CONF_STR, "", NULL, struct stat_conf, queue_command),
};
const size_t stat_nparams = sizeof(stat_params) / sizeof(stat_params[0]);
