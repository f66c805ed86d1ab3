/* mime7_scan.c - pass 1 of the 7-bit converter: the MIME structure of a
 * message, line by line, and the entities that must be rewritten.
 *
 * The open entities are a stack (no recursion: depth is bounded by
 * MIME7_DEPTH_MAX, not by the C stack). A line "--boundary" of any open
 * multipart ends every entity above it, as RFC 2046 5.1.2 asks; the line end
 * before it belongs to the delimiter, so a body ends there. An entity is
 * looked at when it ends: what its header and body held decides its edit
 * (mime7_int.h), and only entities with an edit are kept.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "mime7_int.h"
#include "utf8.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define BND_MAX 200             /* RFC 2046 allows 70; be lenient, not unbounded */
#define FIELD_KEEP 16384        /* a Content-Type longer than this is not trusted */

enum { K_LEAF, K_MULTI, K_MSG };
enum { S_HDR, S_BODY, S_PRE, S_EPI };

struct ent {
    struct m7edit e;
    int kind, closed, protect, is_signed, digest;
    char type[16];              /* "text", "multipart", ..., "" */
    char sub[16];
    char bnd[BND_MAX + 1];
    size_t blen;
};

struct scanner {
    const struct mime7_policy *p;
    struct m7scan *s;
    struct ent st[MIME7_DEPTH_MAX];
    int top, state, edits_cap;
    buf_t field;                /* the header field being read, when it matters */
    char fname[32];
    int keep_field;
    int prev_eol;               /* line end of the line before this one */
    int noted_outside;
};

static void bad(struct scanner *sc, const char *why, long long at)
{
    if (sc->s->bad == NULL)
        sc->s->bad = why, sc->s->bad_at = at;
}

static void note(struct scanner *sc, const char *what, long long at)
{
    sc->s->notes++;
    msg_info("content 7bit: %s (byte %lld): left as it is", what, at);
}

/* Copy the token at *P (up to a delimiter in STOP or a blank) into OUT, lowercase. */
static void token(const char **p, const char *end, const char *stop, char *out, size_t size)
{
    size_t n = 0;

    while (*p < end && **p != ' ' && **p != '\t' && **p != '\r' && **p != '\n' && !strchr(stop, **p)) {
        if (n + 1 < size)
            out[n++] = (char) ascii_lower((unsigned char) **p);
        (*p)++;
    }
    out[n] = 0;
}

static void blanks(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n'))
        (*p)++;
}

/* A parameter value: a quoted string (backslash escapes) or a token. */
static void param_value(const char **p, const char *end, char *out, size_t size)
{
    size_t n = 0;

    if (*p < end && **p == '"') {
        for ((*p)++; *p < end && **p != '"'; (*p)++) {
            if (**p == '\\' && *p + 1 < end)
                (*p)++;
            if (n + 1 < size)
                out[n++] = **p;
        }
        if (*p < end)
            (*p)++;
        out[n] = 0;
        return;
    }
    while (*p < end && **p != ';' && **p != ' ' && **p != '\t' && **p != '\r' && **p != '\n') {
        if (n + 1 < size)
            out[n++] = **p;
        (*p)++;
    }
    out[n] = 0;
}

static void content_type(struct ent *t, const char *v, size_t len)
{
    const char *p = v, *end = v + len;
    char name[32], value[BND_MAX + 2];

    blanks(&p, end);
    token(&p, end, "/;(", t->type, sizeof(t->type));
    if (p < end && *p == '/')
        p++, token(&p, end, ";(", t->sub, sizeof(t->sub));
    while ((p = memchr(p, ';', (size_t) (end - p))) != NULL) {
        p++;
        blanks(&p, end);
        token(&p, end, "=;", name, sizeof(name));
        blanks(&p, end);
        if (p >= end || *p != '=')
            continue;
        p++;
        blanks(&p, end);
        param_value(&p, end, value, sizeof(value));
        if (strcmp(name, "boundary") == 0) {
            t->blen = strlen(value) <= BND_MAX ? strlen(value) : 0;
            memcpy(t->bnd, value, t->blen);
        } else if (strcmp(name, "charset") == 0) {
            str_copy(t->e.charset, value, sizeof(t->e.charset));
            str_lower(t->e.charset);
        }
    }
    t->e.flags |= E_HAS_CT;
}

