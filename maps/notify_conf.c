/* notify_conf.c - pogate-notify's parameter table; see notify_conf.h. */
#include "notify_conf.h"

const struct conf_param notify_params[] = {
    CONF_PARAM(notify_admin, CONF_STR, "", NULL, struct notify_conf, admin),
    CONF_PARAM(notify_from, CONF_STR, "", NULL, struct notify_conf, from),
    CONF_PARAM(notify_state_file, CONF_STR, "/var/lib/pogate/notify.state", NULL, struct notify_conf, state_file),
    CONF_PARAM(notify_interval, CONF_TIME, "1d", NULL, struct notify_conf, interval),
    CONF_PARAM(notify_paused_after, CONF_TIME, "4h", NULL, struct notify_conf, paused_after),
    CONF_PARAM(notify_backlog_after, CONF_TIME, "1h", NULL, struct notify_conf, backlog_after),
    CONF_PARAM(notify_queue_after, CONF_TIME, "4h", NULL, struct notify_conf, queue_after),
    CONF_PARAM(notify_quota_percent, CONF_INT, "90", NULL, struct notify_conf, quota_percent),
};
const size_t notify_nparams = sizeof(notify_params) / sizeof(notify_params[0]);
