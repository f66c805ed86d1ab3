/* pogate-check.c - the DNS of every postoffice domain against the relay hosts.
 *
 *     pogate-check [-c DIR] [DOMAIN...]
 *
 * For each public and alias domain of the postoffices (or the DOMAINs
 * given): its MX records, the A/AAAA of each MX host, and SPF for each
 * relay address (libspf2, as a receiver of the relay hosts' mail would
 * ask), judged by check_judge.c; one line per domain and finding. Every
 * question is bounded by the resolver's timeout and attempts
 * (check_dns_timeout, check_dns_attempts, also handed to libspf2's resolver
 * through RES_OPTIONS) and each domain's questions by check_domain_time.
 * Exit 0, 1 when a finding is FAIL (or pogate.conf is wrong), 75 when the
 * maps or the resolver cannot be read. See pogate-check(8).
 */
#define _DEFAULT_SOURCE         /* setenv is POSIX, but the resolver headers under spf.h are not */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check_conf.h"
#include "check_dns.h"
#include "check_judge.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "podir.h"
#include "pogate_conf.h"
#include "spf.h"

struct run {
    struct check_conf cc;
    struct relay_set rs;
    struct dns *dns;
    struct spf *spf;
    struct check_findings out;
    char **done;                /* domains checked, so an alias given twice is checked once */
    int ndone;
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-check [-c DIR] [DOMAIN...]\n");
    exit(1);
}

static long long now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec;
}

/* SPF for each relay address, as a receiver of mail from postmaster@DOMAIN asks. */
static void ask_spf(struct run *r, struct domain_facts *f, long long t0)
{
    char sender[DNS_NAME_MAX + 16];

    snprintf(sender, sizeof(sender), "postmaster@%s", f->domain);
    for (int i = 0; i < r->rs.addrs.n && f->nspf < DNS_MAX_RR; i++) {
        struct sockaddr_storage ss = { 0 };
        struct sockaddr_in *v4 = (struct sockaddr_in *) &ss;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) &ss;
        struct spf_fact *s = &f->spf[f->nspf];
        buf_t header = BUF_INIT, why = BUF_INIT;

        if (now() - t0 >= r->cc.domain_time) {
            f->cut = now() - t0;
            return;
        }
        if (inet_pton(AF_INET, r->rs.addrs.addr[i], &v4->sin_addr) == 1)
            ss.ss_family = AF_INET;
        else if (inet_pton(AF_INET6, r->rs.addrs.addr[i], &v6->sin6_addr) == 1)
            ss.ss_family = AF_INET6;
        str_copy(s->addr, r->rs.addrs.addr[i], sizeof(s->addr));
        s->result = spf_check(r->spf, (struct sockaddr *) &ss, r->rs.nnames ? r->rs.names[0] : "", sender,
                              &header, &why);
        str_copy(s->why, why.data ? why.data : "", sizeof(s->why));
        buf_free(&header), buf_free(&why);
        f->nspf++;
        if (s->result == SPFR_NONE)
            return;             /* no record: the other addresses fare the same */
    }
}

/* Every question about DOMAIN, within check_domain_time. */
static void ask(struct run *r, struct domain_facts *f)
{
    long long t0 = now();

    f->timeout = (int) r->cc.dns_timeout, f->attempts = (int) r->cc.dns_attempts;
    f->mx_st = dns_mx(r->dns, f->domain, &f->mx);
    if (f->mx_st == DNS_NODATA)
        f->self_st = dns_addrs(r->dns, f->domain, &f->self);
    for (int i = 0; f->mx_st == DNS_OK && i < f->mx.n && f->mx.mx[i].host[0]; i++) {
        if (now() - t0 >= r->cc.domain_time) {
            f->cut = now() - t0;
            return;
        }
        f->target_st[i] = dns_addrs(r->dns, f->mx.mx[i].host, &f->target[i]);
        f->targets_asked++;
    }
    if (f->mx_st == DNS_OK || f->mx_st == DNS_NODATA)
        ask_spf(r, f, t0);
}

static void check_domain(struct run *r, const char *domain)
{
    struct domain_facts *f;

    for (int i = 0; i < r->ndone; i++)
        if (strcasecmp(r->done[i], domain) == 0)
            return;
    r->done = xrealloc(r->done, (size_t) (r->ndone + 1) * sizeof(char *));
    r->done[r->ndone++] = xstrdup(domain);
    f = xcalloc(1, sizeof(*f));
    f->domain = domain;
    ask(r, f);
    check_judge(&r->rs, f, &r->out);
    fwrite(r->out.text.data, 1, r->out.text.len, stdout);
    fflush(stdout);             /* a line as soon as it is known: the next domain may take a while */
    buf_reset(&r->out.text);
    free(f);
}

