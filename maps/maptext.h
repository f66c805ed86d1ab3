/* maptext.h - the text form of every pogate map, in Postfix's syntax.
 *
 * A record is "key value": the key is the first word, the value the rest of the
 * line. '#' starts a comment line, blank lines are ignored, and a line that
 * starts with whitespace continues the record above it (joined with one space).
 * Keys are lowercased unless MAPTEXT_NO_FOLD is given. Values of the
 * postoffice maps carry attributes, `name=value` or `name="quoted value"`.
 *
 * Nothing is skipped silently: a NUL byte, a control character, an over-long
 * line, a continuation with nothing to continue or a key without a value is
 * logged as "FILE:LINE: what is wrong" and counted; the record is dropped and
 * reading goes on, so that one run shows every error. Callers write nothing
 * when maptext_errors() is not zero.
 */
#ifndef POGATE_MAPTEXT_H
#define POGATE_MAPTEXT_H

#include <stddef.h>
#include <stdio.h>

#define MAPTEXT_NO_FOLD   (1 << 0)      /* -f: keep the case of keys */
#define MAPTEXT_VALUE_OPTIONAL (1 << 1) /* a key alone is a record (attribute maps) */
#define MAPTEXT_LINE_MAX  65536         /* bytes in one physical or logical line */

struct maptext;                 /* a reader (opaque) */

/* One record; the strings stay valid until the next maptext_next(). */
struct maprec {
    const char *key;
    size_t klen;
    const char *value;
    size_t vlen;
    int line;                   /* first line of the record */
};

/* Open PATH for reading; NULL with errno set when it cannot be opened. */
struct maptext *maptext_open(const char *path, int flags);

/* Read from an open stream (stdin for -i, memory in tests); NAME is for messages.
 * The stream is not closed by maptext_close(). */
struct maptext *maptext_stream(FILE *fp, const char *name, int flags);

/* 1: a record in *r; 0: end of input; -1: read error (errno set). */
int maptext_next(struct maptext *m, struct maprec *r);

/* Errors reported so far, and the text of the last one ("FILE:LINE: ..."). */
int maptext_errors(const struct maptext *m);
const char *maptext_last_error(const struct maptext *m);

/* Report an error about record LINE of this map, in the same form, and count it. */
void maptext_error(struct maptext *m, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *maptext_name(const struct maptext *m);
void maptext_close(struct maptext *m);

/* Attributes: VALUE is split in place into at most MAX name/value pairs, names
 * lowercased, quotes removed (\" and \\ escapes inside quotes). Returns the
 * count, or -1 with *why saying what is wrong. */
struct mapattr {
    char *name;
    char *value;
};
int maptext_attrs(char *value, struct mapattr *attrs, int max, const char **why);

#endif
