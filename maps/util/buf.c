/* buf.c - length-tracking buffers and bounded string helpers; see buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

void buf_init(buf_t *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_free(buf_t *b)
{
    free(b->data);
    buf_init(b);
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void buf_reserve(buf_t *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 64;

    if (need < b->len)
        msg_fatal("buffer size overflow");
    if (need <= b->cap)
        return;
    while (cap < need)
        cap = cap > ((size_t) -1) / 2 ? need : cap * 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(buf_t *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
}

void buf_puts(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_putc(buf_t *b, int c)
{
    char ch = (char) c;

    buf_append(b, &ch, 1);
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    /* Format into the free space first: a second pass only when it did not fit. */
    buf_reserve(b, 0);
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg_fatal("buf_printf: bad format %s", fmt);
    if ((size_t) n >= b->cap - b->len) {
        buf_reserve(b, (size_t) n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t) n;
}

void buf_truncate(buf_t *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = 0;
    }
}

char *buf_steal(buf_t *b)
{
    char *s;

    if (b->data == NULL)
        buf_reserve(b, 0), b->data[0] = 0;
    s = b->data;
    buf_init(b);
    return s;
}

size_t str_copy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size) {
        size_t c = n < size ? n : size - 1;

        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}

void str_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char) (*s - 'A' + 'a');
}

char *str_trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        *--end = 0;
    return s;
}
