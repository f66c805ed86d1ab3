/* check_dns.c - pogate-check's DNS questions; see check_dns.h.
 *
 * res_nsend, not res_nquery: res_nquery folds a timeout and a SERVFAIL
 * answer into one TRY_AGAIN, and they mean different things to an admin
 * (no server answers, or one answers that it cannot). The answer's
 * sections are walked with ns_parserr, which bounds every read by the
 * message; names come out of ns_name_uncompress bounded by our buffers.
 */
#define _DEFAULT_SOURCE         /* res_state, ns_* and the ns_t_ types are not POSIX */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_dns.h"
#include "log.h"
#include "mem.h"

#define ANSWER_MAX 65536

struct dns {
    struct __res_state res;
};

struct dns *dns_new(int timeout, int attempts)
{
    struct dns *d = xcalloc(1, sizeof(*d));

    if (res_ninit(&d->res) != 0) {
        msg_error("resolver: cannot read /etc/resolv.conf: %m");
        free(d);
        return NULL;
    }
    d->res.retrans = timeout > 0 ? timeout : 1;
    d->res.retry = attempts > 0 ? attempts : 1;
    return d;
}

void dns_free(struct dns *d)
{
    if (d == NULL)
        return;
    res_nclose(&d->res);
    free(d);
}

const char *dns_status_name(enum dns_status s)
{
    static const char *const names[] = { "OK", "no such records", "NXDOMAIN", "DNS timeout", "SERVFAIL", "error" };

    return s <= DNS_ERROR ? names[s] : "error";
}

/* The message's status, and its answer section ready in *H. */
static enum dns_status open_answer(const unsigned char *msg, int len, ns_msg *h)
{
    if (len < HFIXEDSZ || ns_initparse(msg, len, h) < 0)
        return DNS_ERROR;
    switch (ns_msg_getflag(*h, ns_f_rcode)) {
    case ns_r_noerror: return DNS_OK;
    case ns_r_nxdomain: return DNS_NXDOMAIN;
    case ns_r_servfail: return DNS_SERVFAIL;
    default: return DNS_ERROR;
    }
}

static int by_pref(const void *a, const void *b)
{
    const struct dns_mx *x = a, *y = b;

    return x->pref != y->pref ? x->pref - y->pref : strcmp(x->host, y->host);
}

static void lower_nodot(char *s)
{
    size_t n = strlen(s);

    str_lower(s);
    if (n && s[n - 1] == '.')
        s[n - 1] = 0;
}

enum dns_status dns_parse_mx(const unsigned char *msg, int len, struct dns_mx_list *out)
{
    ns_msg h;
    ns_rr rr;
    enum dns_status st = open_answer(msg, len, &h);

    memset(out, 0, sizeof(*out));
    if (st != DNS_OK)
        return st;
    for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
        struct dns_mx *mx = &out->mx[out->n];

        if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
            return memset(out, 0, sizeof(*out)), DNS_ERROR;
        if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
            continue;           /* a CNAME on the way, say */
        if (out->n == DNS_MAX_RR) {
            out->more++;
            continue;
        }
        mx->pref = ns_get16(ns_rr_rdata(rr));
        if (ns_name_uncompress(ns_msg_base(h), ns_msg_end(h), ns_rr_rdata(rr) + 2, mx->host, sizeof(mx->host)) < 0)
            return memset(out, 0, sizeof(*out)), DNS_ERROR;       /* none of a damaged answer */
        lower_nodot(mx->host);
        out->n++;
    }
    qsort(out->mx, (size_t) out->n, sizeof(out->mx[0]), by_pref);
    return out->n + out->more ? DNS_OK : DNS_NODATA;
}

enum dns_status dns_parse_addrs(const unsigned char *msg, int len, int type, struct dns_addr_list *out)
{
    ns_msg h;
    ns_rr rr;
    enum dns_status st = open_answer(msg, len, &h);
    int found = 0, want = type == ns_t_aaaa ? 16 : 4;

    if (st != DNS_OK)
        return st;
    for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
        if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
            return DNS_ERROR;
        if ((int) ns_rr_type(rr) != type || ns_rr_rdlen(rr) != want)
            continue;
        found++;
        if (out->n == DNS_MAX_RR)
            out->more++;
        else if (inet_ntop(want == 16 ? AF_INET6 : AF_INET, ns_rr_rdata(rr), out->addr[out->n], DNS_ADDR_MAX))
            out->n++;
    }
    return found ? DNS_OK : DNS_NODATA;
}

/* Ask NAME of TYPE; the answer into ANS (*LEN bytes). */
static enum dns_status ask(struct dns *d, const char *name, int type, unsigned char *ans, int *len)
{
    unsigned char q[NS_PACKETSZ];
    int qlen = res_nmkquery(&d->res, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, q, sizeof(q));

    if (qlen < 0)
        return DNS_ERROR;       /* not a name the resolver can put in a question */
    errno = 0;
    if ((*len = res_nsend(&d->res, q, qlen, ans, ANSWER_MAX)) < 0)
        return errno == ETIMEDOUT ? DNS_TIMEOUT : DNS_ERROR;
    return DNS_OK;
}

enum dns_status dns_mx(struct dns *d, const char *domain, struct dns_mx_list *out)
{
    unsigned char *ans = xmalloc(ANSWER_MAX);
    int len;
    enum dns_status st = ask(d, domain, ns_t_mx, ans, &len);

    memset(out, 0, sizeof(*out));
    if (st == DNS_OK)
        st = dns_parse_mx(ans, len, out);
    free(ans);
    return st;
}

enum dns_status dns_addrs(struct dns *d, const char *host, struct dns_addr_list *out)
{
    unsigned char *ans = xmalloc(ANSWER_MAX);
    int len;
    enum dns_status a = ask(d, host, ns_t_a, ans, &len), aaaa;

    if (a == DNS_OK)
        a = dns_parse_addrs(ans, len, ns_t_a, out);
    if (a == DNS_NXDOMAIN || a == DNS_TIMEOUT) {
        free(ans);
        return a;               /* the AAAA question would only wait as long again */
    }
    aaaa = ask(d, host, ns_t_aaaa, ans, &len);
    if (aaaa == DNS_OK)
        aaaa = dns_parse_addrs(ans, len, ns_t_aaaa, out);
    free(ans);
    if (a == DNS_OK || aaaa == DNS_OK)
        return DNS_OK;
    return aaaa > a ? aaaa : a;
}
