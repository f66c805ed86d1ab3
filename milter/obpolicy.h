/* obpolicy.h - outbound header policy of pogate-milter, as pure functions.
 *
 * No libmilter here: the stage code (outbound.c) hands over header names and
 * values and applies what these functions decide, so the decisions can be
 * tested on their own. Two decisions:
 *  - is this message an automatic reply (PO autoreply=no stops those)?
 *  - what should From:, Sender: and Reply-To: become? Every mailbox whose
 *    address is a postoffice mailbox (internal or public address, looked up
 *    with podir_sender) becomes "Display Name" <public address>; every other
 *    byte of the value stays as it was.
 */
#ifndef POGATE_MILTER_OBPOLICY_H
#define POGATE_MILTER_OBPOLICY_H

#include <stddef.h>

#include "buf.h"
#include "podir.h"

struct ob_header {
    const char *name;
    const char *value;
};

/* The marker ("Auto-Submitted: auto-replied", ...) if header NAME: VALUE
 * marks an automatic reply, else NULL. The markers, and why, are listed in
 * obpolicy.c. The string is static. */
const char *ob_autoreply_marker(const char *name, const char *value);

/* The first marker among N headers, or NULL: the message is an auto-reply. */
const char *ob_is_autoreply(const struct ob_header *h, size_t n);

/* 1 if header NAME is one the outbound direction rewrites (From, Sender, Reply-To). */
int ob_rewrites_header(const char *name);

/* The lookup: podir_sender itself in the milter. */
typedef enum podir_result ob_sender_fn(struct podir *d, const char *address, struct po *po, struct mbx *mbx);

enum ob_rewrite {
    OB_KEEP,            /* nothing to change (not a rewritten header, or no PO mailbox in it) */
    OB_CHANGED,         /* *OUT holds the new value: smfi_chgheader(name, index, out) */
    OB_UNPARSEABLE,     /* the value does not parse: leave it, log *WHY */
    OB_TEMPFAIL         /* the maps could not be read: 451 4.3.0 */
};

/* Decide the new value of header NAME: VALUE; *WHY says why on the last two. */
enum ob_rewrite ob_rewrite_header(ob_sender_fn *lookup, struct podir *d, const char *name,
                                  const char *value, buf_t *out, const char **why);

#endif
