/* lmtp_load.c - a small LMTP load client for pogate-lmtp's tests and benchmark.
 *
 * usage: lmtp_load -s unix:PATH|inet:PORT@HOST [-c CONNS] [-n MSGS] [-k KBYTES]
 *                  [-a ACKFILE] [-t TAG] RCPT...
 *
 * CONNS threads each open one connection, say LHLO once, then take message
 * numbers from a shared counter until MSGS are sent: MAIL, every RCPT and
 * DATA in one write (as Postfix's lmtp client does), wait for 354, send the
 * body, read one reply per accepted recipient. Each message carries
 * "Message-ID: <TAG.N@lmtp-load>". Every 2xx final reply is appended to
 * ACKFILE at once, as "TAG.N RCPT" (one write per line, unbuffered), so a test
 * that kills the server knows exactly what was acknowledged. Prints one line:
 * "sent N acked A failed F seconds S msg/s R".
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *spec, *tag = "m";
static char **rcpts;
static int nrcpt, conns = 1, total = 100, kbytes = 4, ackfd = -1;
static int next_msg, acked, failed, sent;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int dial(void)
{
    int fd;

    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };

        snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", spec + 5);
        if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
            return -1;
        return fd;
    } else {
        char port[16];
        const char *at = strchr(spec + 5, '@');
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;

        if (at == NULL || at - (spec + 5) >= (long) sizeof(port))
            return -1;
        snprintf(port, sizeof(port), "%.*s", (int) (at - (spec + 5)), spec + 5);
        if (getaddrinfo(at + 1, port, &hints, &res) != 0)
            return -1;
        fd = socket(res->ai_family, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        return fd;
    }
}

struct rd {
    int fd;
    char buf[8192];
    size_t pos, len;
};

/* One reply line (continuations skipped); its code, or -1 on EOF/error. */
static int reply(struct rd *r, char *line, size_t size)
{
    for (;;) {
        size_t n = 0;

        for (;;) {
            if (r->pos == r->len) {
                ssize_t got = read(r->fd, r->buf, sizeof(r->buf));

                if (got <= 0)
                    return -1;
                r->pos = 0;
                r->len = (size_t) got;
            }
            char c = r->buf[r->pos++];
            if (c == '\n')
                break;
            if (c != '\r' && n + 1 < size)
                line[n++] = c;
        }
        line[n] = '\0';
        if (n < 4 || line[3] != '-')
            return atoi(line);
    }
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static void ack(int msg, const char *rcpt, int good)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s.%d %s\n", tag, msg, rcpt);

    pthread_mutex_lock(&lock);
    if (good) {
        acked++;
        if (ackfd >= 0 && n > 0)
            if (write(ackfd, line, (size_t) n) != n)
                fprintf(stderr, "lmtp_load: ack file: %s\n", strerror(errno));
    } else {
        failed++;
    }
    pthread_mutex_unlock(&lock);
}

/* One transaction; -1 when the connection is unusable. */
static int one_message(struct rd *r, int msg, char *out, size_t outsize, const char *body)
{
    char line[1024];
    int len = snprintf(out, outsize, "MAIL FROM:<load@lmtp-load.example> SIZE=%d\r\n", kbytes * 1024);
    int ok[256], code;

    for (int i = 0; i < nrcpt; i++)
        len += snprintf(out + len, outsize - (size_t) len, "RCPT TO:<%s>\r\n", rcpts[i]);
    len += snprintf(out + len, outsize - (size_t) len, "DATA\r\n");
    if (send_all(r->fd, out, (size_t) len) < 0 || reply(r, line, sizeof(line)) / 100 != 2)
        return -1;
    for (int i = 0; i < nrcpt; i++)
        ok[i] = reply(r, line, sizeof(line)) / 100 == 2;
    if ((code = reply(r, line, sizeof(line))) != 354)
        return code < 0 ? -1 : 0;
    len = snprintf(out, outsize, "Message-ID: <%s.%d@lmtp-load>\r\nFrom: load@lmtp-load.example\r\n"
                   "Subject: load %s.%d\r\n\r\n", tag, msg, tag, msg);
    if (send_all(r->fd, out, (size_t) len) < 0 || send_all(r->fd, body, strlen(body)) < 0
        || send_all(r->fd, ".\r\n", 3) < 0)
        return -1;
    for (int i = 0; i < nrcpt; i++) {
        if (!ok[i])
            continue;
        if ((code = reply(r, line, sizeof(line))) < 0)
            return -1;
        ack(msg, rcpts[i], code / 100 == 2);
    }
    return 0;
}

static void *worker(void *arg)
{
    const char *body = arg;
    struct rd r = { .fd = dial() };
    char line[1024], *out = malloc(65536);

    if (r.fd < 0 || out == NULL || reply(&r, line, sizeof(line)) != 220
        || send_all(r.fd, "LHLO lmtp-load\r\n", 16) < 0 || reply(&r, line, sizeof(line)) != 250) {
        fprintf(stderr, "lmtp_load: cannot open a session on %s\n", spec);
        exit(75);
    }
    for (;;) {
        int msg;

        pthread_mutex_lock(&lock);
        msg = next_msg < total ? ++next_msg : 0;
        pthread_mutex_unlock(&lock);
        if (msg == 0 || one_message(&r, msg, out, 65536, body) < 0)
            break;
        pthread_mutex_lock(&lock);
        sent++;
        pthread_mutex_unlock(&lock);
    }
    (void) send_all(r.fd, "QUIT\r\n", 6);
    (void) reply(&r, line, sizeof(line));
    close(r.fd);
    free(out);
    return NULL;
}

static char *make_body(void)
{
    size_t want = (size_t) kbytes * 1024, n = 0;
    char *b = malloc(want + 80);

    while (b != NULL && n < want)
        n += (size_t) snprintf(b + n, 80, "%.70s\r\n",
                               "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmn");
    return b;
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    pthread_t *t;
    char *body;
    int c;
    double secs;

    while ((c = getopt(argc, argv, "s:c:n:k:a:t:")) != -1) {
        switch (c) {
        case 's': spec = optarg; break;
        case 'c': conns = atoi(optarg); break;
        case 'n': total = atoi(optarg); break;
        case 'k': kbytes = atoi(optarg); break;
        case 't': tag = optarg; break;
        case 'a':
            if ((ackfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
                perror(optarg);
                return 1;
            }
            break;
        default: goto usage;
        }
    }
    signal(SIGPIPE, SIG_IGN);   /* a server that hangs up is counted, not fatal */
    rcpts = argv + optind;
    nrcpt = argc - optind;
    if (spec == NULL || nrcpt < 1 || nrcpt > 256 || conns < 1 || (body = make_body()) == NULL)
        goto usage;
    t = calloc((size_t) conns, sizeof(*t));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < conns; i++)
        pthread_create(&t[i], NULL, worker, body);
    for (int i = 0; i < conns; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("sent %d acked %d failed %d seconds %.3f msg/s %.1f\n", sent, acked, failed, secs,
           secs > 0 ? sent / secs : 0.0);
    free(t);
    free(body);
    return 0;
usage:
    fprintf(stderr, "usage: lmtp_load -s unix:PATH|inet:PORT@HOST [-c CONNS] [-n MSGS] [-k KBYTES]"
            " [-a ACKFILE] [-t TAG] RCPT...\n");
    return 64;
}
