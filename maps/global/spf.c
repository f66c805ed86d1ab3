/* spf.c - the libspf2 wrapper; see spf.h.
 *
 * libspf2 evaluates the record; pogate chooses the identity, judges whether
 * its domain can be checked at all (RFC 7208 4.3, before any DNS question),
 * hands IPv4-mapped IPv6 clients over as IPv4, turns libspf2's results into
 * RFC 7208's (a record libspf2 cannot compile comes back as its result
 * "invalid": that is a permerror, RFC 7208 4.6, unless DNS failed on the way)
 * and writes the Received-SPF field itself (spf_header.c): libspf2's own
 * carries no receiver, identity or problem and is empty on an error.
 * libspf2 wants its own prologue of network headers and reports through
 * global handler pointers (routed to log.h; its "error" handler must not
 * return, so it is made fatal).
 */
#define _DEFAULT_SOURCE         /* netdb.h h_errno codes and nameser.h types are not POSIX */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <spf2/spf.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "spf.h"
#include "spf_header.h"
#include "spf_zone.h"

struct spf {
    SPF_server_t *server;
    SPF_dns_server_t *zone;     /* only with a zone file; we own it */
    char *rec_dom;              /* receiver= */
};

/* What one check is about: the client, the identity and its domain. */
struct spf_query {
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } ip;
    int family;
    char ip_text[INET6_ADDRSTRLEN];
    const char *helo, *sender;
    const char *identity;       /* "mailfrom" or "helo" */
    const char *checked;        /* what libspf2 gets as the sender: SENDER, or the HELO name */
    const char *domain;         /* the domain of CHECKED */
};

/* libspf2 declares its error hook noreturn in the pointer type, which
 * clang checks: the attribute, not C11's _Noreturn, satisfies both compilers. */
static void spf_log_error(const char *, int, const char *) __attribute__((noreturn));

static void spf_log_error(const char *file, int line, const char *text)
{
    msg_fatal("libspf2: %s:%d: %s", file ? file : "?", line, text);
}

static void spf_log_warning(const char *file, int line, const char *text)
{
    (void) file, (void) line;
    msg_warn("libspf2: %s", text);
}

static void spf_log_debug(const char *file, int line, const char *text)
{
    (void) file, (void) line;
    msg_debug("libspf2: %s", text);
}

struct spf *spf_new(const char *rec_dom, const char *zone_file)
{
    struct spf *s = xcalloc(1, sizeof(*s));

    SPF_error_handler = spf_log_error;
    SPF_warning_handler = spf_log_warning;
    SPF_info_handler = spf_log_debug;
    SPF_debug_handler = spf_log_debug;
    s->rec_dom = xstrdup(rec_dom && *rec_dom ? rec_dom : "localhost");
    if (zone_file && *zone_file) {
        if ((s->zone = spf_zone_load(zone_file)) == NULL) {
            spf_free(s);
            return NULL;
        }
        s->server = SPF_server_new_dns(s->zone, 0);
    } else {
        s->server = SPF_server_new(SPF_DNS_CACHE, 0);
    }
    if (s->server == NULL) {
        msg_error("libspf2: cannot create an SPF server");
        spf_free(s);
        return NULL;
    }
    SPF_server_set_rec_dom(s->server, s->rec_dom);
    return s;
}

void spf_free(struct spf *s)
{
    if (s == NULL)
        return;
    if (s->server)
        SPF_server_free(s->server);
    if (s->zone)
        SPF_dns_free(s->zone);
    free(s->rec_dom);
    free(s);
}

/* RFC 7208 4.3: a domain with a label longer than 63 octets or an empty one
 * (a trailing dot aside), or a single label, is not checked: the result is
 * none. So is an address literal, which has no SPF record. */
static int domain_checkable(const char *d)
{
    size_t n = strlen(d), label = 0, labels = 0;

    if (n && d[n - 1] == '.')
        n--;
    if (n == 0 || n > 253 || d[0] == '[')
        return 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || d[i] == '.') {
            if (label == 0 || label > 63)
                return 0;
            labels++, label = 0;
        } else {
            label++;
        }
    }
    return labels >= 2;
}

/* The client address, an IPv4-mapped IPv6 one as the IPv4 address it is
 * (RFC 7208 5: <ip> is the client's address; a dual-stack socket hands IPv4
 * clients over mapped). -1 for a family SPF cannot judge. */
static int query_client(struct spf_query *q, const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) (const void *) sa;

        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            q->family = AF_INET;
            memcpy(&q->ip.v4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
        } else {
            q->family = AF_INET6;
            q->ip.v6 = *s6;
        }
    } else if (sa && sa->sa_family == AF_INET) {
        q->family = AF_INET;
        q->ip.v4 = *(const struct sockaddr_in *) (const void *) sa;
    } else {
        return -1;
    }
    inet_ntop(q->family, q->family == AF_INET ? (const void *) &q->ip.v4.sin_addr : (const void *) &q->ip.v6.sin6_addr,
              q->ip_text, sizeof(q->ip_text));
    return 0;
}

/* RFC 7208 2.4: MAIL FROM, or for the null sender the HELO name (2.3). */
static void query_identity(struct spf_query *q)
{
    const char *at;

    if (*q->sender) {
        q->identity = "mailfrom", q->checked = q->sender;
        at = strrchr(q->sender, '@');
        q->domain = at ? at + 1 : q->sender;
    } else {
        q->identity = "helo", q->checked = q->domain = q->helo;
    }
}

