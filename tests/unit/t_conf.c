/* t_conf.c - unit tests for maps/util/conf.c (the parser over parameter
 * tables) and pogate.conf's tables: defaults, syntax, file:line errors, the
 * list of every parameter (maps/global/conf_all.c) against each owner's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_conf.h"
#include "lda_conf.h"
#include "lmtp_conf.h"
#include "log.h"
#include "map_conf.h"
#include "milter_conf.h"
#include "notify_conf.h"
#include "pickup_conf.h"
#include "pogate_conf.h"
#include "stat_conf.h"
#include "tap.h"

static char errfile[] = "/tmp/t_conf.XXXXXX";

/* Every table, as a program that used every parameter would hold them. */
static struct pogate_conf c;
static struct milter_conf mc;
static struct lda_conf dc;
static struct lmtp_conf lc;
static struct map_conf pc;
static struct stat_conf sc;
static struct notify_conf nc;
static struct check_conf kc;
static struct pickup_conf uc;
static const struct conf_table tables[] = {
    { pogate_params, 0, &c }, { milter_params, 0, &mc }, { lda_params, 0, &dc },
    { lmtp_params, 0, &lc }, { map_params, 0, &pc }, { stat_params, 0, &sc }, { notify_params, 0, &nc },
    { check_params, 0, &kc }, { pickup_params, 0, &uc },
};
#define NTABLES ((int) (sizeof(tables) / sizeof(tables[0])))
static struct conf_table all[NTABLES];
static struct conf_schema every = { all, NTABLES, conf_all, 0, NULL };

static void setup_tables(void)
{
    const size_t counts[NTABLES] = { pogate_nparams, milter_nparams, lda_nparams, lmtp_nparams, map_nparams,
                                     stat_nparams, notify_nparams, check_nparams, pickup_nparams };

    for (int i = 0; i < NTABLES; i++) {
        all[i] = tables[i];
        all[i].count = counts[i];
    }
    every.nothers = conf_nall;
}

/* Parse TEXT with schema S; return the error count; the errors are in errfile. */
static int parse_with(const struct conf_schema *s, const char *text)
{
    FILE *fp = fmemopen((void *) text, strlen(text), "r");
    int n;

    conf_defaults(s);
    n = conf_parse_stream(s, fp, "pogate.conf");
    fclose(fp);
    return n;
}

