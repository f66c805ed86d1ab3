/* poedit.h - change one attribute of one record of a text map, keeping the
 * rest of the file byte for byte.
 *
 * pogate-po(8) sets state= of a postoffice this way: comments, blank lines,
 * continuation lines, the order of attributes, quoting and line ends (LF or
 * CRLF) stay as the administrator wrote them; only the value of the one
 * attribute changes, or " NAME=VALUE" is added at the end of the record's
 * last line when it has none. Records are found as maptext.h reads them: a
 * line that starts with whitespace continues the record above it, '#' lines
 * and blank lines belong to no record, keys compare case-insensitively.
 */
#ifndef POGATE_POEDIT_H
#define POGATE_POEDIT_H

#include <stddef.h>

#include "buf.h"

enum poedit_result {
    POEDIT_CHANGED = 0,         /* *out holds the new text */
    POEDIT_SAME = 1,            /* the attribute already has that value: *out is the text as it was */
    POEDIT_NO_RECORD = -1,      /* no record with that key */
    POEDIT_BAD = -2             /* the record cannot be edited safely: *why says why */
};

/* In TEXT (LEN bytes), set attribute NAME (lowercase) of the record KEY to
 * VALUE (no blanks, quotes or control characters). *line is the record's
 * first line (1-based) when it is found. */
enum poedit_result poedit_set(const char *text, size_t len, const char *key, const char *name,
                              const char *value, buf_t *out, int *line, const char **why);

/* The value of attribute NAME of record KEY, copied into *out ("" and 0 when
 * the record has none); POEDIT_NO_RECORD or POEDIT_BAD otherwise. */
enum poedit_result poedit_get(const char *text, size_t len, const char *key, const char *name,
                              buf_t *out, int *line, const char **why);

#endif
