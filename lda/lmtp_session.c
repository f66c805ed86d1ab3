/* lmtp_session.c - one pogate-lmtp conversation; see lmtp_session.h.
 *
 * The handler callbacks of the LMTP engine: MAIL takes a snapshot of the
 * postoffice directory, RCPT resolves each recipient on it (the same answers
 * pogate-lda gives: unknown 550 5.1.1, paused 451 4.2.1, map trouble
 * 451 4.3.0), DATA hands the message (in memory, or spooled when large) to
 * the delivery core (deliver.h) with the directory fsyncs deferred, settles
 * them through group commit (groupsync.h), and answers each recipient with its own status. The end of
 * the transaction returns the snapshot. Everything a transaction allocated is
 * freed in txn_reset(), which the engine calls on every path out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deliver.h"
#include "groupsync.h"
#include "lmtp_qid.h"
#include "lmtp_proto.h"
#include "lmtp_session.h"
#include "log.h"
#include "mem.h"
#include "podir.h"

struct txn {
    struct lmtp_env *env;
    struct podir *snap;         /* from MAIL to the end of the transaction */
    char *sender;
    struct deliver_rcpt *rcpt;  /* contiguous: deliver_message() takes the array */
    char **address;             /* rcpt[i].address points here */
    int nrcpt;
    int cap;
};

static long long h_max_size(void *ctx)
{
    struct txn *t = ctx;
    struct podir *d;
    long long max;

    if (t->snap != NULL)
        return podir_max_size(t->snap);
    if ((d = podir_get(t->env->cache)) == NULL)
        return 0;
    max = podir_max_size(d);
    podir_put(d);
    return max;
}

static int h_mail(void *ctx, const char *sender, long long size, buf_t *reply)
{
    struct txn *t = ctx;

    (void) size;
    if ((t->snap = podir_get(t->env->cache)) == NULL) {
        buf_puts(reply, "451 4.3.0 Error: postoffice directory unavailable, try again later");
        return 451;
    }
    t->sender = xstrdup(sender);
    buf_puts(reply, "250 2.1.0 Ok");
    return 250;
}

/* The reply line for a delivery status: "CODE X.Y.Z reason". */
static int status_reply(const struct dstatus *st, buf_t *reply)
{
    int code = dstatus_reply_code(st);

    buf_printf(reply, "%d %s", code, st->text);
    return code;
}

static int h_rcpt(void *ctx, const char *address, buf_t *reply)
{
    struct txn *t = ctx;
    struct deliver_rcpt *r;

    if (t->nrcpt == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->rcpt = xrealloc(t->rcpt, (size_t) t->cap * sizeof(*t->rcpt));
        t->address = xrealloc(t->address, (size_t) t->cap * sizeof(*t->address));
        for (int i = 0; i < t->nrcpt; i++)      /* the array moved */
            t->rcpt[i].address = t->address[i];
    }
    r = &t->rcpt[t->nrcpt];
    /* The same resolution, and the same answers, as pogate-lda. */
    if (deliver_resolve(t->snap, address, r) < 0 || deliver_sender_ok(r, t->sender) < 0)
        return status_reply(&r->st, reply);
    t->address[t->nrcpt] = xstrdup(address);
    r->address = t->address[t->nrcpt];
    t->nrcpt++;
    buf_puts(reply, "250 2.1.5 Ok");
    return 250;
}

static void h_data(void *ctx, const struct lmtp_msg *msg, int nrcpt, buf_t *replies)
{
    struct txn *t = ctx;
    char qid[64];
    struct deliver_params p = {
        .store = t->env->store, .sender = t->sender, .queue_id = qid,
        .quota_action = t->env->quota_action, .flags = DELIVER_DEFER_DIRSYNC,
        .msg = msg->data, .msg_len = (size_t) msg->size,
    };
    int no_qid;

    if (nrcpt != t->nrcpt) {            /* cannot happen: the engine counts our 250s */
        for (int i = 0; i < nrcpt; i++)
            buf_puts(&replies[i], "451 4.3.0 Error: internal recipient count mismatch");
        return;
    }
    /* The MTA's queue id, for the log lines of this thread and the mailbag envelope. */
    no_qid = msg->data ? lmtp_queue_id_buf(msg->data, (size_t) msg->size, qid, sizeof(qid)) < 0
                       : lmtp_queue_id(msg->fd, qid, sizeof(qid)) < 0;
    if (no_qid)
        p.queue_id = NULL;
    msg_set_queue_id(p.queue_id);
    (void) deliver_message(&p, msg->fd, t->rcpt, nrcpt);
    /* Nothing is answered before the fsync that covers it has completed. */
    (void) deliver_sync(&p, t->rcpt, nrcpt, groupsync_dir);
    for (int i = 0; i < nrcpt; i++) {
        if (dstatus_is_pending(&t->rcpt[i].st))
            buf_puts(&replies[i], "451 4.3.0 Error: delivery status unknown");
        else
            (void) status_reply(&t->rcpt[i].st, &replies[i]);
    }
    msg_set_queue_id(NULL);
}

static void txn_reset(void *ctx)
{
    struct txn *t = ctx;

    for (int i = 0; i < t->nrcpt; i++)
        free(t->address[i]);
    t->nrcpt = 0;
    free(t->sender);
    t->sender = NULL;
    if (t->snap != NULL)
        podir_put(t->snap);
    t->snap = NULL;
}

static const struct lmtp_handler handler = { h_max_size, h_mail, h_rcpt, h_data, txn_reset };

void lmtp_session(struct lmtp_env *env, int in_fd, int out_fd)
{
    struct txn t = { .env = env };
    enum lmtp_end end;

    end = lmtp_serve(&env->params, &handler, &t, in_fd, out_fd);
    txn_reset(&t);
    free(t.rcpt);
    free(t.address);
    msg_debug("conversation ended: %s", lmtp_end_str(end));
}
