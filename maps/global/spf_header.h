/* spf_header.h - the Received-SPF header field of RFC 7208 section 9.1.
 *
 *   Received-SPF: RESULT (COMMENT) client-ip=IP; envelope-from="S";
 *                 helo=HELO; receiver=HOST; identity=mailfrom|helo[; problem="WHY"]
 *
 * Kept apart from spf.c (which links libspf2) so that the syntax is tested on
 * its own. Values are written bare when they are made of letters, digits,
 * '.', '-' and '_' only (a dot-atom: host names, IPv4 addresses), otherwise as
 * a quoted string, so an IPv6 address, an address with '@' or a HELO with
 * spaces is still one value a reader can parse. The comment keeps what the
 * checker said with '(', ')' and '\' escaped; no output holds a control
 * character or a byte outside ASCII, and each free text is cut at a bound so
 * the field stays well under RFC 5322's 998 octets a line.
 */
#ifndef POGATE_MILTER_SPF_HEADER_H
#define POGATE_MILTER_SPF_HEADER_H

#include "buf.h"
#include "spf.h"

#define SPF_HEADER_TEXT_MAX 200 /* octets of the comment and of the problem */

struct spf_header {
    enum spf_result result;
    const char *comment;        /* without parentheses; NULL or "" = none */
    const char *client_ip;
    const char *envelope_from;  /* "" for the null sender */
    const char *helo;           /* NULL or "" = not given */
    const char *receiver;
    const char *identity;       /* "mailfrom" or "helo" */
    const char *problem;        /* temperror, permerror: what went wrong; NULL = none */
};

/* Append the field value (without the "Received-SPF: " name) to OUT. */
void spf_header_write(buf_t *out, const struct spf_header *h);

#endif
