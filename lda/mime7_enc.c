/* mime7_enc.c - the encoders of the 7-bit converter: quoted-printable and
 * base64 bodies (RFC 2045 6.7 and 6.8), fed in pieces of any size, their
 * decoders (for text converted to another charset); iconv to a whole
 * buffer. (RFC 2047 Q encoded-words are maps/global/encword.c's, which the
 * milter's display names share.) Lines are cut only
 * where the encoding allows it (a soft line break, a base64 line end), so
 * no text is ever cut. Line ends are the message's own (LF or CR LF).
 */
#include <errno.h>
#include <string.h>

#include "mime7_int.h"

static const char hex[] = "0123456789ABCDEF";

static void eol(struct m7out *o, int crlf)
{
    m7out_put(o, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
}

void m7qp_init(struct m7qp *q, int crlf, int max_line)
{
    memset(q, 0, sizeof(*q));
    q->crlf = crlf;
    q->ws = -1;
    q->limit = max_line < 76 ? max_line : 76;   /* RFC 2045: at most 76 */
}

/* Room for W more characters on this line, keeping one for a soft break. */
static void room(struct m7qp *q, int w, struct m7out *o)
{
    if (q->col + w > q->limit - 1) {
        m7out_put(o, "=", 1);
        eol(o, q->crlf);
        q->col = 0;
    }
}

static void put_hex(struct m7qp *q, unsigned char c, struct m7out *o)
{
    room(q, 3, o);
    m7out_putc(o, '=');
    m7out_putc(o, hex[c >> 4]);
    m7out_putc(o, hex[c & 15]);
    q->col += 3;
}

/* A blank waits for the next byte: before a line end it must be encoded. */
static void flush_ws(struct m7qp *q, int before_eol, struct m7out *o)
{
    char c = (char) q->ws;

    if (q->ws < 0)
        return;
    q->ws = -1;
    if (before_eol) {
        put_hex(q, (unsigned char) c, o);
        return;
    }
    room(q, 1, o);
    m7out_putc(o, c);
    q->col++;
}

static void qp_byte(struct m7qp *q, unsigned char c, struct m7out *o)
{
    if (c == '\n') {
        flush_ws(q, 1, o);
        eol(o, q->crlf);
        q->col = 0;
        return;
    }
    if (q->ws >= 0)
        flush_ws(q, 0, o);
    if (c == ' ' || c == '\t') {
        q->ws = c;
    } else if (c > 32 && c < 127 && c != '=' && !(c == '.' && q->col == 0)) {
        room(q, 1, o);
        m7out_putc(o, (char) c);
        q->col++;
    } else {
        put_hex(q, c, o);       /* a leading '.' too: SMTP and some readers take it apart */
    }
}

void m7qp_feed(struct m7qp *q, const char *p, size_t n, struct m7out *o)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) p[i];

        if (q->cr) {            /* a CR: part of the line end only right before LF */
            q->cr = 0;
            if (c == '\n') {
                qp_byte(q, '\n', o);
                continue;
            }
            flush_ws(q, 0, o);
            put_hex(q, '\r', o);
        }
        if (c == '\r' && q->crlf)
            q->cr = 1;
        else if (c == '\n' && q->crlf) {
            flush_ws(q, 0, o);
            put_hex(q, '\n', o);        /* a bare LF in a CR LF message is data */
        } else
            qp_byte(q, c, o);
    }
}

