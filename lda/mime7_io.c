/* mime7_io.c - the converter's input by lines and its buffered output; see
 * mime7_int.h. A line is read in M7_CHUNK pieces whatever its length: the
 * reader keeps its first MIME7_KEEP bytes and measures the rest (length,
 * 8-bit bytes, whether they are UTF-8), so a 50 MB line costs no memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "mime7_int.h"

int m7_pread(const struct mime7_src *s, long long off, char *p, size_t len)
{
    if (s->mem != NULL) {
        memcpy(p, s->mem + off, len);
        return 0;
    }
    while (len > 0) {
        ssize_t got = pread(s->fd, p, len, (off_t) off);

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO;    /* the source is shorter than it said */
            return -1;
        }
        p += got, off += got, len -= (size_t) got;
    }
    return 0;
}

void m7rd_init(struct m7rd *r, const struct mime7_src *s)
{
    memset(r, 0, sizeof(*r));
    r->s = s;
    r->buf = xmalloc(M7_CHUNK);
}

void m7rd_free(struct m7rd *r)
{
    free(r->buf);
    r->buf = NULL;
}

static int fill(struct m7rd *r)
{
    long long at = r->base + (long long) r->end, left = r->s->len - at;
    size_t want = left < M7_CHUNK ? (size_t) left : M7_CHUNK;

    if (want == 0)
        return 0;
    if (m7_pread(r->s, at, r->buf, want) < 0)
        return -1;
    r->base = at;
    r->pos = 0;
    r->end = want;
    return 1;
}

/* Bytes of a UTF-8 sequence still owed after lead byte C (0: not a lead). */
static int utf8_more(unsigned char c)
{
    return c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
}

/* Account for bytes P[0..N-1] of line L (AT_END: a LF follows them); *NEED
 * is the UTF-8 state. Overlongs and surrogates pass here: what matters is
 * only which charset label the bytes can carry. */
static void measure(struct m7line *l, const char *p, size_t n, int *need, int at_end)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) p[i];

        if (c < 0x80) {
            if (*need)
                l->bad8 = 1, *need = 0;
            if (c == 0 || (c == '\r' && !(i + 1 < n ? p[i + 1] == '\n' : at_end)))
                l->bin = 1;
            continue;
        }
        l->has8 = 1;
        if (*need && c <= 0xbf) {
            (*need)--;
            continue;
        }
        if (*need)
            l->bad8 = 1;        /* a sequence cut short */
        if ((*need = utf8_more(c)) == 0)
            l->bad8 = 1;
    }
}

int m7rd_line(struct m7rd *r, struct m7line *l)
{
    int need = 0, rc;

    l->off = r->base + (long long) r->pos;
    l->len = 0, l->eol = 0, l->has8 = l->bin = l->bad8 = 0, l->kept = 0;
    for (;;) {
        if (r->pos == r->end && (rc = fill(r)) <= 0) {
            if (rc < 0)
                return -1;
            break;
        }
        const char *p = r->buf + r->pos, *nl = memchr(p, '\n', r->end - r->pos);
        size_t n = nl ? (size_t) (nl - p) : r->end - r->pos;

        measure(l, p, n, &need, nl != NULL);
        if (l->kept < MIME7_KEEP) {
            size_t k = n < MIME7_KEEP - l->kept ? n : MIME7_KEEP - l->kept;

            memcpy(l->text + l->kept, p, k);
            l->kept += k;
        }
        l->len += (long long) n;
        r->pos += n + (nl != NULL);
        if (nl) {
            l->eol = 1;
            break;
        }
    }
    if (need)
        l->bad8 = 1;
    if (l->len == 0 && l->eol == 0)
        return 0;
    if (l->eol && l->len > 0 && l->kept == (size_t) l->len && l->text[l->kept - 1] == '\r') {
        l->eol = 2, l->len--, l->kept--;
    } else if (l->eol && l->len > 0 && l->kept < (size_t) l->len) {
        char last;              /* the CR of a long line's end is past text[] */

        if (m7_pread(r->s, l->off + l->len - 1, &last, 1) < 0)
            return -1;
        if (last == '\r')
            l->eol = 2, l->len--;
    }
    return 1;
}

void m7out_init(struct m7out *o, int fd)
{
    memset(o, 0, sizeof(*o));
    o->fd = fd;
    o->buf = xmalloc(M7_CHUNK);
}

void m7out_free(struct m7out *o)
{
    free(o->buf);
    o->buf = NULL;
}

int m7out_flush(struct m7out *o)
{
    size_t at = 0;

    while (at < o->n && !o->err) {
        ssize_t w = write(o->fd, o->buf + at, o->n - at);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            o->err = errno;
        else
            at += (size_t) w;
    }
    o->n = 0;
    errno = o->err;
    return o->err ? -1 : 0;
}

void m7out_put(struct m7out *o, const char *p, size_t n)
{
    o->total += (long long) n;
    while (n > 0) {
        size_t k = M7_CHUNK - o->n < n ? M7_CHUNK - o->n : n;

        memcpy(o->buf + o->n, p, k);
        o->n += k, p += k, n -= k;
        if (o->n == M7_CHUNK)
            (void) m7out_flush(o);
    }
}

int m7_copy(const struct mime7_src *s, long long from, long long to, struct m7out *o)
{
    if (s->mem != NULL) {
        m7out_put(o, s->mem + from, (size_t) (to - from));
        return 0;
    }
    while (from < to) {
        size_t k;

        if (o->n == M7_CHUNK)
            (void) m7out_flush(o);
        k = M7_CHUNK - o->n;
        if ((long long) k > to - from)
            k = (size_t) (to - from);
        if (m7_pread(s, from, o->buf + o->n, k) < 0)
            return -1;
        o->n += k, o->total += (long long) k, from += (long long) k;
    }
    return 0;
}