static void transfer_encoding(struct ent *t, const char *v, size_t len)
{
    static const char *const names[] = { "", "7bit", "8bit", "binary", "quoted-printable", "base64" };
    const char *p = v, *end = v + len;
    char tok[32];

    blanks(&p, end);
    token(&p, end, "(", tok, sizeof(tok));
    t->e.cte = CTE_OTHER;
    for (int i = 1; i < 6; i++)
        if (strcmp(tok, names[i]) == 0)
            t->e.cte = i;
    t->e.flags |= E_HAS_CTE;
}

/* The header field read so far is complete. */
static void field_end(struct scanner *sc)
{
    struct ent *t = &sc->st[sc->top];

    if (!sc->keep_field)
        return;
    sc->keep_field = 0;
    if (sc->field.len > FIELD_KEEP) {
        bad(sc, "a Content-Type or Content-Transfer-Encoding header too long to trust", t->e.hstart);
        return;
    }
    if (strcmp(sc->fname, "content-type") == 0)
        content_type(t, sc->field.data, sc->field.len);
    else if (strcmp(sc->fname, "content-transfer-encoding") == 0)
        transfer_encoding(t, sc->field.data, sc->field.len);
}

static void header_line(struct scanner *sc, const struct m7line *l)
{
    struct ent *t = &sc->st[sc->top];
    const char *colon;

    if (l->has8)
        t->e.flags |= E_HDR8;
    if (l->len > sc->p->max_line)
        t->e.flags |= E_HDRLONG;
    if (l->kept > 0 && (l->text[0] == ' ' || l->text[0] == '\t')) {
        if (sc->keep_field)
            buf_append(&sc->field, l->text, l->kept);
        return;
    }
    field_end(sc);
    if ((colon = memchr(l->text, ':', l->kept)) == NULL || colon - l->text >= (long) sizeof(sc->fname))
        return;
    memcpy(sc->fname, l->text, (size_t) (colon - l->text));
    sc->fname[colon - l->text] = 0;
    str_lower(str_trim(sc->fname));
    if (sc->top == 0 && strcmp(sc->fname, "mime-version") == 0)
        t->e.flags |= E_MIMEVER;
    sc->keep_field = strcmp(sc->fname, "content-type") == 0
        || strcmp(sc->fname, "content-transfer-encoding") == 0;
    buf_reset(&sc->field);
    if (sc->keep_field)
        buf_append(&sc->field, colon + 1, l->kept - (size_t) (colon + 1 - l->text));
}

static void push(struct scanner *sc, long long hstart)
{
    struct ent *parent = &sc->st[sc->top];

    if (sc->top + 1 >= MIME7_DEPTH_MAX) {
        bad(sc, "MIME entities nested deeper than " XSTR(MIME7_DEPTH_MAX), hstart);
        return;
    }
    sc->top++;
    memset(&sc->st[sc->top], 0, sizeof(struct ent));
    sc->st[sc->top].e.hstart = hstart;
    sc->st[sc->top].protect = parent->protect || parent->is_signed;
    sc->st[sc->top].digest = parent->kind == K_MULTI && strcmp(parent->sub, "digest") == 0;
    sc->state = S_HDR;
}

