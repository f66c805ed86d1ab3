/* lmtp_session.h - one pogate-lmtp conversation: the LMTP engine wired to the
 * postoffice directory and the delivery core.
 *
 * Recipients are resolved at RCPT on the snapshot taken at MAIL (podir_get),
 * kept until the transaction ends (podir_put). At the final dot every accepted
 * recipient is delivered by the same core as pogate-lda, then the new/
 * directories are synced through group commit, and only then are the replies
 * sent: one per recipient, each 2xx covered by a completed fsync.
 */
#ifndef POGATE_LMTP_SESSION_H
#define POGATE_LMTP_SESSION_H

#include "lmtp_proto.h"
#include "podir.h"

struct lmtp_env {
    const char *store;          /* pogate.conf store */
    int quota_action;           /* pogate.conf quota_action (lda_conf.h) */
    struct podir_cache *cache;
    struct lmtp_params params;  /* hostname, spool dir, timeouts, stop fd */
};

/* Serve one conversation on IN_FD/OUT_FD (not closed here). */
void lmtp_session(struct lmtp_env *env, int in_fd, int out_fd);

#endif
