/* t_httpd.c - unit tests for maps/util/httpd.c: the request reader on whole,
 * partial, odd and hostile requests, and the server over a unix socket:
 * the handler's page, 404, 405, 400 for what is not HTTP, HEAD, a client
 * that goes away, and more clients at once than it serves. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "httpd.h"
#include "log.h"
#include "tap.h"

static int parse(const char *s, struct http_request *r)
{
    return http_request_parse(s, strlen(s), r);
}

static int page(void *arg, const char *path, buf_t *body, const char **type)
{
    (void) arg;
    if (strcmp(path, "/metrics") != 0)
        return 404;
    buf_puts(body, "x_total 1\n");
    *type = "text/plain; version=0.0.4";
    return 200;
}

static char sockpath[108];

static int dial(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    str_copy(sun.sun_path, sockpath, sizeof(sun.sun_path));
    if (fd < 0 || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
        return -1;
    return fd;
}

/* Send REQ (LEN bytes) and read the whole answer into OUT. */
static void ask(const char *req, size_t len, char *out, size_t size)
{
    int fd = dial();
    size_t n = 0;
    ssize_t k;

    out[0] = 0;
    if (fd < 0)
        return;
    if (write(fd, req, len) != (ssize_t) len) {
        close(fd);
        return;
    }
    while (n + 1 < size && (k = read(fd, out + n, size - 1 - n)) > 0)
        n += (size_t) k;
    out[n] = 0;
    close(fd);
}

int main(void)
{
    struct http_request r;
    char big[HTTPD_REQ_MAX + 100], out[4096];
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct httpd *h;
    int lfd, held[HTTPD_CONN_MAX + 4];

    msg_open("t_httpd", MSG_TO_STDERR);
    is_int(parse("GET /metrics HTTP/1.0\r\n\r\n", &r), 200, "a plain GET");
    is_str(r.path, "/metrics", "its path");
    is_int(r.length, 25, "its length");
    is_int(parse("GET /metrics?x=1 HTTP/1.1\nHost: a\nAccept: */*\n\n", &r), 200, "LF line ends, headers, a query");
    is_str(r.path, "/metrics", "the query is not the path");
    is_int(parse("GET http://host:9/metrics HTTP/1.1\r\nHost: host\r\n\r\n", &r), 200, "absolute form");
    is_str(r.path, "/metrics", "absolute form: the path");
    is_int(parse("HEAD / HTTP/1.0\r\n\r\n", &r), 200, "HEAD");
    is_int(parse("GET /metrics HTTP/1.0\r\nX: a\r\n folded\r\n\r\n", &r), 200, "a folded header");
    is_int(parse("", &r), 0, "nothing yet");
    is_int(parse("GE", &r), 0, "a method cut short");
    is_int(parse("GET /metr", &r), 0, "a target cut short");
    is_int(parse("GET /metrics HTTP/1", &r), 0, "a version cut short");
    is_int(parse("GET /metrics HTTP/1.0\r\nHost: x\r\n", &r), 0, "headers not ended yet");
    is_int(parse("POST /metrics HTTP/1.0\r\n\r\n", &r), 405, "POST: 405");
    is_int(parse("get /metrics HTTP/1.0\r\n\r\n", &r), 400, "a lowercase method");
    is_int(parse("\x16\x03\x01\x02\x00\x01", &r), 400, "a TLS ClientHello: 400 at the first byte");
    is_int(parse("GET /metrics FTP/1.0\r\n\r\n", &r), 400, "not HTTP");
    is_int(parse("GET /metrics HTTP/2.0\r\n\r\n", &r), 505, "HTTP/2");
    is_int(parse("GET metrics HTTP/1.0\r\n\r\n", &r), 400, "a target without a slash");
    is_int(parse("GET /a\x01 HTTP/1.0\r\n\r\n", &r), 400, "a control byte in the target");
    is_int(parse("GET /metrics HTTP/1.0\r\nno colon here\r\n\r\n", &r), 400, "a header without a colon");
    is_int(parse("GET /metrics HTTP/1.0\r\nX: \x01\r\n\r\n", &r), 400, "a control byte in a header");
    is_int(parse("GETTINGS /metrics HTTP/1.0\r\n\r\n", &r), 400, "a method too long");
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET /", 5);
    is_int(http_request_parse(big, sizeof(big), &r), 414, "a target too long: 414");
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET / HTTP/1.0\r\nX: ", 19);
    is_int(http_request_parse(big, HTTPD_REQ_MAX, &r), 431, "headers too long: 431");

    snprintf(sockpath, sizeof(sockpath), "/tmp/t_httpd.%ld.sock", (long) getpid());
    str_copy(sun.sun_path, sockpath, sizeof(sun.sun_path));
    unlink(sockpath);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *) &sun, sizeof(sun)) < 0 || listen(lfd, 64) < 0)
        return 2;
    h = httpd_start(&lfd, 1, "metrics", page, NULL);
    ask("GET /metrics HTTP/1.0\r\n\r\n", 25, out, sizeof(out));
    ok(strncmp(out, "HTTP/1.0 200 OK\r\n", 17) == 0, "200 for /metrics");
    ok(strstr(out, "Content-Type: text/plain; version=0.0.4\r\n") && strstr(out, "Content-Length: 10\r\n")
       && strstr(out, "\r\n\r\nx_total 1\n"), "the handler's type, length and body");
    ask("HEAD /metrics HTTP/1.0\r\n\r\n", 26, out, sizeof(out));
    ok(strstr(out, "200 OK") && strstr(out, "Content-Length: 10\r\n") && strstr(out, "\r\n\r\n")[4] == 0,
       "HEAD: the length, no body");
    ask("GET /other HTTP/1.0\r\n\r\n", 23, out, sizeof(out));
    ok(strncmp(out, "HTTP/1.0 404 Not Found\r\n", 24) == 0, "404 for another path");
    ask("DELETE /metrics HTTP/1.0\r\n\r\n", 28, out, sizeof(out));
    ok(strncmp(out, "HTTP/1.0 405 ", 13) == 0 && strstr(out, "Allow: GET, HEAD\r\n"), "405 with Allow");
    ask("\x16\x03\x01\x00\xff garbage \x00\x01\x02", 16, out, sizeof(out));
    ok(strncmp(out, "HTTP/1.0 400 Bad Request\r\n", 26) == 0, "400 for bytes that are not HTTP");
    /* More clients than connections served, each holding its connection
     * without a word: the server keeps its slots and the rest wait in the
     * listen queue; once they go, it serves again. */
    for (int i = 0; i < HTTPD_CONN_MAX + 4; i++)
        held[i] = dial();
    for (int i = 0; i < HTTPD_CONN_MAX + 4; i++)
        if (held[i] >= 0)
            close(held[i]);
    ask("GET /metrics HTTP/1.0\r\n\r\n", 25, out, sizeof(out));
    ok(strncmp(out, "HTTP/1.0 200 OK\r\n", 17) == 0, "served again after %d silent clients went away",
       HTTPD_CONN_MAX + 4);
    {
        /* A client that sends half a request and closes. */
        int fd = dial();

        ok(fd >= 0 && write(fd, "GET /met", 8) == 8, "half a request");
        close(fd);
        ask("GET /metrics HTTP/1.0\r\n\r\n", 25, out, sizeof(out));
        ok(strncmp(out, "HTTP/1.0 200 OK\r\n", 17) == 0, "served after a client left in the middle");
    }
    httpd_stop(h);
    unlink(sockpath);
    return done_testing();
}
