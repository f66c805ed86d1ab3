/* cidr.c - address and network parsing for the access map (cidr.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cidr.h"

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* C holds a full address of FAMILY from the bytes at A; v4-mapped IPv6 becomes IPv4. */
static void set_addr(struct cidr *c, int family, const unsigned char *a)
{
    memset(c, 0, sizeof(*c));
    if (family == 6 && memcmp(a, v4mapped, 12) == 0)
        family = 4, a += 12;
    c->family = family;
    c->len = family == 4 ? 32 : 128;
    memcpy(c->addr, a, family == 4 ? 4 : 16);
}

int cidr_addr(const char *ip, struct cidr *c)
{
    unsigned char a[16];

    if (inet_pton(AF_INET, ip, a) == 1)
        set_addr(c, 4, a);
    else if (inet_pton(AF_INET6, ip, a) == 1)
        set_addr(c, 6, a);
    else
        return -1;
    return 0;
}

int cidr_from_sa(const struct sockaddr *sa, struct cidr *c)
{
    if (sa == NULL)
        return -1;
    if (sa->sa_family == AF_INET)
        set_addr(c, 4, (const unsigned char *) &((const struct sockaddr_in *) (const void *) sa)->sin_addr);
    else if (sa->sa_family == AF_INET6)
        set_addr(c, 6, ((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr.s6_addr);
    else
        return -1;
    return 0;
}

/* glibc formats IPv4 with sprintf; this runs at every connection. */
void cidr_ntop(int family, const unsigned char *a, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    size_t n = 0;

    if (family != 4) {
        if (inet_ntop(AF_INET6, a, text, sizeof(text)) == NULL)
            text[0] = 0;
        str_copy(out, text, size);
        return;
    }
    for (int i = 0; i < 4; i++) {
        if (i)
            text[n++] = '.';
        if (a[i] >= 100)
            text[n++] = (char) ('0' + a[i] / 100);
        if (a[i] >= 10)
            text[n++] = (char) ('0' + a[i] / 10 % 10);
        text[n++] = (char) ('0' + a[i] % 10);
    }
    text[n] = 0;
    str_copy(out, text, size);
}

void cidr_mask(struct cidr *c, int len)
{
    int i, bits = c->family == 4 ? 32 : 128;

    for (i = len; i < bits; i++)
        c->addr[i / 8] &= (unsigned char) ~(0x80u >> (i % 8));
    c->len = len;
}

int cidr_parse(const char *s, struct cidr *c, const char **why)
{
    char ip[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t) (slash - s) : strlen(s);
    struct cidr full;
    char *end;
    long len;

    if (n >= sizeof(ip) || (memcpy(ip, s, n), ip[n] = 0, cidr_addr(ip, c) < 0)) {
        *why = "not an IPv4 or IPv6 address";
        return -1;
    }
    if (strchr(ip, ':') && c->family == 4) {
        *why = "IPv4-mapped IPv6 address: write the IPv4 form";
        return -1;
    }
    if (slash == NULL)
        return 0;
    len = strtol(slash + 1, &end, 10);
    if (slash[1] < '0' || slash[1] > '9' || *end || len < 0 || len > (c->family == 4 ? 32 : 128)) {
        *why = "bad prefix length";
        return -1;
    }
    full = *c;
    cidr_mask(c, (int) len);
    if (memcmp(full.addr, c->addr, sizeof(c->addr)) != 0) {
        *why = "host bits set beyond the prefix length";
        return -1;
    }
    return 0;
}

int cidr_match(const struct cidr *net, const struct cidr *a)
{
    size_t bytes = (size_t) net->len / 8;
    int bits = net->len % 8;

    if (net->family != a->family || net->len > a->len || memcmp(net->addr, a->addr, bytes) != 0)
        return 0;
    return bits == 0 || ((net->addr[bytes] ^ a->addr[bytes]) & (0xff00 >> bits) & 0xff) == 0;
}

void cidr_key(const struct cidr *c, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN + 5];
    size_t n;

    /* Runs for every prefix length at every connection: no printf. */
    cidr_ntop(c->family, c->addr, text, INET6_ADDRSTRLEN);
    n = strlen(text);
    text[n++] = '/';
    if (c->len >= 100)
        text[n++] = (char) ('0' + c->len / 100);
    if (c->len >= 10)
        text[n++] = (char) ('0' + c->len / 10 % 10);
    text[n++] = (char) ('0' + c->len % 10);
    text[n] = 0;
    str_copy(out, text, size);
}
