/* t_idna.c - unit tests for maps/idna.c: domains to and from A-labels, as
 * pogate-map keys the maps and pogate-map -q looks them up. */
#include <string.h>

#include "idna.h"
#include "tap.h"

static void ascii(const char *in, const char *want, const char *what)
{
    char out[IDNA_DOMAIN_MAX + 1] = "";
    const char *why = NULL;
    int rc = idna_ascii(in, strlen(in), out, sizeof(out), &why);

    is_int(rc, 0, "%s: converted (%s)", what, why ? why : "");
    is_str(out, want, "%s: %s", what, want);
}

static void refused(const char *in, const char *what)
{
    char out[IDNA_DOMAIN_MAX + 1], u[IDNA_DOMAIN_MAX + 1];
    const char *why = NULL;
    int rc = idna_ascii(in, strlen(in), out, sizeof(out), &why);

    if (rc == 0)
        rc = idna_unicode(out, u, sizeof(u), &why);
    is_int(rc, -1, "%s: refused", what);
    ok(why != NULL && *why, "... with a reason (%s)", why ? why : "");
}

int main(void)
{
    char out[512];
    const char *why;

    ascii("bücher.example", "xn--bcher-kva.example", "U-labels");
    ascii("BÜCHER.Example", "xn--bcher-kva.example", "U-labels in upper case");
    ascii("Xn--Bcher-Kva.EXAMPLE", "xn--bcher-kva.example", "A-labels: lowercased only");
    ascii("sales.example.com", "sales.example.com", "ASCII: as it is");
    ascii("[192.0.2.1]", "[192.0.2.1]", "an address literal: as it is");
    ascii("例子.广告", "xn--fsqu00a.xn--4rr70v", "CJK labels (as Python's idna codec writes them)");
    refused("xn--zz.example", "an A-label that does not decode");
    refused("xn--bca.example", "an A-label that decodes, but is not its U-label's A-label (fuzz_idna)");
    refused("a\xe2\x80\x8d" "b.example", "a ZERO WIDTH JOINER outside its context (IDNA2008 CONTEXTJ)");
    is_int(idna_unicode("xn--bcher-kva.example", out, sizeof(out), &why), 1, "A-labels to U-labels: it differs");
    is_str(out, "bücher.example", "... bücher.example");
    is_int(idna_unicode("sales.example.com", out, sizeof(out), &why), 0, "ASCII without A-labels: the same");
    is_int(idna_key("Jörg@BÜCHER.example", out, sizeof(out), &why), 0, "an address: its domain converted");
    is_str(out, "Jörg@xn--bcher-kva.example", "... the local part as written");
    is_int(idna_key("@bücher.example", out, sizeof(out), &why), 0, "a catch-all key");
    is_str(out, "@xn--bcher-kva.example", "... @xn--bcher-kva.example");
    is_int(idna_key_unicode("info@xn--bcher-kva.example", out, sizeof(out)), 1, "an address to U-labels");
    is_str(out, "info@bücher.example", "... info@bücher.example");
    ok(idna_is_8bit("jörg") && !idna_is_8bit("jorg"), "8-bit or not");
    return done_testing();
}
