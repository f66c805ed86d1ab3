/* deliver_write.c - write one file of the delivery core: a new tmp file, the
 * prepended lines, the message, fsync. See deliver.h for the whole picture.
 *
 * The message is read exactly once from a pipe: the first file written is
 * fed from the pipe, and every further file copies its message bytes from
 * that first file. From a regular file (an LMTP spool) each file reads its
 * own bytes with pread. The header scan (loop detection, the Received date)
 * and the message hash of the deterministic name (msgname.h) run on the
 * first copy, whichever source it comes from, and again on the next copy if
 * that one failed half-way.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "deliver_int.h"
#include "log.h"
#include "mailbag.h"
#include "msgname.h"
#include "status.h"

int deliver_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static void scan_found(void *ctx, const char *value)
{
    struct job *j = ctx;

    for (int i = 0; i < j->n; i++) {
        const struct deliver_rcpt *r = &j->r[i];

        if (!dstatus_is_pending(&r->st))
            continue;
        if ((r->mbx.address[0] && strcasecmp(value, r->mbx.address) == 0)
            || strcasecmp(value, r->address) == 0)
            j->looped[i] = 1;
    }
}

/* The first Received header naming the queue id dates the message. */
static void scan_received(void *ctx, const char *value, size_t len)
{
    struct job *j = ctx;

    if (j->when_state == 0)
        j->when_state = msgname_received(value, len, j->p->queue_id, &j->when);
}

static void scan_begin(struct job *j)
{
    hdrscan_init(&j->scan, scan_found, j);
    if (j->qid_ok)
        hdrscan_on_received(&j->scan, scan_received);
    j->hash = MSGNAME_HASH_INIT;
    j->when_state = 0;
    j->hashed = 0;
}

static void prefix(const struct job *j, const struct group *g, buf_t *b)
{
    const struct deliver_rcpt *one = &j->r[j->members[g->first]];

    if (g->bag)
        mailbag_envelope(b, j->p->sender, g->po, j->p->queue_id, j->r, &j->members[g->first], g->n);
    buf_puts(b, "Return-Path: <");
    mailbag_safe(b, j->p->sender);
    buf_puts(b, ">\n");
    if (g->n == 1) {            /* several would show Bcc recipients to each other */
        buf_puts(b, "Delivered-To: ");
        mailbag_safe(b, one->mbx.address[0] ? one->mbx.address : one->address);
        buf_putc(b, '\n');
    }
}

/* One chunk of message bytes into G's file (and the scanner on the first copy). */
static int put(struct job *j, struct group *g, size_t len, int scan)
{
    if (scan) {
        hdrscan_feed(&j->scan, j->iobuf, len);
        j->hash = msgname_hash(j->hash, j->iobuf, len);
    }
    g->size += (long long) len;
    return deliver_write_all(g->fd, j->iobuf, len);
}

/* The scanned copy failed half-way: a spool file can be read again by the
 * next group's copy, which then scans and hashes from the start. -1. */
static int rescan(struct job *j, int scan)
{
    int saved = errno;

    if (scan && j->in_file)
        j->scanned = 0;
    errno = saved;
    return -1;
}

/* Copy the message into G's file. 0, or -1 with G->st set (errno kept). */
static int copy_body(struct job *j, struct group *g)
{
    int scan = !j->scanned, src = j->in;
    long long off = 0, end = -1;
    ssize_t got;

    if (scan)
        scan_begin(j);
    j->scanned = 1;
    if (!j->in_file && j->stream_group >= 0) {          /* the pipe is spent: copy the copy */
        const struct group *s = &j->g[j->stream_group];

        if (!s->written) {
            g->st = s->st;
            errno = EIO;
            return -1;
        }
        src = s->fd;
        off = s->hdrlen;
        end = s->hdrlen + s->size;
    } else if (!j->in_file) {
        j->stream_group = (int) (g - j->g);
    }
    for (;;) {
        size_t want = DELIVER_IOBUF;

        if (end >= 0 && end - off < (long long) want)
            want = (size_t) (end - off);
        if (want == 0)
            break;
        got = (src == j->in && !j->in_file) ? read(src, j->iobuf, want) : pread(src, j->iobuf, want, off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            dstatus_set(&g->st, "4.3.0", "error reading the message: %s", strerror(errno));
            return rescan(j, scan);
        }
        if (got == 0)
            break;
        off += got;
        if (put(j, g, (size_t) got, scan) < 0) {
            dstatus_errno(&g->st, errno);
            return rescan(j, scan);
        }
    }
    if (scan) {
        hdrscan_end(&j->scan);
        j->hashed = 1;
    }
    return 0;
}

static void where(const struct job *j, const struct group *g, buf_t *b)
{
    if (g->bag)
        buf_printf(b, "%s/mailbag/tmp/%s", g->dir, g->tmpname);
    else
        buf_printf(b, "%s/mailboxes/%s/tmp/%s", g->po, j->r[g->owner].mbx.name, g->tmpname);
}

int deliver_write(struct job *j, struct group *g)
{
    buf_t b = BUF_INIT;
    int saved;

    storefs_unique(g->tmpname, sizeof(g->tmpname));
    g->fd = openat(g->tmpdir, g->tmpname, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (g->fd < 0) {
        g->tmpname[0] = 0;      /* nothing to unlink */
        dstatus_errno(&g->st, errno);
        goto fail;
    }
    prefix(j, g, &b);
    g->hdrlen = (long long) b.len;
    if (deliver_write_all(g->fd, b.data, b.len) < 0) {
        dstatus_errno(&g->st, errno);
        goto fail;
    }
    if (copy_body(j, g) < 0)
        goto fail;
    if (fsync(g->fd) < 0) {
        dstatus_errno(&g->st, errno);
        goto fail;
    }
    buf_free(&b);
    g->written = 1;
    return 0;

fail:
    saved = errno;
    buf_reset(&b);
    where(j, g, &b);
    errno = saved;
    msg_warn("%s: %s (%m)", b.data, g->st.text);
    buf_free(&b);
    return -1;
}
