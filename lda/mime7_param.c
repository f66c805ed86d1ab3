/* mime7_param.c - a Content-Type or Content-Disposition field with 8-bit
 * parameter values, rewritten for the 7-bit converter.
 *
 * Encoded-words are not allowed inside a parameter (RFC 2047 5), so an
 * 8-bit value (an attachment's file name, mostly) becomes an RFC 2231
 * extended value, name*=utf-8''%XX..., split into numbered continuations
 * (name*0*=, name*1*=, ...) to keep lines short; the field is folded
 * between parameters. The other parameters keep their text.
 */
#include <string.h>

#include "mime7_int.h"
#include "utf8.h"

#define CHUNK 60                /* characters of one continuation's value */

struct pw {
    buf_t *out;
    const char *eol;
    int limit, col;
};

static void put(struct pw *w, const char *s, size_t n)
{
    buf_append(w->out, s, n);
    w->col += (int) n;
}

/* "; PARAM", folded before it when it would not fit. */
static void param(struct pw *w, const char *s, size_t n)
{
    put(w, ";", 1);
    if (w->col + 1 + (int) n > w->limit) {
        buf_puts(w->out, w->eol);
        w->col = 0;
    }
    put(w, " ", 1);
    put(w, s, n);
}

static int attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c && strchr("!#$&+-.^_`|~", c));
}

/* NAME's 8-bit value V (N) as RFC 2231 continuations. */
static void extended(struct pw *w, const char *name, size_t nlen, const char *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_t val = BUF_INIT, one = BUF_INIT;
    size_t at = 0;
    int part = 0;

    buf_puts(&val, utf8_valid(v, n) ? "utf-8''" : "unknown-8bit''");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) v[i];

        if (attr_char(c))
            buf_putc(&val, c);
        else
            buf_putc(&val, '%'), buf_putc(&val, hex[c >> 4]), buf_putc(&val, hex[c & 15]);
    }
    while (at < val.len) {
        size_t k = val.len - at < CHUNK ? val.len - at : CHUNK;

        while (at + k < val.len && k > 2 && (val.data[at + k - 1] == '%' || val.data[at + k - 2] == '%'))
            k--;                /* never cut a %XX */
        buf_reset(&one);
        buf_append(&one, name, nlen);
        if (val.len > CHUNK)
            buf_printf(&one, "*%d", part++);
        buf_puts(&one, "*=");
        buf_append(&one, val.data + at, k);
        param(w, one.data, one.len);
        at += k;
    }
    buf_free(&val);
    buf_free(&one);
}

static int has8(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) s[i] >= 0x80)
            return 1;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* The end of the segment of V (N) that starts at I: the next ';' outside quotes. */
static size_t segment_end(const char *v, size_t i, size_t n)
{
    int quoted = 0;

    for (; i < n; i++) {
        if (v[i] == '\\' && quoted && i + 1 < n)
            i++;
        else if (v[i] == '"')
            quoted = !quoted;
        else if (v[i] == ';' && !quoted)
            break;
    }
    return i;
}

/* One "name=value" segment S (N): rewritten when its value is 8-bit, its
 * charset replaced by CS, or kept. 1 if it was the charset. */
static int segment(struct pw *w, const char *s, size_t n, const char *cs)
{
    const char *eq = memchr(s, '=', n), *v;
    size_t nlen, vlen;
    buf_t plain = BUF_INIT;

    if (eq == NULL) {
        if (n > 0)
            param(w, s, n);
        return 0;
    }
    nlen = (size_t) (eq - s), v = eq + 1, vlen = n - nlen - 1;
    trim(&s, &nlen);
    trim(&v, &vlen);
    if (cs && nlen == 7 && ascii_ncaseeq(s, "charset", 7)) {
        buf_append(&plain, s, nlen);
        buf_printf(&plain, "=%s", cs);
        param(w, plain.data, plain.len);
        buf_free(&plain);
        return 1;
    }
    if (!has8(v, vlen)) {
        param(w, s, n);
        return 0;
    }
    if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {      /* the value unquoted */
        for (size_t i = 1; i + 1 < vlen; i++) {
            if (v[i] == '\\' && i + 2 < vlen)
                i++;
            buf_putc(&plain, v[i]);
        }
    } else {
        buf_append(&plain, v, vlen);
    }
    extended(w, s, nlen, plain.data ? plain.data : "", plain.len);
    buf_free(&plain);
    return 0;
}

void m7_param_field(const struct mime7_policy *p, const char *eol, const char *f, size_t n, size_t colon,
                    const char *cs, buf_t *out)
{
    struct pw w = { .out = out, .eol = eol, .limit = p->max_line < 78 ? p->max_line : 78 };
    buf_t v = BUF_INIT;
    size_t i, e;
    int seen_cs = 0;
    const char *t;

    for (i = colon + 1; i < n; i++)     /* unfolded */
        if (f[i] != '\r' && f[i] != '\n')
            buf_putc(&v, f[i]);
    buf_putc(&v, 0);
    v.len--;
    put(&w, f, colon + 1);
    e = segment_end(v.data, 0, v.len);
    t = v.data, i = e;
    trim(&t, &i);
    put(&w, " ", 1);
    put(&w, t, i);
    for (i = e; i < v.len; i = e) {
        const char *s = v.data + i + 1;
        size_t len;

        e = segment_end(v.data, i + 1, v.len);
        len = (size_t) (v.data + e - s);
        trim(&s, &len);
        seen_cs |= segment(&w, s, len, cs);
    }
    if (cs && !seen_cs) {
        buf_t c = BUF_INIT;

        buf_printf(&c, "charset=%s", cs);
        param(&w, c.data, c.len);
        buf_free(&c);
    }
    buf_puts(out, eol);
    buf_free(&v);
}
