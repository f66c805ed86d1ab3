/* lda_conf.c - the delivery agents' parameter table; see lda_conf.h. */
#include "lda_conf.h"

const struct conf_param lda_params[] = {
    CONF_PARAM(quota_action, CONF_ENUM, "defer", "defer|bounce", struct lda_conf, quota_action),
    CONF_PARAM(lda_time_limit, CONF_TIME, "600s", NULL, struct lda_conf, time_limit),
};
const size_t lda_nparams = sizeof(lda_params) / sizeof(lda_params[0]);
