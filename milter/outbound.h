/* outbound.h - the outbound direction (postoffice -> Internet) of pogate-milter.
 *
 * The stage files call these hooks; they gather what the outbound decisions
 * need (decide_outbound.h for the envelope, obpolicy.h for the headers) and
 * apply what those decide: the envelope sender becomes the public address
 * (smfi_chgfrom), From:, Sender: and Reply-To: become "Display Name"
 * <public> (smfi_chgheader).
 */
#ifndef POGATE_MILTER_OUTBOUND_H
#define POGATE_MILTER_OUTBOUND_H

#include <libmilter/mfapi.h>

struct ctx;
struct ob_sender;

/* SMFIF_* actions and SMFIP_* step flags the outbound direction needs. */
unsigned long outbound_actions(void);
unsigned long outbound_steps(void);

/* MAIL FROM: decide whether the message is outbound, or refuse it. */
sfsistat outbound_envfrom(SMFICTX *m, struct ctx *c);

/* The sender of an outbound message, NULL when the message is inbound. */
const struct ob_sender *outbound_sender(const struct ctx *c);

/* Each header of an outbound message (only called when c->ob is set). */
void outbound_header(struct ctx *c, const char *name, const char *value);

/* End of message: decide and apply the rewrites (only called when c->ob is set). */
sfsistat outbound_eom(SMFICTX *m, struct ctx *c);

/* The message's outbound verdict so far, "reject" (sticks) or "accept": an
 * outbound message from a known mailbox is counted once, when it ends
 * (outbound_reset), per its sender's postoffice (metrics.h). */
void outbound_judged(struct ctx *c, const char *verdict);

/* Free the per-message state (c->ob); safe when there is none. */
void outbound_reset(struct ctx *c);

/* A few words for the tracking line ("" when the message is inbound). */
/* 1 when the message was held for its PO (after outbound_eom). */
int outbound_held(const struct ctx *c);

const char *outbound_summary(const struct ctx *c);

#endif
