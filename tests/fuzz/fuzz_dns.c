/* fuzz_dns.c - libFuzzer target for pogate-check's DNS answer readers
 * (maps/check_dns.c over glibc's ns_initparse and ns_parserr).
 *
 * Input: a DNS message, read as the answer to an MX, an A and an AAAA
 * question. Any input: no crash, no read outside it (ASan); what is kept
 * is within bounds, MX hosts are lowercase and sorted by preference, and
 * every address reads back with inet_pton.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_mx_list mx;
    struct dns_addr_list a = { 0 };
    unsigned char bin[16];
    int len = size > 65535 ? 65535 : (int) size;

    dns_parse_mx(data, len, &mx);
    if (mx.n < 0 || mx.n > DNS_MAX_RR)
        abort();
    for (int i = 0; i < mx.n; i++) {
        if (strlen(mx.mx[i].host) > DNS_NAME_MAX || (i && mx.mx[i - 1].pref > mx.mx[i].pref))
            abort();
        for (const char *s = mx.mx[i].host; *s; s++)
            if (*s >= 'A' && *s <= 'Z')
                abort();
    }
    dns_parse_addrs(data, len, ns_t_a, &a);
    dns_parse_addrs(data, len, ns_t_aaaa, &a);
    if (a.n < 0 || a.n > DNS_MAX_RR)
        abort();
    for (int i = 0; i < a.n; i++)
        if (inet_pton(strchr(a.addr[i], ':') ? AF_INET6 : AF_INET, a.addr[i], bin) != 1)
            abort();
    return 0;
}
