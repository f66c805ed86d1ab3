/* decide_access.h - who the client is: the access map and trust.
 *
 * At connect a session is refused when the MTA would not grant the milter
 * actions it needs (451 4.3.5: never serve mail half-blind), when no map
 * snapshot can be read (451 4.3.0), or when the access map says REJECT for
 * the client's address (exact, then longest CIDR; 550 5.7.1). Otherwise the
 * client may be trusted to send as postoffice mailboxes: access TRUST,
 * trusted_networks, or an MTA service named in outbound_services; at MAIL a
 * SASL login trusts it too. Access OK marks a known relay that SPF skips.
 */
#ifndef POGATE_MILTER_DECIDE_ACCESS_H
#define POGATE_MILTER_DECIDE_ACCESS_H

#include <sys/socket.h>

#include "podir.h"
#include "verdict.h"

struct netlist;

struct trust {
    int trusted;                /* may send as a postoffice mailbox (outbound) */
    const char *reason;         /* "access", "trusted_networks", "outbound_services", "sasl"; static */
    int spf_exempt;             /* access OK: a known relay, no SPF check */
};

struct access_in {
    const struct sockaddr *client;      /* AF_INET or AF_INET6; NULL: none (a local client) */
    const char *service;        /* the MTA service ({daemon_name}); NULL or "" if unnamed */
    struct podir *maps;         /* the session's snapshot; NULL: none could be read */
    const struct netlist *trusted_networks;     /* pogate.conf trusted_networks */
    const char *outbound_services;      /* pogate.conf outbound_services: blank- or comma-separated */
    int mta_refused_actions;    /* negotiation left out actions the milter needs */
};

/* The connect decision; *T is filled when the verdict is VERDICT_CONTINUE. */
enum verdict_action decide_access(const struct access_in *in, struct trust *t, struct verdict *v);

/* MAIL: AUTH_AUTHEN ({auth_authen}, NULL or "" without SASL) set trusts an
 * untrusted client with reason "sasl". */
void decide_trust_sasl(const char *auth_authen, struct trust *t);

#endif
