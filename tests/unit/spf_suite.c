/* spf_suite.c - the RFC 7208 test suite (tests/spf/rfc7208-tests.yml, from
 * pyspf) through pogate-milter's SPF checker: each scenario's zone data as an
 * spf_zone_file, each case through spf_check() as pogate-milter calls it
 * (client address, HELO, MAIL FROM; the null sender as ""), the result
 * compared with what the suite allows.
 *
 * usage: spf_suite DIR DEVIATIONS
 *   DIR holds N.zone and cases, as tests/spf/yaml2zone.py writes them.
 *   DEVIATIONS lists the cases known to come out otherwise, one a line:
 *   NAME RESULT WHY ('#' comments). A case passes when it comes out as the
 *   suite expects and is not listed, or comes out as listed; a listed case
 *   that now comes out as the suite expects fails (the list is out of date),
 *   as does a listed name the suite does not have. Every Received-SPF value
 *   is read back with spf_grammar.h (RFC 7208 9.1, the problem= of an error
 *   included). Ends with the figure
 *   "# N of M as the suite expects" and the deviations, one line each, and,
 *   for the record, how many of the explanations the suite gives for a fail
 *   (the text pogate-milter puts in its 550 reply) libspf2 produced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "mcore_fixture.h"
#include "spf.h"
#include "spf_grammar.h"
#include "tap.h"

#define MAX_DEV 256
#define KEYS "client-ip envelope-from helo receiver identity"   /* every case has a HELO */

struct deviation {
    char name[128], result[32];
    int seen;
};

static struct deviation devs[MAX_DEV];
static int ndevs;

static void load_deviations(const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[1024];

    if (fp == NULL) {
        printf("Bail out! %s: cannot open\n", path);
        exit(1);
    }
    while (fgets(line, sizeof(line), fp) && ndevs < MAX_DEV) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%127s %31s", devs[ndevs].name, devs[ndevs].result) == 2)
            ndevs++;
    }
    fclose(fp);
}

static struct deviation *deviation(const char *name)
{
    for (int i = 0; i < ndevs; i++)
        if (strcmp(devs[i].name, name) == 0)
            return &devs[i];
    return NULL;
}

/* 1 if R is one of the comma-separated results of WANT. */
static int allowed(const char *want, const char *r)
{
    size_t n = strlen(r);

    for (const char *p = want; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        if (strncmp(p, r, n) == 0 && (p[n] == ',' || p[n] == 0))
            return 1;
    }
    return 0;
}

struct tally {
    int cases, expected;
    buf_t off;                  /* the deviations, one "# ..." line each */
    int exps, exps_ok;          /* explanations of a fail the suite gives, and met */
    buf_t exp_off;
};

/* The suite's explanation WANT of a fail against the reply text WHY:
 * DEFAULT is any text of the checker's own. */
static void explanation(const char *name, const char *want, const char *why, struct tally *t)
{
    t->exps++;
    if (strcmp(want, "DEFAULT") == 0 ? *why != 0 : strstr(why, want) != NULL)
        t->exps_ok++;
    else
        buf_printf(&t->exp_off, "#   %s: \"%s\", the suite expects \"%s\"\n", name, why, want);
}

/* One case: fields N NAME IP HELO MAILFROM RESULTS SPEC EXPLANATION of a cases line. */
static void run_case(struct spf *s, char **f, struct tally *t)
{
    struct sockaddr_storage ss;
    const struct sockaddr *sa = sa_of(f[2], &ss);
    const char *sender = strcmp(f[4], "<>") == 0 ? "" : f[4];
    buf_t h = BUF_INIT, why = BUF_INIT;
    enum spf_result r = spf_check(s, sa, f[3], sender, &h, &why);
    const char *got = spf_result_name(r);
    struct deviation *d = deviation(f[1]);
    int as_suite = allowed(f[5], got);
    const char *bad;

    t->cases++;
    if (as_suite) {
        t->expected++;
        ok(d == NULL, "%s: %s%s", f[1], got, d ? " (listed as a deviation: remove it from the list)" : "");
    } else {
        buf_printf(&t->off, "#   %s (RFC 7208 %s): %s, the suite expects %s\n", f[1], f[6], got, f[5]);
        printf("#   Received-SPF: %s\n", h.data ? h.data : "");
        ok(d && strcmp(d->result, got) == 0, "%s: %s, the suite expects %s%s", f[1], got, f[5],
           d ? (strcmp(d->result, got) == 0 ? " (a known deviation)" : " (listed with another result)")
             : " (not a known deviation)");
    }
    if (d)
        d->seen = 1;
    if (strcmp(f[7], "-") != 0 && r == SPFR_FAIL)
        explanation(f[1], f[7], why.data ? why.data : "", t);
    bad = h.len ? received_spf_check(h.data, r == SPFR_TEMPERROR || r == SPFR_PERMERROR ? KEYS " problem" : KEYS)
                : "empty";
    ok(bad == NULL && strncmp(h.data, got, strlen(got)) == 0, "... Received-SPF is RFC 7208 9.1's, result %s%s%s",
       got, bad ? ": " : "", bad ? bad : "");
    buf_free(&h);
    buf_free(&why);
}

static void run_suite(const char *dir)
{
    char path[4096], line[4096];
    FILE *fp;
    struct spf *s = NULL;
    int scenario = 0;
    struct tally t = { 0, 0, BUF_INIT, 0, 0, BUF_INIT };

    snprintf(path, sizeof(path), "%s/cases", dir);
    if ((fp = fopen(path, "r")) == NULL) {
        printf("Bail out! %s: cannot open\n", path);
        exit(1);
    }
    while (fgets(line, sizeof(line), fp)) {
        char *f[8], *save = NULL;
        int n = 0;

        line[strcspn(line, "\n")] = 0;
        for (char *p = strtok_r(line, "\t", &save); p && n < 8; p = strtok_r(NULL, "\t", &save))
            f[n++] = p;
        if (n != 8) {
            ok(0, "cases line with 8 fields (%d)", n);
            continue;
        }
        if (atoi(f[0]) != scenario) {
            spf_free(s);
            scenario = atoi(f[0]);
            snprintf(path, sizeof(path), "%s/%d.zone", dir, scenario);
            ok((s = spf_new("spf-suite.test", path)) != NULL, "scenario %d: the zone file loads", scenario);
        }
        if (s)
            run_case(s, f, &t);
    }
    fclose(fp);
    spf_free(s);
    printf("# %d of %d as the suite expects\n", t.expected, t.cases);
    if (t.off.len)
        printf("# the %d others:\n%s", t.cases - t.expected, t.off.data);
    printf("# explanations of a fail (the 550 reply's text): %d of %d as the suite expects\n", t.exps_ok, t.exps);
    if (t.exp_off.len)
        printf("%s", t.exp_off.data);
    buf_free(&t.off);
    buf_free(&t.exp_off);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: spf_suite DIR DEVIATIONS\n");
        return 2;
    }
    msg_open("spf_suite", MSG_TO_STDERR);
    load_deviations(argv[2]);
    run_suite(argv[1]);
    for (int i = 0; i < ndevs; i++)
        if (!devs[i].seen)
            ok(0, "listed deviation %s is a case of the suite", devs[i].name);
    return done_testing();
}
