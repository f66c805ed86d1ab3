/* cidr.h - IPv4 and IPv6 addresses and networks for the access map.
 *
 * The access map holds single addresses and networks ("192.0.2.0/24",
 * "2001:db8::/32"). Both are stored under one canonical text key
 * (inet_ntop of the masked address, "/", the prefix length), so a lookup is a
 * handful of exact CDB probes, one per prefix length the map uses, longest first.
 * IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) are treated as IPv4.
 */
#ifndef POGATE_CIDR_H
#define POGATE_CIDR_H

#include <stddef.h>
#include <sys/socket.h>

#define CIDR_KEY_MAX 64         /* INET6_ADDRSTRLEN + "/128" */

struct cidr {
    int family;                 /* 4 or 6 */
    int len;                    /* prefix length: 0..32 or 0..128 */
    unsigned char addr[16];     /* network byte order; IPv4 in the first 4 bytes */
};

/* "ADDR" or "ADDR/LEN". Host bits set beyond LEN are an error. -1 with *why. */
int cidr_parse(const char *s, struct cidr *c, const char **why);

/* One address in text form; -1 if it is not one. */
int cidr_addr(const char *ip, struct cidr *c);

/* One address from a socket address (AF_INET, AF_INET6); -1 otherwise. */
int cidr_from_sa(const struct sockaddr *sa, struct cidr *c);

/* Keep the first LEN bits of C (which must be a full address or longer prefix). */
void cidr_mask(struct cidr *c, int len);

/* The text form of a full address of FAMILY (4 or 6) at A, as inet_ntop writes it. */
void cidr_ntop(int family, const unsigned char *a, char *out, size_t size);

/* 1 if the address A lies in the network NET (both of one family). */
int cidr_match(const struct cidr *net, const struct cidr *a);

/* The canonical key "ADDR/LEN". */
void cidr_key(const struct cidr *c, char *out, size_t size);

#endif
