/* sdnotify.c - the sd_notify(3) messages of a daemon's life; see sdnotify.h. */
#include "config.h"

#include <time.h>

#include "log.h"
#include "sdnotify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

/* sd_notify returns 0 when no manager listens, < 0 (a -errno) on failure. */
static void send_state(const char *what, int rc)
{
    if (rc < 0)
        msg_warn("cannot tell the service manager %s: error %d", what, -rc);
}

void sdnotify_ready(const char *status)
{
    send_state("READY=1", sd_notifyf(0, "READY=1\nSTATUS=%s", status));
}

/* systemd 253 and later want the time of the request with RELOADING=1. */
void sdnotify_reloading(void)
{
    struct timespec ts;
    unsigned long long usec = 0;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
        usec = (unsigned long long) ts.tv_sec * 1000000ULL + (unsigned long long) ts.tv_nsec / 1000ULL;
    send_state("RELOADING=1", sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", usec));
}

void sdnotify_stopping(void)
{
    send_state("STOPPING=1", sd_notify(0, "STOPPING=1"));
}

#else

void sdnotify_ready(const char *status)
{
    (void) status;
}

void sdnotify_reloading(void)
{
}

void sdnotify_stopping(void)
{
}

#endif
