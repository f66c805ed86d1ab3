/* lmtp_main.c - pogate-lmtp: options, configuration, signals, and the choice
 * between the daemon (a socket, a thread per connection) and -i (one LMTP
 * conversation on stdin/stdout, for sendmail's F=z mailers and inetd).
 *
 * Signals are taken by one thread with sigwait(): SIGTERM/SIGINT make the
 * stop pipe readable (the accept loop ends, sessions end at their next
 * command, deliveries in flight complete); SIGUSR1 makes the next MAIL read
 * the maps afresh. Every other thread has them blocked.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "deliver.h"
#include "groupsync.h"
#include "lmtp_server.h"
#include "lmtp_session.h"
#include "log.h"
#include "podir.h"

static int stop_pipe[2] = { -1, -1 };

static void usage(void)
{
    fprintf(stderr, "usage: pogate-lmtp [-c DIR] [-p SOCKET] [-f] [-n] [-i] [-G]\n");
    exit(64);
}

static void *signal_thread(void *arg)
{
    struct lmtp_env *env = arg;
    sigset_t set;
    int sig;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGUSR1) {
            msg_info("SIGUSR1: reloading maps");
            podir_cache_reload(env->cache);
            continue;
        }
        msg_info("%s: finishing deliveries in flight, then stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        (void) write(stop_pipe[1], "x", 1);
        return NULL;
    }
}

static void serve_conn(int fd, void *arg)
{
    lmtp_session(arg, fd, fd);
    close(fd);
}

static void run_daemon(struct lmtp_env *env, const char *spec, int foreground)
{
    const struct pogate_conf *conf = env->conf;
    int lfd[DAEMON_INET_MAX], n, ready = -1;
    pthread_t st;
    unsigned long long calls, fsyncs;

    daemon_check_user(conf->user);
    /* Postfix opens up to lmtp_destination_concurrency_limit connections at once. */
    n = daemon_listen("lmtp", spec, conf, 128, lfd);
    if (!foreground) {
        ready = daemon_background();
        msg_open("pogate-lmtp", MSG_TO_SYSLOG);
    }
    daemon_pid_file(conf->lmtp_pid_file);
    daemon_drop_privileges(conf->user);
    if (pthread_create(&st, NULL, signal_thread, env) != 0)
        msg_fatal("cannot start the signal thread");
    pthread_detach(st);
    msg_info("listening on %s (at most %lld connections)", spec, conf->lmtp_max_connections);
    if (ready >= 0) {
        (void) write(ready, "x", 1);
        close(ready);
    }
    lmtp_server_run(lfd, n, stop_pipe[0], (int) conf->lmtp_max_connections, serve_conn, env);
    for (int i = 0; i < n; i++)
        close(lfd[i]);
    daemon_socket_remove();
    if (conf->lmtp_pid_file[0] != '\0')
        (void) unlink(conf->lmtp_pid_file);
    groupsync_stats(&calls, &fsyncs);
    msg_info("stopped: %llu directory syncs requested, %llu fsyncs performed", calls, fsyncs);
}

/* -n: the configuration parsed (done), the maps open, the socket spec makes sense. */
static int check_only(struct lmtp_env *env, const char *spec)
{
    struct podir *d = podir_get(env->cache);

    if (d == NULL) {
        msg_error("%s/index.cdb: cannot open the postoffice directory", env->conf->confdir);
        return 75;
    }
    podir_put(d);
    if (strncmp(spec, "unix:/", 6) != 0 && strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0) {
        msg_error("lmtp socket %s: expected unix:/PATH or inet:PORT@HOST", spec);
        return 1;
    }
    return 0;
}

static void setup_signals(void)
{
    sigset_t set;
    struct sigaction sa = { .sa_handler = SIG_IGN };

    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGXFSZ, &sa, NULL);      /* a huge message is a delivery error, not a crash */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (pipe(stop_pipe) < 0)
        msg_fatal("pipe: %m");
}

int main(int argc, char **argv)
{
    static struct pogate_conf conf;
    struct lmtp_env env = { .conf = &conf };
    const char *confdir = POGATE_CONFDIR, *spec = NULL;
    char host[256];
    int c, foreground = 0, check = 0, inetd = 0, rc = 0;

    msg_open("pogate-lmtp", MSG_TO_STDERR);
    while ((c = getopt(argc, argv, "c:p:fniG")) != -1) {
        switch (c) {
        case 'c': confdir = optarg; break;
        case 'p': spec = optarg; break;
        case 'f': foreground = 1; break;
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
    if (conf_load(&conf, confdir) > 0)
        msg_fatal_status(inetd ? 75 : 1, "%s/pogate.conf: errors above, not starting", confdir);
    msg_set_level((enum msg_level) conf.log_level);
    if (conf.log_file[0] != '\0' && msg_open_file(conf.log_file) < 0)
        msg_fatal("log_file %s: %m", conf.log_file);
    if (spec == NULL)
        spec = conf.lmtp_socket;
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    deliver_init();
    env.cache = podir_cache_new(confdir);
    env.params.hostname = host;
    env.params.spool_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    env.params.idle_timeout = (int) conf.lmtp_idle_timeout;
    env.params.command_timeout = (int) conf.lmtp_command_timeout;
    setup_signals();
    env.params.stop_fd = stop_pipe[0];
    if (check) {
        rc = check_only(&env, spec);
    } else if (inetd) {
        daemon_drop_privileges(conf.user);
        lmtp_session(&env, 0, 1);
    } else {
        run_daemon(&env, spec, foreground);
    }
    podir_cache_free(env.cache);
    conf_free(&conf);
    return rc;
}
