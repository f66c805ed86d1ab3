/* client.c - the SMTP client of a milter session; see client.h. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "client.h"

int client_set(struct client *c, const char *hostname, const struct sockaddr *sa)
{
    char ip[INET6_ADDRSTRLEN] = "unknown";
    size_t len = 0;

    memset(c, 0, sizeof(*c));
    if (sa && sa->sa_family == AF_INET) {
        len = sizeof(struct sockaddr_in);
        cidr_ntop(4, (const unsigned char *) &((const struct sockaddr_in *) (const void *) sa)->sin_addr, ip, sizeof(ip));
    } else if (sa && sa->sa_family == AF_INET6) {
        len = sizeof(struct sockaddr_in6);
        cidr_ntop(6, ((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr.s6_addr, ip, sizeof(ip));
    }
    /* The MTA names a client without a verified name "[ADDR]": log it as
     * Postfix does, unknown[ADDR], not [ADDR][ADDR]. */
    if (hostname == NULL || *hostname == 0 || *hostname == '[')
        hostname = "unknown";
    snprintf(c->label, sizeof(c->label), "%.200s[%s]", hostname, ip);
    if (len) {
        memcpy(&c->sa, sa, len);
        c->have_sa = 1;
    }
    if (len == sizeof(struct sockaddr_in) && strcmp(hostname, "localhost") == 0) {
        const struct sockaddr_in *in = (const struct sockaddr_in *) (const void *) sa;

        c->local_submission = in->sin_port == 0 && ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
    }
    return c->have_sa;
}

const struct sockaddr *client_addr(const struct client *c)
{
    return c->have_sa ? (const struct sockaddr *) &c->sa : NULL;
}
