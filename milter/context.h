/* context.h - the per-connection state of pogate-milter.
 *
 * libmilter gives each SMTP connection a SMFICTX and runs its callbacks one
 * at a time, though not always on the same thread; the state lives in the
 * connection's private pointer (smfi_setpriv). ctx_get() also puts the
 * message's queue id on the calling thread's log lines. The connection holds
 * a configuration generation and a map snapshot from negotiation to close;
 * per-message fields are reset at MAIL, abort and end of message. The fields
 * are the plain structs the decisions (decide_*.h) read and fill.
 */
#ifndef POGATE_MILTER_CONTEXT_H
#define POGATE_MILTER_CONTEXT_H

#include <sys/socket.h>
#include <libmilter/mfapi.h>

#include "buf.h"
#include "client.h"
#include "decide_access.h"
#include "decide_rcpt.h"
#include "podir.h"
#include "spf.h"
#include "state.h"
#include "verdict.h"

struct outbound_msg;
struct spoof_msg;

struct ctx {
    /* The connection. */
    struct milter_gen *gen;     /* configuration, held until close */
    struct podir *maps;         /* map snapshot, held until close; NULL = unreadable */
    struct client client;       /* address and "host[ip]" label */
    char *helo;
    struct trust trust;         /* access TRUST, trusted_networks, outbound service, SASL */
    unsigned long missing_actions;      /* needed SMFIF_* the MTA refused */
    unsigned long steps;        /* SMFIP_* agreed: NR_HDR/NR_BODY change the replies */

    /* The message. */
    char qid[64];
    char *sender;               /* bare address, "" for the null sender */
    struct rcpt *rcpts;
    size_t nrcpt, rcpt_cap;
    long long declared_size;    /* MAIL SIZE=, 0 if none */
    long long size;             /* header and body bytes seen */
    int uncounted;              /* ended at DATA or end of headers: size=- */
    enum spf_result spf;
    int spf_checked;
    buf_t spf_header;           /* Received-SPF value to add at end of message */
    struct outbound_msg *ob;    /* outbound.c's per-message state, NULL if inbound */
    struct verdict rcpt_refusal;        /* the first refused recipient of a local submission */
    int rcpt_refused;           /* ... applied to the message at its end (client.h) */
    struct spoof_msg *spoof;    /* spoof.c's kept headers, NULL unless spoof_wanted() */
};

/* The connection's state, created on first use; NULL only if libmilter fails. */
struct ctx *ctx_get(SMFICTX *m);

/* The configuration generation and map snapshot the connection keeps to
 * its close, taken at its first stage (negotiation, or connect). */
void ctx_take_config(struct ctx *c);

/* Take {i} from the MTA when it has one (sendmail at MAIL, Postfix from DATA). */
void ctx_take_qid(struct ctx *c, SMFICTX *m);

/* Keep an accepted recipient: ARG as the MTA gave it, ADDR bare, going to TO. */
void ctx_add_rcpt(struct ctx *c, const char *arg, const char *addr, const struct rcpt_target *to);

/* End of a message (MAIL, abort, end of message): free its fields. */
void ctx_msg_reset(struct ctx *c);

/* End of the connection: release everything and clear the private pointer. */
void ctx_free(SMFICTX *m);

/* Apply verdict V of STAGE: a reply is set and logged as "reject|defer:
 * STAGE from CLIENT: CODE XCODE TEXT", a discard as "discard: STAGE from
 * CLIENT: TEXT", V->error first as an error. Returns the SMFIS_* status. */
sfsistat ctx_apply(SMFICTX *m, struct ctx *c, const char *stage, const struct verdict *v);

/* A failure of the MTA or of libmilter at STAGE: 451 4.3.0 TEXT, applied. */
sfsistat ctx_tempfail(SMFICTX *m, struct ctx *c, const char *stage, const char *text);

#endif
