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

/* libmilter listens on one socket, so it is given one numeric address of an
 * inet spec: for inet: the first IPv4 one when there is one (libmilter and
 * sendmail's milter client read inet: as IPv4), else the first IPv6 one. The
 * spec is resolved as pogate-lmtp resolves it (daemon.c), so that HOST may
 * also be [::1] after inet:. */
static void inet_conn(const char *spec, buf_t *conn)
{
    struct daemon_inet_addr addrs[DAEMON_INET_MAX];
    int n = daemon_inet_resolve("milter", spec, addrs), pick = 0;
    buf_t rest = BUF_INIT;

    if (strncmp(spec, "inet:", 5) == 0)
        for (int i = n - 1; i >= 0; i--)
            if (addrs[i].sa.ss_family == AF_INET)
                pick = i;
    buf_printf(conn, "%s:%s@[%s]", addrs[pick].sa.ss_family == AF_INET6 ? "inet6" : "inet",
               addrs[pick].port, addrs[pick].host);
    for (int i = 0; i < n; i++)
        if (i != pick)
            buf_printf(&rest, "%s%s", rest.len ? ", " : "", addrs[i].host);
    if (n > 1)
        msg_warn("milter socket %s: libmilter listens on one address: %s only, not %s",
                 spec, addrs[pick].host, rest.data);
    buf_free(&rest);
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
        inet_conn(spec, &conn);
    }
    if (smfi_setconn(conn.data) != MI_SUCCESS)
        msg_fatal("smfi_setconn(%s) failed", conn.data);
    if (smfi_opensocket(1) != MI_SUCCESS)
        msg_fatal("cannot listen on %s (see the messages above; is the directory there?)", conn.data);
    if (path) {
        daemon_socket_made(path);
        daemon_socket_perms(path, conf, 1);
    } else {
        set_nodelay();
    }
    buf_free(&conn);
}

void listen_close(const struct listen_info *li)
{
    /* libmilter removes its socket when it can; this is for when it cannot
     * (see daemon_socket_made). */
    if (li->path[0])
        daemon_socket_remove();
}
