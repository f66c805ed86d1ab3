/* lmtp_io.h - buffered, timed line I/O for the LMTP engine (lmtp_proto.c).
 *
 * Input is read in large chunks and handed out a line at a time; output is
 * buffered and written only when the engine is about to wait for input that is
 * not there yet. That one rule is what makes PIPELINING safe and cheap: a
 * client's whole command group is answered in one write. Both descriptors are
 * non-blocking; every wait is a poll() with a deadline, so a silent or stuck
 * client costs a timeout, never a thread forever.
 */
#ifndef POGATE_LMTP_IO_H
#define POGATE_LMTP_IO_H

#include <stddef.h>

#include "buf.h"

enum lmtp_io_status {
    LMTP_IO_LINE,               /* a complete line, terminator stripped */
    LMTP_IO_TOOLONG,            /* the line was longer than allowed: skipped to its LF */
    LMTP_IO_EOF,
    LMTP_IO_TIMEOUT,
    LMTP_IO_ERROR,
    LMTP_IO_STOP                /* stop_fd became readable while waiting for input */
};

struct lmtp_io;

struct lmtp_io *lmtp_io_new(int in_fd, int out_fd, int stop_fd);
void lmtp_io_free(struct lmtp_io *io);

/* Read one line of at most MAX bytes counting a CRLF terminator. LF or CRLF
 * ends it (both stripped). *HAS_NUL tells whether the line held a NUL byte.
 * TIMEOUT is in seconds; WATCH_STOP lets stop_fd interrupt the wait. */
enum lmtp_io_status lmtp_io_getline(struct lmtp_io *io, buf_t *line, size_t max, int timeout,
                                    int watch_stop, int *has_nul);

/* Queue LEN bytes of output. */
void lmtp_io_put(struct lmtp_io *io, const char *data, size_t len);

/* Write out what is queued; 0, or -1 on error or after TIMEOUT seconds. */
int lmtp_io_flush(struct lmtp_io *io, int timeout);

#endif