/* RFC 7208 results of libspf2's; "invalid" is what a response keeps when
 * evaluation stopped on an error: DNS trouble is temporary, anything else
 * (a record that does not compile, too many lookups...) is the record's. */
static enum spf_result map_result(SPF_response_t *resp)
{
    switch (SPF_response_result(resp)) {
    case SPF_RESULT_PASS: return SPFR_PASS;
    case SPF_RESULT_FAIL: return SPFR_FAIL;
    case SPF_RESULT_SOFTFAIL: return SPFR_SOFTFAIL;
    case SPF_RESULT_NEUTRAL: return SPFR_NEUTRAL;
    case SPF_RESULT_NONE: return SPFR_NONE;
    case SPF_RESULT_PERMERROR: return SPFR_PERMERROR;
    case SPF_RESULT_TEMPERROR: return SPFR_TEMPERROR;
    default: break;
    }
    for (int i = 0; i < SPF_response_messages(resp); i++) {
        SPF_errcode_t e = SPF_error_code(SPF_response_message(resp, i));

        if (e == SPF_E_DNS_ERROR || e == SPF_E_NO_MEMORY || e == SPF_E_INTERNAL_ERROR)
            return SPFR_TEMPERROR;
    }
    return SPF_response_errors(resp) > 0 ? SPFR_PERMERROR : SPFR_TEMPERROR;
}

/* The first error libspf2 recorded, for problem= and the log. */
static const char *first_error(SPF_response_t *resp)
{
    for (int i = 0; i < SPF_response_messages(resp); i++) {
        SPF_error_t *e = SPF_response_message(resp, i);

        if (SPF_error_errorp(e) && SPF_error_message(e))
            return SPF_error_message(e);
    }
    return NULL;
}

/* Run libspf2 on Q: the result, libspf2's header comment in COMMENT, the
 * error that stopped it in PROBLEM, its reason for an SMTP reply in WHY. */
static enum spf_result evaluate(struct spf *s, const struct spf_query *q, buf_t *comment, buf_t *problem,
                                buf_t *why)
{
    SPF_request_t *req = SPF_request_new(s->server);
    SPF_response_t *resp = NULL;
    enum spf_result r = SPFR_TEMPERROR;
    const char *t;

    if (q->family == AF_INET)
        SPF_request_set_ipv4(req, q->ip.v4.sin_addr);
    else
        SPF_request_set_ipv6(req, q->ip.v6.sin6_addr);
    if (*q->helo)
        SPF_request_set_helo_dom(req, q->helo);
    if (SPF_request_set_env_from(req, q->checked) != 0) {
        buf_puts(problem, "libspf2 refused the identity");
        buf_puts(why, problem->data);
        SPF_request_free(req);
        return SPFR_TEMPERROR;
    }
    SPF_request_query_mailfrom(req, &resp);
    if (resp) {
        r = map_result(resp);
        if ((t = SPF_response_get_header_comment(resp)) != NULL)
            buf_puts(comment, t);
        if (r == SPFR_TEMPERROR || r == SPFR_PERMERROR)
            buf_puts(problem, (t = first_error(resp)) != NULL ? t
                     : SPF_response_errcode(resp) != SPF_E_SUCCESS ? SPF_strerror(SPF_response_errcode(resp))
                     : r == SPFR_TEMPERROR ? "DNS lookup failed" : "the SPF record cannot be used");
        if ((t = SPF_response_get_smtp_comment(resp)) != NULL)
            buf_puts(why, t);
        else if (problem->len)
            buf_puts(why, problem->data);
        SPF_response_free(resp);
    }
    SPF_request_free(req);
    return r;
}

enum spf_result spf_check(struct spf *s, const struct sockaddr *client, const char *helo,
                          const char *sender, buf_t *header, buf_t *why)
{
    struct spf_query q = { .helo = helo ? helo : "", .sender = sender };
    struct spf_header hdr = { .receiver = s->rec_dom };
    buf_t comment = BUF_INIT, problem = BUF_INIT;

    if (query_client(&q, client) < 0) {
        buf_puts(why, "client address not IPv4 or IPv6");
        return SPFR_NONE;
    }
    query_identity(&q);
    hdr.client_ip = q.ip_text, hdr.envelope_from = sender, hdr.helo = q.helo, hdr.identity = q.identity;
    if (!domain_checkable(q.domain)) {
        buf_printf(why, "%s %s is not a domain SPF can check", *sender ? "the sender's domain" : "HELO",
                   *q.domain ? q.domain : "(none)");
        buf_printf(&comment, "%s: %s", s->rec_dom, why->data);
        hdr.result = SPFR_NONE;
    } else {
        hdr.result = evaluate(s, &q, &comment, &problem, why);
        if (comment.len == 0)
            buf_printf(&comment, "%s: %s %s", s->rec_dom, hdr.result == SPFR_TEMPERROR ? "DNS trouble looking up"
                       : hdr.result == SPFR_PERMERROR ? "an error in the SPF record of" : "the SPF record of",
                       q.domain);
    }
    hdr.comment = comment.data, hdr.problem = problem.data;
    spf_header_write(header, &hdr);
    buf_free(&comment);
    buf_free(&problem);
    return hdr.result;
}
