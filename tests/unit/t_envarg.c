/* t_envarg.c - unit tests for milter/envarg.c: the bare address of a MAIL or
 * RCPT argument and the declared SIZE=, odd ones included. */
#include "envarg.h"
#include "tap.h"

static void bare(const char *arg, const char *want, const char *what)
{
    buf_t b = BUF_INIT;

    envarg_address(arg, &b);
    is_str(b.data, want, "%s", what);
    buf_free(&b);
}

static void size(const char *param, long long want, const char *what)
{
    char *argv[] = { "<a@b>", "BODY=8BITMIME", (char *) param, NULL };

    is_int(envarg_size(argv), want, "%s (%s)", what, param ? param : "none");
}

int main(void)
{
    buf_t b = BUF_INIT;
    char *first[] = { "<a@b>", "SIZE=10", "SIZE=20", NULL };
    char *only[] = { "<a@b>", NULL };
    char *addr_only[] = { "SIZE=99", NULL };

    {
        char *u[] = { "<j\xc3\xb6rg@b\xc3\xbc" "cher.example>", "SIZE=10", "smtputf8", NULL };
        char *plain[] = { "<a@b>", "BODY=8BITMIME", "SMTPUTF8=x", NULL };

        is_int(envarg_smtputf8(u), 1, "SMTPUTF8 among the parameters, in any case");
        is_int(envarg_smtputf8(plain), 0, "SMTPUTF8=x is not SMTPUTF8");
        is_int(envarg_smtputf8(only), 0, "no parameters: no SMTPUTF8");
        bare(u[0], "j\xc3\xb6rg@b\xc3\xbc" "cher.example", "a UTF-8 path, as it is");
    }
    bare("<john@example.com>", "john@example.com", "angle brackets dropped");
    bare("john@example.com", "john@example.com", "no brackets: as it is");
    bare("<>", "", "the null sender");
    bare("", "", "nothing");
    bare("<", "<", "a lone bracket is not a path");
    bare("<@relay.example:john@example.com>", "john@example.com", "source route dropped");
    bare("<@a.example,@b.example:john@example.com>", "john@example.com", "two-hop source route dropped");
    bare("@relay.example:john@example.com", "john@example.com", "source route without brackets");
    bare("<@relay.example>", "@relay.example", "an @ path without a colon is kept");
    bare("<\"a b\"@example.com>", "\"a b\"@example.com", "quoted local part kept");
    bare("<John.Smith@Sales.Example.COM>", "John.Smith@Sales.Example.COM", "case kept");
    bare("<a@b\r\n>", "a@b\r\n", "CR LF inside kept (replies make them safe, verdict.c)");
    envarg_address("<first@example.com>", &b);
    envarg_address("<>", &b);
    is_str(b.data, "", "the buffer is reset between calls");
    buf_free(&b);

    size(NULL, 0, "no SIZE=");
    size("SIZE=1234", 1234, "SIZE=");
    size("size=77", 77, "any case");
    size("SIZE=0", 0, "SIZE=0");
    size("SIZE=", 0, "empty value");
    size("SIZE=12k", 0, "trailing garbage");
    size("SIZE=-5", 0, "negative");
    size("SIZE=99999999999999999999", 0, "overflow");
    size("SIZE=9223372036854775807", 9223372036854775807LL, "the largest value");
    size("SIZES=10", 0, "another parameter");
    is_int(envarg_size(first), 10, "the first SIZE= counts");
    is_int(envarg_size(only), 0, "no parameters at all");
    is_int(envarg_size(addr_only), 0, "the path itself is never a parameter");
    return done_testing();
}
