/* netlist.c - IPv4/IPv6 network lists for trusted_networks; see netlist.h.
 *
 * Entries are stored as 16-byte addresses (IPv4 as v4-mapped IPv6) with a
 * prefix length over those 128 bits, so one compare serves both families.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "netlist.h"

struct net {
    unsigned char addr[16];
    int prefix;                 /* bits over the 128-bit (mapped) address */
};

struct netlist {
    struct net *nets;
    int count;
};

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* 1 if the first PREFIX bits of A and B agree. */
static int prefix_equal(const unsigned char *a, const unsigned char *b, int prefix)
{
    int bytes = prefix / 8, bits = prefix % 8;

    if (memcmp(a, b, (size_t) bytes) != 0)
        return 0;
    if (bits == 0)
        return 1;
    return ((a[bytes] ^ b[bytes]) & (0xff00 >> bits) & 0xff) == 0;
}

/* Parse one "ADDR[/LEN]" entry into N; -1 when it is not one. */
static int parse_net(char *text, struct net *n)
{
    char *slash = strchr(text, '/');
    struct in_addr a4;
    long len = -1;
    char *end;
    int v4;

    if (slash) {
        *slash = 0;
        len = strtol(slash + 1, &end, 10);
        if (slash[1] < '0' || slash[1] > '9' || *end)
            return -1;
    }
    if (inet_pton(AF_INET, text, &a4) == 1) {
        v4 = 1;
        memcpy(n->addr, v4mapped, 12);
        memcpy(n->addr + 12, &a4, 4);
    } else if (inet_pton(AF_INET6, text, n->addr) == 1) {
        v4 = 0;
    } else {
        return -1;
    }
    if (len > (v4 ? 32 : 128))
        return -1;
    n->prefix = len < 0 ? 128 : (int) len + (v4 ? 96 : 0);
    /* A network written with host bits set is a typo more often than not. */
    for (int i = n->prefix; i < 128; i++)
        if (n->addr[i / 8] & (0x80 >> (i % 8)))
            return -1;
    return 0;
}

struct netlist *netlist_parse(const char *text, char *bad, size_t badsize)
{
    struct netlist *nl = xcalloc(1, sizeof(*nl));
    char *copy = xstrdup(text), *save = NULL, *tok;

    for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
        struct net n;

        str_copy(bad, tok, badsize);
        if (parse_net(tok, &n) < 0) {
            free(copy);
            netlist_free(nl);
            return NULL;
        }
        nl->nets = xrealloc(nl->nets, (size_t) (nl->count + 1) * sizeof(*nl->nets));
        nl->nets[nl->count++] = n;
    }
    free(copy);
    return nl;
}

int netlist_match(const struct netlist *nl, const struct sockaddr *sa)
{
    unsigned char addr[16];

    if (nl == NULL || sa == NULL)
        return 0;
    if (sa->sa_family == AF_INET) {
        memcpy(addr, v4mapped, 12);
        memcpy(addr + 12, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        memcpy(addr, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, 16);
    } else {
        return 0;
    }
    for (int i = 0; i < nl->count; i++)
        if (prefix_equal(addr, nl->nets[i].addr, nl->nets[i].prefix))
            return 1;
    return 0;
}

int netlist_count(const struct netlist *nl) { return nl ? nl->count : 0; }

void netlist_free(struct netlist *nl)
{
    if (nl) {
        free(nl->nets);
        free(nl);
    }
}
