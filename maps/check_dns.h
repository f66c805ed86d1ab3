/* check_dns.h - the DNS questions of pogate-check(8): a domain's MX records,
 * a host's A and AAAA records.
 *
 * Through glibc's resolver (res_nmkquery, res_nsend on a private state, the
 * servers of resolv.conf), with its timeout and attempts set from
 * pogate.conf, so that every question has a bound: an answer that does not
 * come is DNS_TIMEOUT, a finding like any other. The answer is read by the
 * pure functions dns_parse_* (ns_initparse, ns_parserr), which the tests
 * and the fuzzer feed without a server.
 */
#ifndef POGATE_CHECK_DNS_H
#define POGATE_CHECK_DNS_H

#include <netinet/in.h>

#define DNS_NAME_MAX 255
#define DNS_MAX_RR 16           /* records of one answer kept; more are counted, not kept */
#define DNS_ADDR_MAX 46         /* INET6_ADDRSTRLEN */

enum dns_status {
    DNS_OK,                     /* records of the type asked */
    DNS_NODATA,                 /* the name exists, without such records */
    DNS_NXDOMAIN,               /* the name does not exist */
    DNS_TIMEOUT,                /* no answer within timeout x attempts */
    DNS_SERVFAIL,               /* the server could not answer */
    DNS_ERROR                   /* refused, malformed, or no server to ask */
};

struct dns_mx {
    int pref;
    char host[DNS_NAME_MAX + 1];        /* lowercase, no trailing dot; "" for "." (null MX) */
};

struct dns_mx_list {
    int n, more;
    struct dns_mx mx[DNS_MAX_RR];
};

struct dns_addr_list {
    int n, more;
    char addr[DNS_MAX_RR][DNS_ADDR_MAX];        /* text, as inet_ntop writes it */
};

struct dns;

/* A resolver with TIMEOUT seconds per try and ATTEMPTS tries; NULL with the
 * reason logged when resolv.conf cannot be read. */
struct dns *dns_new(int timeout, int attempts);
void dns_free(struct dns *d);

/* DOMAIN's MX records into OUT, sorted by preference. */
enum dns_status dns_mx(struct dns *d, const char *domain, struct dns_mx_list *out);

/* HOST's A, then AAAA records into OUT (appended). DNS_OK when either has
 * some; else the A question's status, or the AAAA one's when that is worse. */
enum dns_status dns_addrs(struct dns *d, const char *host, struct dns_addr_list *out);

/* The answer of LEN bytes at MSG to a question of type MX, A or AAAA. */
enum dns_status dns_parse_mx(const unsigned char *msg, int len, struct dns_mx_list *out);
enum dns_status dns_parse_addrs(const unsigned char *msg, int len, int type, struct dns_addr_list *out);

/* "OK", "no such records", "NXDOMAIN", "DNS timeout", "SERVFAIL", "error". */
const char *dns_status_name(enum dns_status s);

#endif
