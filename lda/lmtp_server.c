/* lmtp_server.c - accept loop, connection threads and their limit; see lmtp_server.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lmtp_server.h"
#include "log.h"
#include "mem.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static int active;

struct conn {
    int fd;
    lmtp_conn_fn serve;
    void *arg;
};

static void *conn_thread(void *p)
{
    struct conn *c = p;

    c->serve(c->fd, c->arg);
    free(c);
    pthread_mutex_lock(&lock);
    if (--active == 0)
        pthread_cond_broadcast(&idle_cond);
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* Over the limit: say so (best effort, the socket buffer is empty) and hang up. */
static void refuse(int fd)
{
    static const char msg[] = "421 4.3.2 Error: too many connections, try again later\r\n";

    (void) send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(fd);
}

static void start(int fd, int max, lmtp_conn_fn serve, void *arg, pthread_attr_t *attr)
{
    struct conn *c;
    pthread_t t;
    int err;

    pthread_mutex_lock(&lock);
    if (active >= max) {
        pthread_mutex_unlock(&lock);
        msg_warn("connection refused: %d connections already (lmtp_max_connections)", max);
        refuse(fd);
        return;
    }
    active++;
    pthread_mutex_unlock(&lock);
    c = xmalloc(sizeof(*c));
    c->fd = fd;
    c->serve = serve;
    c->arg = arg;
    if ((err = pthread_create(&t, attr, conn_thread, c)) != 0) {
        errno = err;
        msg_warn("cannot start a connection thread: %m");
        refuse(fd);
        free(c);
        pthread_mutex_lock(&lock);
        active--;
        pthread_mutex_unlock(&lock);
    }
}

void lmtp_server_run(const int *listen_fds, int nlisten, int stop_fd, int max, lmtp_conn_fn serve, void *arg)
{
    struct pollfd pfd[17];
    pthread_attr_t attr;

    if (nlisten < 1 || nlisten > 16)
        msg_fatal("lmtp_server_run: %d listening sockets", nlisten);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 512 * 1024);
    /* Non-blocking: a client gone between poll() and accept() must not
     * block the loop while another socket has one waiting. */
    for (int i = 0; i < nlisten; i++)
        fcntl(listen_fds[i], F_SETFL, fcntl(listen_fds[i], F_GETFL) | O_NONBLOCK);
    for (;;) {
        int fd;

        pfd[0] = (struct pollfd) { stop_fd, POLLIN, 0 };
        for (int i = 0; i < nlisten; i++)
            pfd[i + 1] = (struct pollfd) { listen_fds[i], POLLIN, 0 };
        if (poll(pfd, (nfds_t) nlisten + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            msg_fatal("poll: %m");
        }
        if (pfd[0].revents & POLLIN)
            break;
        for (int i = 0; i < nlisten; i++) {
            if (!(pfd[i + 1].revents & POLLIN))
                continue;
            if ((fd = accept(listen_fds[i], NULL, NULL)) < 0) {
                if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
                    msg_warn("accept: %m");
                if (errno == EMFILE || errno == ENFILE)
                    sleep(1);
                continue;
            }
            /* The BSDs pass O_NONBLOCK on to the accepted socket. */
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            start(fd, max, serve, arg, &attr);
        }
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&lock);
    if (active > 0)
        msg_info("stopping: waiting for %d connection%s to finish", active, active == 1 ? "" : "s");
    while (active > 0)
        pthread_cond_wait(&idle_cond, &lock);
    pthread_mutex_unlock(&lock);
}
