/* daemon.h - process set-up shared by the daemons (pogate-milter, pogate-lmtp).
 *
 * The listening socket is made while still root, so that it may live in a
 * root-owned directory such as /var/spool/postfix/private: its spec is
 * unix:PATH (also local:PATH or a bare /PATH, as sendmail writes it),
 * inet:PORT@HOST or inet6:PORT@HOST; a stale unix socket is removed (a live
 * one is fatal: another server is running); its owner, group and mode come
 * from struct daemon_sockopt (pogate.conf's user, socket_group and
 * socket_mode), so that the MTA, running as its own user, may connect. Then
 * the pid file, the move to the background, and dropping root for the user.
 * WHAT in messages names the socket ("lmtp", "milter"). Every error here is
 * fatal. The order of these steps is the daemon skeleton's (server.h).
 */
#ifndef POGATE_DAEMON_H
#define POGATE_DAEMON_H

#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>


/* The absolute unix path of SPEC, or NULL for inet:/inet6: specs. */
const char *daemon_socket_path(const char *what, const char *spec);

/* Remove the socket PATH if nobody answers there ("removed stale socket PATH");
 * fatal if it is not a socket or if another WHO ("server", "milter") listens. */
void daemon_remove_stale(const char *path, const char *who);

/* Who may use a unix socket: the user the server runs as, the socket's
 * group ("" = the user's) and its mode. */
struct daemon_sockopt {
    const char *user;
    const char *group;
    int mode;
};

/* Group and mode of the unix socket PATH. With OWN_BY_USER, as root, it is
 * also given to the user (and its group when O->group is empty), so that it
 * may remove the socket at exit. An owner or group it has already (made in a
 * set-group-ID directory of that group) is not set again: no chown at all
 * then, so that a daemon whose system calls exclude chown still starts. */
void daemon_socket_perms(const char *path, const struct daemon_sockopt *o, int own_by_user);

/* An address of an inet spec. inet:PORT@HOST names every IPv4 and IPv6
 * address of HOST, inet6:PORT@HOST its IPv6 ones; HOST is a name, a numeric
 * address, or one in brackets as libmilter writes it ([192.0.2.1], [::1],
 * [IPv6:::1]). */
#define DAEMON_INET_MAX 16
struct daemon_inet_addr {
    struct sockaddr_storage sa;
    socklen_t len;
    char host[INET6_ADDRSTRLEN];        /* numeric, without brackets */
    char port[8];
};

/* The addresses of the inet:/inet6: SPEC in getaddrinfo()'s order, without
 * duplicates, at most DAEMON_INET_MAX; returns how many (fatal when none). */
int daemon_inet_resolve(const char *what, const char *spec, struct daemon_inet_addr *addrs);

/* The listening sockets for SPEC, BACKLOG deep, in FDS (room for
 * DAEMON_INET_MAX); returns how many. A unix socket is one, given to `user'
 * (daemon_socket_perms) and removed at exit (daemon_socket_made); an inet
 * spec gets one TCP socket (TCP_NODELAY) per address, like Postfix's
 * inet_interfaces (of a name with several, one the host cannot have, such as
 * ::1 with IPv6 off, is left out with a warning). */
int daemon_listen(const char *what, const char *spec, const struct daemon_sockopt *o,
                  int backlog, int *fds);

/* A listening TCP socket (TCP_NODELAY, IPv6 only for an IPv6 address) on
 * the address A of SPEC, BACKLOG deep. With MANY (one of several addresses
 * of a name) an address the host cannot have gives a warning and -1, and the
 * socket is logged; otherwise every error is fatal. */
int daemon_listen_addr(const char *what, const char *spec, const struct daemon_inet_addr *a,
                       int backlog, int many);

/* Remember the unix socket PATH this process made (up to four: a service's
 * and its metrics'): each is removed at exit, fatal or not, or by
 * daemon_socket_remove(), if it is still the same file.
 * Once the server runs as `user', that needs write permission on its
 * directory (and in a sticky one, the socket's ownership): otherwise it stays
 * ("cannot remove socket", at info level) and the next start removes it. */
void daemon_socket_made(const char *path);
void daemon_socket_remove(void);

/* Fork into the background; returns in the child a descriptor to write one
 * byte to once serving (the parent exits 0 on that byte, 1 without it). */
int daemon_background(void);

/* Write our pid to PATH ("" = none). */
void daemon_pid_file(const char *path);

/* As root, when the directory that holds PATH is missing but its parent is
 * there (/run/pogate after a boot, outside systemd): make it, mode 0755,
 * owned by USER, so that the server may remove its files there at exit.
 * Otherwise a no-op; a later step reports what still fails. */
void daemon_make_rundir(const char *path, const char *user);

/* As root: fatal unless USER exists and is not root (checked before the
 * socket and the pid file are made). Otherwise a no-op. */
void daemon_check_user(const char *user);

/* As root: become USER (its group and supplementary groups). Otherwise a no-op. */
void daemon_drop_privileges(const char *user);

#endif
