/* decide_eoh.h - at end of headers: is the spoof check all the message needs?
 *
 * While some postoffice has spoof= other than off (tag is the default), an
 * inbound message from an untrusted client is never accepted at DATA
 * (decide_data.h): its From:, Sender: and Reply-To: are to be checked
 * (decide_spoof.h). They are all in by end of headers. When the check is the
 * only thing the message still needs, that is when decide_data would accept
 * it but for the check, it is made there:
 *  - nothing forged (or only at spoof=off postoffices): the message is
 *    accepted (SMFIS_ACCEPT), and the MTA sends neither its body nor end of
 *    message;
 *  - a forgery at a spoof=reject postoffice: refused there, 550 5.7.1;
 *    a map that cannot be read: 451 4.3.0;
 *  - a forgery at a spoof=tag postoffice: on to end of message with the
 *    decision kept, as X-Pogate-Spoof can only be added there (libmilter
 *    allows header changes at end of message only).
 * Any other message goes on undecided and end of message decides it all, in
 * its usual order (the counted size first).
 */
#ifndef POGATE_MILTER_DECIDE_EOH_H
#define POGATE_MILTER_DECIDE_EOH_H

#include "decide_data.h"
#include "decide_spoof.h"
#include "verdict.h"

enum eoh_action {
    EOH_ON,                     /* not decided here: end of message decides everything */
    EOH_ACCEPT,                 /* nothing forged: accept the message now */
    EOH_TAG,                    /* forged at a spoof=tag PO: on to end of message, which tags by *OUT */
    EOH_REPLY                   /* *V now: 550 5.7.1 (forged at a spoof=reject PO) or 451 4.3.0 */
};

struct eoh_in {
    const struct data_in *data; /* what DATA decided on; data->spoof_check: the check applies */
    const struct spoof_in *spoof;       /* the headers as they came */
};

/* The decision at end of headers. *OUT and *V are filled unless the result
 * is EOH_ON; *WHY says why, static text for the debug log. */
enum eoh_action decide_eoh(const struct eoh_in *in, struct spoof_out *out, struct verdict *v, const char **why);

/* At negotiation: 1 when some message of the connection could be decided at
 * end of headers, so that the step is worth its round trip: the DATA step is
 * (decide_data_step: SPF off, some PO without a maxsize) and some PO has
 * spoof= other than off (SPOOF_ANY, podir_spoof_any()). */
int decide_eoh_step(int spf_on, long long largest, int spoof_any);

#endif
