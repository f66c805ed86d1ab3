/* daemon.h - process set-up shared by the daemons (pogate-milter, pogate-lmtp).
 *
 * The listening socket is made while still root, so that it may live in a
 * root-owned directory such as /var/spool/postfix/private: its spec is
 * unix:PATH (also local:PATH or a bare /PATH, as sendmail writes it),
 * inet:PORT@HOST or inet6:PORT@HOST; a stale unix socket is removed (a live
 * one is fatal: another server is running); its group and mode come from
 * pogate.conf (socket_group, socket_mode), so that the MTA, running as its
 * own user, may connect. Then the pid file, the move to the background, and
 * dropping root for `user'. WHAT in messages names the socket ("lmtp",
 * "milter"). Every error here is fatal.
 */
#ifndef POGATE_DAEMON_H
#define POGATE_DAEMON_H

#include <stddef.h>

#include "conf.h"

/* The absolute unix path of SPEC, or NULL for inet:/inet6: specs. */
const char *daemon_socket_path(const char *what, const char *spec);

/* Remove the socket PATH if nobody answers there ("removed stale socket PATH");
 * fatal if it is not a socket or if another WHO ("server", "milter") listens. */
void daemon_remove_stale(const char *path, const char *who);

/* Group (socket_group) and mode (socket_mode) of the unix socket PATH. With
 * OWN_BY_USER, as root, it is also given to `user' (and its group when
 * socket_group is empty), so that it may remove the socket at exit. */
void daemon_socket_perms(const char *path, const struct pogate_conf *conf, int own_by_user);

/* A listening TCP socket (TCP_NODELAY) for inet:PORT@HOST or inet6:PORT@HOST. */
int daemon_listen_inet(const char *what, const char *spec);

/* A listening socket for SPEC, unix or inet, BACKLOG deep; a unix path is
 * stored in PATH (SIZE bytes, "" for inet) for removal at exit. */
int daemon_listen(const char *what, const char *spec, const struct pogate_conf *conf,
                  int backlog, char *path, size_t size);

/* Fork into the background; returns in the child a descriptor to write one
 * byte to once serving (the parent exits 0 on that byte, 1 without it). */
int daemon_background(void);

/* Write our pid to PATH ("" = none). */
void daemon_pid_file(const char *path);

/* As root: become USER (its group and supplementary groups). Otherwise a no-op. */
void daemon_drop_privileges(const char *user);

#endif
