/* mime7_write.c - pass 2 of the 7-bit converter: the source copied as it
 * is between the edits the scan found, each edit's header block rewritten
 * (mime7_hdr.c) and, where the scan said so, its body re-encoded: text as
 * quoted-printable, anything else (or text with NUL bytes or bare CRs) as
 * base64, converted on the way to the policy's charset when every
 * character of it exists there. That is tried first on the part alone (a
 * dry run), so a part is never half converted.
 */
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "mime7_int.h"

/* How one body is written. */
struct plan {
    int qp;                     /* quoted-printable, else base64 */
    iconv_t cd;                 /* convert on the way; (iconv_t) -1 */
    const char *charset;        /* to declare in Content-Type; NULL: as it is */
    int crlf;
    int dec;                    /* the body is decoded first: CTE_QP, CTE_BASE64; 0 */
};

typedef void (*sink_fn)(void *ctx, const char *p, size_t n);

/* Feed [FROM, TO) of the source to SINK, decoded first when DEC is given,
 * then through CD when it is open. 0; -1 read error (errno); -2 a character
 * CD cannot convert; -3 DEC found no base64. */
static int feed(const struct mime7_src *s, long long from, long long to, struct m7dec *dec,
                iconv_t cd, sink_fn sink, void *ctx)
{
    char *raw = xmalloc(M7_CHUNK), *in = xmalloc(M7_CHUNK + 64), *out = xmalloc(4 * M7_CHUNK + 256);
    size_t carry = 0;
    int rc = 0;

    if (cd != (iconv_t) -1)
        (void) iconv(cd, NULL, NULL, NULL, NULL);
    while (rc == 0 && from < to) {
        size_t k = to - from < M7_CHUNK ? (size_t) (to - from) : M7_CHUNK, il, ol = 4 * M7_CHUNK + 256;
        char *ip = in, *op = out;

        if (m7_pread(s, from, raw, k) < 0) {
            rc = -1;
            break;
        }
        from += (long long) k;
        if (dec == NULL && cd == (iconv_t) -1) {
            sink(ctx, raw, k);
            continue;
        }
        if (dec != NULL) {
            il = carry + m7dec_feed(dec, raw, k, in + carry);
            if (from >= to)
                il += m7dec_end(dec, in + il);
            if (dec->bad) {
                rc = -3;
                break;
            }
        } else {
            memcpy(in + carry, raw, k);
            il = carry + k;
        }
        if (cd == (iconv_t) -1) {
            sink(ctx, in, il);
            continue;
        }
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t) -1 && (errno != EINVAL || from >= to))
            rc = -2;            /* EINVAL at the end: a character cut off */
        else if (from >= to && iconv(cd, NULL, NULL, &op, &ol) == (size_t) -1)
            rc = -2;
        sink(ctx, out, (size_t) (op - out));
        memmove(in, ip, il);    /* an incomplete character waits for the next piece */
        carry = il;
        if (carry > 32)
            rc = -2;
    }
    free(raw);
    free(in);
    free(out);
    return rc;
}

static void discard(void *ctx, const char *p, size_t n)
{
    (void) ctx, (void) p, (void) n;
}

struct enc_ctx {
    struct m7out *o;
    struct m7qp qp;
    struct m7b64 b64;
    int is_qp;
};

static void encode(void *ctx, const char *p, size_t n)
{
    struct enc_ctx *c = ctx;

    if (c->is_qp)
        m7qp_feed(&c->qp, p, n, c->o);
    else
        m7b64_feed(&c->b64, p, n, c->o);
}

/* What a text part's bytes are in, as far as the scan knows; NULL: unknown 8-bit. */
static const char *source_charset(const struct m7edit *e)
{
    if (e->charset[0] && strcmp(e->charset, "us-ascii") != 0)
        return e->charset;
    if (!(e->flags & E_BODY8))
        return "us-ascii";
    return (e->flags & E_BODYBAD8) ? NULL : "utf-8";
}

/* Convert text part E to the policy's charset, if every character exists there. */
static void plan_charset(const struct mime7_policy *p, const struct mime7_src *src,
                         const struct m7edit *e, const char *from, struct plan *pl)
{
    const char *to = p->charset;
    iconv_t cd;

    if (to == NULL || *to == 0 || from == NULL || !(e->flags & E_BODY8) || strcasecmp(from, to) == 0)
        return;
    if ((cd = iconv_open(to, from)) == (iconv_t) -1) {
        msg_info("content 7bit: part at byte %lld: charset %s unknown here: not converted to %s",
                 e->hstart, from, to);
        return;
    }
    if (feed(src, e->bstart, e->bend, NULL, cd, discard, NULL) == 0) {
        pl->cd = cd;
        pl->charset = to;
        return;
    }
    msg_info("content 7bit: part at byte %lld: not every character exists in %s: left in %s",
             e->hstart, to, from);
    iconv_close(cd);
}

