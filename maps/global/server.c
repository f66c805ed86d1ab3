/* server.c - the daemon skeleton; see server.h.
 *
 * Signals go to one thread through sigwait(): the handlers then may take
 * locks, log and reload, which an asynchronous handler may not.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "sdnotify.h"
#include "server.h"

static struct {
    struct server *s;
    const struct server_ops *ops;
    sigset_t wait;              /* what the signal thread takes */
} sig;

/* READY=1, with what systemctl status shows. */
static void tell_ready(const struct server *s, const char *how)
{
    char status[512];

    if (s->spec)
        snprintf(status, sizeof(status), "%s on %s", how, s->spec);
    else                        /* a program without a socket (pogate-pickup) */
        snprintf(status, sizeof(status), "%s", s->what);
    sdnotify_ready(status);
}

static void *signal_thread(void *arg)
{
    int signo;

    (void) arg;
    for (;;) {
        if (sigwait(&sig.wait, &signo) != 0)
            continue;
        if (signo == SIGUSR1) {
            msg_info("SIGUSR1: reloading");
            sdnotify_reloading();
            podir_cache_reload(sig.s->maps);
            if (sig.ops->reload)
                sig.ops->reload(sig.s);
            tell_ready(sig.s, "reloaded, listening");
        } else {
            msg_info("%s: finishing what is in flight, then stopping", signo == SIGTERM ? "SIGTERM" : "SIGINT");
            sdnotify_stopping();
            sig.ops->stop(sig.s);
        }
    }
    return NULL;
}

/* Step 5: the stop signals are the program's when it has a stop, else
 * libmilter's, whose own thread sigwaits for SIGTERM, SIGINT and SIGHUP. */
static void start_signals(struct server *s, const struct server_ops *ops)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigset_t block;
    pthread_t tid;

    sigaction(SIGPIPE, &ign, NULL);
    sigaction(SIGXFSZ, &ign, NULL);     /* a huge message is a delivery error, not a crash */
    sig.s = s, sig.ops = ops;
    sigemptyset(&sig.wait);
    sigaddset(&sig.wait, SIGUSR1);
    if (ops->stop) {
        sigaddset(&sig.wait, SIGTERM);
        sigaddset(&sig.wait, SIGINT);
    }
    block = sig.wait;
    if (!ops->stop) {
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGHUP);
    }
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    if (pthread_create(&tid, NULL, signal_thread, NULL) != 0)
        msg_fatal("cannot start the signal thread");
    pthread_detach(tid);
}

/* Step 1. */
static void prepare(struct server *s)
{
    const struct pogate_conf *c = s->conf;
    const char *upath;

    if (c->log_file[0] && msg_open_file(c->log_file) < 0)
        msg_fatal("log_file %s: %m", c->log_file);
    s->sockopt = (struct daemon_sockopt) { c->user, c->socket_group, c->socket_mode };
    daemon_check_user(c->user);
    if (s->pid_file[0])
        daemon_make_rundir(s->pid_file, c->user);
    if (s->spec && (upath = daemon_socket_path(s->what, s->spec)) != NULL)
        daemon_make_rundir(upath, c->user);
    if (s->metrics_spec && *s->metrics_spec && (upath = daemon_socket_path("metrics", s->metrics_spec)) != NULL)
        daemon_make_rundir(upath, c->user);
    if (c->counters_file[0])
        daemon_make_rundir(c->counters_file, c->user);
}

/* The answer to GET PATH on the metrics socket (on the metrics thread). */
static int metrics_page(void *arg, const char *path, buf_t *body, const char **type)
{
    struct server *s = arg;
    struct podir *d;

    if (strcmp(path, "/metrics") != 0)
        return 404;
    d = podir_get(s->maps);
    metrics_render(metrics_counters(), d, body);
    if (d)
        podir_put(d);
    *type = "text/plain; version=0.0.4; charset=utf-8";
    return 200;
}

/* Step 2, after the program's socket. */
static void metrics_listen(struct server *s)
{
    s->metrics_nfds = 0;
    if (s->metrics_spec && *s->metrics_spec)
        s->metrics_nfds = daemon_listen("metrics", s->metrics_spec, &s->sockopt, 16, s->metrics_fds);
}

/* Step 5b. */
static void metrics_start(struct server *s)
{
    metrics_open(s->conf->counters_file);
    s->metrics = NULL;
    if (s->metrics_nfds > 0) {
        s->metrics = httpd_start(s->metrics_fds, s->metrics_nfds, "metrics", metrics_page, s);
        msg_info("metrics: serving GET /metrics on %s", s->metrics_spec);
    }
}

/* Step 6: after the sockets listen, so that what starts after this daemon
 * (systemd's Before=, the parent's exit) finds them. */
static void ready(struct server *s)
{
    if (s->spec)
        msg_info("ready: listening on %s, %s", s->spec, s->foreground ? "foreground" : "daemon");
    else
        msg_info("ready: %s, %s", s->what, s->foreground ? "foreground" : "daemon");
    tell_ready(s, "listening");
    if (s->ready_fd >= 0) {
        if (write(s->ready_fd, "1", 1) != 1)
            msg_warn("cannot report readiness to the starting process: %m");
        close(s->ready_fd);
        s->ready_fd = -1;
    }
}

int server_main(struct server *s, const struct server_ops *ops)
{
    int own_maps = s->maps == NULL, rc;

    s->ready_fd = -1;
    prepare(s);
    if (own_maps)
        s->maps = podir_cache_new(s->conf->confdir);
    if (ops->listen)
        ops->listen(s);
    metrics_listen(s);
    if (!s->foreground) {
        s->ready_fd = daemon_background();
        msg_open(s->name, MSG_TO_SYSLOG);
    }
    daemon_pid_file(s->pid_file);
    daemon_drop_privileges(s->conf->user);
    start_signals(s, ops);
    metrics_start(s);
    ready(s);
    rc = ops->run(s);
    msg_info("stopping");
    sdnotify_stopping();      /* again: libmilter took the milter's SIGTERM */
    httpd_stop(s->metrics);
    s->metrics = NULL;
    daemon_socket_remove();
    if (s->pid_file[0] && unlink(s->pid_file) < 0 && errno != ENOENT)
        msg_warn("pid file %s: %m", s->pid_file);
    if (own_maps) {
        podir_cache_free(s->maps);
        s->maps = NULL;
    }
    return rc;
}
