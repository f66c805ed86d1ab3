/* decide_outbound.h - the envelope decisions of the outbound direction.
 *
 * A message is outbound when the client is trusted and the envelope sender
 * is a mailbox's internal or public address; obpolicy.h decides its headers,
 * this module everything else:
 *  - MAIL: a sender at a PO domain from an untrusted client is spoofing
 *    (550 5.7.1); from a trusted one it must be a mailbox (550 5.7.1) whose
 *    PO takes SIZE= (552 5.3.4). A trusted client's null sender is decided
 *    at end of message from the first From: mailbox (RFC 3834 3.3: auto-
 *    replies are sent from <>).
 *  - RCPT outside every PO: the mailbox and its PO must have outbound=yes
 *    (550 5.7.1).
 *  - end of message: the null sender's mailbox and outbound=yes, the counted
 *    size against the sender PO's maxsize, PO autoreply=no against an
 *    auto-reply to the Internet (550 5.7.1, or discarded with
 *    autoreply_action = discard), the envelope sender's new value, and
 *    whether the message is to be held in the MTA (its PO's outbound
 *    direction is stopped: pogate-po(8) releases it on resume).
 * A map that cannot be read is 451 4.3.0, never a reject.
 */
#ifndef POGATE_MILTER_DECIDE_OUTBOUND_H
#define POGATE_MILTER_DECIDE_OUTBOUND_H

#include <stddef.h>

#include "podir.h"
#include "verdict.h"

/* The postoffice mailbox an outbound message comes from. */
struct ob_sender {
    int outbound;               /* the message is outbound; nothing below counts otherwise */
    int null_sender;            /* <> from a trusted client: the mailbox comes from From: */
    int have_po;                /* the fields below are filled */
    char po[PODIR_NAME_MAX + 1];
    char mbx[PODIR_NAME_MAX + 1];
    char address[PODIR_ADDR_MAX + 1];   /* public address */
    int autoreply;              /* the PO lets auto-replies out */
    int may_send_out;           /* the PO and the mailbox have outbound=yes */
    long long maxsize;          /* the PO's maxsize; 0 = none */
    int held;                   /* the PO's outbound direction is stopped (state=, or its hub's) */
};

struct ob_mail_in {
    const char *sender;         /* bare envelope sender, "" = <> */
    int trusted;
    long long declared_size;    /* MAIL SIZE=, 0 if none */
    struct podir *maps;
};

/* MAIL: *S says whether the message is outbound (and from which mailbox);
 * a mailbox refused for its SIZE= still names its PO (have_po). */
enum verdict_action decide_ob_mail(const struct ob_mail_in *in, struct ob_sender *s, struct verdict *v);

/* RCPT of RCPT, outside every PO, in a message from S (SENDER its envelope sender). */
enum verdict_action decide_ob_rcpt(const struct ob_sender *s, const char *sender, const char *rcpt,
                                   struct verdict *v);

struct ob_eom_in {
    struct podir *maps;
    const char *const *from;    /* the values of the From: headers in order (null sender only) */
    size_t nfrom;
    const char *marker;         /* the first auto-reply marker (obpolicy.h), NULL if none */
    int internet_rcpt;          /* some recipient is outside every PO */
    long long size;             /* header and body bytes counted */
    int autoreply_discard;      /* autoreply_action = discard (else reject) */
    const char *sender;         /* bare envelope sender */
};

#define OB_SUMMARY_MAX (PODIR_ADDR_MAX + 3 * PODIR_NAME_MAX + 96)

struct ob_eom_out {
    int outbound;               /* 0: a null sender whose From: names no mailbox: change nothing */
    char new_sender[PODIR_ADDR_MAX + 1];        /* "" = keep; else smfi_chgfrom <new_sender> */
    char summary[OB_SUMMARY_MAX];       /* for the tracking line */
    int hold;                   /* quarantine the message (after the rewrites) ... */
    char hold_reason[2 * PODIR_NAME_MAX];       /* ... with this reason */
};

/* End of message of an outbound message from *S (a null sender's mailbox is
 * filled in here). The header rewrites (ob_rewrite_header) come after a
 * VERDICT_CONTINUE, and then the envelope sender. */
enum verdict_action decide_ob_eom(const struct ob_eom_in *in, struct ob_sender *s, struct ob_eom_out *out,
                                  struct verdict *v);

#endif
