/* buf.h - a length-tracking byte buffer, for anything built from untrusted input.
 *
 * Always NUL-terminated after its len bytes (so data may be used as a C string
 * when it holds no NUL), grown as needed; allocation failure is fatal (mem.h).
 * str_copy is strlcpy: bounded, always terminated, returns strlen(src) so the
 * caller can detect truncation.
 */
#ifndef POGATE_BUF_H
#define POGATE_BUF_H

#include <stddef.h>

#include "log.h"

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

#define BUF_INIT { NULL, 0, 0 }

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);
void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *data, size_t len);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, int c);
void buf_printf(buf_t *b, const char *fmt, ...) MSG_PRINTF(2, 3);
void buf_truncate(buf_t *b, size_t len);
char *buf_steal(buf_t *b);      /* caller frees; b is left empty */

size_t str_copy(char *dst, const char *src, size_t size);
void str_lower(char *s);
char *str_trim(char *s);        /* strips ASCII blanks both ends, in place */

#endif
