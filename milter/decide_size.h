/* decide_size.h - message size against the postoffices' maxsize (552 5.3.4).
 *
 * A declared size (MAIL SIZE=) is judged as early as it can be: at MAIL when
 * it exceeds every PO's limit (inbound; a trusted client's mail is held to
 * its sender PO's limit instead), at RCPT against the recipient's PO, at MAIL
 * against an outbound sender's PO. The size the MTA does not declare is
 * counted (headers and body) and judged at end of message against every
 * recipient PO and the outbound sender's PO.
 */
#ifndef POGATE_MILTER_DECIDE_SIZE_H
#define POGATE_MILTER_DECIDE_SIZE_H

#include <stddef.h>

#include "decide_rcpt.h"
#include "verdict.h"

/* MAIL, inbound: DECLARED (0 = none) over LARGEST (podir_max_size: the
 * largest maxsize, 0 when some PO has none); trusted clients are not judged here. */
enum verdict_action decide_size_mail(long long declared, long long largest, int trusted, const char *sender,
                                     struct verdict *v);

/* RCPT (ADDR the recipient) and outbound MAIL (ADDR the sender): DECLARED
 * over PO's MAXSIZE (0 = none). */
enum verdict_action decide_size_po(long long declared, const char *po, long long maxsize, const char *addr,
                                   struct verdict *v);

/* End of message: SIZE counted bytes over the PO of any of the N recipients at R. */
enum verdict_action decide_size_rcpts(long long size, const struct rcpt *r, size_t n, struct verdict *v);

/* End of message, outbound: SIZE over the sender's PO's MAXSIZE (0 = none). */
enum verdict_action decide_size_sender(long long size, const char *po, long long maxsize, struct verdict *v);

#endif
