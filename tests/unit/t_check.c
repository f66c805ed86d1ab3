/* t_check.c - unit tests for pogate-check's DNS answer readers
 * (maps/check_dns.c: hand-made answers, compressed names, a CNAME on the
 * way, damaged messages) and its rules (maps/check_judge.c: each finding
 * from facts as the questions would gather them). */
#define _DEFAULT_SOURCE
#include <arpa/nameser.h>
#include <stdio.h>
#include <string.h>

#include "check_dns.h"
#include "check_judge.h"
#include "tap.h"

/* A DNS message under construction. */
struct msg {
    unsigned char b[1024];
    int len;
};

static void put16(struct msg *m, int v)
{
    m->b[m->len++] = (unsigned char) (v >> 8);
    m->b[m->len++] = (unsigned char) v;
}

/* "good.test" as labels. */
static void put_name(struct msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        int n = dot ? (int) (dot - name) : (int) strlen(name);

        m->b[m->len++] = (unsigned char) n;
        memcpy(m->b + m->len, name, (size_t) n);
        m->len += n;
        name += n + (dot != NULL);
    }
    m->b[m->len++] = 0;
}

/* Header with RCODE and ANCOUNT, the question NAME TYPE. */
static void start(struct msg *m, int rcode, int ancount, const char *name, int type)
{
    m->len = 0;
    put16(m, 0x1234);
    put16(m, 0x8180 | rcode);
    put16(m, 1), put16(m, ancount), put16(m, 0), put16(m, 0);
    put_name(m, name);
    put16(m, type), put16(m, ns_c_in);
}

/* An answer record owned by the question's name (pointer 0xc00c). */
static void rr_head(struct msg *m, int type, int rdlen)
{
    put16(m, 0xc00c), put16(m, type), put16(m, ns_c_in), put16(m, 0), put16(m, 300), put16(m, rdlen);
}

static void parse_mx(void)
{
    struct msg m;
    struct dns_mx_list l;

    start(&m, 0, 2, "good.test", ns_t_mx);
    rr_head(&m, ns_t_mx, 2 + 6);
    put16(&m, 20), m.b[m.len++] = 3, memcpy(m.b + m.len, "mx2", 3), m.len += 3, put16(&m, 0xc00c);
    rr_head(&m, ns_t_mx, 2 + 16);
    put16(&m, 10), put_name(&m, "MX1.relay.test");
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_OK, "two MX records");
    is_int(l.n, 2, "... both kept");
    ok(l.mx[0].pref == 10 && strcmp(l.mx[0].host, "mx1.relay.test") == 0, "... sorted by preference, lowercase");
    is_str(l.mx[1].host, "mx2.good.test", "... a compressed name expanded");
    start(&m, 0, 1, "nullmx.test", ns_t_mx);
    rr_head(&m, ns_t_mx, 3);
    put16(&m, 0), m.b[m.len++] = 0;
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_OK, "null MX parses");
    ok(l.n == 1 && l.mx[0].host[0] == 0 && l.mx[0].pref == 0, "... as preference 0 and an empty host");
    start(&m, 0, 1, "alias.test", ns_t_mx);
    rr_head(&m, ns_t_cname, 11);
    put_name(&m, "good.test");
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_NODATA, "only a CNAME: no such records");
    start(&m, 3, 0, "missing.test", ns_t_mx);
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_NXDOMAIN, "rcode 3: NXDOMAIN");
    start(&m, 2, 0, "broken.test", ns_t_mx);
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_SERVFAIL, "rcode 2: SERVFAIL");
    start(&m, 5, 0, "refused.test", ns_t_mx);
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_ERROR, "rcode 5: an error");
    start(&m, 0, 1, "good.test", ns_t_mx);
    rr_head(&m, ns_t_mx, 40);
    put16(&m, 10);
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_ERROR, "a record longer than the message: an error");
    is_int(dns_parse_mx(m.b, 7, &l), DNS_ERROR, "a message shorter than its header: an error");
    start(&m, 0, 2, "good.test", ns_t_mx);
    rr_head(&m, ns_t_mx, 2 + 16);
    put16(&m, 20), put_name(&m, "mx1.relay.test");
    rr_head(&m, ns_t_mx, 2 + 16);
    put16(&m, 10), m.b[m.len++] = 0xc0;        /* a pointer cut in half */
    is_int(dns_parse_mx(m.b, m.len, &l), DNS_ERROR, "a good record, then a damaged one: an error");
    is_int(l.n, 0, "... and none of the answer kept");
}

static void parse_addrs(void)
{
    struct msg m;
    struct dns_addr_list l = { 0 };
    static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };

    start(&m, 0, 1, "mx1.relay.test", ns_t_a);
    rr_head(&m, ns_t_a, 4);
    m.b[m.len++] = 192, m.b[m.len++] = 0, m.b[m.len++] = 2, m.b[m.len++] = 25;
    is_int(dns_parse_addrs(m.b, m.len, ns_t_a, &l), DNS_OK, "an A record");
    start(&m, 0, 2, "mx1.relay.test", ns_t_aaaa);
    rr_head(&m, ns_t_aaaa, 16);
    memcpy(m.b + m.len, v6, 16), m.len += 16;
    rr_head(&m, ns_t_aaaa, 4);      /* the wrong length for its type: skipped */
    m.len += 4;
    is_int(dns_parse_addrs(m.b, m.len, ns_t_aaaa, &l), DNS_OK, "an AAAA record");
    is_int(l.n, 2, "... appended to the A");
    ok(strcmp(l.addr[0], "192.0.2.25") == 0 && strcmp(l.addr[1], "2001:db8::25") == 0, "... as text");
    start(&m, 0, 0, "good.test", ns_t_a);
    is_int(dns_parse_addrs(m.b, m.len, ns_t_a, &l), DNS_NODATA, "no records: NODATA");
}

