/* track_input.c - streaming the lines of logs; see track_input.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "track_input.h"

#define BUFSIZE (1 << 20)

struct tinput {
    const char *const *paths;
    int n, cur;                 /* the file being read: paths[cur]; cur == -1 before the first */
    int fd;
    pid_t gzip;                 /* the gzip -dc reading it, or 0 */
    char *buf;
    size_t start, end;          /* unread bytes: buf[start..end) */
    int eof;
    int skipping;               /* in the rest of a line cut short */
    unsigned long cut;
};

struct tinput *tinput_new(const char *const *paths, int n)
{
    struct tinput *in = xcalloc(1, sizeof(*in));

    in->paths = paths, in->n = n, in->cur = -1, in->fd = -1;
    in->buf = xmalloc(BUFSIZE);
    return in;
}

const char *tinput_name(const struct tinput *in)
{
    return in->cur >= 0 && in->cur < in->n ? (strcmp(in->paths[in->cur], "-") == 0 ? "(standard input)"
                                              : in->paths[in->cur]) : "";
}

unsigned long tinput_cut(const struct tinput *in) { return in->cut; }

/* The gzip that ends with this file: its status, reported when it failed. */
static int close_file(struct tinput *in)
{
    int status, rc = 0;

    if (in->fd > STDIN_FILENO)
        close(in->fd);
    in->fd = -1;
    if (in->gzip > 0) {
        if (waitpid(in->gzip, &status, 0) == in->gzip && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            msg_error("%s: gzip -dc failed (%s %d): a corrupt or cut compressed file", tinput_name(in),
                      WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            rc = -1;
        }
        in->gzip = 0;
    }
    return rc;
}

/* FD is gzip data: read it through gzip -dc instead. */
static int through_gzip(struct tinput *in, int fd)
{
    int p[2];

    if (pipe(p) < 0)
        return -1;
    if ((in->gzip = fork()) < 0) {
        close(p[0]), close(p[1]);
        return -1;
    }
    if (in->gzip == 0) {
        dup2(fd, STDIN_FILENO);
        dup2(p[1], STDOUT_FILENO);
        close(p[0]), close(p[1]), close(fd);
        execlp("gzip", "gzip", "-dc", (char *) NULL);
        _exit(127);
    }
    close(p[1]);
    close(fd);
    in->fd = p[0];
    return 0;
}

/* Open the next file: 1, 0 when there is none, -1 when it cannot be read. */
static int open_next(struct tinput *in)
{
    const char *path;
    unsigned char magic[2];
    int fd;

    if (close_file(in) < 0)
        return -1;
    if (++in->cur >= in->n)
        return 0;
    path = in->paths[in->cur];
    in->start = in->end = 0;
    in->eof = in->skipping = 0;
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
        return 1;
    }
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        msg_error("%s: %m", path);
        return -1;
    }
    if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        if (through_gzip(in, fd) < 0) {
            msg_error("%s: cannot start gzip -dc: %m", path);
            close(fd);
            return -1;
        }
        return 1;
    }
    in->fd = fd;
    return 1;
}

/* More bytes into the buffer: 1, or 0 at the end of the file. */
static int fill(struct tinput *in)
{
    ssize_t n;

    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    do
        n = read(in->fd, in->buf + in->end, BUFSIZE - in->end);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        msg_error("%s: %m", tinput_name(in));
    if (n <= 0) {
        in->eof = 1;
        return 0;
    }
    in->end += (size_t) n;
    return 1;
}

static void tidy(char *line, size_t *len)
{
    for (char *z = memchr(line, 0, *len); z; z = memchr(z, 0, *len - (size_t) (z - line)))
        *z = '?';
    if (*len && line[*len - 1] == '\r')
        (*len)--;
}

int tinput_next(struct tinput *in, char **line, size_t *len)
{
    for (;;) {
        char *p = in->buf + in->start, *nl;
        size_t have = in->end - in->start, n;
        int rc;

        if (in->fd < 0) {
            if ((rc = open_next(in)) <= 0)
                return rc;
            continue;
        }
        nl = memchr(p, '\n', have);
        if (in->skipping) {             /* the rest of a line cut short */
            if (nl) {
                in->start += (size_t) (nl - p) + 1;
                in->skipping = 0;
                continue;
            }
            in->start = in->end;
        } else if (nl || have >= TINPUT_LINE_MAX || (in->eof && have > 0)) {
            n = nl && (size_t) (nl - p) <= TINPUT_LINE_MAX ? (size_t) (nl - p) : have < TINPUT_LINE_MAX ? have
                : TINPUT_LINE_MAX;
            if (nl && (size_t) (nl - p) == n) {
                in->start += n + 1;
            } else if (n == TINPUT_LINE_MAX) {
                in->cut++;
                in->skipping = 1;
                in->start += n;
            } else {
                in->start += n;         /* the last line, without a newline */
            }
            *line = p, *len = n;
            tidy(p, len);
            return 1;
        }
        if (in->eof || !fill(in)) {
            in->skipping = 0;
            if ((rc = open_next(in)) <= 0)
                return rc;
        }
    }
}

void tinput_free(struct tinput *in)
{
    if (in == NULL)
        return;
    if (in->gzip > 0)
        kill(in->gzip, SIGTERM);
    close_file(in);
    free(in->buf);
    free(in);
}
