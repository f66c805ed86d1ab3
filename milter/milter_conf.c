/* milter_conf.c - pogate-milter's parameter table; see milter_conf.h. */
#include "config.h"
#include "milter_conf.h"

const struct conf_param milter_params[] = {
    CONF_PARAM(milter_socket, CONF_STR, "unix:" POGATE_RUNDIR "/milter.sock", NULL, struct milter_conf, socket),
    CONF_PARAM(milter_pid_file, CONF_STR, POGATE_RUNDIR "/milter.pid", NULL, struct milter_conf, pid_file),
    CONF_PARAM(milter_metrics_listen, CONF_STR, "", NULL, struct milter_conf, metrics_listen),
    CONF_PARAM(trusted_networks, CONF_STR, "", NULL, struct milter_conf, trusted_networks),
    CONF_PARAM(outbound_services, CONF_STR, "", NULL, struct milter_conf, outbound_services),
    CONF_PARAM(spf, CONF_ENUM, "header", "off|header|reject", struct milter_conf, spf),
    CONF_PARAM(spf_zone_file, CONF_STR, "", NULL, struct milter_conf, spf_zone_file),
    CONF_PARAM(autoreply_action, CONF_ENUM, "reject", "reject|discard", struct milter_conf, autoreply_action),
    CONF_PARAM(spoof_subject_prefix, CONF_STR, "", NULL, struct milter_conf, spoof_subject_prefix),
};
const size_t milter_nparams = sizeof(milter_params) / sizeof(milter_params[0]);
