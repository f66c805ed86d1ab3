/* check_conf.h - pogate-check's parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_CHECK_CONF_H
#define POGATE_CHECK_CONF_H

#include "conf.h"

struct check_conf {
    char *relay_hosts;          /* the relay hosts' names, which the MX records must name */
    char *relay_addresses;      /* their addresses; "" = what the DNS says of relay_hosts */
    long long dns_timeout;      /* check_dns_timeout: the resolver's wait for one answer */
    long long dns_attempts;     /* check_dns_attempts: tries of one question */
    long long domain_time;      /* check_domain_time: the most one domain's checks may take */
};

extern const struct conf_param check_params[];
extern const size_t check_nparams;

#endif
