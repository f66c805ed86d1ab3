/* encword.h - RFC 2047 encoded-words out: one word, Q or B, in a charset.
 *
 * The milter's display names (UTF-8, Q or B: milter/rfc2047.c) and the
 * content=7bit converter's 8-bit header text (the postoffice's charset, Q:
 * lda/mime7_hdr.c) are written by this one encoder. Q leaves as themselves
 * only the characters RFC 2047 section 5 rule (3) allows in a phrase:
 * letters, digits and ! * + - /; a space is "_" (4.2 (2)) and every other
 * octet "=XX", upper-case hex (4.2 (1)). That set is the narrowest of the
 * three places of section 5, so one word is right in a phrase, in a comment
 * and in unstructured text alike. Cutting text into words (whole characters,
 * at most ENCWORD_MAX octets each) and folding between them stay with the
 * callers, which know the charset and the line.
 */
#ifndef POGATE_ENCWORD_H
#define POGATE_ENCWORD_H

#include <stddef.h>

#include "buf.h"

#define ENCWORD_MAX 75          /* octets of one encoded-word (RFC 2047 section 2) */

/* Octets of the encoded text of S (N bytes) in ENC, 'Q' or 'B', without the
 * "=?charset?E?" and "?=" around it. */
size_t encword_text_len(int enc, const char *s, size_t n);

/* Octets of the whole word "=?CHARSET?ENC?...?=" for S (N bytes). */
size_t encword_len(int enc, const char *charset, const char *s, size_t n);

/* Append that word to OUT. */
void encword_put(buf_t *out, int enc, const char *charset, const char *s, size_t n);

#endif
