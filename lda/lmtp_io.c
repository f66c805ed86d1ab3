/* lmtp_io.c - buffered, timed line I/O for the LMTP engine; see lmtp_io.h.
 *
 * Output is flushed only when a read would otherwise block (RFC 2920: the
 * server may hold replies while more pipelined commands are waiting).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lmtp_io.h"
#include "mem.h"

#define LMTP_IBUF 16384

struct lmtp_io {
    int in_fd;
    int out_fd;
    int stop_fd;
    size_t ipos;                /* next unread byte in ibuf */
    size_t ilen;                /* bytes held in ibuf */
    int eof;
    buf_t out;
    char ibuf[LMTP_IBUF];
};

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0 && !(fl & O_NONBLOCK))
        (void) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct lmtp_io *lmtp_io_new(int in_fd, int out_fd, int stop_fd)
{
    struct lmtp_io *io = xcalloc(1, sizeof(*io));

    io->in_fd = in_fd;
    io->out_fd = out_fd;
    io->stop_fd = stop_fd;
    buf_init(&io->out);
    set_nonblock(in_fd);
    set_nonblock(out_fd);
    return io;
}

void lmtp_io_free(struct lmtp_io *io)
{
    if (io == NULL)
        return;
    buf_free(&io->out);
    free(io);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for EVENTS on FD until DEADLINE (ms); 1 ready, 0 timeout, -1 error, 2 stop. */
static int wait_fd(int fd, short events, long long deadline, int stop_fd)
{
    for (;;) {
        struct pollfd pfd[2] = { { fd, events, 0 }, { stop_fd, POLLIN, 0 } };
        long long left = deadline - now_ms();
        int n;

        if (left <= 0)
            return 0;
        n = poll(pfd, stop_fd >= 0 ? 2 : 1, left > 60000 ? 60000 : (int) left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            continue;
        if (stop_fd >= 0 && (pfd[1].revents & POLLIN) && !(pfd[0].revents & events))
            return 2;
        if (pfd[0].revents)
            return 1;
    }
}

static int flush_until(struct lmtp_io *io, long long deadline)
{
    size_t done = 0;

    while (done < io->out.len) {
        ssize_t n = write(io->out_fd, io->out.data + done, io->out.len - done);

        if (n > 0) {
            done += (size_t) n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(io->out_fd, POLLOUT, deadline, -1) != 1)
                return -1;
        } else {
            return -1;
        }
    }
    buf_reset(&io->out);
    return 0;
}

int lmtp_io_flush(struct lmtp_io *io, int timeout)
{
    return flush_until(io, now_ms() + (long long) timeout * 1000);
}

void lmtp_io_put(struct lmtp_io *io, const char *data, size_t len)
{
    buf_append(&io->out, data, len);
}

/* Refill ibuf, flushing queued replies first. */
static enum lmtp_io_status fill(struct lmtp_io *io, long long deadline, int watch_stop)
{
    if (io->out.len > 0 && flush_until(io, deadline) < 0)
        return LMTP_IO_ERROR;
    io->ipos = io->ilen = 0;
    for (;;) {
        ssize_t n = read(io->in_fd, io->ibuf, sizeof(io->ibuf));

        if (n > 0) {
            io->ilen = (size_t) n;
            return LMTP_IO_LINE;
        }
        if (n == 0) {
            io->eof = 1;
            return LMTP_IO_EOF;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return LMTP_IO_ERROR;
        switch (wait_fd(io->in_fd, POLLIN, deadline, watch_stop ? io->stop_fd : -1)) {
        case 0:
            return LMTP_IO_TIMEOUT;
        case 2:
            return LMTP_IO_STOP;
        case -1:
            return LMTP_IO_ERROR;
        }
    }
}

enum lmtp_io_status lmtp_io_getline(struct lmtp_io *io, buf_t *line, size_t max, int timeout,
                                    int watch_stop, int *has_nul)
{
    long long deadline = now_ms() + (long long) timeout * 1000;
    size_t limit = max > 2 ? max - 2 : 0;       /* content bytes, CRLF excluded */
    int toolong = 0;

    buf_reset(line);
    *has_nul = 0;
    for (;;) {
        char *start = io->ibuf + io->ipos;
        size_t avail = io->ilen - io->ipos;
        char *lf = memchr(start, '\n', avail);
        size_t take = lf ? (size_t) (lf - start) : avail;
        enum lmtp_io_status st;

        if (!toolong && line->len + take > limit + 1) {
            toolong = 1;        /* +1: a CR may still be stripped below */
            buf_reset(line);
        }
        if (!toolong) {
            if (memchr(start, '\0', take) != NULL)
                *has_nul = 1;
            buf_append(line, start, take);
        }
        io->ipos += take + (lf != NULL);
        if (lf != NULL)
            break;
        if (io->eof)
            return LMTP_IO_EOF;
        if ((st = fill(io, deadline, watch_stop && line->len == 0 && !toolong)) != LMTP_IO_LINE)
            return st;
    }
    if (toolong)
        return LMTP_IO_TOOLONG;
    if (line->len > 0 && line->data[line->len - 1] == '\r')
        buf_truncate(line, line->len - 1);
    return line->len > limit ? LMTP_IO_TOOLONG : LMTP_IO_LINE;
}
