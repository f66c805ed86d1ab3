/* pickup_conf.c - pogate-pickup's parameter table; see pickup_conf.h. */
#include "config.h"
#include "pickup_conf.h"

const struct conf_param pickup_params[] = {
    CONF_PARAM(pickup_pid_file, CONF_STR, POGATE_RUNDIR "/pickup.pid", NULL, struct pickup_conf, pid_file),
    CONF_PARAM(pickup_interval, CONF_TIME, "60s", NULL, struct pickup_conf, interval),
    CONF_PARAM(pickup_command_timeout, CONF_TIME, "600s", NULL, struct pickup_conf, command_timeout),
};
const size_t pickup_nparams = sizeof(pickup_params) / sizeof(pickup_params[0]);
