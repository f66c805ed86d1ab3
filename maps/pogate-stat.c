/* pogate-stat.c - what each postoffice holds and what waits for it.
 *
 *     pogate-stat [-c DIR] [-q COMMAND] [--json]
 *
 * Per postoffice of the maps: its state, domain, mailboxes, the bytes its
 * quota counts, the messages waiting in new/ and the oldest one's age, the
 * deliveries and refusals counted since counters_file began; then the MTA's
 * queue per postoffice (stat_queue_command: postqueue -j, else mailq), each
 * group's deferral reasons counted, as a queue viewer shows them. Exit 0,
 * 1 when the maps cannot be read. See pogate-stat(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "buf.h"
#include "counters.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "podir.h"
#include "pogate_conf.h"
#include "stat_conf.h"
#include "stat_out.h"
#include "stat_store.h"

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-stat [-c DIR] [-q COMMAND] [--json]\n");
    exit(2);
}

static uint64_t count(const struct counters *c, const char *family, const char *po, const char *label,
                      const char *value)
{
    buf_t k = BUF_INIT;
    uint64_t v;

    if (c == NULL)
        return 0;
    metrics_key(&k, family, po, label, value);
    v = counters_get(c, k.data);
    buf_free(&k);
    return v;
}

static void po_row(struct podir *d, const struct po *po, const char *store, const struct counters *c,
                   struct stat_po *r)
{
    memset(r, 0, sizeof(*r));
    r->po = *po;
    r->mailboxes = podir_mailbox_count(d, po->name);
    stat_store_scan(store, po, &r->store);     /* downstream: its files in the hub's bag */
    r->delivered = count(c, "pogate_deliveries_total", po->name, "status", "delivered");
    r->deferred = count(c, "pogate_deliveries_total", po->name, "status", "deferred");
    r->bounced = count(c, "pogate_deliveries_total", po->name, "status", "bounced");
    r->accepted = count(c, "pogate_milter_recipients_total", po->name, "verdict", "accept");
    r->rejected = count(c, "pogate_milter_recipients_total", po->name, "verdict", "unknown")
        + count(c, "pogate_milter_recipients_total", po->name, "verdict", "reject")
        + count(c, "pogate_milter_outbound_messages_total", po->name, "verdict", "reject");
}

/* The listing of the MTA's queue: COMMAND's output (NULL when it could not run). */
static char *run_queue_command(const char *command, size_t *len)
{
    buf_t out = BUF_INIT;
    char chunk[65536];
    size_t n;
    FILE *p = popen(command, "r");
    int st;

    if (p == NULL) {
        msg_warn("%s: cannot run it: %m", command);
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&out, chunk, n);
    if ((st = pclose(p)) != 0)
        msg_warn("%s: exit status %d%s", command, st >> 8, out.len ? "" : " and no output: the queue is not shown");
    *len = out.len;
    if (out.len == 0 && st != 0) {
        buf_free(&out);
        return NULL;
    }
    return out.data ? buf_steal(&out) : xstrdup("");
}

/* In PATH? */
static int have(const char *prog)
{
    const char *path = getenv("PATH");
    buf_t p = BUF_INIT;
    int found = 0;

    for (const char *s = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; *s && !found;) {
        size_t k = strcspn(s, ":");

        buf_reset(&p);
        buf_printf(&p, "%.*s/%s", (int) k, s, prog);
        found = access(p.data, X_OK) == 0;
        s += k + (s[k] == ':');
    }
    buf_free(&p);
    return found;
}

int main(int argc, char **argv)
{
    const char *confdir = POGATE_CONFDIR, *command = NULL, *why;
    struct pogate_conf conf;
    struct stat_conf sc;
    struct conf_table own[1] = { { stat_params, stat_nparams, &sc } };
    struct stat_report rep = { 0 };
    struct podir *d;
    struct counters *c = NULL;
    int json = 0;

    msg_open(argv[0], MSG_TO_STDERR);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            confdir = argv[++i];
        else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
            command = argv[++i];
        else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
            json = 1;
        else
            usage();
    }
    if (pogate_conf_load(&conf, confdir, own, 1) > 0)
        msg_fatal("%s/pogate.conf: errors above", confdir);
    if ((d = podir_open(confdir)) == NULL)
        msg_fatal("%s: the postoffice directory cannot be read (run pogate-map)", confdir);
    rep.now = time(NULL);
    rep.counters_file = conf.counters_file;
    if (conf.counters_file[0] && (c = counters_open(conf.counters_file, 0, &why)) == NULL) {
        if (why)
            msg_warn("counters_file %s: %s: no counts shown", conf.counters_file, why);
        else
            msg_warn("counters_file %s: %m: no counts shown", conf.counters_file);
    }
    rep.since = c ? (long long) counters_created(c) : 0;
    rep.npo = podir_po_count(d);
    rep.po = xcalloc((size_t) rep.npo + 1, sizeof(*rep.po));
    for (int i = 0; i < rep.npo; i++) {
        struct po po;

        if (podir_po_at(d, i, &po) != PODIR_FOUND)
            msg_fatal("%s: the postoffice directory is corrupt (run pogate-map)", confdir);
        po_row(d, &po, conf.store, c, &rep.po[i]);
    }
    if (command == NULL)
        command = sc.queue_command[0] ? sc.queue_command : have("postqueue") ? "postqueue -j"
            : have("mailq") ? "mailq" : NULL;
    rep.queue_command = command;
    if (command) {
        size_t len = 0;
        char *text = run_queue_command(command, &len);

        if (text) {
            mtaq_parse(&rep.queue, text, len, (time_t) rep.now);
            rep.have_queue = 1;
            free(text);
        }
    }
    stat_group(d, &rep);
    if (json)
        stat_print_json(&rep, stdout);
    else
        stat_print_text(&rep, stdout);
    stat_report_free(&rep);
    counters_close(c);
    podir_close(d);
    pogate_conf_free(&conf, own, 1);
    return 0;
}
