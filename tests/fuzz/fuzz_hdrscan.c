/* fuzz_hdrscan.c - libFuzzer target for the message header scanners of the
 * delivery agents: lda/hdrscan.c (Delivered-To and Received headers of a
 * message streaming past) and lda/lmtp_qid.c (the MTA's queue id in the
 * first Received header).
 *
 * Input: one octet choosing where to cut, then the message. Any input: no
 * crash, no read outside it (ASan). The scanner reports the same headers
 * whether the message comes in one piece or in many (a cut at any byte, then
 * odd-sized pieces), every value it reports is one line, and a queue id is
 * either empty or letters and digits, at most 63 of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hdrscan.h"
#include "lmtp_qid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void found(void *ctx, const char *value)
{
    if (strchr(value, '\n') != NULL)
        abort();
    buf_puts(ctx, "D:");
    buf_puts(ctx, value);
    buf_putc(ctx, '\n');
}

static void received(void *ctx, const char *value, size_t len)
{
    if (memchr(value, '\n', len) != NULL)
        abort();
    buf_printf(ctx, "R:%zu:", len);
    buf_append(ctx, value, len);
    buf_putc(ctx, '\n');
}

/* What the scanner reports of MSG fed whole (CUT = 0) or in pieces. */
static void scan(const char *msg, size_t len, size_t cut, buf_t *log)
{
    static struct hdrscan h;    /* a few KB: not on the stack */
    size_t off = 0, piece = 1;

    hdrscan_init(&h, found, log);
    hdrscan_on_received(&h, received);
    if (cut == 0) {
        hdrscan_feed(&h, msg, len);
    } else {
        hdrscan_feed(&h, msg, cut);
        for (off = cut; off < len; off += piece, piece = piece % 7 + 1)
            hdrscan_feed(&h, msg + off, piece < len - off ? piece : len - off);
    }
    hdrscan_end(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t whole = BUF_INIT, pieces = BUF_INIT;
    const char *msg = (const char *) data + 1;
    size_t len, cut;
    char qid[64];

    if (size < 1)
        return 0;
    len = size - 1;
    cut = len ? data[0] % len + 1 : 0;
    scan(msg, len, 0, &whole);
    scan(msg, len, cut, &pieces);
    if (whole.len != pieces.len || (whole.len && memcmp(whole.data, pieces.data, whole.len) != 0))
        abort();
    buf_free(&whole);
    buf_free(&pieces);

    if (lmtp_queue_id_buf(msg, len, qid, sizeof(qid)) == 0) {
        size_t n = strlen(qid);

        if (n == 0 || n > 63)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!((qid[i] >= 'a' && qid[i] <= 'z') || (qid[i] >= 'A' && qid[i] <= 'Z')
                  || (qid[i] >= '0' && qid[i] <= '9')))
                abort();
    } else if (qid[0] != '\0') {
        abort();
    }
    return 0;
}
