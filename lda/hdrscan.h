/* hdrscan.h - find Delivered-To (and Received) headers in a message while it
 * streams past.
 *
 * Loop detection must see the header section, but pogate-lda streams the
 * message and keeps no copy in memory: the scanner is fed the same chunks the
 * writer copies, keeps only the current (unfolded) header line, bounded, and
 * calls back with each Delivered-To value (trimmed, angle brackets removed).
 * With hdrscan_on_received(), each Received header's value (unfolded, not
 * trimmed) goes to a second callback: the deterministic file name of a
 * retried delivery takes its time from the MTA's Received header (msgname.h).
 * It stops looking at the first empty line. A CR before LF is ignored, so
 * CRLF input scans like LF input. A header longer than HDRSCAN_LINE_MAX
 * cannot hold an address pogate delivers to and is skipped.
 */
#ifndef POGATE_HDRSCAN_H
#define POGATE_HDRSCAN_H

#include <stddef.h>

#define HDRSCAN_LINE_MAX 2048   /* a Received header with TLS details fits */

struct hdrscan {
    void (*found)(void *ctx, const char *value);
    void *ctx;
    void (*received)(void *ctx, const char *value, size_t len);
    int state;                  /* private */
    int overflow;
    size_t len;
    char line[HDRSCAN_LINE_MAX + 1];
};

void hdrscan_init(struct hdrscan *h, void (*found)(void *ctx, const char *value), void *ctx);
/* Also report every Received header to FN (after hdrscan_init). */
void hdrscan_on_received(struct hdrscan *h, void (*fn)(void *ctx, const char *value, size_t len));

void hdrscan_feed(struct hdrscan *h, const char *data, size_t len);

/* The message ended: a last header without a line end is still looked at. */
void hdrscan_end(struct hdrscan *h);

/* 1 once the empty line ending the header section has been seen. */
int hdrscan_done(const struct hdrscan *h);

#endif