void m7qp_end(struct m7qp *q, struct m7out *o)
{
    if (q->cr) {
        flush_ws(q, 0, o);
        put_hex(q, '\r', o);
        q->cr = 0;
    }
    flush_ws(q, 1, o);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void m7b64_init(struct m7b64 *b, int crlf, int max_line)
{
    memset(b, 0, sizeof(*b));
    b->crlf = crlf;
    b->limit = max_line < 76 ? max_line / 4 * 4 : 76;
}

static void quad(struct m7b64 *b, int n, struct m7out *o)
{
    char e[4];
    unsigned v = (unsigned) b->in[0] << 16 | (unsigned) b->in[1] << 8 | b->in[2];

    e[0] = b64[v >> 18 & 63], e[1] = b64[v >> 12 & 63];
    e[2] = n > 1 ? b64[v >> 6 & 63] : '=';
    e[3] = n > 2 ? b64[v & 63] : '=';
    if (b->col + 4 > b->limit) {
        eol(o, b->crlf);
        b->col = 0;
    }
    m7out_put(o, e, 4);
    b->col += 4;
}

void m7b64_feed(struct m7b64 *b, const char *p, size_t n, struct m7out *o)
{
    for (size_t i = 0; i < n; i++) {
        b->in[b->nin++] = (unsigned char) p[i];
        if (b->nin == 3) {
            quad(b, 3, o);
            b->nin = 0;
        }
    }
}

void m7b64_end(struct m7b64 *b, struct m7out *o)
{
    if (b->nin > 0) {
        memset(b->in + b->nin, 0, (size_t) (3 - b->nin));
        quad(b, b->nin, o);
        b->nin = 0;
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void m7dec_init(struct m7dec *d, int cte)
{
    memset(d, 0, sizeof(*d));
    d->cte = cte;
}

enum { Q_TEXT, Q_EQ, Q_HEX, Q_CR, Q_BLANK };

/* One quoted-printable byte; an '=' that starts nothing is kept as it is. */
static size_t qp_dec(struct m7dec *d, char c, char *out)
{
    size_t n = 0;

    switch (d->state) {
    case Q_EQ:
        if (hexval(c) >= 0) {
            d->qh = c, d->state = Q_HEX;
            return 0;
        }
        d->state = c == '\n' ? Q_TEXT : c == '\r' ? Q_CR : c == ' ' || c == '\t' ? Q_BLANK : Q_TEXT;
        if (d->state != Q_TEXT || c == '\n')
            return 0;           /* a soft line break */
        out[n++] = '=';
        break;
    case Q_HEX:
        d->state = Q_TEXT;
        if (hexval(c) >= 0) {
            out[0] = (char) (hexval(d->qh) * 16 + hexval(c));
            return 1;
        }
        out[n++] = '=', out[n++] = d->qh;
        break;
    case Q_CR:
    case Q_BLANK:
        if (c == '\n' || (d->state == Q_BLANK && (c == ' ' || c == '\t'))) {
            d->state = c == '\n' ? Q_TEXT : Q_BLANK;
            return 0;
        }
        if (d->state == Q_BLANK && c == '\r') {
            d->state = Q_CR;
            return 0;
        }
        d->state = Q_TEXT;
        break;
    }
    if (c == '=')
        d->state = Q_EQ;
    else
        out[n++] = c;
    return n;
}

static int b64val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;

    return p ? (int) (p - b64) : -1;
}

static size_t b64_dec(struct m7dec *d, char c, char *out)
{
    int v = b64val(c);

    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return 0;
    if (c == '=' || d->ended) {
        d->bad |= c != '=' || d->nacc == 1;
        d->ended = 1;
        return m7dec_end(d, out);
    }
    if (v < 0) {
        d->bad = 1;
        return 0;
    }
    d->acc = d->acc << 6 | (unsigned) v;
    if (++d->nacc < 4)
        return 0;
    out[0] = (char) (d->acc >> 16), out[1] = (char) (d->acc >> 8), out[2] = (char) d->acc;
    d->acc = 0, d->nacc = 0;
    return 3;
}

size_t m7dec_feed(struct m7dec *d, const char *p, size_t n, char *out)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++)
        w += d->cte == CTE_QP ? qp_dec(d, p[i], out + w) : b64_dec(d, p[i], out + w);
    return w;
}

size_t m7dec_end(struct m7dec *d, char *out)
{
    size_t n = 0;

    if (d->cte == CTE_QP) {
        if (d->state == Q_EQ || d->state == Q_HEX)
            out[n++] = '=';
        if (d->state == Q_HEX)
            out[n++] = d->qh;
    } else if (d->nacc > 1) {   /* 2 or 3 sextets: 1 or 2 bytes */
        out[n++] = (char) (d->acc >> (d->nacc == 2 ? 4 : 10));
        if (d->nacc == 3)
            out[n++] = (char) (d->acc >> 2);
    } else if (d->nacc == 1) {
        d->bad = 1;
    }
    d->state = Q_TEXT, d->acc = 0, d->nacc = 0;
    return n;
}

int m7_iconv_all(iconv_t cd, const char *in, size_t n, buf_t *out)
{
    char *ip = (char *) in;
    size_t il = n, irreversible = 0;
    int flushing = 0;

    (void) iconv(cd, NULL, NULL, NULL, NULL);
    for (;;) {
        char *op;
        size_t ol, r;

        buf_reserve(out, il * 4 + 16);
        op = out->data + out->len;
        ol = out->cap - out->len;
        r = flushing ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
        out->len = (size_t) (op - out->data);
        if (r == (size_t) -1 && errno == E2BIG)
            continue;
        if (r == (size_t) -1)
            return -1;          /* EILSEQ: not in the target; EINVAL: cut input */
        irreversible += r;      /* glibc counts characters it replaced */
        if (flushing)           /* back in the initial shift state */
            return irreversible ? -1 : 0;
        flushing = 1;
    }
}
