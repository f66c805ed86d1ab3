/* t_conf.c - unit tests for maps/util/conf.c: defaults, syntax, file:line errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tap.h"

static char errfile[] = "/tmp/t_conf.XXXXXX";

/* Parse TEXT as pogate.conf; return the error count; the errors are in errfile. */
static int parse(struct pogate_conf *c, const char *text)
{
    FILE *fp = fmemopen((void *) text, strlen(text), "r");
    int n;

    conf_defaults(c, "/etc/pogate");
    n = conf_parse_stream(c, fp, "pogate.conf");
    fclose(fp);
    return n;
}

static int errors_contain(const char *want)
{
    char text[4096] = "";
    FILE *fp = fopen(errfile, "r");
    size_t n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;

    if (fp)
        fclose(fp);
    text[n] = 0;
    return strstr(text, want) != NULL;
}

int main(void)
{
    struct pogate_conf c;
    long long v;
    int fd = mkstemp(errfile), saved = dup(2);

    msg_open("t_conf", MSG_TO_STDERR);
    dup2(fd, 2);

    conf_defaults(&c, "/etc/pogate");
    is_str(c.store, "/var/spool/pogate", "default store");
    is_int(c.spf, SPF_HEADER, "default spf = header");
    is_int(c.quota_action, QUOTA_DEFER, "default quota_action = defer");
    is_int(c.lda_time_limit, 600, "default lda_time_limit = 600s");
    conf_free(&c);

    is_int(parse(&c, "# comment\n\nstore = /srv/po\nspf=reject\n  \nquota_action = bounce\n"), 0,
           "valid file parses without errors");
    is_str(c.store, "/srv/po", "store set");
    is_int(c.spf, SPF_REJECT, "enum set");
    is_int(c.quota_action, QUOTA_BOUNCE, "second enum set");
    conf_free(&c);

    is_int(parse(&c, "trusted_networks = 192.0.2.0/24,\n    198.51.100.0/24\n\t[::1]/128\n"), 0,
           "continuation lines join");
    is_str(c.trusted_networks, "192.0.2.0/24, 198.51.100.0/24 [::1]/128", "joined value");
    conf_free(&c);

    is_int(parse(&c, "store = /a\nbogus = 1\n"), 1, "unknown name is an error");
    ok(errors_contain("pogate.conf:2: unknown parameter name (bogus = 1)"), "error names file:line and value");
    conf_free(&c);

    is_int(parse(&c, "spf = maybe\n"), 1, "bad enum value is an error");
    ok(errors_contain("pogate.conf:1: bad value"), "bad enum reported at line 1");
    conf_free(&c);

    is_int(parse(&c, "store /a\n"), 1, "line without '=' is an error");
    conf_free(&c);
    is_int(parse(&c, "  store = /a\n"), 1, "continuation without a parameter is an error");
    conf_free(&c);
    is_int(parse(&c, "lda_time_limit = 5m\nsocket_mode = 0666\n"), 0, "time and mode parse");
    is_int(c.lda_time_limit, 300, "5m = 300 s");
    is_int(c.socket_mode, 0666, "octal mode");
    conf_free(&c);
    is_int(parse(&c, "lda_time_limit = 5x\n"), 1, "bad time suffix is an error");
    conf_free(&c);
    is_int(parse(&c, "socket_mode = 0999\n"), 1, "bad octal mode is an error");
    conf_free(&c);

    ok(conf_parse_size("10M", &v) == 0 && v == 10485760, "10M");
    ok(conf_parse_size("2G", &v) == 0 && v == 2147483648LL, "2G");
    ok(conf_parse_size("512k", &v) == 0 && v == 524288, "512k");
    ok(conf_parse_size("-1", &v) < 0, "negative size refused");
    ok(conf_parse_size("1T", &v) < 0, "unknown unit refused");
    ok(conf_parse_size("99999999999999999999", &v) < 0, "overflow refused");
    ok(conf_parse_size("9999999999999G", &v) < 0, "overflow with unit refused");
    ok(conf_parse_size("", &v) < 0, "empty refused");

    dup2(saved, 2);    /* sanitizer reports must reach the log */
    unlink(errfile);
    return done_testing();
}