/* The blank line ending the header of the top entity: what kind it is. */
static void header_end(struct scanner *sc, long long bstart)
{
    struct ent *t = &sc->st[sc->top];

    field_end(sc);
    t->e.bstart = bstart;
    if (!(t->e.flags & E_HAS_CT) && t->digest)
        str_copy(t->type, "message", sizeof(t->type)), str_copy(t->sub, "rfc822", sizeof(t->sub));
    if (strcmp(t->type, "multipart") == 0) {
        if (t->blen == 0)
            bad(sc, "a multipart without a usable boundary", t->e.hstart);
        t->kind = K_MULTI;
        t->is_signed = strcmp(t->sub, "signed") == 0 || strcmp(t->sub, "encrypted") == 0;
        sc->state = S_PRE;
    } else if (strcmp(t->type, "message") == 0 && strcmp(t->sub, "rfc822") == 0
               && t->e.cte != CTE_QP && t->e.cte != CTE_BASE64 && t->e.cte != CTE_OTHER) {
        t->kind = K_MSG;
        push(sc, bstart);
    } else {
        t->kind = K_LEAF;
        if (t->type[0] == 0 || strcmp(t->type, "text") == 0)
            t->e.flags |= E_TEXT;
        sc->state = S_BODY;
    }
}

static void add_edit(struct scanner *sc, const struct m7edit *e)
{
    struct m7scan *s = sc->s;

    if (s->nedits >= MIME7_EDITS_MAX) {
        bad(sc, "more than " XSTR(MIME7_EDITS_MAX) " MIME parts to rewrite", e->hstart);
        return;
    }
    if (e->bstart - e->hstart > MIME7_BLOCK_MAX) {
        bad(sc, "a header block over 1 MB to rewrite", e->hstart);
        return;
    }
    if (s->nedits == sc->edits_cap) {
        sc->edits_cap = sc->edits_cap ? 2 * sc->edits_cap : 16;
        s->edits = xrealloc(s->edits, (size_t) sc->edits_cap * sizeof(*s->edits));
    }
    s->edits[s->nedits++] = *e;
}

/* The header of the top entity ends at AT without a blank line (a
 * delimiter, or the end of the message): an empty body. */
static void header_cut(struct scanner *sc, long long at)
{
    struct ent *t = &sc->st[sc->top];

    field_end(sc);
    t->e.bstart = at;
    t->kind = strcmp(t->type, "multipart") == 0 ? K_MULTI : K_LEAF;
    sc->state = S_BODY;
}

/* Quoted-printable or base64 text declared in a charset the policy converts. */
static int recode(const struct mime7_policy *p, const struct ent *t)
{
    const char *cs = t->e.charset;

    return (t->e.flags & E_TEXT) && (t->e.cte == CTE_QP || t->e.cte == CTE_BASE64) && p->charset
        && *p->charset && cs[0] && strcmp(cs, "us-ascii") != 0 && strcasecmp(cs, p->charset) != 0;
}

/* The top entity ends at BEND: decide its edit. */
static void close_top(struct scanner *sc, long long bend)
{
    struct ent *t = &sc->st[sc->top];
    unsigned body = t->e.flags & (E_BODY8 | E_BODYBIN | E_BODYLONG);
    int plain = t->e.cte <= CTE_BINARY;

    if (sc->state == S_HDR)
        header_cut(sc, bend);
    sc->state = S_BODY;
    t->e.bend = bend;
    if (t->kind == K_MULTI && !t->closed)
        bad(sc, "no closing boundary", t->e.hstart);
    if (sc->top == 0)
        t->e.flags |= E_TOP;
    if (t->protect || t->is_signed) {   /* a signed entity's own header too */
        if (t->is_signed && (t->e.flags & (E_HDR8 | E_HDRLONG)))
            note(sc, "8-bit or long header fields of a multipart/signed or /encrypted", t->e.hstart);
        sc->top--;
        return;
    }
    if (t->kind == K_LEAF && body && plain)
        t->e.flags |= E_REENCODE;
    else if (t->kind == K_LEAF && recode(sc->p, t))
        t->e.flags |= E_RECODE;
    else if (t->kind == K_LEAF && body)
        note(sc, "a quoted-printable or base64 body with 8-bit bytes or long lines", t->e.bstart);
    if (t->kind == K_MSG && (t->e.cte == CTE_8BIT || t->e.cte == CTE_BINARY))
        t->e.flags |= E_SET7BIT;
    if (t->e.flags & (E_HDR8 | E_HDRLONG | E_REENCODE | E_RECODE | E_SET7BIT))
        add_edit(sc, &t->e);
    sc->top--;
}

