/* mime7_enc.c - the encoders of the 7-bit converter: quoted-printable and
 * base64 bodies (RFC 2045 6.7 and 6.8), fed in pieces of any size, and
 * RFC 2047 Q encoded-words; iconv to a whole buffer. Lines are cut only
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

static int q_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

size_t m7_qword_len(const char *charset, const char *bytes, size_t n)
{
    size_t len = strlen(charset) + 7;

    for (size_t i = 0; i < n; i++)
        len += q_plain((unsigned char) bytes[i]) || bytes[i] == ' ' ? 1 : 3;
    return len;
}

void m7_qword(buf_t *out, const char *charset, const char *bytes, size_t n)
{
    buf_printf(out, "=?%s?Q?", charset);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) bytes[i];

        if (q_plain(c))
            buf_putc(out, c);
        else if (c == ' ')
            buf_putc(out, '_');
        else
            buf_putc(out, '='), buf_putc(out, hex[c >> 4]), buf_putc(out, hex[c & 15]);
    }
    buf_puts(out, "?=");
}
