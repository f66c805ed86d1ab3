/* mime7_int.h - what the files of the 7-bit converter share (mime7.h is
 * the API): reading the source by lines, the entities the scan found to
 * rewrite, and the buffered output.
 *
 *   mime7.c       mime7_convert(): scan, then write
 *   mime7_scan.c  pass 1: the structure, and the list of edits
 *   mime7_write.c pass 2: copy between edits, re-encode bodies
 *   mime7_hdr.c   one header block rewritten
 *   mime7_param.c 8-bit MIME parameters (RFC 2231)
 *   mime7_enc.c   quoted-printable, base64, iconv (RFC 2047 words: encword.h)
 */
#ifndef POGATE_MIME7_INT_H
#define POGATE_MIME7_INT_H

#include <iconv.h>
#include <stddef.h>

#include "buf.h"
#include "mime7.h"

#define M7_CHUNK (64 * 1024)
#define M7_CHARSET_MAX 63

/* ---- reading ---- */

struct m7rd {
    const struct mime7_src *s;
    char *buf;                  /* M7_CHUNK bytes */
    long long base;             /* source offset of buf[0] */
    size_t pos, end;
};

struct m7line {
    long long off;              /* of its first byte */
    long long len;              /* without the line end */
    int eol;                    /* bytes of its end: 1 LF, 2 CR LF, 0 at the end of the message */
    int has8;                   /* a byte >= 0x80 */
    int bin;                    /* NUL, or a CR not before LF */
    int bad8;                   /* 8-bit bytes that are not UTF-8 */
    size_t kept;                /* bytes of it in text[] */
    char text[MIME7_KEEP];
};

void m7rd_init(struct m7rd *r, const struct mime7_src *s);
void m7rd_free(struct m7rd *r);
/* The next line into L: 1, 0 at the end, -1 on a read error (errno). */
int m7rd_line(struct m7rd *r, struct m7line *l);
/* Read LEN bytes at OFF of the source into P: 0, or -1 (errno). */
int m7_pread(const struct mime7_src *s, long long off, char *p, size_t len);

/* ---- what the scan found ---- */

enum m7cte { CTE_NONE, CTE_7BIT, CTE_8BIT, CTE_BINARY, CTE_QP, CTE_BASE64, CTE_OTHER };

#define E_HDR8       (1u << 0)  /* a header field with 8-bit bytes */
#define E_HDRLONG    (1u << 1)  /* a header line over max_line */
#define E_BODY8      (1u << 2)
#define E_BODYBIN    (1u << 3)
#define E_BODYLONG   (1u << 4)
#define E_BODYBAD8   (1u << 5)  /* 8-bit, not UTF-8 */
#define E_TEXT       (1u << 6)  /* text/..., or no Content-Type in a text context */
#define E_HAS_CT     (1u << 7)
#define E_HAS_CTE    (1u << 8)
#define E_MIMEVER    (1u << 9)
#define E_REENCODE   (1u << 10) /* the edit: the body is re-encoded */
#define E_SET7BIT    (1u << 11) /* the edit: a message/rfc822's 8bit becomes 7bit */
#define E_TOP        (1u << 12) /* the message's own header */
#define E_RECODE     (1u << 13) /* the edit: quoted-printable or base64 text to convert to the charset */

struct m7edit {
    long long hstart, bstart, bend;     /* header block [hstart, bstart), body [bstart, bend) */
    unsigned flags;
    int cte;
    char charset[M7_CHARSET_MAX + 1];   /* as declared, lowercase; "" */
};

struct m7scan {
    struct m7edit *edits;       /* in the order of hstart */
    int nedits;
    const char *bad;            /* why the message is written as received; NULL */
    long long bad_at;
    int notes;                  /* parts left as they are, each logged */
};

/* Pass 1 over SRC: 0 (S->bad may be set), -1 on a read error. */
int m7_scan(const struct mime7_policy *p, const struct mime7_src *src, struct m7scan *s);
void m7_scan_free(struct m7scan *s);

/* ---- writing ---- */

struct m7out {
    int fd;
    char *buf;                  /* M7_CHUNK bytes */
    size_t n;
    long long total;
    int err;                    /* errno of the first failed write; 0 */
};

void m7out_init(struct m7out *o, int fd);
void m7out_put(struct m7out *o, const char *p, size_t n);

/* One byte: the encoders' common case, without a call per byte. */
static inline void m7out_putc(struct m7out *o, char c)
{
    if (o->n < M7_CHUNK) {
        o->buf[o->n++] = c;
        o->total++;
    } else {
        m7out_put(o, &c, 1);
    }
}
int m7out_flush(struct m7out *o);       /* 0, or -1 (errno: o->err) */
void m7out_free(struct m7out *o);
/* Copy [FROM, TO) of the source to O: 0, or -1 (errno) when reading fails. */
int m7_copy(const struct mime7_src *s, long long from, long long to, struct m7out *o);

/* Pass 2: the message of SRC with the edits of S applied, to O. 0, -1 (errno). */
int m7_write(const struct mime7_policy *p, const struct mime7_src *src, const struct m7scan *s,
             struct m7out *o);

/* The header block BLK (LEN bytes) of edit E rewritten into OUT. BODY_CTE is
 * the body's new encoding ("quoted-printable", "base64", "7bit") or NULL,
 * CHARSET its charset to declare or NULL. */
void m7_header(const struct mime7_policy *p, const struct m7edit *e, const char *blk, size_t len,
               const char *body_cte, const char *charset, buf_t *out);

/* Content-Type or Content-Disposition field F (N bytes, its ':' at COLON)
 * with 8-bit parameter values, into OUT with line ends EOL: those values as
 * RFC 2231 extended values; the charset parameter set to CS unless NULL
 * (mime7_param.c). */
void m7_param_field(const struct mime7_policy *p, const char *eol, const char *f, size_t n, size_t colon,
                    const char *cs, buf_t *out);

/* ---- encoders (mime7_enc.c) ---- */

struct m7qp {
    int col, crlf, ws, cr;      /* output column, CR LF ends, a pending blank, a pending CR */
    int limit;                  /* characters a line holds, soft break included */
};

void m7qp_init(struct m7qp *q, int crlf, int max_line);
void m7qp_feed(struct m7qp *q, const char *p, size_t n, struct m7out *o);
void m7qp_end(struct m7qp *q, struct m7out *o);

struct m7b64 {
    unsigned char in[3];
    int nin, col, crlf, limit;
};

void m7b64_init(struct m7b64 *b, int crlf, int max_line);
void m7b64_feed(struct m7b64 *b, const char *p, size_t n, struct m7out *o);
void m7b64_end(struct m7b64 *b, struct m7out *o);

/* Quoted-printable or base64 decoding, in pieces (RFC 2045 6.7, 6.8). */
struct m7dec {
    int cte;                    /* CTE_QP or CTE_BASE64 */
    int state, nacc, ended, bad;
    char qh;
    unsigned acc;
};

void m7dec_init(struct m7dec *d, int cte);
/* Decode P (N) into OUT (room for N bytes): the bytes written. d->bad is set
 * on base64 that is not base64; quoted-printable is read leniently. */
size_t m7dec_feed(struct m7dec *d, const char *p, size_t n, char *out);
/* What is still held at the end, into OUT (room for 2 bytes). */
size_t m7dec_end(struct m7dec *d, char *out);

/* Convert IN (N bytes, complete characters) with CD into OUT: 0, or -1 when a
 * character does not exist in the target (or the input is malformed). */
int m7_iconv_all(iconv_t cd, const char *in, size_t n, buf_t *out);

#endif
