/* connect.c - the connection stages of pogate-milter: connect, HELO, close.
 *
 * At connect the session takes the configuration generation and map
 * snapshot it will use until close, applies the access map (REJECT ->
 * 550 5.7.1) and decides whether the client is trusted (access TRUST,
 * trusted_networks, or an MTA service named in outbound_services).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "cidr.h"
#include "log.h"
#include "mem.h"
#include "netlist.h"
#include "stages.h"

/* Keep the client address and its text form; 0 when there is none (local). */
static int take_address(struct ctx *c, const char *hostname, const struct sockaddr *sa)
{
    char ip[INET6_ADDRSTRLEN] = "unknown";
    size_t len = 0;

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
    snprintf(c->client, sizeof(c->client), "%.200s[%s]", hostname, ip);
    if (len == 0)
        return 0;
    memcpy(&c->client_sa, sa, len);
    c->have_sa = 1;
    return 1;
}

/* 1 if the word W is in the blank- or comma-separated LIST. */
static int word_in(const char *list, const char *w)
{
    size_t n = strlen(w);

    for (const char *p = list; *p;) {
        size_t k;

        p += strspn(p, ", \t");
        k = strcspn(p, ", \t");
        if (k == n && k && strncmp(p, w, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

static void decide_trust(SMFICTX *m, struct ctx *c, enum podir_access access)
{
    const char *service = smfi_getsymval(m, "{daemon_name}");

    if (access == ACCESS_TRUST)
        c->trusted = 1, c->trust_reason = "access";
    else if (c->have_sa && netlist_match(c->gen->trusted, (struct sockaddr *) &c->client_sa))
        c->trusted = 1, c->trust_reason = "trusted_networks";
    else if (service && *service && word_in(c->gen->mc.outbound_services, service))
        c->trusted = 1, c->trust_reason = "outbound_services";
    c->spf_exempt = access == ACCESS_OK;
}

sfsistat mlfi_connect(SMFICTX *m, char *hostname, _SOCK_ADDR *hostaddr)
{
    struct ctx *c = ctx_get(m);
    enum podir_access access = ACCESS_NONE;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    c->gen = state_gen();
    c->maps = state_podir();
    take_address(c, hostname, hostaddr);
    if (c->missing_actions)
        return ctx_reply(m, c, "CONNECT", SMFIS_TEMPFAIL, "451", "4.3.5",
                         "mail filter misconfigured: MTA refuses needed milter actions");
    if (c->maps == NULL) {
        msg_error("postoffice directory unavailable (run pogate-map?)");
        return ctx_reply(m, c, "CONNECT", SMFIS_TEMPFAIL, "451", "4.3.0",
                         "postoffice directory unavailable");
    }
    if (c->have_sa)
        access = podir_access_sa(c->maps, (struct sockaddr *) &c->client_sa);
    if (access == ACCESS_REJECT) {
        return ctx_reply(m, c, "CONNECT", SMFIS_REJECT, "550", "5.7.1", "Access denied");
    }
    decide_trust(m, c, access);
    msg_debug("connect from %s%s%s", c->client, c->trusted ? ", trusted by " : "",
              c->trusted ? c->trust_reason : "");
    return SMFIS_CONTINUE;
}

sfsistat mlfi_helo(SMFICTX *m, char *helo)
{
    struct ctx *c = ctx_get(m);

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    free(c->helo);
    c->helo = xstrdup(helo ? helo : "");
    return SMFIS_CONTINUE;
}

sfsistat mlfi_close(SMFICTX *m)
{
    if (smfi_getpriv(m))
        ctx_get(m);             /* for the queue id on any last line */
    ctx_free(m);
    msg_set_queue_id(NULL);
    return SMFIS_CONTINUE;
}
