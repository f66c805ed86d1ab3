/* t_client.c - unit tests for milter/client.c: the client's address and its
 * "host[ip]" label, from what the MTA hands over at connect. */
#include <sys/un.h>

#include "client.h"
#include "mcore_fixture.h"
#include "tap.h"

static void labelled(const char *host, const char *ip, const char *want, int want_sa, const char *what)
{
    struct sockaddr_storage ss;
    struct client c;
    int have = client_set(&c, host, ip ? sa_of(ip, &ss) : NULL);

    is_str(c.label, want, "%s: label", what);
    is_int(have, want_sa, "... %s address", want_sa ? "an" : "no");
    ok(want_sa ? client_addr(&c) != NULL : client_addr(&c) == NULL, "... client_addr agrees");
}

static void families(void)
{
    struct sockaddr_storage ss;
    struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/run/x" };
    const struct sockaddr_in6 *s6;
    struct client c;

    client_set(&c, "mx.example.net", sa_of("2001:db8::25", &ss));
    s6 = (const struct sockaddr_in6 *) (const void *) client_addr(&c);
    ok(s6 && s6->sin6_family == AF_INET6 && memcmp(&s6->sin6_addr, &((struct sockaddr_in6 *) (void *) &ss)->sin6_addr, 16) == 0,
       "IPv6 address kept whole");
    is_int(client_set(&c, "local", (struct sockaddr *) &un), 0, "AF_UNIX: no address");
    is_str(c.label, "local[unknown]", "... labelled [unknown]");
    client_set(&c, "a", sa_of("192.0.2.1", &ss));
    client_set(&c, "b", NULL);
    ok(client_addr(&c) == NULL && strcmp(c.label, "b[unknown]") == 0, "a second set forgets the first address");
}

static void long_name(void)
{
    char host[400];
    struct sockaddr_storage ss;
    struct client c;

    memset(host, 'h', sizeof(host) - 1);
    host[sizeof(host) - 1] = 0;
    client_set(&c, host, sa_of("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", &ss));
    is_int(strlen(c.label), 200 + strlen("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]"), "a 399-byte name is cut at 200");
    ok(strstr(c.label, "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]") != NULL, "... the address stays whole");
}

/* Postfix's non_smtpd_milters mail: localhost[127.0.0.1], port 0. */
static void local_submission(void)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *in = (struct sockaddr_in *) (void *) &ss;
    struct client c;

    client_set(&c, "localhost", sa_of("127.0.0.1", &ss));
    ok(c.local_submission, "localhost[127.0.0.1] port 0: a local submission");
    in->sin_port = htons(41234);
    client_set(&c, "localhost", (struct sockaddr *) in);
    ok(!c.local_submission, "... with a port: an SMTP client");
    client_set(&c, "mx.example.net", sa_of("127.0.0.1", &ss));
    ok(!c.local_submission, "... under another name: an SMTP client");
    client_set(&c, "localhost", sa_of("192.0.2.1", &ss));
    ok(!c.local_submission, "... from another address: an SMTP client");
}

int main(void)
{
    local_submission();
    labelled("mx.example.net", "192.0.2.10", "mx.example.net[192.0.2.10]", 1, "named IPv4 client");
    labelled("mx6.example.net", "2001:db8::25", "mx6.example.net[2001:db8::25]", 1, "named IPv6 client");
    labelled("m.example", "::ffff:192.0.2.7", "m.example[::ffff:192.0.2.7]", 1, "v4-mapped IPv6 as the MTA gave it");
    labelled("[192.0.2.10]", "192.0.2.10", "unknown[192.0.2.10]", 1, "no verified name: [ADDR] becomes unknown");
    labelled("[2001:db8::25]", "2001:db8::25", "unknown[2001:db8::25]", 1, "... over IPv6 too");
    labelled("", "192.0.2.10", "unknown[192.0.2.10]", 1, "empty name");
    labelled(NULL, "192.0.2.10", "unknown[192.0.2.10]", 1, "no name");
    labelled("localhost", NULL, "localhost[unknown]", 0, "no socket address (a local client)");
    labelled(NULL, NULL, "unknown[unknown]", 0, "neither name nor address");
    families();
    long_name();
    return done_testing();
}
