/* rfc2047.c - RFC 2047 encoded-words; see rfc2047.h.
 *
 * Encoding follows RFC 2047 section 5 rule (3) for phrases (encword.h, the
 * encoder the content=7bit converter shares: in Q only letters, digits and
 * ! * + - / stay literal, space is "_", all else =XX); each word is at most
 * 75 octets and holds whole UTF-8 characters (section 5: a multi-octet
 * character may not be split between words). Q or B: see prefer_q(). The whole name is encoded when
 * any part is not ASCII: mixing atoms and encoded-words would need quoting for
 * specials, and encoded-words may not stand in a quoted string.
 *
 * Decoding is strict about the word shape (section 2: no blanks, one charset
 * token, B or Q, no "?" in the text) but not about its length, since common
 * mailers write longer words. Charsets other than UTF-8 and US-ASCII go
 * through iconv(3); an unknown charset leaves the word as it is.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "addr.h"
#include "encword.h"
#include "rfc2047.h"
#include "utf8.h"

/* The B decoder's alphabet (the encoder's is encword.c's). */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Write S as UTF-8 encoded-words in encoding E, each holding whole characters. */
static void put_words(buf_t *out, int e, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = 0, c;

        while (i + n < len) {
            c = utf8_seq_len(s + i + n, len - i - n);
            if (encword_len(e, "UTF-8", s + i, n + c) > ENCWORD_MAX)
                break;
            n += c;
        }
        if (i)
            buf_putc(out, ' ');
        encword_put(out, e, "UTF-8", s + i, n);
        i += n;
    }
}

/* Q when it is at most a quarter longer than B: Q keeps the ASCII in a name
 * legible to whoever reads raw headers and logs. */
static int prefer_q(const char *s, size_t len)
{
    size_t b = encword_text_len('B', s, len);

    return encword_text_len('Q', s, len) <= b + b / 4;
}

/* 1 if S can go out as bare atoms: atext words, single spaces, no word that a
 * reader could take for an encoded-word. */
static int bare_ok(const char *s, size_t len)
{
    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' ? s[i + 1] == ' ' : !addr_atext((unsigned char) s[i], 0))
            return 0;
        if (s[i] == '=' && s[i + 1] == '?' && (i == 0 || s[i - 1] == ' '))
            return 0;
    }
    return 1;
}

static void put_quoted(buf_t *out, const char *s, size_t len)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            buf_putc(out, '\\');
        buf_putc(out, s[i]);
    }
    buf_putc(out, '"');
}

size_t rfc2047_encode_phrase(buf_t *out, const char *name, size_t len)
{
    buf_t clean = BUF_INIT;
    size_t start = out->len, i, ascii = 1;

    utf8_clean(&clean, name, len);
    for (i = 0; i < clean.len && clean.data[i] == ' '; i++)
        ;
    if (i < clean.len) {
        for (i = 0; i < clean.len; i++)
            ascii &= (unsigned char) clean.data[i] < 0x80;
        if (ascii && bare_ok(clean.data, clean.len))
            buf_append(out, clean.data, clean.len);
        else if (ascii)
            put_quoted(out, clean.data, clean.len);
        else
            put_words(out, prefer_q(clean.data, clean.len) ? 'Q' : 'B', clean.data, clean.len);
    }
    buf_free(&clean);
    return out->len - start;
}

static int b64_val(unsigned char c)
{
    const char *p = c ? strchr(b64, c) : NULL;

    return p ? (int) (p - b64) : -1;
}

/* B text -> octets; 0 when it is not base64 (padding is optional). */
static int b_decode(buf_t *out, const char *s, size_t n)
{
    unsigned long v = 0;
    size_t bits = 0, i;

    for (i = 0; i < n && s[i] != '='; i++) {
        int d = b64_val((unsigned char) s[i]);

        if (d < 0)
            return 0;
        v = (v << 6 | (unsigned long) d) & 0xFFFFFF;
        if ((bits += 6) >= 8) {
            bits -= 8;
            buf_putc(out, (int) ((v >> bits) & 0xFF));
        }
    }
    for (size_t pad = i; pad < n; pad++) {
        if (s[pad] != '=')
            return 0;
    }
    return (i % 4) != 1 && (n - i) <= 2;
}

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char) ascii_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Q text -> octets; 0 on a broken =XX. */
static int q_decode(buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            buf_putc(out, ' ');
        } else if (s[i] == '=') {
            int hi, lo;

            if (i + 2 >= n)
                return 0;
            if ((hi = hex_val((unsigned char) s[i + 1])) < 0 || (lo = hex_val((unsigned char) s[i + 2])) < 0)
                return 0;
            buf_putc(out, hi << 4 | lo);
            i += 2;
        } else {
            buf_putc(out, s[i]);
        }
    }
    return 1;
}

