/* t_decide_size.c - unit tests for milter/decide_size.c: SIZE= at MAIL and
 * RCPT, counted bytes at end of message, against the postoffices' maxsize;
 * limits of 0 (none), sizes equal to a limit, and the reply texts. */
#include "decide_size.h"
#include "tap.h"

#define M10 (10LL << 20)

static void is_552(const struct verdict *v, const char *text, const char *what)
{
    ok(v->action == VERDICT_REJECT && strcmp(v->code, "552") == 0 && strcmp(v->xcode, "5.3.4") == 0,
       "%s: 552 5.3.4", what);
    is_str(v->text, text, "... text");
}

static void mail(void)
{
    struct verdict v;

    is_int(decide_size_mail(M10 + 1, M10, 0, "u@example.com", &v), VERDICT_REJECT, "MAIL: SIZE= over every PO's limit");
    is_552(&v, "<u@example.com>: SIZE=10485761 exceeds every postoffice's maximum message size", "MAIL");
    is_int(decide_size_mail(M10, M10, 0, "u@example.com", &v), VERDICT_CONTINUE, "MAIL: SIZE= equal to the largest limit");
    is_int(decide_size_mail(M10 + 1, M10, 1, "u@example.com", &v), VERDICT_CONTINUE,
           "MAIL: a trusted client is held to its sender PO's limit instead");
    is_int(decide_size_mail(M10 + 1, 0, 0, "u@example.com", &v), VERDICT_CONTINUE, "MAIL: some PO has no limit");
    is_int(decide_size_mail(0, M10, 0, "u@example.com", &v), VERDICT_CONTINUE, "MAIL: no SIZE=");
    decide_size_mail(M10 + 1, M10, 0, "", &v);
    is_str(v.text, "<>: SIZE=10485761 exceeds every postoffice's maximum message size", "MAIL: the null sender");
}

static void po(void)
{
    struct verdict v;

    is_int(decide_size_po(2000, "hr", 1024, "boss@hr.example.com", &v), VERDICT_REJECT, "RCPT: SIZE= over the PO's maxsize");
    is_552(&v, "<boss@hr.example.com>: SIZE=2000 exceeds the maximum message size of postoffice hr", "RCPT");
    is_int(decide_size_po(1024, "hr", 1024, "boss@hr.example.com", &v), VERDICT_CONTINUE, "RCPT: SIZE= equal to maxsize");
    is_int(decide_size_po(2000, "hub", 0, "admin@hub.example.com", &v), VERDICT_CONTINUE, "RCPT: a PO without maxsize");
    is_int(decide_size_po(0, "hr", 1024, "boss@hr.example.com", &v), VERDICT_CONTINUE, "RCPT: no SIZE=");
    is_int(decide_size_po(-1, "hr", 1024, "boss@hr.example.com", &v), VERDICT_CONTINUE, "RCPT: a negative size is none");
}

static void counted(void)
{
    struct rcpt r[3] = {
        { "<friend@elsewhere.example>", "friend@elsewhere.example", { 0, "", "", 0, "", NULL } },
        { "<boss@hr.example.com>", "boss@hr.example.com", { 1, "hr/boss", "boss@hr.example.com", 1024, "hr", "accept" } },
        { "<john@sales.example.com>", "john@sales.example.com", { 1, "sales/john", "john@sales.example.com", 512, "sales", "accept" } },
    };
    struct verdict v;

    is_int(decide_size_rcpts(1000, r, 1, &v), VERDICT_CONTINUE, "EOM: a recipient outside every PO has no limit");
    is_int(decide_size_rcpts(1024, r, 2, &v), VERDICT_CONTINUE, "EOM: equal to the PO's maxsize");
    is_int(decide_size_rcpts(1025, r, 2, &v), VERDICT_REJECT, "EOM: one byte over");
    is_552(&v, "message of 1025 bytes exceeds the maximum message size of hr/boss", "EOM");
    decide_size_rcpts(2000, r, 3, &v);
    is_str(v.text, "message of 2000 bytes exceeds the maximum message size of hr/boss", "EOM: the first PO it breaks is named");
    decide_size_rcpts(600, r, 3, &v);
    is_str(v.text, "message of 600 bytes exceeds the maximum message size of sales/john", "EOM: ... whichever that is");
    r[1].to.maxsize = r[2].to.maxsize = 0;
    is_int(decide_size_rcpts(1LL << 40, r, 3, &v), VERDICT_CONTINUE, "EOM: POs without maxsize take anything");
    is_int(decide_size_rcpts(5, NULL, 0, &v), VERDICT_CONTINUE, "EOM: no recipients");

    is_int(decide_size_sender(1025, "hr", 1024, &v), VERDICT_REJECT, "EOM outbound: over the sender PO's maxsize");
    is_552(&v, "message of 1025 bytes exceeds the maximum message size of postoffice hr", "EOM outbound");
    is_int(decide_size_sender(1024, "hr", 1024, &v), VERDICT_CONTINUE, "EOM outbound: equal to it");
    is_int(decide_size_sender(1LL << 40, "hub", 0, &v), VERDICT_CONTINUE, "EOM outbound: a PO without maxsize");
}

int main(void)
{
    mail();
    po();
    counted();
    return done_testing();
}
