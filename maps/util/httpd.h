/* httpd.h - a minimal HTTP/1.0 responder for GET requests, served by a
 * thread of its own: what a daemon needs to answer a metrics scraper.
 *
 * One thread runs a poll() loop over the listening sockets and at most
 * HTTPD_CONN_MAX connections; every socket is non-blocking, so no client can
 * hold the thread: a request must be complete (request line and headers,
 * at most HTTPD_REQ_MAX bytes) within HTTPD_TIMEOUT seconds of the
 * connection, and the answer be taken within as long again, or the
 * connection is closed (408 when nothing was answered yet). A request that
 * cannot be HTTP (a byte no request line holds: TLS, binary garbage) is
 * answered 400 at once; other methods than GET and HEAD 405; a path the
 * handler does not know 404. Every answer closes the connection
 * (HTTP/1.0, Connection: close). This file knows no mail.
 */
#ifndef POGATE_HTTPD_H
#define POGATE_HTTPD_H

#include <stddef.h>

#include "buf.h"

#define HTTPD_REQ_MAX 8192
#define HTTPD_CONN_MAX 16
#define HTTPD_TIMEOUT 10

/* What the request reader found. */
struct http_request {
    char method[8];             /* "GET" or "HEAD" */
    char path[256];             /* the target's path, without a query */
    size_t length;              /* bytes of the request, its empty line included */
};

/* Read the request at BUF (LEN bytes received so far): 0 when it is not
 * complete yet (and may still become a request), 200 when it is (REQ filled),
 * else the status to answer: 400 (not HTTP, malformed), 405 (another method),
 * 414 (target too long), 431 (headers too long), 505 (not HTTP/1.x). */
int http_request_parse(const char *buf, size_t len, struct http_request *req);

/* The handler: the body for PATH into BODY and its Content-Type into *TYPE;
 * returns the status (200, or 404 for a path it does not serve). Called on
 * the server's thread. */
typedef int (*httpd_handler)(void *arg, const char *path, buf_t *body, const char **type);

struct httpd;

/* Serve the listening sockets FDS[0..N-1] (made by the caller, closed by
 * httpd_stop) on a new thread, logging as WHAT ("metrics"). */
struct httpd *httpd_start(const int *fds, int n, const char *what, httpd_handler fn, void *arg);

/* Stop the thread, close every socket, free H (NULL is fine). */
void httpd_stop(struct httpd *h);

#endif