/* Convert RAW in CHARSET to clean UTF-8 on OUT; 0 for a charset iconv lacks. */
static int to_utf8(buf_t *out, const char *charset, const buf_t *raw)
{
    char obuf[256], *in = raw->data;
    size_t inleft = raw->len;
    iconv_t cd;

    if (ascii_ncaseeq(charset, "UTF-8", 6) || ascii_ncaseeq(charset, "UTF8", 5)
        || ascii_ncaseeq(charset, "US-ASCII", 9)) {
        utf8_clean(out, raw->data, raw->len);
        return 1;
    }
    if ((cd = iconv_open("UTF-8", charset)) == (iconv_t) -1)
        return 0;
    while (inleft > 0) {
        char *op = obuf;
        size_t oleft = sizeof(obuf);
        size_t r = iconv(cd, &in, &inleft, &op, &oleft);
        int err = errno;

        utf8_clean(out, obuf, (size_t) (op - obuf));
        if (r == (size_t) -1 && err != E2BIG) {
            buf_puts(out, UTF8_REPLACEMENT);
            in++, inleft--;                     /* EILSEQ or EINVAL: skip one octet */
        }
    }
    iconv_close(cd);
    return 1;
}

/* Split W into charset, encoding and text; 0 when it is not an encoded-word. */
static int split_word(const char *w, size_t len, char *charset, size_t csize, int *enc,
                      const char **text, size_t *tlen)
{
    const char *q1, *q2, *end = w + len;

    if (len < 8 || w[0] != '=' || w[1] != '?' || end[-2] != '?' || end[-1] != '=')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char) w[i] <= ' ' || (unsigned char) w[i] >= 0x7f)
            return 0;
    }
    if ((q1 = memchr(w + 2, '?', len - 2)) == NULL || q1 == w + 2 || q1 + 3 > end - 2 || q1[2] != '?')
        return 0;
    q2 = q1 + 2;
    *enc = ascii_lower((unsigned char) q1[1]);
    if ((*enc != 'b' && *enc != 'q') || memchr(q2 + 1, '?', (size_t) (end - 2 - q2 - 1)) != NULL)
        return 0;
    if ((size_t) (q1 - (w + 2)) >= csize)
        return 0;
    memcpy(charset, w + 2, (size_t) (q1 - (w + 2)));
    charset[q1 - (w + 2)] = 0;
    if (strchr(charset, '*'))                  /* RFC 2231 language suffix */
        *strchr(charset, '*') = 0;
    for (char *c = charset; *c; c++) {         /* a name, never a path, for iconv_open */
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '-' || *c == '_' || *c == '.' || *c == ':'))
            return 0;
    }
    *text = q2 + 1;
    *tlen = (size_t) (end - 2 - *text);
    return charset[0] != 0;
}

int rfc2047_decode_word(buf_t *out, const char *w, size_t len)
{
    char charset[64];
    const char *text;
    size_t tlen;
    int enc, done;
    buf_t raw = BUF_INIT;

    if (!split_word(w, len, charset, sizeof(charset), &enc, &text, &tlen))
        return 0;
    done = (enc == 'b' ? b_decode : q_decode)(&raw, text, tlen) && to_utf8(out, charset, &raw);
    buf_free(&raw);
    return done;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void rfc2047_decode_text(buf_t *out, const char *s, size_t len)
{
    buf_t word = BUF_INIT;
    size_t i = 0, gap_start = 0;
    int prev_encoded = 0, gap = 0;

    while (i < len) {
        size_t j = i;

        if (is_blank(s[i])) {
            gap_start = out->len;
            gap = 1;
            for (; j < len && is_blank(s[j]); j++) {
                if (s[j] != '\r' && s[j] != '\n')
                    buf_putc(out, ' ');
            }
        } else {
            for (; j < len && !is_blank(s[j]); j++)
                ;
            buf_reset(&word);
            if (rfc2047_decode_word(&word, s + i, j - i)) {
                if (prev_encoded && gap)        /* blanks between encoded-words are not text */
                    buf_truncate(out, gap_start);
                buf_append(out, word.data, word.len);
                prev_encoded = 1;
            } else {
                utf8_clean(out, s + i, j - i);
                prev_encoded = 0;
            }
            gap = 0;
        }
        i = j;
    }
    buf_free(&word);
}
