/* pogate-pickup.c - file-only outbound: the outbags of the postoffices with
 * pickup=yes sent through the MTA's sendmail(1):
 *
 *     pogate-pickup [-c DIR] [-f] [-n] [-1]
 *
 * As a daemon it lives the life of server.h without a socket: it watches
 * every outbag's new/ with inotify and makes a full pass every
 * pickup_interval as well (a missed event, a new postoffice, an MTA that was
 * down). -1 makes one pass in the foreground and exits: 0 when every file
 * was sent or set aside in bad/, 75 when some wait. pickup.h says how a
 * file goes; pogate-pickup(8) is the manual.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "pickup.h"
#include "pickup_conf.h"
#include "podir.h"
#include "pogate_conf.h"
#include "server.h"
#include "storefs.h"

struct pickup_main {
    const struct pogate_conf *conf;
    const struct pickup_conf *pc;
    int wake[2];                /* the signal thread's word to the loop: 's' stop, 'r' reload */
    atomic_int stop;
};

static void usage(void)
{
    fprintf(stderr, "usage: pogate-pickup [-c DIR] [-f] [-n] [-1]\n");
    exit(64);
}

/* One pass over every postoffice with pickup=yes, after recovery of cur/
 * when RECOVER; their new/ watched on INO when it is >= 0. 1 when some file
 * waits or an outbag could not be read, else 0. */
static int pass_all(struct pickup_main *m, struct podir *d, int recover, int ino)
{
    struct pickup_env e = { m->conf->store, m->conf->sendmail_path, d,
                            m->pc->command_timeout > 0 && m->pc->command_timeout < 86400 ? (int) m->pc->command_timeout : 600,
                            &m->stop };
    struct pickup_count n = { 0 };
    int npo = podir_po_count(d), rc = 0;
    struct po po;

    for (int i = 0; i < npo && !atomic_load(&m->stop); i++) {
        if (podir_po_at(d, i, &po) < 0 || !po.pickup)
            continue;
        if (recover && pickup_recover(&e, &po, &n) < 0)
            rc = 1;
        if (pickup_pass(&e, &po, &n) != 0)
            rc = 1;
        if (ino >= 0) {
            buf_t path = BUF_INIT;

            pickup_new_path(&e, &po, &path);
            if (inotify_add_watch(ino, path.data, IN_MOVED_TO | IN_CREATE | IN_ONLYDIR | IN_DONT_FOLLOW) < 0)
                msg_warn("inotify %s: %m (passes every pickup_interval only)", path.data);
            buf_free(&path);
        }
    }
    if (n.sent || n.bad || n.waiting || n.recovered)
        msg_info("pass: %d sent, %d set aside in bad/, %d waiting, %d recovered from cur/",
                 n.sent, n.bad, n.waiting, n.recovered);
    return rc;
}

/* Until the next event, the next pass or the stop. */
static void wait_event(struct pickup_main *m, int ino, int seconds)
{
    struct pollfd p[2] = { { m->wake[0], POLLIN, 0 }, { ino, POLLIN, 0 } };
    char drain[4096];

    if (poll(p, ino >= 0 ? 2 : 1, seconds * 1000) <= 0)
        return;
    if (p[0].revents && read(m->wake[0], drain, 1) == 1 && drain[0] == 's')
        atomic_store(&m->stop, 1);
    if (ino >= 0 && p[1].revents)
        while (read(ino, drain, sizeof(drain)) > 0)
            ;
}

static int on_run(struct server *s)
{
    struct pickup_main *m = s->arg;
    int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), recovered = 0;
    int interval = m->pc->interval > 0 && m->pc->interval < 86400 ? (int) m->pc->interval : 60;

    if (ino < 0)
        msg_warn("inotify: %m (passes every pickup_interval only)");
    while (!atomic_load(&m->stop)) {
        struct podir *d = podir_get(s->maps);

        if (d == NULL) {
            msg_warn("%s/index.cdb: no postoffice directory (run pogate-map): nothing picked up", s->conf->confdir);
        } else {
            pass_all(m, d, !recovered, ino);
            recovered = 1;
            podir_put(d);
        }
        wait_event(m, ino, interval);
    }
    if (ino >= 0)
        close(ino);
    return 0;
}

static void on_stop(struct server *s)
{
    struct pickup_main *m = s->arg;

    atomic_store(&m->stop, 1);          /* the pass ends after the file in the MTA's hands */
    (void) write(m->wake[1], "s", 1);
}

static void on_reload(struct server *s)
{
    struct pickup_main *m = s->arg;

    (void) write(m->wake[1], "r", 1);
}

/* -1 and -n: without the daemon. */
static int once(struct pickup_main *m, const char *confdir, int check)
{
    struct podir *d;
    int rc;

    if (m->conf->log_file[0] && msg_open_file(m->conf->log_file) < 0)
        msg_fatal("log_file %s: %m", m->conf->log_file);
    daemon_drop_privileges(m->conf->user);
    if ((d = podir_open(confdir)) == NULL) {
        msg_error("%s/index.cdb: cannot open the postoffice directory (run pogate-map)", confdir);
        return 75;
    }
    rc = check ? 0 : pass_all(m, d, 1, -1) ? 75 : 0;
    podir_close(d);
    return rc;
}

int main(int argc, char **argv)
{
    static struct pogate_conf conf;
    static struct pickup_conf pc;
    static struct pickup_main m;
    const struct conf_table own[] = { { pickup_params, pickup_nparams, &pc } };
    struct server s = { .name = "pogate-pickup", .what = "watching the outbags", .conf = &conf, .arg = &m };
    static const struct server_ops ops = { NULL, on_run, on_reload, on_stop };
    const char *confdir = POGATE_CONFDIR;
    int c, check = 0, one = 0, rc;

    msg_open("pogate-pickup", MSG_TO_STDERR);
    while ((c = getopt(argc, argv, "c:fn1")) != -1) {
        switch (c) {
        case 'c': confdir = optarg; break;
        case 'f': s.foreground = 1; break;
        case 'n': check = 1; break;
        case '1': one = 1; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (pogate_conf_load(&conf, confdir, own, 1) > 0)
        msg_fatal("%s/pogate.conf: errors above, not starting", confdir);
    storefs_init();
    m.conf = &conf, m.pc = &pc;
    if (pipe(m.wake) < 0)
        msg_fatal("pipe: %m");
    s.pid_file = pc.pid_file;
    if (check || one)
        rc = once(&m, confdir, check);
    else
        rc = server_main(&s, &ops);
    pogate_conf_free(&conf, own, 1);
    return rc;
}
