/* decide_rcpt.h - recipients: which mailbox each one reaches, and the
 * envelope changes that make them the mailboxes' canonical addresses.
 *
 * RCPT at a PO domain must resolve to a mailbox (full address, catch-all,
 * postmaster@; else 550 5.1.1, no backscatter), its PO must not be paused
 * (451 4.2.1) nor too small for SIZE= (552 5.3.4), and a PO with utf8=no
 * gets no message from a UTF-8 sender it could not store (553 5.6.7,
 * RFC 6531 3.7.4.1). A recipient outside every
 * PO is none of pogate's business, except that an outbound sender must be
 * allowed to reach the Internet (decide_outbound.h). A map that cannot be
 * read is 451 4.3.0: never accept blindly, never reject by accident.
 * At end of message each PO recipient whose address is not the mailbox's
 * public address is deleted and the public address added once (libmilter
 * allows envelope changes only there).
 */
#ifndef POGATE_MILTER_DECIDE_RCPT_H
#define POGATE_MILTER_DECIDE_RCPT_H

#include <stddef.h>

#include "podir.h"
#include "verdict.h"

struct ob_sender;

/* Where a recipient goes. */
struct rcpt_target {
    int ours;                   /* a PO mailbox; the fields below are filled */
    char where[2 * PODIR_NAME_MAX + 2];         /* "po/mbx" */
    char canonical[PODIR_ADDR_MAX + 1];         /* the mailbox's public address */
    long long maxsize;          /* the PO's maxsize; 0 = none */
    /* For the metrics, whatever the verdict: */
    char po[PODIR_NAME_MAX + 1];        /* the postoffice of a PO-domain recipient, else "" */
    const char *counted;        /* a PO recipient's verdict ("accept", "unknown" for 5.1.1,
                                 * "reject", "tempfail"; map trouble: "tempfail" with po "");
                                 * NULL for a recipient outside every postoffice */
};

/* One envelope recipient the session accepted. */
struct rcpt {
    char *arg;                  /* as the MTA gave it: what smfi_delrcpt must name */
    char *addr;                 /* bare address */
    struct rcpt_target to;
};

struct rcpt_in {
    const char *addr;           /* bare recipient address */
    long long declared_size;    /* MAIL SIZE=, 0 if none */
    struct podir *maps;
    const struct ob_sender *ob; /* the sender of an outbound message, NULL if inbound */
    const char *sender;         /* bare envelope sender */
};

/* RCPT: on VERDICT_CONTINUE *TO says where the recipient goes. */
enum verdict_action decide_rcpt(const struct rcpt_in *in, struct rcpt_target *to, struct verdict *v);

/* 1 if some recipient of the N at R is outside every postoffice. */
int rcpt_any_foreign(const struct rcpt *r, size_t n);

/* One envelope change: smfi_delrcpt(addr), or smfi_addrcpt("<addr>"). */
struct rcpt_change {
    int add;
    const char *addr;           /* points into the recipient list */
};

/* The changes that rewrite the N recipients at R, in the order to apply
 * them, into OUT (room for 2 * N); returns how many. */
size_t rcpt_rewrites(const struct rcpt *r, size_t n, struct rcpt_change *out);

#endif
