/* listener.c - pogate-milter's listening socket; see listener.h.
 *
 * The spec, the stale socket, its group and mode are daemon.c's (libutil),
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
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "daemon.h"
#include "listener.h"
#include "log.h"
#include "mem.h"

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

/* libmilter listens on one socket (smfi_opensocket) and takes no descriptor
 * of ours, so for an inet spec it is given one numeric address: for inet:
 * the first IPv4 one when there is one (libmilter and sendmail's milter
 * client read inet: as IPv4), else the first one. pogate-milter listens on
 * the other addresses itself and relays each connection, byte for byte, to
 * libmilter's: the milter protocol does not depend on the socket's addresses
 * (the MTA's client comes in SMFIC_CONNECT), so a relayed session is an
 * ordinary one, at the cost of one more local hop. The spec is resolved as
 * pogate-lmtp resolves it (daemon.c), so both listen on the same addresses. */
static struct {
    int fds[DAEMON_INET_MAX];
    int n;
    struct sockaddr_storage target;
    socklen_t target_len;
    int stop[2];
    pthread_t thread;
    int running;
} relay = { .stop = { -1, -1 } };

static void inet_conn(const char *spec, buf_t *conn)
{
    struct daemon_inet_addr addrs[DAEMON_INET_MAX];
    int n = daemon_inet_resolve("milter", spec, addrs), pick = 0;

    if (strncmp(spec, "inet:", 5) == 0)
        for (int i = n - 1; i >= 0; i--)
            if (addrs[i].sa.ss_family == AF_INET)
                pick = i;
    buf_printf(conn, "%s:%s@[%s]", addrs[pick].sa.ss_family == AF_INET6 ? "inet6" : "inet",
               addrs[pick].port, addrs[pick].host);
    memcpy(&relay.target, &addrs[pick].sa, addrs[pick].len);
    relay.target_len = addrs[pick].len;
    for (int i = 0; i < n; i++) {
        int fd;

        if (i != pick && (fd = daemon_listen_addr("milter", spec, addrs + i, SOMAXCONN, 1)) >= 0)
            relay.fds[relay.n++] = fd;
    }
    if (relay.n > 0)
        msg_info("milter socket %s: libmilter listens on %s, the other addresses are relayed to it",
                 spec, conn->data + strcspn(conn->data, "@") + 1);
}

/* Send all of BUF; -1 when the peer is gone. */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n, len -= (size_t) n;
    }
    return 0;
}

/* One relayed connection: fd[0] the MTA's, fd[1] libmilter's. */
static void *pump(void *arg)
{
    int *fd = arg, open = 2;
    struct pollfd pfd[2] = { { fd[0], POLLIN, 0 }, { fd[1], POLLIN, 0 } };
    char buf[16384];

    while (open > 0) {
        /* Once one side has ended, the other gets a minute to finish, so that
         * a peer that vanished without a word does not hold the thread. */
        int ready = poll(pfd, 2, open == 2 ? -1 : 60 * 1000);

        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if ((n = read(fd[i], buf, sizeof(buf))) < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                /* Half-close: the other side sees the end, the reverse flow goes on. */
                (void) shutdown(fd[!i], SHUT_WR);
                pfd[i].fd = -1;
                open--;
            } else if (send_all(fd[!i], buf, (size_t) n) < 0) {
                open = 0;
                break;
            }
        }
    }
    close(fd[0]);
    close(fd[1]);
    free(fd);
    return NULL;
}

static void relay_one(int mta)
{
    int on = 1, *fd, lm;
    pthread_attr_t attr;
    pthread_t t;

    if ((lm = socket(relay.target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0
        || connect(lm, (struct sockaddr *) &relay.target, relay.target_len) < 0) {
        msg_warn("relay to libmilter's socket: %m");
        if (lm >= 0)
            close(lm);
        close(mta);
        return;
    }
    (void) setsockopt(mta, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    (void) setsockopt(lm, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    fd = xmalloc(2 * sizeof(*fd));
    fd[0] = mta, fd[1] = lm;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 128 * 1024);
    if (pthread_create(&t, &attr, pump, fd) != 0) {
        msg_warn("cannot start a relay thread");
        close(mta), close(lm), free(fd);
    }
    pthread_attr_destroy(&attr);
}

static void *relay_main(void *arg)
{
    struct pollfd pfd[DAEMON_INET_MAX + 1];

    (void) arg;
    for (;;) {
        pfd[0] = (struct pollfd) { relay.stop[0], POLLIN, 0 };
        for (int i = 0; i < relay.n; i++)
            pfd[i + 1] = (struct pollfd) { relay.fds[i], POLLIN, 0 };
        if (poll(pfd, (nfds_t) relay.n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            msg_fatal("poll: %m");
        }
        if (pfd[0].revents)
            return NULL;
        for (int i = 0; i < relay.n; i++) {
            int fd;

            if (!(pfd[i + 1].revents & POLLIN) || (fd = accept(relay.fds[i], NULL, NULL)) < 0)
                continue;
            /* The BSDs pass O_NONBLOCK on to the accepted socket. */
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            relay_one(fd);
        }
    }
}

void listen_relay_start(void)
{
    if (relay.n == 0)
        return;
    for (int i = 0; i < relay.n; i++)
        fcntl(relay.fds[i], F_SETFL, fcntl(relay.fds[i], F_GETFL) | O_NONBLOCK);
    if (pipe(relay.stop) < 0)
        msg_fatal("pipe: %m");
    if (pthread_create(&relay.thread, NULL, relay_main, NULL) != 0)
        msg_fatal("cannot start the relay thread");
    relay.running = 1;
}

void listen_open(const char *spec, const struct daemon_sockopt *o, struct listen_info *li)
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
        daemon_socket_perms(path, o, 1);
    } else {
        set_nodelay();
    }
    buf_free(&conn);
}

void listen_close(const struct listen_info *li)
{
    /* No new relayed connection; those open end with libmilter's sessions. */
    if (relay.running) {
        if (write(relay.stop[1], "x", 1) != 1)
            msg_warn("cannot wake the relay thread to stop: %m");
        pthread_join(relay.thread, NULL);
        close(relay.stop[0]);
        close(relay.stop[1]);
        relay.running = 0;
    }
    for (int i = 0; i < relay.n; i++)
        close(relay.fds[i]);
    relay.n = 0;
    /* libmilter removes its socket when it can; this is for when it cannot
     * (see daemon_socket_made). */
    if (li->path[0])
        daemon_socket_remove();
}
