/* rfc2047.h - RFC 2047 encoded-words: display names in and out of headers.
 *
 * The outbound rewrite writes a mailbox's display name (UTF-8 from the
 * mailboxes map) into From:/Sender:/Reply-To:; rfc2047_encode_phrase() gives
 * the phrase to write: bare atoms when they suffice, a quoted string when the
 * name is ASCII with specials, UTF-8 encoded-words otherwise. Decoding turns
 * a header's display name or text into UTF-8 for logs and comparisons.
 * Neither direction ever produces NUL, CR or LF.
 */
#ifndef POGATE_RFC2047_H
#define POGATE_RFC2047_H

#include <stddef.h>

#include "buf.h"

/* Append to OUT NAME (LEN bytes, UTF-8) as an RFC 5322 phrase. Control
 * characters become spaces and malformed UTF-8 becomes U+FFFD first; a name
 * that is then empty or all blanks appends nothing. Encoded-words are
 * "=?UTF-8?Q?...?=" or "=?UTF-8?B?...?=" (Q unless it is over a quarter
 * longer than B), written by encword.h's encoder, at most ENCWORD_MAX (75)
 * octets each, split only between characters, separated by one space and
 * never inside a quoted string. Returns the number of octets appended. */
size_t rfc2047_encode_phrase(buf_t *out, const char *name, size_t len);

/* If W (LEN bytes) is exactly one encoded-word in a charset this host can
 * convert, append its text as clean UTF-8 (controls as spaces) and return 1;
 * else append nothing and return 0. */
int rfc2047_decode_word(buf_t *out, const char *w, size_t len);

/* Append unstructured header text S (LEN bytes) decoded: folding removed,
 * encoded-words decoded, blanks between adjacent encoded-words dropped,
 * everything else cleaned as by utf8_clean(). */
void rfc2047_decode_text(buf_t *out, const char *s, size_t len);

#endif
