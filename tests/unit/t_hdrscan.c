/* t_hdrscan.c - unit tests of lda/hdrscan.c: Delivered-To values found in a
 * streamed header section, whatever the chunk boundaries, folding or CRLF. */
#include <string.h>

#include "buf.h"
#include "hdrscan.h"
#include "tap.h"

static char found[8][HDRSCAN_LINE_MAX + 1];
static int nfound;

static void cb(void *ctx, const char *v)
{
    (void) ctx;
    if (nfound < 8)
        str_copy(found[nfound++], v, sizeof(found[0]));
}

static char rcvd[4][HDRSCAN_LINE_MAX + 1];
static int nrcvd, want_received;

static void on_rcvd(void *ctx, const char *v, size_t len)
{
    (void) ctx;
    if (nrcvd < 4 && strlen(v) == len)
        str_copy(rcvd[nrcvd++], v, sizeof(rcvd[0]));
}

/* Feed M in chunks of STEP bytes; the number of values found. */
static int scan(const char *m, size_t step)
{
    struct hdrscan h;
    size_t len = strlen(m);

    nfound = nrcvd = 0;
    hdrscan_init(&h, cb, NULL);
    if (want_received)
        hdrscan_on_received(&h, on_rcvd);
    for (size_t i = 0; i < len; i += step)
        hdrscan_feed(&h, m + i, len - i < step ? len - i : step);
    hdrscan_end(&h);
    return nfound;
}

int main(void)
{
    const char *m = "Received: from x\n\tby y\nDELIVERED-TO: a@b.example\r\n"
        "Delivered-To:\n <c@d.example> \nX-Delivered-To: no@no\nSubject: s\n\nDelivered-To: body@no\n";
    int all = 1;

    is_int(scan(m, 1000), 2, "two Delivered-To headers found, none in the body or X- headers");
    is_str(found[0], "a@b.example", "CRLF line, upper-case name");
    is_str(found[1], "c@d.example", "folded value, brackets and blanks removed");
    for (size_t step = 1; step < 40; step++)
        all &= scan(m, step) == 2 && strcmp(found[1], "c@d.example") == 0;
    ok(all, "same result at every chunk size from 1 to 39");
    is_int(scan("Delivered-To: last@x", 3), 1, "a last header without line end is seen");
    is_str(found[0], "last@x", "its value");
    is_int(scan("Delivered-To : sp@x\n\n", 5), 1, "blank before the colon");
    is_int(scan("\nDelivered-To: x@y\n", 5), 0, "empty header section");
    {
        buf_t b = BUF_INIT;

        buf_puts(&b, "Delivered-To: ");
        for (int i = 0; i < HDRSCAN_LINE_MAX + 100; i++)
            buf_putc(&b, 'a');
        buf_puts(&b, "\nDelivered-To: ok@x\n\n");
        is_int(scan(b.data, 7), 1, "an over-long header is skipped, the next one found");
        is_str(found[0], "ok@x", "the next one");
        buf_free(&b);
    }
    want_received = 1;
    is_int(scan(m, 3), 2, "with the Received callback: Delivered-To still found");
    is_int(nrcvd, 1, "one Received header reported");
    is_str(rcvd[0], " from x\tby y", "its value after the colon, unfolded");
    is_int(scan("Received: a\r\n b\r\nreceived : c\n\nReceived: body\n", 1), 0, "two Received, CRLF");
    ok(nrcvd == 2 && strcmp(rcvd[0], " a b") == 0 && strcmp(rcvd[1], " c") == 0, "both values, none from the body");
    return done_testing();
}
