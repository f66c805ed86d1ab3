/* notify_conf.h - pogate-notify's parameters in pogate.conf (pogate.conf(5)).
 */
#ifndef POGATE_NOTIFY_CONF_H
#define POGATE_NOTIFY_CONF_H

#include "conf.h"

struct notify_conf {
    char *admin;                /* notify_admin: also receives every notice; "" = none */
    char *from;                 /* notify_from: From: of the notices; "" = postmaster@HOST */
    char *state_file;           /* notify_state_file: what was sent when */
    long long interval;         /* notify_interval: one notice per condition per this */
    long long paused_after;     /* notify_paused_after: a stopped direction, held mail */
    long long backlog_after;    /* notify_backlog_after: a mailbag's oldest waiting file */
    long long queue_after;      /* notify_queue_after: a postoffice's oldest mail in the MTA queue */
    long long quota_percent;    /* notify_quota_percent: quota use that warns; 0 = never */
};

extern const struct conf_param notify_params[];
extern const size_t notify_nparams;

#endif
