/* null-lmtp.c - the ceiling of LMTP delivery for tests/bench/run P1 (n): an
 * LMTP server on a unix socket that speaks the protocol Postfix's lmtp
 * client needs (LHLO with PIPELINING, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
 * and stores nothing: each recipient of a message is answered 250 once its
 * final dot arrives, and one byte appended to COUNTFILE per message (its
 * size is what the benchmark counts as delivered, its ctime when). What
 * Postfix spends delivering to it is what any LMTP delivery agent costs
 * Postfix before writing a byte of the message: (c) and (f) cannot go faster
 * than (n). One thread per connection, as pogate-lmtp.
 *
 * usage: null-lmtp PATH COUNTFILE
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int count_fd;

struct conn {
    int fd;
    char buf[65536];
    size_t len, at;
};

static int put(int fd, const char *s)
{
    size_t n = strlen(s);

    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t) w;
    }
    return 0;
}

/* The next line (CRLF or LF stripped) into LINE; 0 at end of input. */
static int get_line(struct conn *c, char *line, size_t size)
{
    size_t o = 0;

    for (;;) {
        while (c->at < c->len) {
            char ch = c->buf[c->at++];

            if (ch == '\n') {
                if (o > 0 && line[o - 1] == '\r')
                    o--;
                line[o] = 0;
                return 1;
            }
            if (o + 1 < size)
                line[o++] = ch;
        }
        ssize_t r = read(c->fd, c->buf, sizeof(c->buf));

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        c->len = (size_t) r;
        c->at = 0;
    }
}

static int is_cmd(const char *line, const char *cmd)
{
    return strncasecmp(line, cmd, strlen(cmd)) == 0;
}

static void *serve(void *arg)
{
    struct conn *c = arg;
    char line[1024];
    int rcpts = 0;

    if (put(c->fd, "220 null-lmtp LMTP\r\n") < 0)
        goto out;
    while (get_line(c, line, sizeof(line))) {
        const char *reply = "250 2.0.0 ok\r\n";

        if (is_cmd(line, "LHLO")) {
            reply = "250-null-lmtp\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
        } else if (is_cmd(line, "MAIL") || is_cmd(line, "RSET")) {
            rcpts = 0;
        } else if (is_cmd(line, "RCPT")) {
            rcpts++;
        } else if (is_cmd(line, "DATA")) {
            if (put(c->fd, "354 go ahead\r\n") < 0)
                break;
            while (get_line(c, line, sizeof(line)) && strcmp(line, ".") != 0)
                ;
            for (; rcpts > 1; rcpts--)
                if (put(c->fd, reply) < 0)
                    goto out;
            rcpts = 0;
            if (write(count_fd, "\n", 1) != 1)
                perror("count file");
        } else if (is_cmd(line, "QUIT")) {
            put(c->fd, "221 2.0.0 bye\r\n");
            break;
        }
        if (put(c->fd, reply) < 0)
            break;
    }
out:
    close(c->fd);
    free(c);
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int s;

    if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: null-lmtp PATH COUNTFILE\n");
        return 2;
    }
    if ((count_fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        perror(argv[2]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    unlink(argv[1]);
    if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || bind(s, (struct sockaddr *) &sa, sizeof(sa)) < 0
        || listen(s, 128) < 0) {
        perror(argv[1]);
        return 1;
    }
    printf("null-lmtp: listening on %s\n", argv[1]);
    fflush(stdout);
    for (;;) {
        struct conn *c = calloc(1, sizeof(*c));
        pthread_t t;

        if (c == NULL || (c->fd = accept(s, NULL, NULL)) < 0) {
            free(c);
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("accept");
            return 1;
        }
        if (pthread_create(&t, NULL, serve, c) != 0) {
            close(c->fd);
            free(c);
            continue;
        }
        pthread_detach(t);
    }
}
