/* pogate-notify.c - tell the postmasters what needs them.
 *
 *     pogate-notify [-c DIR] [-n] [-v]
 *
 * Run by a timer or cron: finds what is wrong now (notify_find.c: a stopped
 * postoffice, held outbound mail, an undrained mailbag, quota use, mail
 * waiting in the MTA queue, maps that failed to compile), and for each
 * condition that has lasted long enough and was not noticed within
 * notify_interval sends one mail (notify_text.c) to the postoffice's
 * postmaster@ and to notify_admin through the MTA's sendmail(1). The state
 * file (notify_state.c) is what makes a second run send nothing new; it is
 * written once at the end, so a run cut short sends its notices again at
 * most once; one run at a time (a lock beside the state file). -n prints
 * the notices instead of sending them and changes no state; -v prints how
 * many were sent (quiet otherwise, for cron). Exit 0; 75 when something
 * could not be read or sent (said).
 * See pogate-notify(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "notify_conf.h"
#include "notify_state.h"
#include "pogate_conf.h"

struct run {
    const char *confdir;
    struct pogate_conf conf;
    struct notify_conf nc;
    struct mta mta;
    char host[256], from[512];
    int dry_run, verbose;
    time_t now;
    unsigned seq;
    int sent, waiting, failed;
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-notify [-c DIR] [-n] [-v]\n");
    exit(1);
}

/* Send (or with -n print) the notice N; 0 when it left. */
static int send_one(struct run *r, const struct notice *n, long long since)
{
    char to[2][300], key[160];
    char *rcpts[2];
    int nto = 0, rc = 0;
    buf_t msg = BUF_INIT;

    if (n->domain[0])
        snprintf(to[nto], sizeof(to[nto]), "postmaster@%s", n->domain), rcpts[nto] = to[nto], nto++;
    if (r->nc.admin[0])
        str_copy(to[nto], r->nc.admin, sizeof(to[nto])), rcpts[nto] = to[nto], nto++;
    notice_key(n, key, sizeof(key));
    if (nto == 0) {
        msg_warn("%s: no one to tell: set notify_admin in %s/pogate.conf", key, r->confdir);
        return -1;
    }
    struct notice_mail m = { r->confdir, r->from, r->host, rcpts, nto, r->now, since, r->nc.interval, r->seq++ };

    notice_format(n, &m, &msg);
    if (r->dry_run)
        rc = fwrite(msg.data, 1, msg.len, stdout) == msg.len && puts("") >= 0 ? 0 : -1;
    else if ((rc = mtaq_submit(&r->mta, "", rcpts, nto, msg.data, msg.len)) == 0)
        msg_info("notice %s sent to %s%s%s", key, to[0], nto > 1 ? " and " : "", nto > 1 ? to[1] : "");
    else
        msg_error("notice %s: not sent, tried again at the next run", key);
    buf_free(&msg);
    return rc;
}

/* Each condition against the state: wait, skip or send. */
static void judge(struct run *r, const struct notices *l, struct nstate *st)
{
    char key[160];

    for (int i = 0; i < l->n; i++) {
        const struct notice *n = &l->v[i];
        struct nstate_entry *e;
        long long since;

        notice_key(n, key, sizeof(key));
        e = nstate_get(st, key, (long long) r->now);
        since = n->since >= 0 ? n->since : e->first;
        if (r->now - since < n->after)
            continue;           /* not long enough yet */
        if (e->sent && r->now - e->sent < r->nc.interval) {
            r->waiting++;       /* noticed within notify_interval */
            continue;
        }
        if (send_one(r, n, since) == 0) {
            e->sent = (long long) r->now;
            r->sent++;
        } else {
            r->failed++;
        }
    }
}

/* One run at a time: a second one would send what the first is sending. */
static void lock(const struct run *r)
{
    buf_t path = BUF_INIT;
    int fd;

    buf_printf(&path, "%s.lock", r->nc.state_file);
    if ((fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        msg_fatal_status(75, "%s: cannot open: %m", path.data);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK)
            msg_fatal_status(75, "%s: cannot lock: %m", path.data);
        msg_info("%s: another pogate-notify is running: this one does nothing", path.data);
        exit(0);
    }
    buf_free(&path);            /* the lock lasts until exit */
}

static void setup(struct run *r)
{
    const struct conf_table own = { notify_params, notify_nparams, &r->nc };

    if (pogate_conf_load(&r->conf, r->confdir, &own, 1) != 0)
        exit(1);
    r->mta = (struct mta) { (enum mta_kind) r->conf.mta, r->conf.mta_config, r->conf.mta_command_directory,
                            r->conf.sendmail_path };
    if (gethostname(r->host, sizeof(r->host) - 1) < 0 || r->host[0] == 0)
        str_copy(r->host, "localhost", sizeof(r->host));
    if (r->nc.from[0])
        str_copy(r->from, r->nc.from, sizeof(r->from));
    else
        snprintf(r->from, sizeof(r->from), "postmaster@%s", r->host);
    r->now = time(NULL);
}

int main(int argc, char **argv)
{
    static struct run r = { .confdir = POGATE_CONFDIR };
    const struct conf_table own = { notify_params, notify_nparams, &r.nc };
    struct notices l = { 0 };
    struct nstate st = { 0 };
    struct mtaq q;
    int ch, rc = 0, have_q;

    msg_open("pogate-notify", MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:nv")) != -1) {
        if (ch == 'c')
            r.confdir = optarg;
        else if (ch == 'n')
            r.dry_run = 1;
        else if (ch == 'v')
            r.verbose = 1;
        else
            usage();
    }
    if (optind != argc)
        usage();
    setup(&r);
    if (!r.dry_run)
        lock(&r);
    struct notify_in in = { r.confdir, r.conf.store, r.conf.hold_dir, &r.nc, podir_open(r.confdir), NULL, r.now };

    if (in.dir == NULL)
        msg_fatal_status(75, "%s: the postoffice directory cannot be read (run pogate-map)", r.confdir);
    if ((have_q = mtaq_list(&r.mta, &q) == 0))
        in.queue = &q;
    else
        rc = 75;                /* said; the rest is still checked */
    if (notify_find(&in, &l) < 0)
        rc = 75;
    if (nstate_load(&st, r.nc.state_file) < 0)
        msg_fatal_status(75, "%s: nothing sent: without it every run would send again", r.nc.state_file);
    judge(&r, &l, &st);
    if (!r.dry_run && nstate_save(&st, r.nc.state_file) < 0)
        rc = 75;
    if (r.failed)
        rc = 75;
    if (!r.dry_run && r.verbose)
        printf("%d notice%s sent, %d noticed within notify_interval\n", r.sent, r.sent == 1 ? "" : "s", r.waiting);
    nstate_free(&st);
    notices_free(&l);
    if (have_q)
        mtaq_free(&q);
    podir_close(in.dir);
    pogate_conf_free(&r.conf, &own, 1);
    if (fflush(stdout) != 0)
        rc = 75;
    return rc;
}
