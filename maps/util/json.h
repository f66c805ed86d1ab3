/* json.h - JSON written safely from untrusted text, and a small reader for
 * one JSON value per line (what `postqueue -j` prints).
 *
 * The writer escapes every control character and replaces each malformed
 * UTF-8 byte with U+FFFD, so whatever a log line held, the output parses.
 * The reader builds a tree of at most JSON_DEPTH_MAX levels from LEN bytes,
 * and refuses (with a reason) anything that is not exactly one JSON value
 * with optional blanks around it. This file knows no mail.
 */
#ifndef POGATE_JSON_H
#define POGATE_JSON_H

#include <stddef.h>

#include "buf.h"

#define JSON_DEPTH_MAX 32

/* S (LEN bytes) as a JSON string, with its quotes, appended to OUT. */
void json_put_str(buf_t *out, const char *s, size_t len);

/* The same for a C string; NULL is written as null. */
void json_put_cstr(buf_t *out, const char *s);

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    char *key;                  /* a member of an object: its name; else NULL */
    char *str;                  /* JSON_STRING: the value (NUL bytes become U+FFFD) */
    double num;                 /* JSON_NUMBER */
    struct json *child;         /* JSON_ARRAY, JSON_OBJECT: the first element */
    struct json *next;          /* the next element of the parent */
};

/* The value in S (LEN bytes), or NULL with a reason ("offset N: ...", valid
 * until the next failure on this thread) in *WHY. */
struct json *json_parse(const char *s, size_t len, const char **why);
void json_free(struct json *j);

/* The member KEY of the object J, or NULL (also when J is not an object). */
const struct json *json_get(const struct json *j, const char *key);

/* The string of member KEY, or NULL when it is absent or not a string. */
const char *json_get_str(const struct json *j, const char *key);

/* The whole number of member KEY, or DFLT when it is absent, not a number,
 * or out of long long's range (a double cast there is undefined). */
long long json_get_ll(const struct json *j, const char *key, long long dflt);

#endif
