/* outbound.h - the outbound direction (postoffice -> Internet) of pogate-milter.
 *
 * The stage files call these hooks; all outbound decisions live behind them.
 * A message is outbound when the client is trusted (ctx->trusted) and the
 * envelope sender is a mailbox's internal or public address. Then:
 * the envelope sender becomes the public address (smfi_chgfrom), From:,
 * Sender: and Reply-To: become "Display Name" <public> (header rewriting),
 * mailbox or PO outbound=no -> 550 5.7.1, PO autoreply=no stops
 * auto-replies. An untrusted client using a PO domain as sender -> 550 5.7.1.
 */
#ifndef POGATE_MILTER_OUTBOUND_H
#define POGATE_MILTER_OUTBOUND_H

#include <libmilter/mfapi.h>

struct ctx;

/* SMFIF_* actions and SMFIP_* step flags the outbound direction needs. */
unsigned long outbound_actions(void);
unsigned long outbound_steps(void);

/* MAIL FROM: decide whether the message is outbound, or refuse it. */
sfsistat outbound_envfrom(SMFICTX *m, struct ctx *c);

/* RCPT TO of a recipient outside every postoffice (only called when c->ob is set). */
sfsistat outbound_envrcpt(SMFICTX *m, struct ctx *c, const char *rcpt);

/* Each header of an outbound message (only called when c->ob is set). */
void outbound_header(struct ctx *c, const char *name, const char *value);

/* End of message: apply the rewrites (only called when c->ob is set). */
sfsistat outbound_eom(SMFICTX *m, struct ctx *c);

/* Free the per-message state (c->ob); safe when there is none. */
void outbound_reset(struct ctx *c);

/* A few words for the tracking line ("" when the message is inbound). */
const char *outbound_summary(const struct ctx *c);

#endif
