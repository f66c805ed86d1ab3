/* pickup_conf.h - pogate-pickup's own parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_PICKUP_CONF_H
#define POGATE_PICKUP_CONF_H

#include "conf.h"

struct pickup_conf {
    char *pid_file;             /* pickup_pid_file, "" = none */
    long long interval;         /* pickup_interval: seconds between full passes */
    long long command_timeout;  /* pickup_command_timeout: seconds sendmail(1) may take */
};

extern const struct conf_param pickup_params[];
extern const size_t pickup_nparams;

#endif
