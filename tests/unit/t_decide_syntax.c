/* t_decide_syntax.c - unit tests for milter/decide_syntax.c: MAIL and RCPT
 * arguments against RFC 5321's limits and RFC 1035's labels, 501 with 5.1.7
 * or 5.1.3 and the rule named; the null sender and bare local names pass. */
#include <stdio.h>

#include "decide_syntax.h"
#include "tap.h"

static void is_501(const struct verdict *v, const char *xcode, const char *text, const char *what)
{
    ok(v->action == VERDICT_REJECT && strcmp(v->code, "501") == 0 && strcmp(v->xcode, xcode) == 0,
       "%s: 501 %s", what, xcode);
    is_str(v->text, text, "... text");
}

int main(void)
{
    struct verdict v;
    char arg[512];

    is_int(decide_syntax("<john@example.com>", 1, &v), VERDICT_CONTINUE, "MAIL: a plain address");
    is_int(decide_syntax("<>", 1, &v), VERDICT_CONTINUE, "MAIL: the null sender");
    is_int(decide_syntax("<>", 0, &v), VERDICT_REJECT, "RCPT: <> is no recipient");
    is_int(decide_syntax("<postmaster>", 0, &v), VERDICT_CONTINUE, "RCPT: a bare postmaster");
    is_int(decide_syntax("<@relay.example:john@example.com>", 0, &v), VERDICT_CONTINUE, "RCPT: a source route");
    snprintf(arg, sizeof(arg), "<%065d@example.com>", 0);
    is_int(decide_syntax(arg, 1, &v), VERDICT_REJECT, "MAIL: a 65-octet local part");
    is_501(&v, "5.1.7", "Bad sender address syntax: local part longer than 64 octets (RFC 5321 4.5.3.1.1)", "MAIL");
    is_int(decide_syntax("<a@ex_ample.com>", 0, &v), VERDICT_REJECT, "RCPT: an underscore in a label");
    is_501(&v, "5.1.3", "Bad recipient address syntax: domain label not made of letters, digits and hyphens "
           "(RFC 1035 2.3.1)", "RCPT");
    is_int(decide_syntax("<a@-example.com>", 0, &v), VERDICT_REJECT, "RCPT: a label starting with a hyphen");
    snprintf(arg, sizeof(arg), "<%064d@%0100d.%0100d.com>", 0, 0, 0);
    is_int(decide_syntax(arg, 0, &v), VERDICT_REJECT, "RCPT: a label of 100 octets");
    snprintf(arg, sizeof(arg), "<%064d@%063d.%063d.%063d.com>", 0, 0, 0, 0);
    is_int(decide_syntax(arg, 0, &v), VERDICT_REJECT, "RCPT: a path of 262 octets");
    is_str(v.text, "Bad recipient address syntax: path longer than 256 octets (RFC 5321 4.5.3.1.3)", "... named");
    is_int(decide_syntax("<a@[192.0.2.1]>", 0, &v), VERDICT_CONTINUE, "RCPT: an IPv4 literal (RFC 5321 allows it)");
    is_int(decide_syntax("<a@[x-foo:bar]>", 0, &v), VERDICT_REJECT, "RCPT: an unregistered literal tag");
    return done_testing();
}
