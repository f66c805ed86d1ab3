/* lmtp_main.c - pogate-lmtp: options, configuration, and the choice between
 * the daemon (a socket, a thread per connection) and -i (one LMTP
 * conversation on stdin/stdout, for sendmail's F=z mailers and inetd).
 *
 * The daemon lives the life of server.h: this file gives it the socket
 * (daemon_listen), the accept loop, and the stop: SIGTERM/SIGINT make the
 * stop pipe readable, the accept loop ends, sessions end at their next
 * command, deliveries in flight complete. SIGUSR1 makes the next MAIL read
 * the maps afresh (the skeleton's snapshot cache).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "deliver.h"
#include "groupsync.h"
#include "lda_conf.h"
#include "lmtp_conf.h"
#include "lmtp_server.h"
#include "lmtp_session.h"
#include "log.h"
#include "metrics.h"
#include "podir.h"
#include "pogate_conf.h"
#include "server.h"

struct lmtp_main {
    struct lmtp_env env;
    const struct lmtp_conf *lc;
    int lfd[DAEMON_INET_MAX];
    int nlfd;
    int stop_pipe[2];
};

static void usage(void)
{
    fprintf(stderr, "usage: pogate-lmtp [-c DIR] [-p SOCKET] [-f] [-n] [-i] [-G]\n");
    exit(64);
}

static void serve_conn(int fd, void *arg)
{
    lmtp_session(arg, fd, fd);
    close(fd);
}

/* Postfix opens up to lmtp_destination_concurrency_limit connections at once. */
static void on_listen(struct server *s)
{
    struct lmtp_main *m = s->arg;

    m->nlfd = daemon_listen("lmtp", s->spec, &s->sockopt, 128, m->lfd);
}

static void on_stop(struct server *s)
{
    struct lmtp_main *m = s->arg;

    if (write(m->stop_pipe[1], "x", 1) != 1)    /* a full pipe already holds a stop */
        msg_warn("cannot wake the accept loop to stop: %m");
}

static int on_run(struct server *s)
{
    struct lmtp_main *m = s->arg;
    unsigned long long calls, fsyncs;

    m->env.cache = s->maps;
    msg_info("at most %lld connections", m->lc->max_connections);
    lmtp_server_run(m->lfd, m->nlfd, m->stop_pipe[0], (int) m->lc->max_connections, serve_conn, &m->env);
    for (int i = 0; i < m->nlfd; i++)
        close(m->lfd[i]);
    groupsync_stats(&calls, &fsyncs);
    msg_info("stopped: %llu directory syncs requested, %llu fsyncs performed", calls, fsyncs);
    return 0;
}

/* -n: the configuration parsed (done), the maps open, the socket spec makes sense. */
static int check_only(struct lmtp_env *env, const char *confdir, const char *spec)
{
    struct podir *d = podir_get(env->cache);

    if (d == NULL) {
        msg_error("%s/index.cdb: cannot open the postoffice directory", confdir);
        return 75;
    }
    podir_put(d);
    if (strncmp(spec, "unix:/", 6) != 0 && strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0) {
        msg_error("lmtp socket %s: expected unix:/PATH or inet:PORT@HOST", spec);
        return 1;
    }
    return 0;
}

/* -i: one conversation on stdin/stdout. The MTA ends it by closing the
 * pipe: SIGTERM and SIGINT wait, so that no delivery stops half way. */
static void serve_stdio(struct lmtp_main *m, const struct pogate_conf *conf)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigset_t set;

    sigaction(SIGPIPE, &ign, NULL);
    sigaction(SIGXFSZ, &ign, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (conf->log_file[0] != '\0' && msg_open_file(conf->log_file) < 0)
        msg_fatal("log_file %s: %m", conf->log_file);
    daemon_drop_privileges(conf->user);
    metrics_open(conf->counters_file);
    lmtp_session(&m->env, 0, 1);
}

int main(int argc, char **argv)
{
    static struct pogate_conf conf;
    static struct lmtp_conf lc;
    static struct lda_conf dc;
    static struct lmtp_main m;
    const struct conf_table own[] = { { lmtp_params, lmtp_nparams, &lc }, { lda_params, lda_nparams, &dc } };
    struct server s = { .name = "pogate-lmtp", .what = "lmtp", .conf = &conf, .arg = &m };
    static const struct server_ops ops = { on_listen, on_run, NULL, on_stop };
    const char *confdir = POGATE_CONFDIR, *spec = NULL;
    char host[256];
    int c, check = 0, inetd = 0, rc = 0;

    msg_open("pogate-lmtp", MSG_TO_STDERR);
    while ((c = getopt(argc, argv, "c:p:fniG")) != -1) {
        switch (c) {
        case 'c': confdir = optarg; break;
        case 'p': spec = optarg; break;
        case 'f': s.foreground = 1; break;
        case 'n': check = 1; break;
        case 'i': inetd = 1; break;
        case 'G': groupsync_enable(0); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (inetd)
        msg_set_fatal_status(75);       /* sendmail: EX_TEMPFAIL, the mail waits */
    if (pogate_conf_load(&conf, confdir, own, 2) > 0)
        msg_fatal_status(inetd ? 75 : 1, "%s/pogate.conf: errors above, not starting", confdir);
    s.spec = spec ? spec : lc.socket;
    s.pid_file = lc.pid_file;
    s.metrics_spec = lc.metrics_listen;
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    deliver_init();
    m.lc = &lc;
    m.env.store = conf.store;
    m.env.quota_action = dc.quota_action;
    m.env.params.hostname = host;
    m.env.params.spool_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    m.env.params.mem_max = LMTP_MEM_MAX;
    m.env.params.idle_timeout = (int) lc.idle_timeout;
    m.env.params.command_timeout = (int) lc.command_timeout;
    if (pipe(m.stop_pipe) < 0)
        msg_fatal("pipe: %m");
    m.env.params.stop_fd = m.stop_pipe[0];
    if (check || inetd) {
        m.env.cache = podir_cache_new(confdir);
        if (check)
            rc = check_only(&m.env, confdir, s.spec);
        else
            serve_stdio(&m, &conf);
        podir_cache_free(m.env.cache);
    } else {
        rc = server_main(&s, &ops);
    }
    pogate_conf_free(&conf, own, 2);
    return rc;
}
