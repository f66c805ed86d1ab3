/* deliver_write.c - write the files of one delivery: a new tmp file, the
 * prepended lines, the message, fsync; and the name each file gets in new/.
 * See deliver_write.h, and deliver.h for the whole picture.
 *
 * The message is read exactly once from a pipe: the first file written is
 * fed from the pipe, and every further file copies its message bytes from
 * that first file. From a regular file (an LMTP spool) each file reads its
 * own bytes with pread; from memory each file gets one writev of its
 * prepended lines and the message. The header scan (loop detection, the Received date)
 * and the message hash of the deterministic name (msgname.h) run on the
 * first copy, whichever source it comes from, and again on the next copy if
 * that one failed half-way. Linking the files is not done here
 * (deliver_commit.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buf.h"
#include "deliver_write.h"
#include "log.h"
#include "mailbag.h"
#include "mem.h"
#include "mime7.h"
#include "msgname.h"
#include "status.h"

int write_all(int fd, const char *p, size_t n)
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

void dmsg_init(struct dmsg *m, const struct deliver_params *p, int fd, const struct deliver_rcpt *r,
               int n, char *iobuf)
{
    struct stat st;

    memset(m, 0, sizeof(*m));
    m->p = p;
    m->fd = fd;
    m->mem = p->msg;
    m->mem_len = p->msg_len;
    m->is_file = m->mem != NULL || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    m->r = r;
    m->n = n;
    m->iobuf = iobuf;
    m->looped = xcalloc((size_t) n + 1, sizeof(int));
    m->key.qid_ok = msgname_qid_ok(p->queue_id);
}

void dmsg_free(struct dmsg *m)
{
    free(m->looped);
    m->looped = NULL;
}

int dmsg_looped(const struct dmsg *m, int i)
{
    return m->looped[i];
}

static void scan_found(void *ctx, const char *value)
{
    struct dmsg *m = ctx;

    for (int i = 0; i < m->n; i++) {
        const struct deliver_rcpt *r = &m->r[i];

        if (!dstatus_is_pending(&r->st))
            continue;
        if ((r->mbx.address[0] && strcasecmp(value, r->mbx.address) == 0)
            || strcasecmp(value, r->address) == 0)
            m->looped[i] = 1;
    }
}

/* The first Received header naming the queue id dates the message. */
static void scan_received(void *ctx, const char *value, size_t len)
{
    struct dmsg *m = ctx;

    if (m->key.when_state == 0)
        m->key.when_state = msgname_received(value, len, m->p->queue_id, &m->key.when);
}

static void scan_begin(struct dmsg *m)
{
    hdrscan_init(&m->scan, scan_found, m);
    if (m->key.qid_ok)
        hdrscan_on_received(&m->scan, scan_received);
    m->key.hash = MSGNAME_HASH_INIT;
    m->key.when_state = 0;
    m->key.hashed = 0;
}

static void prefix(const struct dmsg *m, const struct dgroup *g, buf_t *b)
{
    const struct deliver_rcpt *one = &m->r[g->members[0]];

    if (g->bag)
        mailbag_envelope(b, m->p->sender, g->po, m->p->queue_id, m->r, g->members, g->n);
    buf_puts(b, "Return-Path: <");
    mailbag_safe(b, m->p->sender);
    buf_puts(b, ">\n");
    if (g->n == 1) {            /* several would show Bcc recipients to each other */
        buf_puts(b, "Delivered-To: ");
        mailbag_safe(b, one->mbx.address[0] ? one->mbx.address : one->address);
        buf_putc(b, '\n');
    }
}

/* The scanner and the hash over LEN message bytes at DATA (the first copy). */
static void scan_feed(struct dmsg *m, const char *data, size_t len)
{
    hdrscan_feed(&m->scan, data, len);
    m->key.hash = msgname_hash(m->key.hash, data, len);
}

/* One chunk of message bytes into F (and the scanner on the first copy). */
static int put(struct dmsg *m, struct dfile *f, size_t len, int scan)
{
    if (scan)
        scan_feed(m, m->iobuf, len);
    f->size += (long long) len;
    return write_all(f->fd, m->iobuf, len);
}

/* writev(2) all of IOV[0..N-1] to FD (the vector is consumed): 0, or -1 with errno. */
static int writev_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        while (n > 0 && (size_t) w >= iov->iov_len) {
            w -= (ssize_t) iov->iov_len;
            iov++, n--;
        }
        if (n > 0) {
            iov->iov_base = (char *) iov->iov_base + w;
            iov->iov_len -= (size_t) w;
        }
    }
    return 0;
}

/* A message in memory: the prepended lines B and the message into F in one
 * writev, scanned on the first copy. 0, or -1 with F->st set. */
static int write_mem(struct dmsg *m, struct dfile *f, const buf_t *b)
{
    struct iovec iov[2] = { { b->data, b->len }, { (char *) m->mem, m->mem_len } };

    if (!m->scanned) {
        scan_begin(m);
        scan_feed(m, m->mem, m->mem_len);
        hdrscan_end(&m->scan);
        m->key.hashed = 1;
        m->scanned = 1;
    }
    f->hdrlen = (long long) b->len;
    f->size = f->received = (long long) m->mem_len;
    if (writev_all(f->fd, iov, 2) < 0) {
        dstatus_errno(&f->st, errno);
        return -1;
    }
    return 0;
}

