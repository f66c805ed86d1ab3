/* httpd.c - the minimal HTTP/1.0 responder; see httpd.h.
 *
 * Why not a library: a metrics endpoint needs GET of one path and nothing
 * else of HTTP; libmicrohttpd, the usual well-kept choice in C, brings a
 * second event loop, thread pool and TLS stack into a mail daemon for it.
 * This is one thread, one poll() loop and a request reader that is a pure
 * function (the fuzz target drives it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "httpd.h"
#include "log.h"
#include "mem.h"

/* ---- the request reader ------------------------------------------------ */

static int upper(int c) { return c >= 'A' && c <= 'Z'; }
static int visible(int c) { return c > 0x20 && c < 0x7f; }

/* The end of the line that starts at P (its LF), or NULL when it has none yet. */
static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t) (end - p));

    return nl;
}

/* Check the request line at BUF; 0 when it is fine so far (*NEXT past it once
 * complete, else NULL), or a status. */
static int request_line(const char *buf, const char *end, struct http_request *req, const char **next)
{
    static const char version[] = "HTTP/1.";
    const char *p = buf, *t;
    size_t n;

    *next = NULL;
    while (p < end && upper(*p) && p - buf < 7)
        p++;
    if (p == end)
        return 0;
    if (*p != ' ' || p == buf)
        return 400;
    memcpy(req->method, buf, (size_t) (p - buf));
    req->method[p - buf] = 0;
    t = ++p;
    while (p < end && visible(*p))
        p++;
    if ((size_t) (p - t) >= sizeof(req->path) + 1024)
        return 414;
    if (p == end)
        return 0;
    if (*p != ' ' || p == t)
        return 400;
    n = (size_t) (p - t);
    p++;
    for (size_t i = 0; i < sizeof(version) - 1; i++, p++) {
        if (p == end)
            return 0;
        if (*p != version[i])
            return i == 5 && *p >= '2' && *p <= '9' ? 505 : 400;
    }
    if (p == end)
        return 0;
    if (*p < '0' || *p > '9')
        return 400;
    p++;
    if (p < end && *p == '\r')
        p++;
    if (p == end)
        return 0;
    if (*p != '\n')
        return 400;
    /* The path: origin form "/x?q", or absolute form "http://host/x". */
    if (n > 7 && memcmp(t, "http://", 7) == 0) {
        const char *slash = memchr(t + 8, '/', n - 8);

        if (slash == NULL)
            slash = "/", n = 1;
        else
            n -= (size_t) (slash - t);
        t = slash;
    }
    if (*t != '/' && !(n == 1 && *t == '*'))
        return 400;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '?' || t[i] == '#')
            n = i;
    if (n >= sizeof(req->path))
        return 414;
    memcpy(req->path, t, n);
    req->path[n] = 0;
    *next = p + 1;
    return 0;
}

int http_request_parse(const char *buf, size_t len, struct http_request *req)
{
    const char *end = buf + len, *p, *e;
    int st;

    memset(req, 0, sizeof(*req));
    if ((st = request_line(buf, end, req, &p)) != 0)
        return st;
    if (p == NULL)
        return len >= HTTPD_REQ_MAX ? 414 : 0;
    for (;;) {
        if ((e = line_end(p, end)) == NULL)
            return len >= HTTPD_REQ_MAX ? 431 : 0;
        if (e == p || (e == p + 1 && *p == '\r'))
            break;
        for (const char *q = p; q < e; q++)
            if ((unsigned char) *q < 0x20 && *q != '\t' && !(*q == '\r' && q + 1 == e))
                return 400;
        if (*p != ' ' && *p != '\t' && memchr(p, ':', (size_t) (e - p)) == NULL)
            return 400;
        p = e + 1;
    }
    req->length = (size_t) (e + 1 - buf);
    if (req->length > HTTPD_REQ_MAX)
        return 431;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return 405;
    return 200;
}

/* ---- the server -------------------------------------------------------- */

struct conn {
    int fd;                     /* -1: a free slot */
    char in[HTTPD_REQ_MAX];
    size_t inlen;
    buf_t out;                  /* the answer, once there is one */
    size_t sent;
    int answering;
    long long deadline;         /* monotonic milliseconds */
    char peer[64];
};

struct httpd {
    pthread_t tid;
    int fds[16];
    int nfds;
    int wake[2];                /* httpd_stop writes a byte */
    httpd_handler fn;
    void *arg;
    const char *what;
    struct conn conns[HTTPD_CONN_MAX];
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

/* Build the answer of STATUS with BODY (NULL: the reason) into C->out. */
static void answer(struct conn *c, int status, const char *type, const buf_t *body, int head)
{
    const char *text = body && body->data ? body->data : reason(status);
    size_t len = body && body->data ? body->len : strlen(text);

    buf_reset(&c->out);
    buf_printf(&c->out, "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
               "Connection: close\r\n\r\n", status, reason(status), type, len + (body ? 0 : 1),
               status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (!head) {
        buf_append(&c->out, text, len);
        if (!body)
            buf_putc(&c->out, '\n');
    }
    c->sent = 0;
    c->answering = 1;
    c->deadline = now_ms() + HTTPD_TIMEOUT * 1000;
}

static void drop(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
    buf_free(&c->out);
}

static void take(struct httpd *h, int lfd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    struct conn *c = NULL;
    int fd;

    for (int i = 0; i < HTTPD_CONN_MAX && !c; i++)
        if (h->conns[i].fd < 0)
            c = &h->conns[i];
    if (c == NULL || (fd = accept(lfd, (struct sockaddr *) &ss, &len)) < 0)
        return;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        close(fd);
        return;
    }
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->deadline = now_ms() + HTTPD_TIMEOUT * 1000;
    str_copy(c->peer, "local", sizeof(c->peer));
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *) &ss)->sin_addr, c->peer, sizeof(c->peer));
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *) &ss)->sin6_addr, c->peer, sizeof(c->peer));
}

