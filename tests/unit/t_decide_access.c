/* t_decide_access.c - unit tests for milter/decide_access.c: the connect
 * decision (refused actions, no maps, access REJECT over IPv4, IPv6 and
 * v4-mapped addresses, a spoilt access record) and who is trusted (access
 * TRUST, trusted_networks, outbound_services, SASL), over the compiled
 * fixture directory of podir_fixture.h. */
#include "decide_access.h"
#include "mcore_fixture.h"
#include "netlist.h"
#include "tap.h"

static struct podir *maps;
static struct netlist *nets;

/* The connect decision for client IP (NULL: none) and MTA service SERVICE. */
static enum verdict_action connect_from(const char *ip, const char *service, struct trust *t, struct verdict *v)
{
    struct sockaddr_storage ss;
    struct access_in in = { ip ? sa_of(ip, &ss) : NULL, service, maps, nets, "submission, smtps\tinternal", 0 };

    return decide_access(&in, t, v);
}

static void reject(const char *ip, const char *what)
{
    struct trust t;
    struct verdict v;

    is_int(connect_from(ip, "submission", &t, &v), VERDICT_REJECT, "%s: rejected", what);
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.1") == 0 && strcmp(v.text, "Access denied") == 0,
       "... 550 5.7.1 Access denied (%s %s %s)", v.code, v.xcode, v.text);
    ok(!t.trusted && v.error == NULL, "... not trusted, nothing else to log");
}

/* IP and SERVICE are let in, trusted for REASON (NULL: untrusted), SPF-exempt or not. */
static void let_in(const char *ip, const char *service, const char *reason, int exempt, const char *what)
{
    struct trust t;
    struct verdict v;

    is_int(connect_from(ip, service, &t, &v), VERDICT_CONTINUE, "%s: goes on", what);
    if (reason)
        ok(t.trusted && t.reason && strcmp(t.reason, reason) == 0, "... trusted by %s (%s)", reason,
           t.reason ? t.reason : "-");
    else
        ok(!t.trusted, "... not trusted");
    is_int(t.spf_exempt, exempt, "... %sexempt from SPF", exempt ? "" : "not ");
}

