/* lmtp_listen.h - pogate-lmtp process set-up: listening socket, pid file,
 * background, privileges.
 *
 * The socket is created while still root (so it may live in a root-owned
 * directory such as /var/spool/postfix/private), a stale unix socket is
 * removed (a live one is fatal: another server is running), and its group and
 * mode come from pogate.conf (socket_group, socket_mode), so that Postfix's
 * lmtp client, running as user postfix, may connect.
 */
#ifndef POGATE_LMTP_LISTEN_H
#define POGATE_LMTP_LISTEN_H

#include "conf.h"

/* Listen on SPEC (unix:PATH or inet:PORT@HOST, inet6:PORT@HOST); fatal on error.
 * The unix path, if any, is stored in PATH (SIZE bytes) for removal at exit. */
int lmtp_listen(const char *spec, const struct pogate_conf *conf, char *path, size_t size);

/* Fork into the background; returns in the child a descriptor to write one
 * byte to once serving (the parent exits 0 on that byte, 1 without it). */
int lmtp_daemonize(void);

/* Write our pid to PATH ("" = none); fatal on error. */
void lmtp_pid_file(const char *path);

/* As root: become USER (its group and supplementary groups). Otherwise a no-op. */
void lmtp_drop_privileges(const char *user);

#endif
