/* spoof.h - the inbound header spoofing check of pogate-milter, applied.
 *
 * eom.c calls these hooks; decide_spoof.h decides, at end of headers when
 * the check is all the message needs (decide_eoh.h), else at end of
 * message. Headers are kept only when the check can apply (an inbound
 * message from an untrusted client, some PO with spoof= other than off). A
 * refusal is given where the decision is made; a tag is applied at end of
 * message: X-Pogate-Spoof: NAME <addr> per forged address and, with
 * spoof_subject_prefix set, the prefix before the Subject:.
 */
#ifndef POGATE_MILTER_SPOOF_H
#define POGATE_MILTER_SPOOF_H

#include <libmilter/mfapi.h>

struct ctx;
struct data_in;

/* 1 when the message's headers are to be kept for the check (decided at end
 * of headers or end of message). */
int spoof_wanted(const struct ctx *c);

/* Each header of a message spoof_wanted() holds. */
void spoof_header(struct ctx *c, const char *name, const char *value);

/* End of headers, with DATA's conditions (DATA->spoof_check: spoof_wanted()):
 * when the check is all the message needs, decide; SMFIS_ACCEPT when nothing
 * is forged, the reply's status when the message is refused or deferred,
 * SMFIS_CONTINUE otherwise (a tag is then applied by spoof_eom). */
sfsistat spoof_eoh(SMFICTX *m, struct ctx *c, const struct data_in *data);

/* End of message: decide, unless end of headers did, and apply;
 * SMFIS_CONTINUE when the message goes on. */
sfsistat spoof_eom(SMFICTX *m, struct ctx *c);

/* The tracking line's word ("" when nothing was forged). */
const char *spoof_summary_of(const struct ctx *c);

/* Free the per-message state; safe when there is none. */
void spoof_reset(struct ctx *c);

#endif
