/* utf8.c - UTF-8 checks and ASCII case helpers; see utf8.h. */
#include "utf8.h"

size_t utf8_seq_len(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *) s;
    unsigned long cp;
    size_t n;

    if (len == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xC2 && u[0] <= 0xDF)
        n = 2, cp = u[0] & 0x1F;
    else if (u[0] >= 0xE0 && u[0] <= 0xEF)
        n = 3, cp = u[0] & 0x0F;
    else if (u[0] >= 0xF0 && u[0] <= 0xF4)
        n = 4, cp = u[0] & 0x07;
    else
        return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n) {
        if ((n = utf8_seq_len(s + i, len - i)) == 0)
            return 0;
    }
    return 1;
}

void utf8_clean(buf_t *out, const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n) {
        unsigned char c = (unsigned char) s[i];

        if ((n = utf8_seq_len(s + i, len - i)) == 0) {
            buf_puts(out, UTF8_REPLACEMENT);
            n = 1;
        } else if (c < 0x20 || c == 0x7f || (c == 0xC2 && (unsigned char) s[i + 1] < 0xA0)) {
            buf_putc(out, ' ');
        } else {
            buf_append(out, s + i, n);
        }
    }
}

void utf8_put(buf_t *out, unsigned long cp)
{
    char b[4];

    if (cp < 0x80) {
        buf_putc(out, (int) cp);
        return;
    }
    if (cp < 0x800) {
        b[0] = (char) (0xC0 | (cp >> 6));
        b[1] = (char) (0x80 | (cp & 0x3F));
        buf_append(out, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char) (0xE0 | (cp >> 12));
        b[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char) (0x80 | (cp & 0x3F));
        buf_append(out, b, 3);
    } else {
        b[0] = (char) (0xF0 | (cp >> 18));
        b[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char) (0x80 | (cp & 0x3F));
        buf_append(out, b, 4);
    }
}

int ascii_ncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower((unsigned char) a[i]) != ascii_lower((unsigned char) b[i]))
            return 0;
    }
    return 1;
}