/* Every public and alias domain of the postoffices. 0, or 75. */
static int check_podir(struct run *r, const char *confdir)
{
    struct podir *d = podir_open(confdir);
    struct po po;

    if (d == NULL)
        return 75;
    for (int i = 0; i < podir_po_count(d); i++) {
        if (podir_po_at(d, i, &po) != PODIR_FOUND) {
            msg_error("%s/index.cdb: the postoffice directory is corrupt (run pogate-map)", confdir);
            podir_close(d);
            return 75;
        }
        check_domain(r, po.domain);
        char *aliases = xstrdup(po.alias_domains), *save = NULL;

        for (char *a = strtok_r(aliases, " ", &save); a; a = strtok_r(NULL, " ", &save))
            check_domain(r, a);
        free(aliases);
    }
    podir_close(d);
    return 0;
}

/* "a, b c" into words, lowercase, without a trailing dot. */
static int words(const char *list, char ***out)
{
    char *copy = xstrdup(list), *save = NULL;
    int n = 0;

    *out = NULL;
    for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
        size_t len = strlen(w);

        if (len && w[len - 1] == '.')
            w[len - 1] = 0;
        str_lower(w);
        *out = xrealloc(*out, (size_t) (n + 1) * sizeof(char *));
        (*out)[n++] = xstrdup(w);
    }
    free(copy);
    return n;
}

static void add_addr(struct relay_set *rs, const char *addr)
{
    if (rs->addrs.n < DNS_MAX_RR && !relay_has_addr(rs, addr))
        str_copy(rs->addrs.addr[rs->addrs.n++], addr, DNS_ADDR_MAX);
}

/* relay_addresses, canonical; else the relay hosts' A/AAAA. 0, or 1 with the reason said. */
static int relay_setup(struct run *r, const char *confdir)
{
    char **list, text[DNS_ADDR_MAX];
    unsigned char bin[16];
    int n, rc = 0;

    if ((r->rs.nnames = words(r->cc.relay_hosts, &r->rs.names)) == 0) {
        msg_error("%s/pogate.conf: relay_hosts is not set: the MX records have nothing to name", confdir);
        return 1;
    }
    n = words(r->cc.relay_addresses, &list);
    for (int i = 0; i < n; i++) {
        int af = strchr(list[i], ':') ? AF_INET6 : AF_INET;

        if (inet_pton(af, list[i], bin) != 1 || inet_ntop(af, bin, text, sizeof(text)) == NULL) {
            msg_error("%s/pogate.conf: relay_addresses: not an IPv4 or IPv6 address (%s)", confdir, list[i]);
            rc = 1;
        } else {
            add_addr(&r->rs, text);
        }
        free(list[i]);
    }
    free(list);
    for (int i = 0; n == 0 && i < r->rs.nnames; i++) {
        struct dns_addr_list a = { 0 };
        enum dns_status st = dns_addrs(r->dns, r->rs.names[i], &a);

        if (st != DNS_OK)
            printf("FAIL %s: relay host without A/AAAA record (%s)\n", r->rs.names[i], dns_status_name(st)), rc = 1;
        for (int k = 0; k < a.n; k++)
            add_addr(&r->rs, a.addr[k]);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static struct run r;
    const char *confdir = POGATE_CONFDIR;
    struct pogate_conf conf;
    const struct conf_table own = { check_params, check_nparams, &r.cc };
    char opts[64];
    int ch, rc;

    msg_open("pogate-check", MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:")) != -1) {
        if (ch != 'c')
            usage();
        confdir = optarg;
    }
    if (pogate_conf_load(&conf, confdir, &own, 1) != 0)
        return 1;
    /* libspf2 makes its own resolver state: RES_OPTIONS is how it gets our bounds. */
    snprintf(opts, sizeof(opts), "timeout:%lld attempts:%lld", r.cc.dns_timeout, r.cc.dns_attempts);
    setenv("RES_OPTIONS", opts, 1);
    if ((r.dns = dns_new((int) r.cc.dns_timeout, (int) r.cc.dns_attempts)) == NULL
        || (r.spf = spf_new("", "")) == NULL)
        return 75;
    rc = relay_setup(&r, confdir);
    if (rc == 0 && optind < argc)
        for (int i = optind; i < argc; i++)
            check_domain(&r, argv[i]);
    else if (rc == 0)
        rc = check_podir(&r, confdir);
    if (rc == 0 && r.out.worst == CHECK_FAIL)
        rc = 1;
    for (int i = 0; i < r.rs.nnames; i++)
        free(r.rs.names[i]);
    for (int i = 0; i < r.ndone; i++)
        free(r.done[i]);
    free(r.rs.names), free(r.done);
    buf_free(&r.out.text);
    spf_free(r.spf);
    dns_free(r.dns);
    pogate_conf_free(&conf, &own, 1);
    if (fflush(stdout) != 0)
        rc = 75;
    return rc;
}