static void plan_body(const struct mime7_policy *p, const struct mime7_src *src,
                      const struct m7edit *e, struct plan *pl, int crlf)
{
    const char *from = source_charset(e);

    memset(pl, 0, sizeof(*pl));
    pl->cd = (iconv_t) -1;
    pl->crlf = crlf;
    pl->qp = (e->flags & E_TEXT) && !(e->flags & E_BODYBIN);
    if (!pl->qp)
        return;
    plan_charset(p, src, e, from, pl);
    if (pl->charset == NULL && (e->flags & E_BODY8) && (!e->charset[0] || strcmp(e->charset, "us-ascii") == 0))
        pl->charset = from ? from : "unknown-8bit";     /* say what the 8-bit bytes are */
}

/* Quoted-printable or base64 text E, decoded, converted to the policy's
 * charset and written quoted-printable: 1 if that can be done for every
 * character, else 0 (logged) and the body stays as it is. */
static int plan_recode(const struct mime7_policy *p, const struct mime7_src *src,
                       const struct m7edit *e, struct plan *pl, int crlf)
{
    struct m7dec dec;
    iconv_t cd = iconv_open(p->charset, e->charset);
    int rc;

    if (cd == (iconv_t) -1) {
        msg_info("content 7bit: part at byte %lld: charset %s unknown here: not converted to %s",
                 e->hstart, e->charset, p->charset);
        return 0;
    }
    m7dec_init(&dec, e->cte);
    if ((rc = feed(src, e->bstart, e->bend, &dec, cd, discard, NULL)) != 0) {
        if (rc == -3)
            msg_info("content 7bit: part at byte %lld: bad base64: left as it is", e->hstart);
        else
            msg_info("content 7bit: part at byte %lld: not every character exists in %s: left in %s",
                     e->hstart, p->charset, e->charset);
        iconv_close(cd);
        return 0;
    }
    *pl = (struct plan) { .qp = 1, .cd = cd, .charset = p->charset, .crlf = crlf, .dec = e->cte };
    return 1;
}

static int write_body(const struct mime7_policy *p, const struct mime7_src *src,
                      const struct m7edit *e, struct plan *pl, struct m7out *o)
{
    struct enc_ctx c = { .o = o, .is_qp = pl->qp };
    struct m7dec dec;
    int rc;

    m7qp_init(&c.qp, pl->crlf, p->max_line);
    m7b64_init(&c.b64, pl->crlf, p->max_line);
    m7dec_init(&dec, pl->dec);
    rc = feed(src, e->bstart, e->bend, pl->dec ? &dec : NULL, pl->cd, encode, &c);
    if (pl->qp)
        m7qp_end(&c.qp, o);
    else
        m7b64_end(&c.b64, o);
    if (!pl->qp && e->bend == src->len)
        m7out_put(o, pl->crlf ? "\r\n" : "\n", pl->crlf ? 2 : 1);
    return rc == -1 ? -1 : 0;   /* -2 cannot happen after the dry run */
}

/* One edit: its header block, and its body when re-encoded. 1 when the
 * body was written, 0 when it is still to be copied, -1 (errno). */
static int edit(const struct mime7_policy *p, const struct mime7_src *src, const struct m7edit *e,
                struct m7out *o, buf_t *blk, buf_t *hdr)
{
    size_t len = (size_t) (e->bstart - e->hstart);
    struct plan pl = { .cd = (iconv_t) -1 };
    const char *cte = NULL, *nl;
    int rc = 0, crlf, body = 0;

    buf_reset(blk);
    buf_reset(hdr);
    buf_reserve(blk, len + 1);
    if (m7_pread(src, e->hstart, blk->data, len) < 0)
        return -1;
    blk->len = len;
    nl = memchr(blk->data, '\n', len);
    crlf = nl != NULL && nl > blk->data && nl[-1] == '\r';
    if (e->flags & E_REENCODE) {
        plan_body(p, src, e, &pl, crlf);
        body = 1;
    } else if ((e->flags & E_RECODE) && plan_recode(p, src, e, &pl, crlf)) {
        body = 1;
    } else if (e->flags & E_SET7BIT) {
        cte = "7bit";
    }
    if (body)
        cte = pl.qp ? "quoted-printable" : "base64";
    m7_header(p, e, blk->data, blk->len, cte, pl.charset, hdr);
    m7out_put(o, hdr->data, hdr->len);
    if (body)
        rc = write_body(p, src, e, &pl, o);
    if (pl.cd != (iconv_t) -1)
        iconv_close(pl.cd);
    return rc < 0 ? -1 : body;
}

int m7_write(const struct mime7_policy *p, const struct mime7_src *src, const struct m7scan *s,
             struct m7out *o)
{
    buf_t blk = BUF_INIT, hdr = BUF_INIT;
    long long pos = 0;
    int rc = 0, body = 0;

    for (int i = 0; i < s->nedits && rc == 0; i++) {
        const struct m7edit *e = &s->edits[i];

        if (e->hstart < pos)
            continue;           /* inside an edit before it: cannot be, but never write twice */
        if (m7_copy(src, pos, e->hstart, o) < 0 || (body = edit(p, src, e, o, &blk, &hdr)) < 0)
            rc = -1;
        pos = body > 0 ? e->bend : e->bstart;
    }
    if (rc == 0 && m7_copy(src, pos, src->len, o) < 0)
        rc = -1;
    buf_free(&blk);
    buf_free(&hdr);
    return rc;
}
