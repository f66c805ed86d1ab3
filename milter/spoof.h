/* spoof.h - the inbound header spoofing check of pogate-milter, applied.
 *
 * eom.c calls these hooks; decide_spoof.h decides. Headers are kept only
 * when the check can apply (an inbound message from an untrusted client,
 * some PO with spoof= other than off); end of message refuses the message,
 * or adds X-Pogate-Spoof: NAME <addr> per forged address and, with
 * spoof_subject_prefix set, puts the prefix before the Subject:.
 */
#ifndef POGATE_MILTER_SPOOF_H
#define POGATE_MILTER_SPOOF_H

#include <libmilter/mfapi.h>

struct ctx;

/* 1 when the message's headers must reach end of message for the check. */
int spoof_wanted(const struct ctx *c);

/* Each header of a message spoof_wanted() holds. */
void spoof_header(struct ctx *c, const char *name, const char *value);

/* End of message: decide and apply; SMFIS_CONTINUE when the message goes on. */
sfsistat spoof_eom(SMFICTX *m, struct ctx *c);

/* The tracking line's word ("" when nothing was forged). */
const char *spoof_summary_of(const struct ctx *c);

/* Free the per-message state; safe when there is none. */
void spoof_reset(struct ctx *c);

#endif
