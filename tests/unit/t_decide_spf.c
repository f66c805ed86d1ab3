/* t_decide_spf.c - unit tests for milter/decide_spf.c: who is checked, and
 * what each SPF result does to MAIL with spf = header and spf = reject. */
#include "decide_spf.h"
#include "tap.h"

static const enum spf_result all[] = {
    SPFR_NONE, SPFR_NEUTRAL, SPFR_PASS, SPFR_FAIL, SPFR_SOFTFAIL, SPFR_TEMPERROR, SPFR_PERMERROR
};

/* For the test names: spf_header.c's, which needs no libspf2. */
#define name spf_result_name

static void who(void)
{
    struct spf_in in = { 1, 1, 0, 0, 1 };

    ok(decide_spf_check(&in), "an untrusted client with an address is checked");
    in.enabled = 0;
    ok(!decide_spf_check(&in), "spf = off: nobody is checked");
    in.enabled = 1, in.trusted = 1;
    ok(!decide_spf_check(&in), "a trusted client is not checked (its mail is outbound)");
    in.trusted = 0, in.exempt = 1;
    ok(!decide_spf_check(&in), "an access OK relay is not checked");
    in.exempt = 0, in.have_ip = 0;
    ok(!decide_spf_check(&in), "a client without an IP address is not checked");
    in.have_ip = 1, in.reject = 0;
    ok(decide_spf_check(&in), "spf = header checks as spf = reject does");
}

static void header_mode(void)
{
    struct spf_in in = { 1, 0, 0, 0, 1 };
    struct verdict v;

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        is_int(decide_spf(&in, all[i], "user@example.com", "why", &v), VERDICT_CONTINUE,
               "spf = header, %s: goes on (the header tells)", name(all[i]));
}

static void reject_mode(void)
{
    struct spf_in in = { 1, 1, 0, 0, 1 };
    struct verdict v;

    is_int(decide_spf(&in, SPFR_FAIL, "user@bad.example", "domain of bad.example does not designate 192.0.2.20",
                      &v), VERDICT_REJECT, "spf = reject, fail: rejected");
    ok(strcmp(v.code, "550") == 0 && strcmp(v.xcode, "5.7.23") == 0, "... 550 5.7.23 (RFC 7372)");
    is_str(v.text, "<user@bad.example>: SPF validation failed: domain of bad.example does not designate 192.0.2.20",
           "... with libspf2's reason");
    is_int(decide_spf(&in, SPFR_TEMPERROR, "user@temp.example", "", &v), VERDICT_TEMPFAIL,
           "spf = reject, temperror: deferred, never rejected");
    ok(strcmp(v.code, "451") == 0 && strcmp(v.xcode, "4.4.3") == 0, "... 451 4.4.3");
    is_str(v.text, "<user@temp.example>: SPF check failed temporarily, try again later", "... text");
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (all[i] == SPFR_FAIL || all[i] == SPFR_TEMPERROR)
            continue;
        is_int(decide_spf(&in, all[i], "user@example.com", "", &v), VERDICT_CONTINUE,
               "spf = reject, %s: goes on", name(all[i]));
    }
    decide_spf(&in, SPFR_FAIL, "", NULL, &v);
    is_str(v.text, "<>: SPF validation failed: ", "null sender (HELO checked), no reason");
    decide_spf(&in, SPFR_FAIL, "u@bad.example", "Please see http://www.openspf.org/Why?id=u%40bad.example\r\n", &v);
    is_str(v.text, "<u@bad.example>: SPF validation failed: Please see http://www.openspf.org/Why?id=u?40bad.example??",
           "libspf2's URL: percent signs and CR LF made safe for smfi_setreply");
    ok(v.error == NULL, "... nothing else to log");
}

int main(void)
{
    who();
    header_mode();
    reject_mode();
    return done_testing();
}
