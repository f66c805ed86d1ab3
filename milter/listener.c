/* listener.c - pogate-milter's listening socket; see listener.h.
 *
 * The spec, the stale socket, its group and mode are daemon.c's (libpogate),
 * shared with pogate-lmtp. libmilter creates and owns the listening socket
 * (smfi_opensocket) but does not hand out its descriptor; TCP_NODELAY is set by finding the one
 * listening inet socket among our descriptors (accepted sockets inherit the
 * option on Linux and the BSDs), because a milter conversation is a string
 * of small request/reply packets that Nagle plus delayed ACKs would stall.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "daemon.h"
#include "listener.h"
#include "log.h"

/* Set TCP_NODELAY on every listening TCP socket we hold (libmilter's one). */
static void set_nodelay(void)
{
    int on = 1, found = 0;

    for (int fd = 3; fd < 1024; fd++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int acc = 0;
        socklen_t alen = sizeof(acc);

        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0
            || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
            || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &alen) < 0 || !acc)
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
            msg_warn("TCP_NODELAY on the milter socket: %m");
        else
            found++;
    }
    if (!found)
        msg_warn("could not set TCP_NODELAY: listening socket not found");
}

void listen_open(const char *spec, const struct pogate_conf *conf, struct listen_info *li)
{
    const char *path = daemon_socket_path("milter", spec);
    buf_t conn = BUF_INIT;

    li->path[0] = 0;
    if (path) {
        if (str_copy(li->path, path, sizeof(li->path)) >= sizeof(li->path))
            msg_fatal("milter socket %s: path too long", spec);
        daemon_remove_stale(path, "milter");
        buf_printf(&conn, "unix:%s", path);
    } else {
        buf_puts(&conn, spec);
    }
    if (smfi_setconn(conn.data) != MI_SUCCESS)
        msg_fatal("smfi_setconn(%s) failed", conn.data);
    if (smfi_opensocket(1) != MI_SUCCESS)
        msg_fatal("cannot listen on %s (see the messages above; is the directory there?)", conn.data);
    buf_free(&conn);
    if (path)
        daemon_socket_perms(path, conf, 1);
    else
        set_nodelay();
}

void listen_close(const struct listen_info *li)
{
    /* After privileges are dropped this may fail; a later start removes it. */
    if (li->path[0] && unlink(li->path) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", li->path);
}
