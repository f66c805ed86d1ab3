/* listener.h - pogate-milter's listening socket, which libmilter opens.
 */
#ifndef POGATE_MILTER_LISTENER_H
#define POGATE_MILTER_LISTENER_H

#include "daemon.h"

struct listen_info {
    char path[256];             /* unix socket path, "" for inet */
};

/* Create the milter socket for SPEC (unix:PATH, local:PATH, PATH,
 * inet:PORT@HOST, inet6:PORT@HOST) through libmilter, while still root:
 * a stale unix socket is removed (a live one is fatal), the mode and group
 * come from O, inet sockets get TCP_NODELAY. Fatal on error. */
void listen_open(const char *spec, const struct daemon_sockopt *o, struct listen_info *li);
/* Start relaying the addresses of an inet spec that libmilter does not
 * listen on (see listener.c); after privileges are dropped and signals
 * blocked. A no-op for other specs. */
void listen_relay_start(void);
void listen_close(const struct listen_info *li);

#endif
