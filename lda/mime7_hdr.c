/* mime7_hdr.c - one header block of the 7-bit converter rewritten.
 *
 * Each field is copied as it is unless it must change: the body's new
 * Content-Transfer-Encoding replaces the old one, a converted charset is
 * written into Content-Type's charset parameter, 8-bit parameter values of
 * Content-Type and Content-Disposition become RFC 2231 values
 * (mime7_param.c), any other field with 8-bit text becomes RFC 2047
 * encoded-words (unstructured text word runs; in address
 * fields the display names, quoted strings and comments, never an address),
 * and a 7-bit field with a line over max_line is folded at a blank. Encoded
 * words (encword.h's encoder) are at most 75 characters and cut between
 * characters; folds go between words, so no text is cut. Missing Content-Type,
 * Content-Transfer-Encoding and (for the message's own header) MIME-Version
 * are added at the end of the block.
 */
#include <string.h>

#include "encword.h"
#include "log.h"
#include "mime7_int.h"
#include "utf8.h"

struct hw {
    const struct mime7_policy *p;
    buf_t *out;
    const char *eol;
    int limit, col, noted;
};

static int is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

static int has8(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) s[i] >= 0x80)
            return 1;
    return 0;
}

static void put(struct hw *w, const char *s, size_t n)
{
    buf_append(w->out, s, n);
    w->col += (int) n;
}

/* A place where the field may fold: one blank, or a line end and a blank. */
static void blank(struct hw *w, size_t next)
{
    if (w->col + 1 + (int) next > w->limit) {
        buf_puts(w->out, w->eol);
        w->col = 0;
    }
    put(w, " ", 1);
}

static void note_once(struct hw *w, const char *what)
{
    if (!w->noted++)
        msg_info("content 7bit: %s: left as it is", what);
}

/* The bytes that stand for S (N) in charset CS in *OUT: converted or as they are. */
static const char *conv(iconv_t cd, const char *s, size_t n, buf_t *tmp, size_t *len)
{
    if (cd == (iconv_t) -1) {
        *len = n;
        return s;
    }
    buf_reset(tmp);
    if (m7_iconv_all(cd, s, n, tmp) < 0)
        return NULL;
    *len = tmp->len;
    return tmp->data;
}

/* UTF-8 text S (N) as encoded-words, each cut between characters; TAIL
 * characters follow the last one on its line (a comment's parenthesis). */
static void words(struct hw *w, const char *s, size_t n, int space_before, size_t tail)
{
    const char *cs = w->p->charset && *w->p->charset ? w->p->charset : "UTF-8";
    iconv_t cd = (iconv_t) -1;
    buf_t tmp = BUF_INIT, word = BUF_INIT;
    size_t at = 0, len;

    if (!utf8_valid(s, n))
        cs = "UNKNOWN-8BIT";
    else if (strcmp(cs, "UTF-8") != 0 && (cd = iconv_open(cs, "UTF-8")) != (iconv_t) -1
             && conv(cd, s, n, &tmp, &len) == NULL) {
        msg_info("content 7bit: a header word not all in %s: left in UTF-8", cs);
        iconv_close(cd);
        cd = (iconv_t) -1, cs = "UTF-8";
    } else if (cd == (iconv_t) -1 && strcmp(cs, "UTF-8") != 0) {
        cs = "UTF-8";
    }
    while (at < n) {
        size_t end = at, good = at, k;
        const char *b;

        while (end < n) {       /* the longest run of characters that fits one word */
            size_t step = utf8_seq_len(s + end, n - end);

            end += step ? step : 1;
            if ((b = conv(cd, s + at, end - at, &tmp, &len)) == NULL)
                continue;       /* a character cut by a stateful charset: take more */
            if (encword_len('Q', cs, b, len) > ENCWORD_MAX && good > at)
                break;
            good = end;
        }
        if (good == at)
            good = end;
        b = conv(cd, s + at, good - at, &tmp, &len);
        buf_reset(&word);
        encword_put(&word, 'Q', cs, b ? b : s + at, b ? len : good - at);
        k = word.len;
        if (space_before || at > 0)
            blank(w, k + (good == n ? tail : 0));
        put(w, word.data, k);
        at = good;
    }
    if (cd != (iconv_t) -1)
        iconv_close(cd);
    buf_free(&tmp);
    buf_free(&word);
}

static void literal(struct hw *w, const char *s, size_t n, int space_before)
{
    if (space_before)
        blank(w, n);
    put(w, s, n);
}

/* An address field's word with 8-bit bytes: the text between its specials
 * is encoded, unless it is (part of) an address. */
