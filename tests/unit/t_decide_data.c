/* t_decide_data.c - unit tests for milter/decide_data.c: which messages are
 * accepted at DATA (inbound, nothing to rewrite, no Received-SPF, no
 * recipient postoffice with a maxsize, no recipient refusal waiting for end
 * of message) and when the DATA step is asked for. */
#include <stdio.h>
#include <string.h>

#include "decide_data.h"
#include "tap.h"

static struct rcpt rcpt(const char *addr, int ours, const char *canonical, long long maxsize)
{
    struct rcpt r = { .arg = (char *) addr, .addr = (char *) addr, .to = { .ours = ours, .maxsize = maxsize } };

    if (ours) {
        snprintf(r.to.where, sizeof(r.to.where), "%s", "sales/jsmith");
        snprintf(r.to.canonical, sizeof(r.to.canonical), "%s", canonical);
    }
    return r;
}

static int accepted(int outbound, int spf_header, const struct rcpt *r, size_t n, const char *why_want,
                    const char *what)
{
    struct data_in in = { outbound, spf_header, r, n, 0, 0 };
    const char *why = NULL;
    int got = decide_data(&in, &why);

    is_str(why, why_want, "%s: why", what);
    return got;
}

/* A message whose headers must be checked for spoofing goes on to end of message. */
static void spoof_check(const struct rcpt *r, size_t n)
{
    struct data_in in = { 0, 0, r, n, 1, 0 };
    const char *why = NULL;

    is_int(decide_data(&in, &why), 0, "headers to check for spoofing: on to end of message");
    is_str(why, "headers to check for spoofing", "... why");
}

/* Postfix cannot refuse one recipient of sendmail(1) mail: the refusal waits
 * for end of message, which must come even when nothing else needs it. */
static void rcpt_refused(const struct rcpt *r, size_t n)
{
    struct data_in in = { .rcpts = r, .nrcpt = n, .rcpt_refused = 1 };
    const char *why = NULL;

    is_int(decide_data(&in, &why), 0, "a local submission's refused recipient: on to end of message");
    is_str(why, "a recipient refusal to give at end of message", "... why");
}

int main(void)
{
    struct rcpt plain[] = { rcpt("john.smith@sales.example.com", 1, "john.smith@sales.example.com", 0),
                            rcpt("friend@elsewhere.example", 0, "", 0) };
    struct rcpt alias[] = { rcpt("js@sales.example.com", 1, "john.smith@sales.example.com", 0) };
    struct rcpt upper[] = { rcpt("John.Smith@Sales.Example.com", 1, "john.smith@sales.example.com", 0) };
    struct rcpt limit[] = { rcpt("john.smith@sales.example.com", 1, "john.smith@sales.example.com", 0),
                            rcpt("boss@hr.example.com", 1, "boss@hr.example.com", 10 << 20) };
    struct rcpt foreign_limit[] = { rcpt("friend@elsewhere.example", 0, "", 10 << 20) };

    spoof_check(plain, 2);
    rcpt_refused(plain, 2);

    ok(accepted(0, 0, plain, 2, "nothing left for end of message", "public addresses and a foreign one"),
       "an inbound message to public addresses: accepted at DATA");
    ok(accepted(0, 0, upper, 1, "nothing left for end of message", "other case"),
       "... a public address in other case is not rewritten either");
    ok(!accepted(1, 0, plain, 2, "outbound: headers and sender rewrite", "outbound"),
       "an outbound message goes on to end of message");
    ok(!accepted(0, 1, plain, 2, "Received-SPF to add", "SPF"), "a Received-SPF header to add: goes on");
    ok(!accepted(0, 0, alias, 1, "recipients to rewrite", "alias"), "an alias to rewrite: goes on");
    ok(!accepted(0, 0, limit, 2, "a recipient postoffice has a maxsize", "maxsize"),
       "a recipient postoffice with a maxsize: goes on (the counted size is judged at end of message)");
    ok(accepted(0, 0, foreign_limit, 1, "nothing left for end of message", "foreign"),
       "... a maxsize outside every postoffice does not count");
    ok(accepted(0, 0, NULL, 0, "nothing left for end of message", "none"), "no recipient: accepted");

    is_int(decide_data_step(0, 0), 1, "DATA step: SPF off, some postoffice without maxsize");
    is_int(decide_data_step(1, 0), 0, "... not with SPF on (every checked message gets Received-SPF)");
    is_int(decide_data_step(0, 10 << 20), 0, "... not when every postoffice has a maxsize");
    return done_testing();
}
