/* utf8.h - UTF-8 checks and ASCII case helpers shared by the address parsers.
 *
 * Addresses and header values carry UTF-8 (RFC 6531, RFC 6532); pogate must
 * never pass on malformed sequences or control characters from them, and it
 * folds case for ASCII only (the locale must not change what a key means).
 */
#ifndef POGATE_UTF8_H
#define POGATE_UTF8_H

#include <stddef.h>

#include "buf.h"

#define UTF8_REPLACEMENT "\xEF\xBF\xBD"         /* U+FFFD */

/* Length (1..4) of the well-formed UTF-8 sequence at S (LEN bytes left), 0 if
 * none: overlongs, surrogates and values past U+10FFFF are malformed. */
size_t utf8_seq_len(const char *s, size_t len);

/* 1 if all LEN bytes are well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);

/* Append S to OUT as displayable text: every control character (C0, DEL, and
 * the C1 range U+0080..U+009F) becomes a space, each malformed byte U+FFFD.
 * The result never holds NUL, CR or LF. */
void utf8_clean(buf_t *out, const char *s, size_t len);

/* Append code point CP (< 0x110000) as UTF-8. */
void utf8_put(buf_t *out, unsigned long cp);

static inline int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive (ASCII only) comparison of N bytes: 1 when equal. */
int ascii_ncaseeq(const char *a, const char *b, size_t n);

#endif