static void structured_word(struct hw *w, const char *s, size_t n, int space_before)
{
    size_t a = 0, z = n;

    if (memchr(s, '@', n) || memchr(s, '<', n) || memchr(s, '>', n)) {
        note_once(w, "an address with 8-bit bytes in a header field");
        literal(w, s, n, space_before);
        return;
    }
    while (a < z && s[a] == '(')
        a++;
    while (z > a && s[z - 1] && strchr("),;:", s[z - 1]))   /* strchr finds a NUL too */
        z--;
    if (a > 0)
        literal(w, s, a, space_before), space_before = 0;
    words(w, s + a, z - a, space_before, n - z);
    if (z < n)
        put(w, s + z, n - z);
}

/* A word of an address field that may be an encoded-word's neighbour in a
 * phrase: no specials of RFC 5322 in it. */
static int atom(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] && strchr("()<>[]:;@\\,.\"", s[i]))
            return 0;
    return 1;
}

/* A comment with 8-bit text: its parentheses, and its text (blanks inside
 * it encoded too, so they survive) as encoded-words between them. */
static void comment(struct hw *w, const char *s, size_t n, int space_before)
{
    buf_t t = BUF_INIT;

    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '\\' && i + 2 < n)
            i++;
        buf_putc(&t, s[i]);
    }
    literal(w, "(", 1, space_before);
    words(w, t.data ? t.data : "", t.len, 0, 1);
    put(w, ")", 1);
    buf_free(&t);
}

/* A quoted string at S (N, quotes included): its text, unescaped, into OUT. */
static void unquote(const char *s, size_t n, buf_t *out)
{
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '\\' && i + 2 < n)
            i++;
        buf_putc(out, s[i]);
    }
}

/* The end of the quoted string or word at V[I] (N bytes in all). */
static size_t word_end(const char *v, size_t i, size_t n, int structured)
{
    if (structured && v[i] == '(') {    /* a comment, nested ones in it */
        int depth = 0;

        for (; i < n; i++) {
            if (v[i] == '\\' && i + 1 < n)
                i++;
            else if (v[i] == '(')
                depth++;
            else if (v[i] == ')' && --depth == 0)
                return i + 1;
        }
        return n;
    }
    if (structured && v[i] == '"') {
        for (i++; i < n && v[i] != '"'; i++)
            if (v[i] == '\\' && i + 1 < n)
                i++;
        return i < n ? i + 1 : n;
    }
    while (i < n && !is_wsp(v[i]) && !(structured && v[i] == '"'))
        i++;
    return i;
}

/* The unfolded value V (N) of a field with 8-bit text, after "Name:". */
static void encode_value(struct hw *w, const char *v, size_t n, int structured)
{
    buf_t run = BUF_INIT, q = BUF_INIT;
    int run_space = 0, space = 0;

    for (size_t i = 0; i < n;) {
        size_t e;

        if (is_wsp(v[i])) {
            while (i < n && is_wsp(v[i]))
                i++;
            space = 1;
            continue;
        }
        e = word_end(v, i, n, structured);
        buf_reset(&q);
        if (structured && v[i] == '"' && has8(v + i, e - i))
            unquote(v + i, e - i, &q);
        else if (has8(v + i, e - i) && (!structured || atom(v + i, e - i)))
            buf_append(&q, v + i, e - i);
        if (q.len > 0) {        /* encoded text joins the run before it */
            if (run.len > 0)
                buf_putc(&run, ' ');
            else
                run_space = space;
            buf_append(&run, q.data, q.len);
        } else {
            if (run.len > 0)
                words(w, run.data, run.len, run_space, 0), buf_reset(&run);
            if (structured && v[i] == '(' && e - i >= 2 && v[e - 1] == ')' && has8(v + i, e - i))
                comment(w, v + i, e - i, space);
            else if (structured && has8(v + i, e - i))
                structured_word(w, v + i, e - i, space);
            else
                literal(w, v + i, e - i, space);
        }
        space = 0;
        i = e;
    }
    if (run.len > 0)
        words(w, run.data, run.len, run_space, 0);
    buf_free(&run);
    buf_free(&q);
}

static int structured(const char *name, size_t n)
{
    static const char *const fields[] = { "from", "to", "cc", "bcc", "sender", "reply-to",
        "resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender", NULL };

    for (int i = 0; fields[i]; i++)
        if (strlen(fields[i]) == n && ascii_ncaseeq(name, fields[i], n))
            return 1;
    return 0;
}

/* Field F (N bytes, its line ends included) with 8-bit text, encoded. */
static void encode_field(struct hw *w, const char *f, size_t n, size_t colon)
{
    buf_t v = BUF_INIT;

    for (size_t i = colon + 1; i < n; i++)
        if (f[i] != '\r' && f[i] != '\n')
            buf_putc(&v, f[i]);
    w->col = 0;
    put(w, f, colon + 1);
    encode_value(w, v.data ? v.data : "", v.len, structured(f, colon));
    buf_puts(w->out, w->eol);
    buf_free(&v);
}

