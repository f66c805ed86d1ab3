/* encword.c - RFC 2047 encoded-words out; see encword.h. */
#include <string.h>

#include "encword.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hex[] = "0123456789ABCDEF";

/* Section 5 rule (3): the octets a Q word in a phrase may hold as themselves. */
static int q_literal(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static void q_put(buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];

        if (q_literal(c)) {
            buf_putc(out, c);
        } else if (c == ' ') {
            buf_putc(out, '_');
        } else {
            buf_putc(out, '=');
            buf_putc(out, hex[c >> 4]);
            buf_putc(out, hex[c & 15]);
        }
    }
}

static void b_put(buf_t *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *) s;

    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long) u[i] << 16;

        if (i + 1 < n)
            v |= (unsigned long) u[i + 1] << 8;
        if (i + 2 < n)
            v |= u[i + 2];
        buf_putc(out, b64[v >> 18]);
        buf_putc(out, b64[(v >> 12) & 63]);
        buf_putc(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_putc(out, i + 2 < n ? b64[v & 63] : '=');
    }
}

size_t encword_text_len(int enc, const char *s, size_t n)
{
    size_t len = 0;

    if (enc != 'Q')
        return (n + 2) / 3 * 4;
    for (size_t i = 0; i < n; i++)
        len += q_literal((unsigned char) s[i]) || s[i] == ' ' ? 1 : 3;
    return len;
}

size_t encword_len(int enc, const char *charset, const char *s, size_t n)
{
    return strlen(charset) + 7 + encword_text_len(enc, s, n);     /* "=?" "?E?" "?=" */
}

void encword_put(buf_t *out, int enc, const char *charset, const char *s, size_t n)
{
    buf_printf(out, "=?%s?%c?", charset, enc == 'Q' ? 'Q' : 'B');
    (enc == 'Q' ? q_put : b_put)(out, s, n);
    buf_puts(out, "?=");
}
