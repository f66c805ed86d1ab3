/* lmtp_conf.c - pogate-lmtp's parameter table; see lmtp_conf.h. */
#include "config.h"
#include "lmtp_conf.h"

const struct conf_param lmtp_params[] = {
    CONF_PARAM(lmtp_socket, CONF_STR, "unix:" POGATE_RUNDIR "/lmtp.sock", NULL, struct lmtp_conf, socket),
    CONF_PARAM(lmtp_pid_file, CONF_STR, POGATE_RUNDIR "/lmtp.pid", NULL, struct lmtp_conf, pid_file),
    CONF_PARAM(lmtp_metrics_listen, CONF_STR, "", NULL, struct lmtp_conf, metrics_listen),
    CONF_PARAM(lmtp_max_connections, CONF_INT, "100", NULL, struct lmtp_conf, max_connections),
    CONF_PARAM(lmtp_idle_timeout, CONF_TIME, "300s", NULL, struct lmtp_conf, idle_timeout),
    CONF_PARAM(lmtp_command_timeout, CONF_TIME, "300s", NULL, struct lmtp_conf, command_timeout),
};
const size_t lmtp_nparams = sizeof(lmtp_params) / sizeof(lmtp_params[0]);
