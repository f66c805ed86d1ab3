/* milter_conf.h - pogate-milter's parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_MILTER_CONF_H
#define POGATE_MILTER_CONF_H

#include "conf.h"

enum conf_spf { SPF_OFF, SPF_HEADER, SPF_REJECT };
enum conf_autoreply_action { AUTOREPLY_REJECT, AUTOREPLY_DISCARD };

struct milter_conf {
    char *socket;               /* milter_socket: unix:PATH or inet:PORT@HOST */
    char *pid_file;             /* milter_pid_file, "" = none */
    char *metrics_listen;       /* HTTP /metrics: unix:PATH or inet:PORT@HOST, "" = none */
    char *trusted_networks;     /* outbound clients: IPs and CIDRs */
    char *outbound_services;    /* MTA services ({daemon_name}) whose mail is outbound */
    int spf;                    /* enum conf_spf */
    char *spf_zone_file;        /* "" = real DNS; else SPF DNS answers from this file only */
    int autoreply_action;       /* enum conf_autoreply_action */
    char *spoof_subject_prefix; /* put before the Subject: of mail tagged as spoofed, "" = none */
};

extern const struct conf_param milter_params[];
extern const size_t milter_nparams;

#endif
