/* check_judge.h - what pogate-check(8) makes of a domain's DNS.
 *
 * A pure function over what the questions found (check_dns.h, spf.h): the
 * MX targets must include a relay host, the MX hosts' A/AAAA must be the
 * relay hosts' addresses, SPF must permit those addresses, and a null MX,
 * a missing domain or an unanswered question is said. Each finding is one
 * line: OK, WARN or FAIL and the text, so that the tests judge every rule
 * without a DNS server.
 */
#ifndef POGATE_CHECK_JUDGE_H
#define POGATE_CHECK_JUDGE_H

#include "buf.h"
#include "check_dns.h"
#include "spf.h"

enum check_level { CHECK_OK, CHECK_WARN, CHECK_FAIL };

/* The relay hosts: their names (lowercase, no trailing dot) and addresses. */
struct relay_set {
    char **names;
    int nnames;
    struct dns_addr_list addrs;
};

struct spf_fact {
    char addr[DNS_ADDR_MAX];
    enum spf_result result;
    char why[256];
};

/* What the questions about one domain found. */
struct domain_facts {
    const char *domain;
    enum dns_status mx_st;
    struct dns_mx_list mx;
    enum dns_status target_st[DNS_MAX_RR];      /* A/AAAA of each MX target */
    struct dns_addr_list target[DNS_MAX_RR];
    int targets_asked;                          /* how many of them were asked */
    enum dns_status self_st;                    /* A/AAAA of the domain, asked when it has no MX */
    struct dns_addr_list self;
    struct spf_fact spf[DNS_MAX_RR];            /* one per relay address asked */
    int nspf;
    long long cut;                              /* > 0: the checks stopped after this many seconds */
    int timeout, attempts;                      /* the resolver's, for the text */
};

struct check_findings {
    enum check_level worst;
    int n[3];                   /* findings of each level */
    buf_t text;                 /* "LEVEL DOMAIN: what\n" lines */
};

/* The findings on F into OUT (appended). */
void check_judge(const struct relay_set *rs, const struct domain_facts *f, struct check_findings *out);

/* Is ADDR (text, canonical) one of the relay addresses? Is HOST a relay host? */
int relay_has_addr(const struct relay_set *rs, const char *addr);
int relay_has_name(const struct relay_set *rs, const char *host);

#endif