/* The scanned copy failed half-way: a spool file can be read again by the
 * next group's copy, which then scans and hashes from the start. -1. */
static int rescan(struct dmsg *m, int scan)
{
    int saved = errno;

    if (scan && m->is_file)
        m->scanned = 0;
    errno = saved;
    return -1;
}

/* Where F's bytes come from: the pipe or the spool file (SRC, from offset
 * 0), or the pipe's first copy (its message bytes, [*OFF, *END)). 0, or -1
 * (errno EIO, F->st set) when that first copy failed. */
static int source(struct dmsg *m, struct dfile *f, int *src, long long *off, long long *end)
{
    *src = m->fd;
    *off = 0;
    *end = -1;
    if (!m->is_file && m->stream != NULL) {     /* the pipe is spent: copy the copy */
        const struct dfile *s = m->stream;

        if (!s->written) {
            f->st = s->st;
            errno = EIO;
            return -1;
        }
        *src = s->raw_fd >= 0 ? s->raw_fd : s->fd;     /* the bytes as received */
        *off = s->raw_fd >= 0 ? 0 : s->hdrlen;
        *end = *off + s->received;
    } else if (!m->is_file) {
        m->stream = f;
    }
    return 0;
}

/* Copy the message into F. 0, or -1 with F->st set (errno kept). */
static int copy_body(struct dmsg *m, struct dfile *f)
{
    int scan = !m->scanned, src;
    long long off, end;
    ssize_t got;

    if (scan)
        scan_begin(m);
    m->scanned = 1;
    if (source(m, f, &src, &off, &end) < 0)
        return -1;
    for (;;) {
        size_t want = DELIVER_IOBUF;

        if (end >= 0 && end - off < (long long) want)
            want = (size_t) (end - off);
        if (want == 0)
            break;
        got = (src == m->fd && !m->is_file) ? read(src, m->iobuf, want) : pread(src, m->iobuf, want, off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            dstatus_set(&f->st, "4.3.0", "error reading the message: %s", strerror(errno));
            return rescan(m, scan);
        }
        if (got == 0)
            break;
        off += got;
        if (put(m, f, (size_t) got, scan) < 0) {
            dstatus_errno(&f->st, errno);
            return rescan(m, scan);
        }
    }
    if (scan) {
        hdrscan_end(&m->scan);
        m->key.hashed = 1;
    }
    f->received = f->size;
    return 0;
}

/* The message as received, for the converter: in memory (scanned here on
 * the first copy), or copied into a spool file in G's tmp/ that is
 * unlinked at once (only F->raw_fd keeps it; later files of a pipe copy
 * from it). 0, or -1 with F->st set. */
static int raw_source(struct dmsg *m, const struct dgroup *g, struct dfile *f, struct mime7_src *src)
{
    struct dfile sp = DFILE_INIT;
    char name[STOREFS_NAME_MAX];
    int rc;

    if (m->mem != NULL) {
        if (!m->scanned) {
            scan_begin(m);
            scan_feed(m, m->mem, m->mem_len);
            hdrscan_end(&m->scan);
            m->key.hashed = m->scanned = 1;
        }
        *src = (struct mime7_src) { .fd = -1, .mem = m->mem, .len = (long long) m->mem_len };
        f->received = (long long) m->mem_len;
        return 0;
    }
    sp.fd = storefs_tmpfile(g->tmpdir, name, sizeof(name), &sp.anon);
    if (sp.fd < 0 || (!sp.anon && unlinkat(g->tmpdir, name, 0) < 0)) {
        dstatus_errno(&f->st, errno);
        if (sp.fd >= 0)
            close(sp.fd);
        return -1;
    }
    f->raw_fd = sp.fd;
    rc = copy_body(m, &sp);
    if (m->stream == &sp)       /* later files copy the pipe's bytes from F->raw_fd */
        m->stream = f;
    f->received = sp.size;
    if (rc < 0) {
        f->st = sp.st;
        return -1;
    }
    *src = (struct mime7_src) { .fd = f->raw_fd, .len = sp.size };
    return 0;
}

/* content=7bit: the message converted into F after its prepended lines. */
static int write_converted(struct dmsg *m, const struct dgroup *g, struct dfile *f, const struct po *po)
{
    struct mime7_policy policy = { .max_line = po->max_line ? po->max_line : MIME7_LINE_MAX,
        .charset = po->charset };
    struct mime7_src src;

    if (raw_source(m, g, f, &src) < 0)
        return -1;
    if (mime7_convert(&policy, &src, f->fd, &f->size) == MIME7_FAILED) {
        dstatus_errno(&f->st, errno);
        return -1;
    }
    return 0;
}

static void where(const struct dmsg *m, const struct dgroup *g, const struct dfile *f, buf_t *b)
{
    const char *name = f->anon ? "(unnamed)" : f->tmpname;

    if (g->bag)
        buf_printf(b, "%s/mailbag/tmp/%s", g->dir, name);
    else
        buf_printf(b, "%s/mailboxes/%s/tmp/%s", g->po, m->r[g->owner].mbx.name, name);
}

