/* deliver_rcpt.h - how one recipient of the delivery core ends: a store
 * failure, delivered, and the tracking line that says which. Inside the
 * core only; deliver_rcpt_init, deliver_resolve and deliver_exit, which
 * live beside these, are in deliver.h.
 */
#ifndef POGATE_DELIVER_RCPT_H
#define POGATE_DELIVER_RCPT_H

#include "deliver.h"

/* A system call on R's store failed with ERR while doing WHAT: logged with
 * the postoffice and mailbox, R->st from the errno (status.h). */
void rcpt_fail(struct deliver_rcpt *r, int err, const char *what);

/* R is durable in its new/: 2.0.0, saying so when an earlier attempt stored it. */
void rcpt_delivered(struct deliver_rcpt *r);

/* The tracking line of R, once its status is final (P for the sender). */
void rcpt_log(const struct deliver_params *p, const struct deliver_rcpt *r);

#endif