static void refusals(void)
{
    struct access_in in = { NULL, NULL, maps, nets, "", 1 };
    struct trust t;
    struct verdict v;

    is_int(decide_access(&in, &t, &v), VERDICT_TEMPFAIL, "MTA refused needed actions: tempfail");
    ok(strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.3.5") == 0, "... 451 4.3.5");
    is_str(v.text, "mail filter misconfigured: MTA refuses needed milter actions", "... and says why");
    in.maps = NULL;
    is_int(decide_access(&in, &t, &v), VERDICT_TEMPFAIL, "refused actions and no maps: still 4.3.5 first");
    is_str(v.xcode, "4.3.5", "... 4.3.5");
    in.mta_refused_actions = 0;
    is_int(decide_access(&in, &t, &v), VERDICT_TEMPFAIL, "no map snapshot: tempfail, never a pass");
    ok(strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.3.0") == 0, "... 451 4.3.0");
    is_str(v.text, "postoffice directory unavailable", "... reply text");
    ok(v.error && strstr(v.error, "run pogate-map"), "... and an error for the operator");
    ok(!t.trusted, "... nobody trusted");
}

static void access_map(void)
{
    reject("192.0.2.130", "access REJECT (192.0.2.128/25)");
    reject("2001:db8:ffff::1", "access REJECT over IPv6 (2001:db8::/32)");
    reject("::ffff:192.0.2.200", "v4-mapped IPv6 of a rejected IPv4 client");
    reject("10.1.9.9", "trusted_networks does not undo an access REJECT (10.1.9.0/24)");
    let_in("192.0.2.1", NULL, "access", 0, "access TRUST (192.0.2.0/24)");
    let_in("2001:db8:1::25", NULL, "access", 0, "access TRUST over IPv6, longer prefix than a REJECT");
    let_in("::ffff:192.0.2.5", NULL, "access", 0, "v4-mapped IPv6 of a trusted IPv4 client");
    let_in("203.0.113.7", NULL, NULL, 1, "access OK: a known relay");
    let_in("::ffff:203.0.113.7", "smtpd", NULL, 1, "access OK, v4-mapped");
    let_in("198.51.100.1", NULL, NULL, 0, "a client the map does not name");
    let_in("2001:db9::1", NULL, NULL, 0, "an IPv6 client the map does not name");
}

static void trust(void)
{
    let_in("10.1.2.3", NULL, "trusted_networks", 0, "trusted_networks, IPv4");
    let_in("fd00:1::2", NULL, "trusted_networks", 0, "trusted_networks, IPv6");
    let_in("::ffff:10.1.2.3", NULL, "trusted_networks", 0, "trusted_networks, v4-mapped");
    let_in("192.0.2.9", NULL, "access", 0, "in both access TRUST and trusted_networks: access names it");
    let_in("198.51.100.1", "submission", "outbound_services", 0, "an outbound service (first in the list)");
    let_in("198.51.100.1", "smtps", "outbound_services", 0, "an outbound service after a comma");
    let_in("198.51.100.1", "internal", "outbound_services", 0, "an outbound service after a tab");
    let_in("198.51.100.1", "smtpd", NULL, 0, "another service");
    let_in("198.51.100.1", "submissio", NULL, 0, "a prefix of a listed service");
    let_in("198.51.100.1", "submission2", NULL, 0, "a listed service as a prefix");
    let_in("198.51.100.1", "", NULL, 0, "an empty service name");
    let_in(NULL, NULL, NULL, 0, "a local client without address or service");
    let_in(NULL, "submission", "outbound_services", 0, "a local client of an outbound service");
    let_in("203.0.113.7", "submission", "outbound_services", 1, "access OK and an outbound service");
}

static void no_lists(void)
{
    struct sockaddr_storage ss;
    struct access_in in = { sa_of("10.1.2.3", &ss), "submission", maps, NULL, NULL, 0 };
    struct trust t;
    struct verdict v;

    is_int(decide_access(&in, &t, &v), VERDICT_CONTINUE, "no trusted_networks, no outbound_services");
    ok(!t.trusted, "... nobody trusted");
}

static void spoilt(void)
{
    struct podir *bad = mcore_spoilt(POINDEX_NETWORK "192.0.2.128/25", "REJECT?");
    struct sockaddr_storage ss;
    struct access_in in = { sa_of("192.0.2.130", &ss), NULL, bad, nets, "", 0 };
    struct trust t;
    struct verdict v;

    ok(bad != NULL, "index with a spoilt access record");
    is_int(decide_access(&in, &t, &v), VERDICT_TEMPFAIL, "a record the reader cannot read: tempfail, never reject");
    is_str(v.code, "451", "... 451");
    is_str(v.xcode, "4.3.0", "... 4.3.0");
    ok(!t.trusted, "... and nobody trusted by it");
    podir_close(bad);
}

static void sasl(void)
{
    struct trust t = { 0, NULL, 0 };

    decide_trust_sasl(NULL, &t);
    ok(!t.trusted, "no {auth_authen}: not trusted");
    decide_trust_sasl("", &t);
    ok(!t.trusted, "empty {auth_authen}: not trusted");
    decide_trust_sasl("jsmith", &t);
    ok(t.trusted && strcmp(t.reason, "sasl") == 0, "SASL login: trusted by sasl");
    t.reason = "access";
    decide_trust_sasl("jsmith", &t);
    is_str(t.reason, "access", "already trusted: the first reason stays");
    t.spf_exempt = 1, t.trusted = 0;
    decide_trust_sasl("jsmith", &t);
    ok(t.trusted && t.spf_exempt, "SASL keeps an access OK client's SPF exemption");
}

int main(void)
{
    char bad[64];

    maps = mcore_maps("access", "192.0.2.0/24 TRUST\n192.0.2.128/25 REJECT\n10.1.9.0/24 REJECT\n"
                      "2001:db8::/32 reject\n2001:db8:1::/48 TRUST\n203.0.113.7 OK\n");
    nets = netlist_parse("10.1.0.0/16, fd00:1::/32, 192.0.2.0/28", bad, sizeof(bad));
    ok(nets != NULL, "trusted_networks parse");
    refusals();
    access_map();
    trust();
    no_lists();
    spoilt();
    sasl();
    podir_close(maps);
    netlist_free(nets);
    fixture_cleanup();
    return done_testing();
}