/* The multipart of the stack a line "--..." delimits, or -1. *CLOSE: "--b--". */
static int delimits(const struct scanner *sc, const struct m7line *l, int *close)
{
    if (l->kept < 3 || l->kept != (size_t) l->len || l->text[0] != '-' || l->text[1] != '-')
        return -1;
    for (int i = sc->top; i >= 0; i--) {
        const struct ent *t = &sc->st[i];
        const char *rest = l->text + 2 + t->blen, *end = l->text + l->kept;

        if (t->kind != K_MULTI || t->closed || l->kept < 2 + t->blen || memcmp(l->text + 2, t->bnd, t->blen))
            continue;
        *close = end - rest >= 2 && rest[0] == '-' && rest[1] == '-';
        if (*close)
            rest += 2;
        while (rest < end && (*rest == ' ' || *rest == '\t'))
            rest++;
        if (rest == end)
            return i;
    }
    return -1;
}

static void delimiter(struct scanner *sc, const struct m7line *l, int level, int close)
{
    long long end = l->off - sc->prev_eol;

    if (sc->state == S_HDR) {
        header_cut(sc, l->off);
        end = l->off;
    }
    while (sc->top > level)
        close_top(sc, end > sc->st[sc->top].e.bstart ? end : sc->st[sc->top].e.bstart);
    if (close) {
        sc->st[level].closed = 1;
        sc->state = S_EPI;
    } else {
        push(sc, l->off + l->len + l->eol);
    }
}

static void line(struct scanner *sc, const struct m7line *l)
{
    struct ent *t = &sc->st[sc->top];
    int level, close;

    if (sc->top >= 0 && (level = delimits(sc, l, &close)) >= 0) {
        delimiter(sc, l, level, close);
        return;
    }
    if (sc->state == S_HDR) {
        if (l->len == 0)
            header_end(sc, l->off + l->eol);
        else
            header_line(sc, l);
    } else if (sc->state == S_BODY) {
        t->e.flags |= (l->has8 ? E_BODY8 : 0) | (l->bin ? E_BODYBIN : 0) | (l->bad8 ? E_BODYBAD8 : 0)
            | (l->len > sc->p->max_line ? E_BODYLONG : 0);
    } else if (!t->protect && (l->has8 || l->len > sc->p->max_line) && !sc->noted_outside) {
        sc->noted_outside = 1;
        note(sc, "8-bit bytes or a long line in a multipart's preamble or epilogue", l->off);
    }
}

static int by_start(const void *a, const void *b)
{
    const struct m7edit *x = a, *y = b;

    return x->hstart < y->hstart ? -1 : x->hstart > y->hstart;
}

int m7_scan(const struct mime7_policy *p, const struct mime7_src *src, struct m7scan *s)
{
    struct scanner *sc = xcalloc(1, sizeof(*sc));
    struct m7line *l = xmalloc(sizeof(*l));
    struct m7rd rd;
    int rc = 0;

    memset(s, 0, sizeof(*s));
    sc->p = p, sc->s = s;
    m7rd_init(&rd, src);
    while (s->bad == NULL && (rc = m7rd_line(&rd, l)) > 0) {
        line(sc, l);
        sc->prev_eol = l->eol;
    }
    if (s->bad == NULL && rc == 0)
        while (sc->top >= 0 && s->bad == NULL)
            close_top(sc, src->len);
    if (s->nedits > 1)
        qsort(s->edits, (size_t) s->nedits, sizeof(*s->edits), by_start);
    buf_free(&sc->field);
    m7rd_free(&rd);
    free(l);
    free(sc);
    return s->bad == NULL && rc < 0 ? -1 : 0;
}

void m7_scan_free(struct m7scan *s)
{
    free(s->edits);
    s->edits = NULL;
}
