/* mime7.h - the content policy content=7bit: a message made 7-bit, with
 * short lines, for postoffice software that reads nothing else.
 *
 * mime7_convert() reads a whole message from a seekable source twice: once to
 * learn its MIME structure (mime7_scan.c: where each entity's header and body
 * lie, and what they hold), then to write it (mime7_write.c). Only entities
 * that need it are rewritten: a body that is 8-bit, binary or has lines over
 * max_line (and is not already quoted-printable or base64) is re-encoded,
 * quoted-printable for text, base64 for anything else; header fields with
 * 8-bit text are RFC 2047-encoded, long ones folded at white space
 * (mime7_hdr.c). Every other byte - boundaries, preambles, untouched parts
 * and header fields - is copied from the source as it is. Nothing inside a
 * multipart/signed or multipart/encrypted entity is ever changed.
 *
 * With a charset, text that is re-encoded, quoted-printable or base64 text
 * in another declared charset (decoded first) and header words are
 * converted to it (iconv) when every character exists in it, and the part
 * says so in its Content-Type; otherwise they stay as they were, and a line
 * says why.
 *
 * Memory does not grow with the message: the scan keeps one line's first
 * MIME7_KEEP bytes, a stack of open entities and the list of entities to
 * rewrite; the writer holds one header block at most. A message whose
 * structure cannot be trusted (no closing boundary, nesting deeper than
 * MIME7_DEPTH_MAX, too many parts to rewrite, a header too big to rewrite,
 * an unreadable Content-Type) is written as received, and a warning names
 * the reason and the offset: a postoffice gets the mail it cannot read
 * well rather than none, and a retry would find the same bytes.
 */
#ifndef POGATE_MIME7_H
#define POGATE_MIME7_H

#include <stddef.h>

#include "podir.h"

#define MIME7_LINE_MIN    PO_LINE_MIN   /* the shortest max_line: a folded header's line */
#define MIME7_LINE_MAX    PO_LINE_MAX   /* RFC 5322's limit, and the default */
#define MIME7_DEPTH_MAX   64            /* nested entities */
#define MIME7_EDITS_MAX   20000         /* entities to rewrite in one message */
#define MIME7_BLOCK_MAX   (1024 * 1024) /* a header block that is rewritten */
#define MIME7_KEEP        16384         /* bytes of a line the scan looks at */

struct mime7_policy {
    int max_line;               /* MIME7_LINE_MIN..MIME7_LINE_MAX */
    const char *charset;        /* convert text to it; NULL or "": leave it */
};

/* The message: LEN bytes in memory at MEM, or from descriptor FD (pread). */
struct mime7_src {
    int fd;
    const char *mem;
    long long len;
};

enum mime7_result {
    MIME7_FAILED = -1,          /* read or write error: errno */
    MIME7_UNCHANGED = 0,        /* already 7-bit within max_line: copied */
    MIME7_CONVERTED = 1,
    MIME7_AS_RECEIVED = 2       /* structure not trusted: copied, the reason logged */
};

/* Write the message of SRC to OUTFD as POLICY says (appended at OUTFD's
 * offset); *WRITTEN the bytes written. */
enum mime7_result mime7_convert(const struct mime7_policy *policy, const struct mime7_src *src,
                                int outfd, long long *written);

#endif
