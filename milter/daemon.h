/* daemon.h - process set-up for pogate-milter: the listening socket,
 * daemonizing, and dropping root privileges.
 */
#ifndef POGATE_MILTER_DAEMON_H
#define POGATE_MILTER_DAEMON_H

#include "conf.h"

struct listen_info {
    char path[256];             /* unix socket path, "" for inet */
};

/* Create the milter socket for SPEC (unix:PATH, local:PATH, PATH,
 * inet:PORT@HOST, inet6:PORT@HOST) through libmilter, while still root:
 * a stale unix socket is removed (a live one is fatal), the mode and group
 * come from pogate.conf, inet sockets get TCP_NODELAY. Fatal on error. */
void listen_open(const char *spec, const struct pogate_conf *conf, struct listen_info *li);
void listen_close(const struct listen_info *li);

/* Fork into the background; returns in the child a descriptor to write one
 * byte to once serving (the parent exits 0 on that byte, 1 without it). */
int daemonize(void);

/* As root: become USER (its group and supplementary groups). Otherwise a no-op. */
void drop_privileges(const char *user);

#endif