static void on_request(struct httpd *h, struct conn *c, int status, const struct http_request *req)
{
    buf_t body = BUF_INIT;
    const char *type = "text/plain; charset=utf-8";

    if (status == 200)
        status = h->fn(h->arg, req->path, &body, &type);
    if (status != 200) {
        msg_info("%s: %d %s from %s%s%s", h->what, status, reason(status), c->peer,
                 req->path[0] ? ": " : "", req->path);
        answer(c, status, "text/plain; charset=utf-8", NULL, 0);
    } else {
        answer(c, status, type, &body, strcmp(req->method, "HEAD") == 0);
    }
    buf_free(&body);
}

static void readable(struct httpd *h, struct conn *c)
{
    struct http_request req;
    ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
    int st;

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        drop(c);                /* gone before asking anything whole */
        return;
    }
    c->inlen += (size_t) n;
    if ((st = http_request_parse(c->in, c->inlen, &req)) != 0)
        on_request(h, c, st, &req);
}

static void writable(struct conn *c)
{
    ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0 || (c->sent += (size_t) n) == c->out.len) {
        shutdown(c->fd, SHUT_WR);
        drop(c);
    }
}

/* Connections past their deadline: 408 to one that asked nothing whole yet
 * (it gets one more deadline to take it), closed when it was answered. */
static void expire(struct httpd *h, struct conn *c, long long now)
{
    if (c->fd < 0 || now < c->deadline)
        return;
    if (c->answering) {
        drop(c);
        return;
    }
    msg_info("%s: %d %s from %s: no complete request in %d s", h->what, 408, reason(408), c->peer,
             HTTPD_TIMEOUT);
    answer(c, 408, "text/plain; charset=utf-8", NULL, 0);
}

static int poll_set(struct httpd *h, struct pollfd *pfd, struct conn **who, long long *next)
{
    int n = 0, free_slot = 0;

    pfd[n].fd = h->wake[0], pfd[n].events = POLLIN, who[n++] = NULL;
    for (int i = 0; i < HTTPD_CONN_MAX; i++) {
        struct conn *c = &h->conns[i];

        if (c->fd < 0) {
            free_slot = 1;
            continue;
        }
        pfd[n].fd = c->fd, pfd[n].events = c->answering ? POLLOUT : POLLIN, who[n++] = c;
        if (c->deadline < *next)
            *next = c->deadline;
    }
    for (int i = 0; i < h->nfds && free_slot; i++)
        pfd[n].fd = h->fds[i], pfd[n].events = POLLIN, who[n++] = NULL;
    return n;
}

static void *serve(void *arg)
{
    struct httpd *h = arg;
    struct pollfd pfd[1 + HTTPD_CONN_MAX + 16];
    struct conn *who[1 + HTTPD_CONN_MAX + 16];

    for (;;) {
        long long now = now_ms(), next = now + 60000;
        int n = poll_set(h, pfd, who, &next), rc;

        rc = poll(pfd, (nfds_t) n, (int) (next > now ? next - now : 0));
        if (rc < 0 && errno != EINTR) {
            msg_error("%s: poll: %m", h->what);
            return NULL;
        }
        if (rc > 0 && (pfd[0].revents & POLLIN))
            return NULL;
        for (int i = 1; rc > 0 && i < n; i++) {
            if (pfd[i].revents == 0)
                continue;
            if (who[i] == NULL)
                take(h, pfd[i].fd);
            else if (who[i]->fd >= 0 && who[i]->answering)
                writable(who[i]);
            else if (who[i]->fd >= 0)
                readable(h, who[i]);
        }
        now = now_ms();
        for (int i = 0; i < HTTPD_CONN_MAX; i++)
            expire(h, &h->conns[i], now);
    }
}

struct httpd *httpd_start(const int *fds, int n, const char *what, httpd_handler fn, void *arg)
{
    struct httpd *h = xcalloc(1, sizeof(*h));

    h->nfds = n > 16 ? 16 : n;
    memcpy(h->fds, fds, (size_t) h->nfds * sizeof(int));
    h->fn = fn, h->arg = arg, h->what = what;
    for (int i = 0; i < HTTPD_CONN_MAX; i++)
        h->conns[i].fd = -1;
    for (int i = 0; i < h->nfds; i++)
        if (fcntl(h->fds[i], F_SETFL, fcntl(h->fds[i], F_GETFL) | O_NONBLOCK) < 0)
            msg_fatal("%s: fcntl: %m", what);
    if (pipe(h->wake) < 0)
        msg_fatal("%s: pipe: %m", what);
    if (pthread_create(&h->tid, NULL, serve, h) != 0)
        msg_fatal("%s: cannot start its thread", what);
    return h;
}

void httpd_stop(struct httpd *h)
{
    if (h == NULL)
        return;
    if (write(h->wake[1], "x", 1) != 1)
        msg_warn("%s: cannot wake its thread: %m", h->what);
    pthread_join(h->tid, NULL);
    for (int i = 0; i < HTTPD_CONN_MAX; i++)
        if (h->conns[i].fd >= 0)
            drop(&h->conns[i]);
    for (int i = 0; i < h->nfds; i++)
        close(h->fds[i]);
    close(h->wake[0]);
    close(h->wake[1]);
    free(h);
}
