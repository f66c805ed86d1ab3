/* main.c - pogate-milter: policy and address rewriting for the relay host's MTA.
 *
 * pogate-milter [-c DIR] [-p SOCKET] [-f] [-n]
 *
 * This file is the daemon around the stages: options, configuration and
 * maps check, the listening socket (created while still root, a stale unix
 * socket removed, mode and group from pogate.conf, TCP_NODELAY on inet
 * sockets), the pid file, dropping privileges to `user`, daemonizing
 * (unless -f), and signals: SIGUSR1 reloads pogate.conf and the maps from a
 * thread of its own; SIGTERM, SIGINT and SIGHUP are libmilter's, which stops
 * accepting, lets smfi_main() return, and we clean up. See pogate-milter(8).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "listener.h"
#include "log.h"
#include "mem.h"
#include "podir.h"
#include "state.h"
#include "stages.h"

static struct smfiDesc milter_desc = {
    .xxfi_name = "pogate",
    .xxfi_version = SMFI_VERSION,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_header = mlfi_header,
    .xxfi_body = mlfi_body,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_negotiate = mlfi_negotiate,
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-milter [-c DIR] [-p SOCKET] [-f] [-n]\n");
    exit(2);
}

/* SIGUSR1 arrives here, on a thread of its own, never in a session thread. */
static void *signal_thread(void *arg)
{
    sigset_t *set = arg;
    int sig;

    for (;;)
        if (sigwait(set, &sig) == 0 && sig == SIGUSR1)
            state_reload();
    return NULL;
}

static void start_signal_thread(void)
{
    static sigset_t set;
    pthread_t tid;
    sigset_t block;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    /* Blocked in every thread, so that only a sigwait() sees them: SIGUSR1
     * ours, the stop signals libmilter's (its signal thread starts later). */
    block = set;
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    if (pthread_create(&tid, NULL, signal_thread, &set) != 0)
        msg_fatal("pthread_create: %m");
    pthread_detach(tid);
}

/* -n: configuration and maps must both be usable. */
static int check_only(const char *confdir)
{
    struct podir *d = podir_open(confdir);

    if (d == NULL) {
        msg_error("%s: postoffice directory unusable (run pogate-map)", confdir);
        return 1;
    }
    podir_close(d);
    msg_info("%s: configuration and maps are valid", confdir);
    return 0;
}

int main(int argc, char **argv)
{
    const char *confdir = POGATE_CONFDIR, *socket_spec = NULL;
    int foreground = 0, check = 0, ch, ready_fd = -1;
    struct milter_gen *g;
    struct listen_info li;
    char *pid_file;

    msg_open(argv[0], MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:p:fn")) != -1) {
        switch (ch) {
        case 'c': confdir = optarg; break;
        case 'p': socket_spec = optarg; break;
        case 'f': foreground = 1; break;
        case 'n': check = 1; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if ((g = gen_load(confdir)) == NULL)
        msg_fatal("%s/pogate.conf: configuration errors, not starting", confdir);
    if (check) {
        gen_release(g);
        return check_only(confdir);
    }
    if (*g->conf.log_file && msg_open_file(g->conf.log_file) < 0)
        msg_fatal("log_file %s: %m", g->conf.log_file);
    if (!foreground) {
        ready_fd = daemon_background();
        msg_open(argv[0], MSG_TO_SYSLOG);
    }
    if (socket_spec == NULL)
        socket_spec = g->conf.milter_socket;
    if (smfi_register(milter_desc) != MI_SUCCESS)
        msg_fatal("smfi_register failed");
    daemon_check_user(g->conf.user);
    listen_open(socket_spec, &g->conf, &li);
    pid_file = xstrdup(g->conf.milter_pid_file);
    daemon_pid_file(pid_file);
    daemon_drop_privileges(g->conf.user);
    state_init(g);
    start_signal_thread();
    listen_relay_start();
    msg_info("ready: listening on %s, %s", socket_spec, foreground ? "foreground" : "daemon");
    if (ready_fd >= 0) {
        if (write(ready_fd, "1", 1) != 1)
            msg_warn("cannot report readiness: %m");
        close(ready_fd);
    }
    ch = smfi_main();
    msg_info("stopping");
    listen_close(&li);
    if (*pid_file && unlink(pid_file) < 0 && errno != ENOENT)
        msg_warn("pid file %s: %m", pid_file);
    free(pid_file);
    state_shutdown();
    return ch == MI_SUCCESS ? 0 : 1;
}