static struct relay_set relay(void)
{
    static char *names[] = { "mx1.relay.test" };
    struct relay_set rs = { names, 1, { 2, 0, { "192.0.2.25", "2001:db8::25" } } };

    return rs;
}

static const char *judge(struct domain_facts *f, struct check_findings *out)
{
    struct relay_set rs = relay();

    buf_reset(&out->text);
    memset(out->n, 0, sizeof(out->n));
    out->worst = CHECK_OK;
    check_judge(&rs, f, out);
    return out->text.data ? out->text.data : "";
}

static void mx_facts(struct domain_facts *f, const char *domain, const char *host, const char *addr)
{
    memset(f, 0, sizeof(*f));
    f->domain = domain;
    f->mx_st = DNS_OK;
    f->mx.n = 1;
    f->mx.mx[0].pref = 10;
    snprintf(f->mx.mx[0].host, sizeof(f->mx.mx[0].host), "%s", host);
    f->targets_asked = 1;
    f->target_st[0] = DNS_OK;
    f->target[0].n = 1;
    snprintf(f->target[0].addr[0], sizeof(f->target[0].addr[0]), "%s", addr);
    f->nspf = 1;
    snprintf(f->spf[0].addr, sizeof(f->spf[0].addr), "%s", "192.0.2.25");
    f->spf[0].result = SPFR_PASS;
}

static void rules(void)
{
    struct check_findings out = { 0 };
    struct domain_facts f;

    mx_facts(&f, "good.test", "mx1.relay.test", "192.0.2.25");
    is_str(judge(&f, &out), "OK   good.test: MX 10 mx1.relay.test: relay host, 192.0.2.25\n"
           "OK   good.test: SPF permits 192.0.2.25 (pass)\n", "the relay host, SPF pass: OK");
    is_int(out.worst, CHECK_OK, "... nothing worse");
    mx_facts(&f, "stale.test", "mx1.relay.test", "198.51.100.9");
    ok(strstr(judge(&f, &out), "FAIL stale.test: MX 10 mx1.relay.test: relay host, but its A/AAAA 198.51.100.9 "
                    "is not all relay addresses") != NULL, "the relay host's name with another address: FAIL");
    ok(strstr(out.text.data, "FAIL stale.test: no MX host is a relay host\n") != NULL, "... and no MX is a relay host");
    mx_facts(&f, "byaddr.test", "mail.byaddr.test", "2001:db8::25");
    ok(strstr(judge(&f, &out), "OK   byaddr.test: MX 10 mail.byaddr.test: a relay host by its address, 2001:db8::25")
       != NULL, "another name with a relay address: OK");
    mx_facts(&f, "gone.test", "mx1.relay.test", "192.0.2.25");
    f.target_st[0] = DNS_NXDOMAIN, f.target[0].n = 0;
    ok(strstr(judge(&f, &out), "FAIL gone.test: MX 10 mx1.relay.test: no A/AAAA record (NXDOMAIN)") != NULL,
       "the relay host's name without an address: FAIL");
    mx_facts(&f, "soft.test", "mx1.relay.test", "192.0.2.25");
    f.spf[0].result = SPFR_SOFTFAIL;
    ok(strstr(judge(&f, &out), "WARN soft.test: SPF does not permit 192.0.2.25 (softfail)") != NULL, "softfail: WARN");
    is_int(out.worst, CHECK_WARN, "... the worst");
    f.spf[0].result = SPFR_PERMERROR;
    snprintf(f.spf[0].why, sizeof(f.spf[0].why), "%s", "two records");
    ok(strstr(judge(&f, &out), "FAIL soft.test: SPF does not permit 192.0.2.25 (permerror: two records)") != NULL,
       "permerror: FAIL with the reason");
    f.spf[0].result = SPFR_NONE;
    ok(strstr(judge(&f, &out), "WARN soft.test: no SPF record") != NULL, "no record: WARN");
    memset(&f, 0, sizeof(f));
    f.domain = "nomx.test", f.mx_st = DNS_NODATA, f.self_st = DNS_NODATA;
    ok(strstr(judge(&f, &out), "FAIL nomx.test: no MX record and no A/AAAA record") != NULL, "no MX, no A: FAIL");
    f.mx_st = DNS_TIMEOUT, f.timeout = 2, f.attempts = 3;
    is_str(judge(&f, &out), "FAIL nomx.test: MX: no answer within 2s x 3 (DNS timeout)\n", "a timeout: FAIL, said once");
    f.mx_st = DNS_SERVFAIL;
    is_str(judge(&f, &out), "FAIL nomx.test: MX: no answer (SERVFAIL)\n", "SERVFAIL: FAIL");
    mx_facts(&f, "cut.test", "mx1.relay.test", "192.0.2.25");
    f.nspf = 0, f.cut = 20;
    ok(strstr(judge(&f, &out), "FAIL cut.test: checks cut after 20s (check_domain_time)") != NULL, "cut short: FAIL");
    buf_free(&out.text);
}

int main(void)
{
    parse_mx();
    parse_addrs();
    rules();
    return done_testing();
}
