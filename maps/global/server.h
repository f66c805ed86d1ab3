/* server.h - the life of a pogate daemon, from its configuration to its exit.
 *
 * pogate-milter and pogate-lmtp live the same life, in this order, through
 * server_main(), as Postfix's daemons do through single_server_main():
 *
 *   1. log_file opened; as root, the user checked (it exists, it is not
 *      root), and the directory of the pid file and of a unix socket made
 *      when it is missing (daemon_make_rundir), so that a start outside
 *      systemd, after a boot cleared /run, needs nothing prepared;
 *   2. ops->listen, still as root: the program makes its socket, which may
 *      live in a root-owned directory such as Postfix's private/; then the
 *      metrics socket (metrics_spec), when there is one. A program that
 *      serves no socket (pogate-pickup watches directories) has no listen
 *      and no spec;
 *   3. the move to the background unless foreground: every error up to here
 *      still reaches the terminal, and the parent exits 0 only at step 6;
 *   4. the pid file, with the final process's pid; root dropped for `user';
 *   5. signals blocked in every thread and taken by one of their own:
 *      SIGUSR1 makes the next snapshot re-read the maps, then ops->reload
 *      (on that thread: a program that re-reads pogate.conf there reopens
 *      its log_file too); SIGTERM and SIGINT call ops->stop, or, when the
 *      program has none (libmilter takes them), stay blocked for it;
 *   5b. counters_file opened (metrics.h: made as the user), and the metrics
 *      thread started: HTTP GET /metrics (httpd.h) answers with every
 *      counter of the host and this daemon's snapshot time;
 *   6. readiness: "ready: listening on SPEC" (without a socket, "ready:
 *      WHAT") logged, the waiting parent released, and a service manager
 *      told (sdnotify.h: READY=1; around a reload RELOADING=1 then READY=1, at
 *      a stop signal STOPPING=1);
 *   7. ops->run serves until it is stopped, and gives the exit status;
 *   8. the metrics thread stopped; the pid file and the unix sockets the
 *      program made are removed.
 * Every failure before step 7 is fatal and logged.
 */
#ifndef POGATE_SERVER_H
#define POGATE_SERVER_H

#include "daemon.h"
#include "podir.h"
#include "pogate_conf.h"

struct server;
struct httpd;

struct server_ops {
    void (*listen)(struct server *s);   /* step 2, as root; NULL: no socket */
    int (*run)(struct server *s);       /* step 7: the exit status */
    void (*reload)(struct server *s);   /* SIGUSR1, on the signal thread; may be NULL */
    void (*stop)(struct server *s);     /* SIGTERM, SIGINT, on the signal thread; NULL: libmilter's */
};

struct server {
    /* Set by the program. */
    const char *name;                   /* "pogate-milter": the syslog ident */
    const char *what;                   /* "milter": names the socket in messages;
                                         * without a socket, what is ready */
    const struct pogate_conf *conf;     /* user, socket_group, socket_mode, log_file:
                                         * must live until server_main returns */
    const char *spec;                   /* the socket; NULL = none */
    const char *pid_file;               /* "" = none */
    const char *metrics_spec;           /* HTTP /metrics: unix:PATH, inet:PORT@HOST; NULL or "" = none */
    int foreground;                     /* -f: no background, stderr stays */
    void *arg;                          /* the program's own */
    /* Set by server_main. */
    struct podir_cache *maps;           /* the current postoffice snapshot (step 1 on) */
    struct daemon_sockopt sockopt;      /* from conf, for ops->listen */
    int ready_fd;                       /* private: the waiting parent (step 3) */
    int metrics_fds[DAEMON_INET_MAX];   /* private: the metrics sockets (step 2) */
    int metrics_nfds;
    struct httpd *metrics;              /* private: their thread (step 5b) */
};

/* Steps 1 to 8 above; returns ops->run's status. */
int server_main(struct server *s, const struct server_ops *ops);

#endif
