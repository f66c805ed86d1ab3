/* sdnotify.h - telling a service manager where a daemon is in its life.
 *
 * systemd's Type=notify waits for READY=1 before it starts what comes after
 * the unit (Postfix, with Before=), so the MTA never meets a socket that is
 * not yet listening, and no pid file is needed to find the main process.
 * Built with libsystemd, these send to $NOTIFY_SOCKET; without it, or when
 * no service manager asked (the variable unset: a start by hand, sendmail's
 * init script), they do nothing. A failure to send is logged, never fatal:
 * the daemon serves all the same.
 */
#ifndef POGATE_SDNOTIFY_H
#define POGATE_SDNOTIFY_H

/* The sockets listen and the daemon serves; STATUS is shown by systemctl status. */
void sdnotify_ready(const char *status);

/* A reload (SIGUSR1) begins; sdnotify_ready() again when it is done. */
void sdnotify_reloading(void);

/* The daemon finishes what is in flight and stops. */
void sdnotify_stopping(void);

#endif
