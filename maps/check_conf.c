/* check_conf.c - pogate-check's parameter table; see check_conf.h. */
#include "check_conf.h"

const struct conf_param check_params[] = {
    CONF_PARAM(relay_hosts, CONF_STR, "", NULL, struct check_conf, relay_hosts),
    CONF_PARAM(relay_addresses, CONF_STR, "", NULL, struct check_conf, relay_addresses),
    CONF_PARAM(check_dns_timeout, CONF_TIME, "2s", NULL, struct check_conf, dns_timeout),
    CONF_PARAM(check_dns_attempts, CONF_INT, "2", NULL, struct check_conf, dns_attempts),
    CONF_PARAM(check_domain_time, CONF_TIME, "20s", NULL, struct check_conf, domain_time),
};
const size_t check_nparams = sizeof(check_params) / sizeof(check_params[0]);
