/* decide_spf.h - what an SPF result does to MAIL, per pogate.conf `spf`.
 *
 * Whether to check at all: only with a checker configured (spf = header or
 * reject), never for a trusted client (its mail is outbound) or an access OK
 * relay (forwarded mail would fail), and only for a client with an IP address.
 * What the result does: with spf = reject, fail refuses MAIL (550 5.7.23,
 * RFC 7372) and temperror defers it (451 4.4.3: DNS trouble is never a
 * permanent reject); every other result, and every result with spf =
 * header, goes on and the Received-SPF header that spf_check wrote is added
 * at end of message.
 */
#ifndef POGATE_MILTER_DECIDE_SPF_H
#define POGATE_MILTER_DECIDE_SPF_H

#include "spf.h"
#include "verdict.h"

struct spf_in {
    int enabled;                /* an SPF checker is configured: spf = header or reject */
    int reject;                 /* spf = reject */
    int trusted;                /* the client is trusted (struct trust) */
    int exempt;                 /* access OK */
    int have_ip;                /* the client has an IPv4 or IPv6 address */
};

/* 1 if the MAIL of this client is to be checked (spf_check). */
int decide_spf_check(const struct spf_in *in);

/* The verdict on result R for SENDER ("" = the null sender), WHY being
 * spf_check's short reason (may be ""). */
enum verdict_action decide_spf(const struct spf_in *in, enum spf_result r, const char *sender,
                               const char *why, struct verdict *v);

#endif
