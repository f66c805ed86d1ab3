/* pogate-track.c - where is this message: the mail log, joined per message.
 *
 *     pogate-track [-c DIR] [-f FILE]... [--since T] [--until T] [--json] [-l] QUERY...
 *
 * QUERY is a queue id, an address (envelope or rewritten, either
 * direction), po=NAME or mailbox=PO/MBX; a message matching any of them is
 * shown, with its bounces. The logs are log_file and its rotations, else
 * /var/log/mail.log and its rotations, or each -f FILE ("-" for standard
 * input), merged in time order when there are several. Exit 0 when
 * something was shown, 1 when nothing matched, 2 on an error.
 * See pogate-track(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "buf.h"
#include "log.h"
#include "logline.h"
#include "mem.h"
#include "podir.h"
#include "pogate_conf.h"
#include "track_input.h"
#include "track_msg.h"
#include "track_out.h"

#define ROTATIONS_MAX 100

struct source {
    struct tinput *in;
    struct logline_ctx ctx;
    struct logline ll;
    char *line;
    size_t len;
    int have;                   /* a line is waiting in ll */
    long long t, last;          /* its time; the last stamped time of this log */
};

struct run {
    struct track *t;
    int json, errors;
    unsigned long foreign;
    buf_t out;
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-track [-c DIR] [-f FILE]... [--since T] [--until T] [--json] [-l] QUERY...\n"
            "  QUERY: a queue id, an address, po=NAME or mailbox=PO/MBX\n");
    exit(2);
}

static void emit(const struct tmsg *m, void *arg)
{
    struct run *r = arg;

    buf_reset(&r->out);
    if (r->json)
        track_out_json(m, &r->out);
    else
        track_out_text(m, &r->out);
    fwrite(r->out.data, 1, r->out.len, stdout);
}

static void query(const char *arg, struct tquery *q)
{
    const char *v = arg;

    memset(q, 0, sizeof(*q));
    if (strncmp(arg, "po=", 3) == 0) {
        q->kind = TQ_PO, v = arg + 3;
    } else if (strncmp(arg, "mailbox=", 8) == 0) {
        q->kind = TQ_MAILBOX, v = arg + 8;
    } else if (strchr(arg, '@')) {
        q->kind = TQ_ADDR;
        if (*v == '<')
            v++;
    } else if (track_is_qid(arg, strlen(arg))) {
        q->kind = TQ_QID;
    } else {
        msg_fatal_status(2, "%s: not a queue id, an address, po=NAME or mailbox=PO/MBX", arg);
    }
    if (str_copy(q->value, v, sizeof(q->value)) >= sizeof(q->value) || *q->value == 0)
        msg_fatal_status(2, "%s: too long or empty", arg);
    if (q->kind == TQ_ADDR && q->value[strlen(q->value) - 1] == '>')
        q->value[strlen(q->value) - 1] = 0;
    if (q->kind != TQ_QID)
        str_lower(q->value);
    if (q->kind == TQ_PO && !podir_name_ok(q->value))
        msg_fatal_status(2, "%s: not a postoffice name", arg);
}

/* BASE and its rotations, oldest first: BASE.N[.gz] ... BASE.1[.gz], BASE. */
static int rotations(const char *base, const char **paths, int max)
{
    buf_t p = BUF_INIT;
    int n = 0, last = 0;

    for (int i = 1; i <= ROTATIONS_MAX; i++) {
        buf_reset(&p);
        buf_printf(&p, "%s.%d", base, i);
        if (access(p.data, F_OK) == 0)
            last = i;
        buf_puts(&p, ".gz");
        if (access(p.data, F_OK) == 0)
            last = i;
    }
    for (int i = last; i >= 1 && n < max - 1; i--) {
        buf_reset(&p);
        buf_printf(&p, "%s.%d", base, i);
        if (access(p.data, F_OK) != 0)
            buf_puts(&p, ".gz");
        if (access(p.data, F_OK) == 0)
            paths[n++] = xstrdup(p.data);
    }
    buf_free(&p);
    if (access(base, F_OK) == 0)
        paths[n++] = xstrdup(base);
    return n;
}

/* The next line of S worth a look into S->ll; 0 at the end. */
static int load(struct run *r, struct source *s)
{
    int rc;

    s->have = 0;
    while ((rc = tinput_next(s->in, &s->line, &s->len)) != 0) {
        if (rc < 0) {
            r->errors++;
            continue;
        }
        if (!track_line_wanted(r->t, s->line, s->len))
            continue;
        if (!logline_parse(&s->ctx, s->line, s->len, &s->ll)) {
            r->foreign++;
            continue;
        }
        if (s->ll.has_time) {
            s->last = s->ll.sec;
        } else if (s->last) {   /* a line without a stamp: at its predecessor's time */
            s->ll.has_time = 1;
            s->ll.sec = s->last;
        }
        s->t = s->last;
        return s->have = 1;
    }
    return 0;
}

