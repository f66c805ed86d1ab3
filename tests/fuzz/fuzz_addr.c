/* fuzz_addr.c - libFuzzer target for maps/global/addr.c (envelope addresses).
 *
 * Input: one flags octet, then the address. Invariants on success: nothing
 * returned holds a control character, the parts keep their length limits, the
 * key is the address lowercased, the canonical address parses again to
 * itself (so map keys do not depend on how a client spelled an address), the
 * path and every domain label keep RFC 5321's and RFC 1035's limits, and
 * with ADDR_NO_LITERAL no literal gets through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static void check_clean(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n > max)
        abort();
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f)
            abort();
    }
}

/* The path fits in 256 octets, each label of a name in 63. */
static void check_limits(const struct addr *a, unsigned flags)
{
    size_t label = 0;

    if (strlen(a->addr) + 2 > ADDR_PATH_MAX || ((flags & ADDR_NO_LITERAL) && a->domain[0] == '['))
        abort();
    if (a->domain[0] == '[')
        return;
    for (const char *d = a->domain; *d; d++) {
        label = *d == '.' ? 0 : label + 1;
        if (label > ADDR_LABEL_MAX || (*d == '.' && (d == a->domain || d[1] == '.' || d[1] == 0)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct addr a, b;
    unsigned flags;

    if (size == 0)
        return 0;
    flags = data[0] & (ADDR_NULL_OK | ADDR_LOCAL_OK | ADDR_NO_LITERAL);
    if (addr_parse((const char *) data + 1, size - 1, flags, &a) != ADDR_OK)
        return 0;
    check_clean(a.local, ADDR_LOCAL_MAX);
    check_clean(a.domain, ADDR_DOMAIN_MAX);
    check_clean(a.addr, ADDR_MAX);
    check_clean(a.key, ADDR_MAX);
    check_limits(&a, flags);
    for (size_t i = 0; a.addr[i]; i++) {
        int c = (unsigned char) a.addr[i];

        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char) a.key[i])
            abort();
    }
    if (a.null)
        return a.addr[0] ? (abort(), 0) : 0;
    if (addr_parse(a.addr, strlen(a.addr), flags, &b) != ADDR_OK || strcmp(a.addr, b.addr) != 0
        || strcmp(a.key, b.key) != 0 || strcmp(a.local, b.local) != 0)
        abort();
    return 0;
}
