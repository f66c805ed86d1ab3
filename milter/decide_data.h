/* decide_data.h - at DATA: does the message still need pogate-milter?
 *
 * Every change pogate-milter makes waits for end of message, and headers and
 * body reach it only to be counted and, outbound, kept. A message that needs
 * none of that is accepted at DATA (SMFIS_ACCEPT): the MTA then sends neither
 * its headers, nor its body, nor end of message, and Postfix's cleanup(8)
 * does not read the message a second time for the milter. That is an inbound
 * message with no Received-SPF header to add, no recipient to rewrite to its
 * mailbox's public address, no header to check for spoofing (decide_spoof.h),
 * no recipient postoffice with a maxsize (the counted size is judged at end
 * of message), and no recipient refusal of a local submission waiting to be
 * given at end of message (client.h). Everything else goes on; a message
 * that goes on only for the spoof check is decided at end of headers, and
 * accepted there when nothing is forged (decide_eoh.h).
 */
#ifndef POGATE_MILTER_DECIDE_DATA_H
#define POGATE_MILTER_DECIDE_DATA_H

#include <stddef.h>

#include "decide_rcpt.h"

struct data_in {
    int outbound;               /* an outbound message: headers and end of message needed */
    int spf_header;             /* a Received-SPF header waits to be added */
    const struct rcpt *rcpts;   /* the accepted recipients */
    size_t nrcpt;
    int spoof_check;            /* From:, Sender:, Reply-To: to check for spoofing (spoof_wanted) */
    int rcpt_refused;           /* a local submission's recipient refusal waits for end of message */
};

/* 1: accept the message at DATA; 0: go on to end of message, *WHY says
 * what still needs it (static text, for the debug log). */
int decide_data(const struct data_in *in, const char **why);

/* At negotiation: 1 when some message of the connection could be accepted
 * at DATA, so that the DATA step is worth its round trip: SPF off (every
 * message SPF checks gets a Received-SPF header) and some postoffice without
 * a maxsize (LARGEST, podir_max_size(), is 0 then). */
int decide_data_step(int spf_on, long long largest);

#endif
