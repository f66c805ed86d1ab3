/* check_judge.c - the rules of pogate-check(8); see check_judge.h.
 *
 * A DNS answer that does not come, or says the server failed, is a FAIL:
 * the Internet's mail servers ask the same DNS and would not reach the
 * domain either. A foreign MX host beside a relay host is a WARN (a backup
 * MX may be meant); an MX set without any relay host is a FAIL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check_judge.h"

static const char *const level_name[] = { "OK", "WARN", "FAIL" };

static void say(struct check_findings *out, enum check_level level, const char *domain, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct check_findings *out, enum check_level level, const char *domain, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    buf_printf(&out->text, "%-4s %s: %s\n", level_name[level], domain, text);
    out->n[level]++;
    if (level > out->worst)
        out->worst = level;
}

int relay_has_addr(const struct relay_set *rs, const char *addr)
{
    for (int i = 0; i < rs->addrs.n; i++)
        if (strcmp(rs->addrs.addr[i], addr) == 0)
            return 1;
    return 0;
}

int relay_has_name(const struct relay_set *rs, const char *host)
{
    for (int i = 0; i < rs->nnames; i++)
        if (strcasecmp(rs->names[i], host) == 0)
            return 1;
    return 0;
}

/* "192.0.2.25 2001:db8::25" into B; how many of them are relay addresses into *RELAY. */
static void addr_list(const struct relay_set *rs, const struct dns_addr_list *a, char *b, size_t size, int *relay)
{
    size_t at = 0;

    *relay = 0;
    b[0] = 0;
    for (int i = 0; i < a->n && at < size; i++) {
        at += (size_t) snprintf(b + at, size - at, "%s%s", i ? " " : "", a->addr[i]);
        *relay += relay_has_addr(rs, a->addr[i]);
    }
}

/* One MX target; 1 when it is a relay host with only relay addresses. */
static int judge_target(const struct relay_set *rs, const struct domain_facts *f, int i, struct check_findings *out)
{
    const struct dns_mx *mx = &f->mx.mx[i];
    int named = relay_has_name(rs, mx->host), relay;
    char addrs[512];

    if (f->target_st[i] != DNS_OK) {
        say(out, named ? CHECK_FAIL : CHECK_WARN, f->domain, "MX %d %s: no A/AAAA record (%s)", mx->pref, mx->host,
            dns_status_name(f->target_st[i]));
        return 0;
    }
    addr_list(rs, &f->target[i], addrs, sizeof(addrs), &relay);
    if (relay == f->target[i].n) {
        say(out, CHECK_OK, f->domain, "MX %d %s: %s, %s", mx->pref, mx->host,
            named ? "relay host" : "a relay host by its address", addrs);
        return 1;
    }
    if (named)
        say(out, CHECK_FAIL, f->domain, "MX %d %s: relay host, but its A/AAAA %s %s not all relay addresses",
            mx->pref, mx->host, addrs, f->target[i].n == 1 ? "is" : "are");
    else
        say(out, CHECK_WARN, f->domain, "MX %d %s: not a relay host (%s)", mx->pref, mx->host, addrs);
    return 0;
}

/* No MX: mail goes to the domain's own A/AAAA (RFC 5321 5.1). */
static void judge_implicit(const struct relay_set *rs, const struct domain_facts *f, struct check_findings *out)
{
    char addrs[512];
    int relay;

    if (f->self_st != DNS_OK) {
        say(out, CHECK_FAIL, f->domain, "no MX record and no A/AAAA record (%s): no mail reaches it",
            dns_status_name(f->self_st));
        return;
    }
    addr_list(rs, &f->self, addrs, sizeof(addrs), &relay);
    if (relay)
        say(out, CHECK_WARN, f->domain, "no MX record: mail goes to its own address %s, a relay address; "
            "publish an MX record naming a relay host", addrs);
    else
        say(out, CHECK_FAIL, f->domain, "no MX record, and its own address %s is no relay address", addrs);
}

static void judge_mx(const struct relay_set *rs, const struct domain_facts *f, struct check_findings *out)
{
    int good = 0;

    if (f->mx.n == 1 && f->mx.mx[0].host[0] == 0) {
        say(out, CHECK_FAIL, f->domain, "null MX (RFC 7505): the domain says it accepts no mail");
        return;
    }
    for (int i = 0; i < f->targets_asked; i++)
        good += judge_target(rs, f, i, out);
    if (f->mx.more)
        say(out, CHECK_WARN, f->domain, "%d more MX records not checked", f->mx.more);
    if (good == 0 && f->targets_asked == f->mx.n)
        say(out, CHECK_FAIL, f->domain, "no MX host is a relay host");
}

static enum check_level spf_level(enum spf_result r)
{
    switch (r) {
    case SPFR_PASS: return CHECK_OK;
    case SPFR_NEUTRAL: case SPFR_SOFTFAIL: case SPFR_NONE: return CHECK_WARN;
    default: return CHECK_FAIL;
    }
}

static void judge_spf(const struct domain_facts *f, struct check_findings *out)
{
    for (int i = 0; i < f->nspf; i++) {
        const struct spf_fact *s = &f->spf[i];
        enum check_level level = spf_level(s->result);

        if (s->result == SPFR_NONE)
            say(out, level, f->domain, "no SPF record: receivers cannot tell the relay hosts' mail from forgeries");
        else if (s->result == SPFR_PASS)
            say(out, level, f->domain, "SPF permits %s (pass)", s->addr);
        else if (level == CHECK_FAIL && s->result != SPFR_FAIL && s->why[0])
            say(out, level, f->domain, "SPF does not permit %s (%s: %s)", s->addr, spf_result_name(s->result), s->why);
        else
            say(out, level, f->domain, "SPF does not permit %s (%s)", s->addr, spf_result_name(s->result));
        if (s->result == SPFR_NONE)
            break;              /* once for the domain, not per address */
    }
}

void check_judge(const struct relay_set *rs, const struct domain_facts *f, struct check_findings *out)
{
    switch (f->mx_st) {
    case DNS_NXDOMAIN:
        say(out, CHECK_FAIL, f->domain, "the domain does not exist (NXDOMAIN)");
        return;
    case DNS_TIMEOUT:
        say(out, CHECK_FAIL, f->domain, "MX: no answer within %ds x %d (DNS timeout)", f->timeout, f->attempts);
        return;
    case DNS_SERVFAIL: case DNS_ERROR:
        say(out, CHECK_FAIL, f->domain, "MX: no answer (%s)", dns_status_name(f->mx_st));
        return;
    case DNS_NODATA:
        judge_implicit(rs, f, out);
        break;
    case DNS_OK:
        judge_mx(rs, f, out);
        break;
    }
    judge_spf(f, out);
    if (f->cut > 0)
        say(out, CHECK_FAIL, f->domain, "checks cut after %llds (check_domain_time): the DNS answers too slowly", f->cut);
}