/* Every line of every source, the oldest first. */
static void merge(struct run *r, struct source *src, int n)
{
    for (int i = 0; i < n; i++)
        load(r, &src[i]);
    for (;;) {
        struct source *s = NULL;

        for (int i = 0; i < n; i++)
            if (src[i].have && (s == NULL || src[i].t < s->t))
                s = &src[i];
        if (s == NULL)
            return;
        track_line(r->t, &s->ll, s->line, s->len);
        load(r, s);
    }
}

/* --since/--until T: into *SEC or fatal. */
static void when(struct logline_ctx *ctx, const char *opt, const char *v, long long *sec)
{
    if (v == NULL)
        usage();
    if (logline_user_time(ctx, v, sec) < 0)
        msg_fatal_status(2, "%s %s: not a time (YYYY-MM-DD[ HH:MM[:SS]], RFC 3339, @EPOCH, or an age: 30m, 2h, 1d)",
                         opt, v);
}

static struct podir *open_maps(const char *confdir)
{
    buf_t p = BUF_INIT;
    struct podir *d = NULL;

    buf_printf(&p, "%s/index.cdb", confdir);
    if (access(p.data, R_OK) == 0)
        d = podir_open(confdir);
    buf_free(&p);
    return d;
}

int main(int argc, char **argv)
{
    const char *confdir = POGATE_CONFDIR, **paths = xcalloc((size_t) argc + ROTATIONS_MAX + 2, sizeof(char *));
    struct tquery *q = xcalloc((size_t) argc, sizeof(*q));
    struct track_opts o = { 0 };
    struct run r = { 0 };
    struct pogate_conf conf;
    struct logline_ctx ctx;
    struct source *src;
    int npaths = 0, nq = 0, given = 0, nsrc;

    msg_open(argv[0], MSG_TO_STDERR);
    msg_set_fatal_status(2);
    logline_init(&ctx, time(NULL));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-c") == 0 && i + 1 < argc)
            confdir = argv[++i];
        else if (strcmp(a, "-f") == 0 && i + 1 < argc)
            paths[npaths++] = argv[++i], given = 1;
        else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0)
            r.json = 1;
        else if (strcmp(a, "--lines") == 0 || strcmp(a, "-l") == 0)
            o.keep_lines = 1;
        else if (strcmp(a, "--since") == 0 || strncmp(a, "--since=", 8) == 0)
            when(&ctx, "--since", a[7] ? a + 8 : i + 1 < argc ? argv[++i] : NULL, &o.since);
        else if (strcmp(a, "--until") == 0 || strncmp(a, "--until=", 8) == 0)
            when(&ctx, "--until", a[7] ? a + 8 : i + 1 < argc ? argv[++i] : NULL, &o.until);
        else if (strcmp(a, "--") == 0)
            while (++i < argc)
                query(argv[i], &q[nq++]);
        else if (a[0] == '-' && a[1])
            usage();
        else
            query(a, &q[nq++]);
    }
    if (nq == 0 && o.since == 0 && o.until == 0)
        usage();
    if (pogate_conf_load(&conf, confdir, NULL, 0) > 0)
        msg_fatal("%s/pogate.conf: errors above", confdir);
    if (!given) {
        npaths = conf.log_file[0] ? rotations(conf.log_file, paths, ROTATIONS_MAX) : 0;
        if (npaths == 0)
            npaths = rotations("/var/log/mail.log", paths, ROTATIONS_MAX);
        if (npaths == 0)
            msg_fatal("no log to read: log_file %s%s, and /var/log/mail.log is not there (-f FILE; -f - reads "
                      "standard input, e.g. journalctl -o short-iso | pogate-track -f - QUERY)",
                      conf.log_file[0] ? conf.log_file : "is empty", conf.log_file[0] ? " is not there" : "");
    }
    o.q = q, o.nq = nq, o.emit = emit, o.arg = &r;
    o.maps = open_maps(confdir);
    r.t = track_new(&o);
    /* Several -f: logs of their own, merged; no -f: one log, its rotations in turn. */
    nsrc = given ? npaths : 1;
    src = xcalloc((size_t) nsrc, sizeof(*src));
    for (int i = 0; i < nsrc; i++) {
        src[i].in = tinput_new(paths + (given ? i : 0), given ? 1 : npaths);
        src[i].ctx = ctx;
    }
    merge(&r, src, nsrc);
    track_finish(r.t);
    fflush(stdout);
    for (int i = 0; i < nsrc; i++) {
        if (tinput_cut(src[i].in))
            msg_warn("%s: %lu lines longer than %d bytes were cut", tinput_name(src[i].in), tinput_cut(src[i].in),
                     TINPUT_LINE_MAX);
        tinput_free(src[i].in);
    }
    if (r.foreign)
        msg_info("%lu lines were not log lines of a known form (skipped)", r.foreign);
    nq = track_shown(r.t) > 0;
    track_free(r.t);
    if (o.maps)
        podir_close(o.maps);
    if (!given)
        for (int i = 0; i < npaths; i++)
            free((void *) paths[i]);
    free(paths);
    free(q);
    free(src);
    buf_free(&r.out);
    pogate_conf_free(&conf, NULL, 0);
    return r.errors ? 2 : nq ? 0 : 1;
}
