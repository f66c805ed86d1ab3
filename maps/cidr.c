/* cidr.c - address and network parsing for the access map (cidr.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cidr.h"

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int cidr_addr(const char *ip, struct cidr *c)
{
    memset(c, 0, sizeof(*c));
    if (inet_pton(AF_INET, ip, c->addr) == 1) {
        c->family = 4;
        c->len = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, ip, c->addr) == 1) {
        if (memcmp(c->addr, v4mapped, 12) == 0) {
            memmove(c->addr, c->addr + 12, 4);
            memset(c->addr + 4, 0, 12);
            c->family = 4;
            c->len = 32;
            return 0;
        }
        c->family = 6;
        c->len = 128;
        return 0;
    }
    return -1;
}

int cidr_from_sa(const struct sockaddr *sa, struct cidr *c)
{
    char text[INET6_ADDRSTRLEN];

    if (sa == NULL)
        return -1;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, text, sizeof(text));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, text, sizeof(text));
    else
        return -1;
    return cidr_addr(text, c);
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

void cidr_key(const struct cidr *c, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN + 5];
    size_t n;

    /* Runs for every prefix length at every connection: no printf. */
    inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, text, INET6_ADDRSTRLEN);
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
