/* hdrscan.c - streaming Delivered-To and Received scanner; see hdrscan.h.
 *
 * A byte-at-a-time state machine: a header is only complete when the next
 * line does not start with white space (folding), so the decision about a
 * line is taken at the first byte of the following one.
 */
#include <string.h>

#include "hdrscan.h"

enum { HS_START, HS_LINE, HS_NEWLINE, HS_BODY };

void hdrscan_init(struct hdrscan *h, void (*found)(void *, const char *), void *ctx)
{
    memset(h, 0, sizeof(*h));
    h->found = found;
    h->ctx = ctx;
    h->state = HS_START;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

void hdrscan_on_received(struct hdrscan *h, void (*fn)(void *, const char *, size_t))
{
    h->received = fn;
}

/* Does h->line hold header NAME? The offset just after its colon, or 0. */
static size_t header_is(const struct hdrscan *h, const char *name)
{
    size_t i, n = strlen(name);

    if (h->len < n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char) h->line[i]) != name[i])
            return 0;
    while (i < h->len && (h->line[i] == ' ' || h->line[i] == '\t'))
        i++;
    return i < h->len && h->line[i] == ':' ? i + 1 : 0;
}

/* The header in h->line is complete: report it if it is Delivered-To or Received. */
static void finish(struct hdrscan *h)
{
    size_t i, end;
    char *v;

    if (h->overflow)
        goto out;
    if (h->received != NULL && (i = header_is(h, "received")) > 0) {
        h->line[h->len] = 0;
        h->received(h->ctx, h->line + i, h->len - i);
        goto out;
    }
    if ((i = header_is(h, "delivered-to")) == 0)
        goto out;
    for (; i < h->len && (h->line[i] == ' ' || h->line[i] == '\t'); i++)
        ;
    end = h->len;
    while (end > i && (h->line[end - 1] == ' ' || h->line[end - 1] == '\t'))
        end--;
    if (end > i + 1 && h->line[i] == '<' && h->line[end - 1] == '>') {
        i++;
        end--;
    }
    h->line[end] = 0;
    v = h->line + i;
    h->found(h->ctx, v);
out:
    h->len = 0;
    h->overflow = 0;
}

static void add(struct hdrscan *h, char c)
{
    if (h->len < HDRSCAN_LINE_MAX)
        h->line[h->len++] = c;
    else
        h->overflow = 1;
}

void hdrscan_feed(struct hdrscan *h, const char *data, size_t len)
{
    for (size_t i = 0; i < len && h->state != HS_BODY; i++) {
        char c = data[i];

        if (c == '\r')
            continue;
        switch (h->state) {
        case HS_START:
        case HS_NEWLINE:
            if (c == '\n') {            /* empty line: end of the header section */
                if (h->state == HS_NEWLINE)
                    finish(h);
                h->state = HS_BODY;
                break;
            }
            if (c == ' ' || c == '\t') {        /* folded: same header goes on */
                if (h->state == HS_NEWLINE)
                    add(h, c);
                h->state = HS_LINE;
                break;
            }
            if (h->state == HS_NEWLINE)
                finish(h);
            add(h, c);
            h->state = HS_LINE;
            break;
        case HS_LINE:
            if (c == '\n')
                h->state = HS_NEWLINE;
            else
                add(h, c);
            break;
        }
    }
}

void hdrscan_end(struct hdrscan *h)
{
    if (h->state == HS_LINE || h->state == HS_NEWLINE)
        finish(h);
    h->state = HS_BODY;
}

int hdrscan_done(const struct hdrscan *h)
{
    return h->state == HS_BODY;
}
