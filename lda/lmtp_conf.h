/* lmtp_conf.h - pogate-lmtp's own parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_LMTP_CONF_H
#define POGATE_LMTP_CONF_H

#include "conf.h"

struct lmtp_conf {
    char *socket;               /* lmtp_socket: unix:PATH or inet:PORT@HOST */
    char *pid_file;             /* lmtp_pid_file, "" = none */
    char *metrics_listen;       /* HTTP /metrics: unix:PATH or inet:PORT@HOST, "" = none */
    long long max_connections;
    long long idle_timeout;     /* seconds */
    long long command_timeout;  /* seconds */
};

extern const struct conf_param lmtp_params[];
extern const size_t lmtp_nparams;

#endif