/* Field F (N bytes), 7-bit: each line over max_line folded at a blank. */
static void fold_field(struct hw *w, const char *f, size_t n)
{
    const char *p = f, *end = f + n;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *le = nl ? nl : end;
        size_t len = (size_t) (le - p) - (le > p && le[-1] == '\r');

        while ((long) len > w->p->max_line) {
            size_t k = (size_t) w->p->max_line;

            while (k > 0 && !is_wsp(p[k]))
                k--;
            if (k == 0) {
                note_once(w, "a header line over max_line without a blank to fold at");
                break;
            }
            buf_append(w->out, p, k);
            buf_puts(w->out, w->eol);
            p += k, len -= k;
        }
        buf_append(w->out, p, (size_t) ((nl ? nl + 1 : end) - p));
        p = nl ? nl + 1 : end;
    }
}

/* Content-Type field F (N) with its charset parameter set to CS. */
static void set_charset(struct hw *w, const char *f, size_t n, const char *cs)
{
    size_t body = n;

    while (body > 0 && (f[body - 1] == '\n' || f[body - 1] == '\r'))
        body--;
    for (size_t i = 0; i + 7 < body; i++) {
        size_t j = i + 7, vend;

        if (!ascii_ncaseeq(f + i, "charset", 7) || (i > 0 && !strchr(" \t;\n", f[i - 1])))
            continue;
        while (j < body && is_wsp(f[j]))
            j++;
        if (j >= body || f[j] != '=')
            continue;
        for (j++; j < body && is_wsp(f[j]);)
            j++;
        vend = j < body && f[j] == '"' ? word_end(f, j, body, 1) : j;
        while (vend < body && !strchr("; \t\r\n", f[vend]))
            vend++;
        buf_append(w->out, f, j);
        buf_puts(w->out, cs);
        buf_append(w->out, f + vend, n - vend);
        return;
    }
    buf_append(w->out, f, body);
    buf_printf(w->out, "; charset=%s%s", cs, w->eol);
}

/* The end of the field that starts at P (before END): past its last line end. */
static const char *field_end(const char *p, const char *end)
{
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));

        if (nl == NULL)
            return end;
        p = nl + 1;
        if (p >= end || !is_wsp(*p))
            return p;
    }
}

static int named(const char *f, size_t colon, const char *name)
{
    return strlen(name) == colon && ascii_ncaseeq(f, name, colon);
}

static int too_long(const char *f, size_t n, int max_line)
{
    const char *p = f, *end = f + n;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *le = nl ? nl : end;

        if ((le - p) - (le > p && le[-1] == '\r') > max_line)
            return 1;
        p = nl ? nl + 1 : end;
    }
    return 0;
}

void m7_header(const struct mime7_policy *p, const struct m7edit *e, const char *blk, size_t len,
               const char *body_cte, const char *charset, buf_t *out)
{
    const char *at = blk, *end = blk + len, *nl = memchr(blk, '\n', len);
    struct hw w = { .p = p, .out = out, .limit = p->max_line < 78 ? p->max_line : 78 };
    int seen_cte = 0, seen_ct = 0;

    w.eol = nl && nl > blk && nl[-1] == '\r' ? "\r\n" : "\n";
    while (at < end && *at != '\n' && !(*at == '\r' && at + 1 < end && at[1] == '\n')) {
        const char *fe = field_end(at, end), *colon = memchr(at, ':', (size_t) (fe - at));
        size_t n = (size_t) (fe - at), c = colon ? (size_t) (colon - at) : 0;

        if (colon && named(at, c, "content-transfer-encoding") && body_cte) {
            if (!seen_cte++)
                buf_printf(out, "Content-Transfer-Encoding: %s%s", body_cte, w.eol);
        } else if (colon && (named(at, c, "content-type") || named(at, c, "content-disposition"))
                   && has8(at, n)) {
            m7_param_field(p, w.eol, at, n, c, named(at, c, "content-type") && !seen_ct++ ? charset : NULL, out);
        } else if (colon && named(at, c, "content-type") && charset && !seen_ct++) {
            set_charset(&w, at, n, charset);
        } else if (colon && has8(at, n)) {
            encode_field(&w, at, n, c);
        } else if (too_long(at, n, p->max_line)) {
            fold_field(&w, at, n);
        } else {
            buf_append(out, at, n);
        }
        if (fe == end && (n == 0 || at[n - 1] != '\n'))
            buf_puts(out, w.eol);       /* a header cut short still ends its line */
        at = fe;
    }
    if ((e->flags & E_TOP) && !(e->flags & E_MIMEVER) && body_cte)
        buf_printf(out, "MIME-Version: 1.0%s", w.eol);
    if (charset && !(e->flags & E_HAS_CT))
        buf_printf(out, "Content-Type: text/plain; charset=%s%s", charset, w.eol);
    if (body_cte && !seen_cte)
        buf_printf(out, "Content-Transfer-Encoding: %s%s", body_cte, w.eol);
    buf_append(out, at, (size_t) (end - at));
}