int dfile_write(struct dmsg *m, const struct dgroup *g, struct dfile *f)
{
    const struct po *po = &m->r[g->members[0]].po;
    buf_t b = BUF_INIT;
    int saved;

    f->fd = storefs_tmpfile(g->tmpdir, f->tmpname, sizeof(f->tmpname), &f->anon);
    if (f->fd < 0) {
        f->tmpname[0] = 0;      /* nothing to unlink */
        dstatus_errno(&f->st, errno);
        goto fail;
    }
    prefix(m, g, &b);
    if (po->content == PO_CONTENT_7BIT) {
        f->hdrlen = (long long) b.len;
        if (write_all(f->fd, b.data, b.len) < 0) {
            dstatus_errno(&f->st, errno);
            goto fail;
        }
        if (write_converted(m, g, f, po) < 0)
            goto fail;
    } else if (m->mem != NULL) {
        if (write_mem(m, f, &b) < 0)
            goto fail;
    } else {
        f->hdrlen = (long long) b.len;
        if (write_all(f->fd, b.data, b.len) < 0) {
            dstatus_errno(&f->st, errno);
            goto fail;
        }
        if (copy_body(m, f) < 0)
            goto fail;
    }
    if (fsync(f->fd) < 0) {
        dstatus_errno(&f->st, errno);
        goto fail;
    }
    buf_free(&b);
    f->written = 1;
    return 0;

fail:
    saved = errno;
    buf_reset(&b);
    where(m, g, f, &b);
    errno = saved;
    msg_warn("%s: %s (%m)", b.data, f->st.text);
    buf_free(&b);
    return -1;
}

int dfile_close(const struct dgroup *g, struct dfile *f)
{
    int rc = 0;

    if (f->raw_fd >= 0)
        close(f->raw_fd);       /* unlinked, unread from now on */
    f->raw_fd = -1;
    if (f->anon && f->written)
        return 0;               /* the file itself until linked: dfile_remove() closes it */
    if (f->fd >= 0 && close(f->fd) < 0 && f->written) {
        dstatus_errno(&f->st, errno);
        msg_warn("%s: closing %s: %m", g->dir, f->tmpname);
        rc = -1;
    }
    f->fd = -1;
    return rc;
}

void dfile_remove(const struct dgroup *g, struct dfile *f)
{
    if (f->anon) {
        /* fsync has told of any write error; the links hold the file now. */
        if (f->fd >= 0)
            (void) close(f->fd);
        f->fd = -1;
    } else if (f->tmpname[0] && g->tmpdir >= 0 && unlinkat(g->tmpdir, f->tmpname, 0) < 0) {
        msg_warn("%s: unlinking tmp/%s: %m", g->dir, f->tmpname);
    }
}

/* Deterministic names possible: a usable queue id, a whole hash, a Received date. */
static int stable(const struct dmsg *m)
{
    return m->key.qid_ok && m->key.hashed && m->key.when_state == 1;
}

#define NAME_MODE "unique file names: a retry after an interrupted delivery may store a second copy"

void dmsg_log_unique(const struct dmsg *m)
{
    const char *qid = m->p->queue_id;

    if (stable(m))
        return;
    if (qid == NULL || *qid == 0)
        msg_info("%s (no queue id)", NAME_MODE);
    else if (!m->key.qid_ok)
        msg_info("%s (queue id not 1-63 letters and digits)", NAME_MODE);
    else if (m->key.when_state == 0)
        msg_info("%s (no Received header names id %s)", NAME_MODE, qid);
    else
        msg_info("%s (the date of the Received header naming id %s does not parse)", NAME_MODE, qid);
}

/* G's hash: the message, where it was received, and a mailbag file's own
 * recipients (a bag file of a subset of them is a different file). */
static uint64_t group_hash(const struct dmsg *m, const struct dgroup *g)
{
    char when[32];
    uint64_t h = m->key.hash;

    snprintf(when, sizeof(when), "%lld", m->key.when);
    h = msgname_hash_str(msgname_hash_str(msgname_hash_str(h, storefs_host()), m->p->queue_id), when);
    if (g->bag) {
        h = msgname_hash_str(h, g->po);
        for (int k = 0; k < g->n; k++) {
            const struct deliver_rcpt *r = &m->r[g->members[k]];

            h = msgname_hash_str(msgname_hash_str(h, r->mbx.address[0] ? r->mbx.address : r->address),
                                 r->mbx.name);
        }
    }
    return msgname_final(h);
}

int dfile_name(const struct dmsg *m, const struct dgroup *g, const struct dfile *f, char *name,
               size_t size)
{
    long long bytes = f->hdrlen + f->size;

    if (stable(m) && msgname_format(name, size, m->key.when, m->p->queue_id, group_hash(m, g),
                                    storefs_host(), bytes) == 0)
        return 1;
    snprintf(name, size, "%s,S=%lld", f->tmpname, bytes);
    return 0;
}
