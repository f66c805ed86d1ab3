/* lda_conf.h - the delivery agents' parameters in pogate.conf: the delivery
 * core's (pogate-lda and pogate-lmtp alike) and pogate-lda's own.
 */
#ifndef POGATE_LDA_CONF_H
#define POGATE_LDA_CONF_H

#include "conf.h"

enum conf_quota_action { QUOTA_DEFER, QUOTA_BOUNCE };

struct lda_conf {
    int quota_action;           /* enum conf_quota_action */
    long long time_limit;       /* lda_time_limit, seconds */
};

extern const struct conf_param lda_params[];
extern const size_t lda_nparams;

#endif
