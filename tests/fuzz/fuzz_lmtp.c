/* fuzz_lmtp.c - libFuzzer target: the whole LMTP engine (lda/lmtp_proto.c,
 * lmtp_io.c, lmtp_parse.c) fed an arbitrary client byte stream.
 *
 * The input is written into one end of a socketpair and the write side shut,
 * then lmtp_serve() runs on the other end with a handler that accepts every
 * sender and recipient and "delivers" by reading the spool. Whatever the
 * bytes (NUL, no line ends, huge lines, DATA without end), the engine must
 * answer and return without a crash, a leak or undefined behaviour.
 * Inputs are capped so the replies always fit the socket buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "lmtp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long long f_max(void *ctx)
{
    (void) ctx;
    return 100000;
}

static int f_mail(void *ctx, const char *sender, long long size, buf_t *reply)
{
    (void) ctx, (void) sender, (void) size;
    buf_puts(reply, "250 2.1.0 Ok");
    return 250;
}

static int f_rcpt(void *ctx, const char *rcpt, buf_t *reply)
{
    (void) ctx;
    if (rcpt[0] == 'x') {
        buf_puts(reply, "550 5.1.1 no");
        return 550;
    }
    buf_puts(reply, "250 2.1.5 Ok");
    return 250;
}

static void f_data(void *ctx, const struct lmtp_msg *msg, int nrcpt, buf_t *replies)
{
    char tmp[4096];
    volatile char sink = 0;

    (void) ctx;
    for (long long i = 0; msg->data != NULL && i < msg->size; i++)
        sink ^= msg->data[i];
    while (msg->fd >= 0 && read(msg->fd, tmp, sizeof(tmp)) > 0)
        ;
    (void) sink;
    for (int i = 0; i < nrcpt; i++)
        buf_puts(&replies[i], "250 2.0.0 Ok");
}

static void f_reset(void *ctx)
{
    (void) ctx;
}

static const struct lmtp_handler handler = { f_max, f_mail, f_rcpt, f_data, f_reset };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small messages in memory, the rest spilled into the spool file. */
    struct lmtp_params p = { "fuzz.example", "/tmp", 1, 1, -1, 256 };
    char tmp[8192];
    int sv[2];

    if (size > 16384 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 0;
    if (write(sv[0], data, size) == (ssize_t) size) {
        shutdown(sv[0], SHUT_WR);
        (void) lmtp_serve(&p, &handler, NULL, sv[1], sv[1]);
    }
    close(sv[1]);
    while (read(sv[0], tmp, sizeof(tmp)) > 0)
        ;
    close(sv[0]);
    return 0;
}
