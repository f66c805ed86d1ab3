/* decide_syntax.h - is a MAIL or RCPT argument an address at all?
 *
 * The MTA hands the path over as the client wrote it, and Postfix holds it
 * to none of RFC 5321's limits: a 300-octet local part or a domain label of
 * underscores reaches the milter. Each argument passes addr_parse() (addr.h,
 * the one address checker) before any lookup: a refusal is 501 with 5.1.7
 * (sender) or 5.1.3 (recipient) and the rule it breaks. The null sender and
 * a bare local name (RCPT TO:<postmaster>, a sender before the MTA adds its
 * domain) pass.
 */
#ifndef POGATE_MILTER_DECIDE_SYNTAX_H
#define POGATE_MILTER_DECIDE_SYNTAX_H

#include "verdict.h"

/* ARG of MAIL (SENDER 1) or RCPT (SENDER 0). */
enum verdict_action decide_syntax(const char *arg, int sender, struct verdict *v);

#endif