static int parse(const char *text)
{
    return parse_with(&every, text);
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

/* conf_all holds exactly the parameters of the owners' tables, each once. */
static void test_conf_all(void)
{
    size_t total = 0, found = 0, same = 0, dups = 0;

    for (int t = 0; t < NTABLES; t++)
        for (size_t i = 0; i < all[t].count; i++) {
            const struct conf_param *p = &all[t].params[i];

            total++;
            for (size_t k = 0; k < conf_nall; k++) {
                const struct conf_param *q = &conf_all[k];

                if (strcmp(p->name, q->name) != 0)
                    continue;
                found++;
                same += p->type == q->type && strcmp(p->def, q->def) == 0
                    && ((p->choices == NULL && q->choices == NULL)
                        || (p->choices && q->choices && strcmp(p->choices, q->choices) == 0));
            }
        }
    for (size_t k = 0; k < conf_nall; k++)
        for (size_t j = k + 1; j < conf_nall; j++)
            dups += strcmp(conf_all[k].name, conf_all[j].name) == 0;
    is_int(conf_nall, total, "conf_all has as many parameters as the owners' tables (%zu)", total);
    is_int(found, total, "every owner's parameter is in conf_all");
    is_int(same, total, "with the same type, default and choices");
    is_int(dups, 0, "no parameter name twice");
}

/* A program stores only its own, but checks everybody's. */
static void test_one_program(void)
{
    struct pogate_conf pcf;
    struct lda_conf only;
    struct conf_table own[2] = { { pogate_params, pogate_nparams, &pcf }, { lda_params, lda_nparams, &only } };
    struct conf_schema s = { own, 2, conf_all, conf_nall, NULL };

    is_int(parse_with(&s, "spf = reject\nquota_action = bounce\nmilter_socket = unix:/x\n"), 0,
           "another program's valid parameters are accepted");
    is_int(only.quota_action, QUOTA_BOUNCE, "... its own is stored");
    conf_free(&s);
    is_int(parse_with(&s, "spf = maybe\n"), 1, "another program's bad value is still an error");
    ok(errors_contain("pogate.conf:1: bad value, expected one of the listed choices (spf = maybe)"),
       "... reported with file:line and value");
    conf_free(&s);
    is_int(parse_with(&s, "bogus = 1\n"), 1, "a name no program has is an error");
    conf_free(&s);
}

/* What conf_print writes parses back to the same settings. */
static void test_print(void)
{
    char *text = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    FILE *out;

    parse("spf = off\nsocket_mode = 0640\nlmtp_idle_timeout = 2m\nstore = /srv/po\n");
    out = open_memstream(&text, &len);
    conf_print(&every, out);
    fclose(out);
    ok(strstr(text, "spf = off\n") && strstr(text, "socket_mode = 0640\n") && strstr(text, "lmtp_idle_timeout = 120\n"),
       "conf_print writes every table's parameters");
    conf_free(&every);
    is_int(parse(text), 0, "... which parse again");
    out = open_memstream(&again, &len2);
    conf_print(&every, out);
    fclose(out);
    ok(len == len2 && memcmp(text, again, len) == 0, "... to the same settings");
    free(text);
    free(again);
    conf_free(&every);
}

int main(void)
{
    long long v;
    int fd = mkstemp(errfile), saved = dup(2);

    msg_open("t_conf", MSG_TO_STDERR);
    dup2(fd, 2);
    setup_tables();

    conf_defaults(&every);
    is_str(c.store, "/var/spool/pogate", "default store");
    is_int(mc.spf, SPF_HEADER, "default spf = header");
    is_int(dc.quota_action, QUOTA_DEFER, "default quota_action = defer");
    is_int(dc.time_limit, 600, "default lda_time_limit = 600s");
    is_str(mc.pid_file, POGATE_RUNDIR "/milter.pid", "default milter_pid_file in configure's runtime directory");
    conf_free(&every);

    is_int(parse("# comment\n\nstore = /srv/po\nspf=reject\n  \nquota_action = bounce\n"), 0,
           "valid file parses without errors");
    is_str(c.store, "/srv/po", "store set");
    is_int(mc.spf, SPF_REJECT, "enum set");
    is_int(dc.quota_action, QUOTA_BOUNCE, "second enum set");
    conf_free(&every);

    is_int(parse("trusted_networks = 192.0.2.0/24,\n    198.51.100.0/24\n\t[::1]/128\n"), 0,
           "continuation lines join");
    is_str(mc.trusted_networks, "192.0.2.0/24, 198.51.100.0/24 [::1]/128", "joined value");
    conf_free(&every);

    is_int(parse("store = /a\nbogus = 1\n"), 1, "unknown name is an error");
    ok(errors_contain("pogate.conf:2: unknown parameter name (bogus = 1)"), "error names file:line and value");
    conf_free(&every);

    is_int(parse("spf = maybe\n"), 1, "bad enum value is an error");
    ok(errors_contain("pogate.conf:1: bad value"), "bad enum reported at line 1");
    conf_free(&every);

    is_int(parse("store /a\n"), 1, "line without '=' is an error");
    conf_free(&every);
    is_int(parse("  store = /a\n"), 1, "continuation without a parameter is an error");
    conf_free(&every);
    is_int(parse("lda_time_limit = 5m\nsocket_mode = 0666\n"), 0, "time and mode parse");
    is_int(dc.time_limit, 300, "5m = 300 s");
    is_int(c.socket_mode, 0666, "octal mode");
    conf_free(&every);
    is_int(parse("lda_time_limit = 5x\n"), 1, "bad time suffix is an error");
    conf_free(&every);
    is_int(parse("socket_mode = 0999\n"), 1, "bad octal mode is an error");
    conf_free(&every);

    test_conf_all();
    test_one_program();
    test_print();

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
