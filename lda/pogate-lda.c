/* pogate-lda.c - the local delivery agent the MTA runs once per message:
 *
 *     pogate-lda [-c DIR] [-q QUEUEID] -f SENDER -- RECIPIENT...
 *
 * Reads the message on stdin, resolves every recipient again through the
 * postoffice directory (it trusts no milter), and delivers through the
 * delivery core (deliver.h) in all-or-nothing mode, since one exit code
 * speaks for all recipients. Prints one line, "X.Y.Z reason", and exits
 * 0 (delivered and fsynced), 67, 69 or 75; pogate-lda(8) has the details.
 *
 * Lean on purpose: it is fork+exec'd per message, so start-up is one
 * pogate.conf read and one index.cdb map, nothing else.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "addr.h"
#include "buf.h"
#include "deliver.h"
#include "lda_conf.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "podir.h"
#include "pogate_conf.h"

/* The first (and only) line of output: Postfix pipe(8) takes the enhanced
 * status code from it, and puts it in the bounce or the log. */
static _Noreturn void finish(const struct dstatus *s)
{
    char line[DSTATUS_TEXT_MAX + 2];
    size_t n = str_copy(line, s->text, sizeof(line) - 1);
    ssize_t w;

    if (n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    w = write(STDOUT_FILENO, line, n);
    (void) w;
    exit(s->ex);
}

static _Noreturn void fail(const char *code, const char *why)
{
    struct dstatus s;

    dstatus_set(&s, code, "pogate-lda: %s", why);
    if (s.ex != EX_OK)
        msg_warn("%s", s.text);
    finish(&s);
}

static void on_alarm(int sig)
{
    static const char line[] = "4.3.0 pogate-lda: time limit exceeded (lda_time_limit)\n";
    ssize_t w = write(STDOUT_FILENO, line, sizeof(line) - 1);

    (void) sig;
    (void) w;
    _exit(EX_TEMPFAIL);         /* tmp/ leftovers are Maildir-normal: readers sweep them */
}

static void setup(const struct pogate_conf *c, const struct lda_conf *lc)
{
    struct sigaction sa;

    if (c->log_file[0] && msg_open_file(c->log_file) < 0)
        msg_warn("log_file %s: %m", c->log_file);
    metrics_open(c->counters_file);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    if (lc->time_limit > 0)
        alarm((unsigned) (lc->time_limit > 86400 ? 86400 : lc->time_limit));
}

int main(int argc, char **argv)
{
    const char *confdir = POGATE_CONFDIR, *sender = NULL, *qid = NULL;
    struct pogate_conf conf;
    struct lda_conf lc;
    struct deliver_params p;
    struct deliver_rcpt *r;
    struct dstatus st;
    struct podir *d;
    struct addr from;
    int ch, n;

    signal(SIGXFSZ, SIG_IGN);   /* a file over RLIMIT_FSIZE is EFBIG: 4.3.4, not a crash */
    msg_open("pogate-lda", MSG_TO_SYSLOG);
    msg_set_fatal_status(EX_TEMPFAIL);
    if (getuid() == 0 || geteuid() == 0)
        fail("4.3.5", "refusing to run as root (misconfiguration: let the MTA run it as an "
             "unprivileged user, e.g. user=pogate)");
    while ((ch = getopt(argc, argv, "c:f:q:")) != -1) {
        switch (ch) {
        case 'c':
            confdir = optarg;
            break;
        case 'f':
            sender = optarg;
            break;
        case 'q':
            qid = optarg;
            break;
        default:
            fail("4.3.5", "usage: pogate-lda [-c DIR] [-q QUEUEID] -f SENDER -- RECIPIENT...");
        }
    }
    if (sender == NULL || optind >= argc)
        fail("4.3.5", "usage: pogate-lda [-c DIR] [-q QUEUEID] -f SENDER -- RECIPIENT...");
    msg_set_queue_id(qid);
    if (pogate_conf_load(&conf, confdir, &(struct conf_table) { lda_params, lda_nparams, &lc }, 1) > 0)
        fail("4.3.5", "errors in pogate.conf (see the log)");
    setup(&conf, &lc);
    if (addr_parse(sender, strlen(sender), ADDR_NULL_OK | ADDR_LOCAL_OK, &from) != ADDR_OK)
        fail("5.1.7", "bad sender address syntax");
    if ((d = podir_open(confdir)) == NULL)
        fail("4.3.0", "postoffice directory unavailable (see the log)");
    deliver_init();
    n = argc - optind;
    r = xcalloc((size_t) n, sizeof(*r));
    for (int i = 0; i < n; i++)
        if (deliver_resolve(d, argv[optind + i], &r[i]) == 0)
            deliver_sender_ok(&r[i], from.addr);
    p = (struct deliver_params) { .store = conf.store, .sender = from.addr, .queue_id = qid,
        .quota_action = lc.quota_action, .flags = DELIVER_ALL_OR_NOTHING };
    deliver_message(&p, STDIN_FILENO, r, n);
    deliver_exit(r, n, &st);
    finish(&st);
}
