/* netlist.h - a list of IPv4/IPv6 networks (pogate.conf trusted_networks).
 *
 * Parsed once per configuration load; matching is a linear scan of masked
 * address bytes, cheap for the handful of networks a relay host trusts.
 */
#ifndef POGATE_NETLIST_H
#define POGATE_NETLIST_H

#include <stddef.h>
#include <sys/socket.h>

struct netlist;

/* Parse "192.0.2.0/24, 2001:db8::/32 127.0.0.1" (commas or blanks). On a bad
 * entry returns NULL with the offending entry copied into BAD for the message. */
struct netlist *netlist_parse(const char *text, char *bad, size_t badsize);

/* 1 if SA (AF_INET or AF_INET6; v4-mapped v6 counts as v4) is in the list. */
int netlist_match(const struct netlist *nl, const struct sockaddr *sa);

int netlist_count(const struct netlist *nl);
void netlist_free(struct netlist *nl);

#endif
