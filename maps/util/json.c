/* json.c - JSON out and in; see json.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"
#include "utf8.h"

void json_put_str(buf_t *out, const char *s, size_t len)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char) s[i];
        size_t n;

        if (c == '"' || c == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            buf_printf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            buf_putc(out, c);
            i++;
        } else if ((n = utf8_seq_len(s + i, len - i)) > 0) {
            buf_append(out, s + i, n);
            i += n;
        } else {
            buf_puts(out, "\\ufffd");
            i++;
        }
    }
    buf_putc(out, '"');
}

void json_put_cstr(buf_t *out, const char *s)
{
    if (s == NULL)
        buf_puts(out, "null");
    else
        json_put_str(out, s, strlen(s));
}

/* ---- the reader ---------------------------------------------------------- */

struct reader {
    const char *p, *end, *start;
    const char *why;
};

/* The reason of the last failure on this thread: *why points here. */
static _Thread_local char fail_msg[96];

static int fail(struct reader *r, const char *what)
{
    snprintf(fail_msg, sizeof(fail_msg), "offset %ld: %s", (long) (r->p - r->start), what);
    r->why = fail_msg;
    return -1;
}

static void blanks(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hex4(const char *p, const char *end, unsigned long *v)
{
    *v = 0;
    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

        if (d < 0)
            return -1;
        *v = *v * 16 + (unsigned long) d;
    }
    return 0;
}

/* A string at r->p (its opening quote) into OUT. */
static int string(struct reader *r, buf_t *out)
{
    unsigned long cp, lo;

    r->p++;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char) *r->p;

        if (c < 0x20)
            return fail(r, "control character in a string");
        if (c != '\\') {
            size_t n = utf8_seq_len(r->p, (size_t) (r->end - r->p));

            if (n == 0)
                return fail(r, "malformed UTF-8");
            buf_append(out, r->p, n);
            r->p += n;
            continue;
        }
        if (++r->p >= r->end)
            break;
        switch (*r->p++) {
        case '"': buf_putc(out, '"'); break;
        case '\\': buf_putc(out, '\\'); break;
        case '/': buf_putc(out, '/'); break;
        case 'b': buf_putc(out, '\b'); break;
        case 'f': buf_putc(out, '\f'); break;
        case 'n': buf_putc(out, '\n'); break;
        case 'r': buf_putc(out, '\r'); break;
        case 't': buf_putc(out, '\t'); break;
        case 'u':
            if (hex4(r->p, r->end, &cp) < 0)
                return fail(r, "bad \\u escape");
            r->p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u'
                && hex4(r->p + 2, r->end, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                r->p += 6;
            }
            if (cp == 0 || (cp >= 0xd800 && cp < 0xe000))
                cp = 0xfffd;
            utf8_put(out, cp);
            break;
        default:
            return fail(r, "bad escape");
        }
    }
    if (r->p >= r->end)
        return fail(r, "unterminated string");
    r->p++;
    return 0;
}

static int number(struct reader *r, double *v)
{
    const char *s = r->p;
    char tmp[64];

    if (r->p < r->end && *r->p == '-')
        r->p++;
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e'
                             || *r->p == 'E' || *r->p == '+' || *r->p == '-'))
        r->p++;
    if (r->p == s || (size_t) (r->p - s) >= sizeof(tmp))
        return fail(r, "bad number");
    memcpy(tmp, s, (size_t) (r->p - s));
    tmp[r->p - s] = 0;
    *v = strtod(tmp, NULL);
    return 0;
}

static int literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);

    if ((size_t) (r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unexpected character");
    r->p += n;
    return 0;
}

static struct json *value(struct reader *r, int depth);

/* The elements of an array or the members of an object, after its bracket. */
static int elements(struct reader *r, struct json *j, int depth)
{
    struct json **tail = &j->child;
    char close = j->type == JSON_ARRAY ? ']' : '}';
    buf_t key = BUF_INIT;

    blanks(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        struct json *e;

        blanks(r);
        if (j->type == JSON_OBJECT) {
            if (r->p >= r->end || *r->p != '"' || string(r, &key) < 0)
                return buf_free(&key), r->why ? -1 : fail(r, "expected a member name");
            blanks(r);
            if (r->p >= r->end || *r->p++ != ':')
                return buf_free(&key), fail(r, "expected ':'");
        }
        if ((e = value(r, depth + 1)) == NULL)
            return buf_free(&key), -1;
        if (j->type == JSON_OBJECT) {
            e->key = xstrdup(key.data ? key.data : "");
            buf_reset(&key);
        }
        *tail = e;
        tail = &e->next;
        blanks(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        buf_free(&key);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        return fail(r, "expected ',' or a closing bracket");
    }
}

static struct json *value(struct reader *r, int depth)
{
    struct json *j = xcalloc(1, sizeof(*j));
    buf_t s = BUF_INIT;
    int rc = 0;

    blanks(r);
    if (depth > JSON_DEPTH_MAX)
        rc = fail(r, "nested too deep");
    else if (r->p >= r->end)
        rc = fail(r, "unexpected end");
    else if (*r->p == '{' || *r->p == '[') {
        j->type = *r->p++ == '{' ? JSON_OBJECT : JSON_ARRAY;
        rc = elements(r, j, depth);
    } else if (*r->p == '"') {
        j->type = JSON_STRING;
        if ((rc = string(r, &s)) == 0)
            j->str = s.data ? buf_steal(&s) : xstrdup("");
    } else if (*r->p == 't') {
        j->type = JSON_TRUE, rc = literal(r, "true");
    } else if (*r->p == 'f') {
        j->type = JSON_FALSE, rc = literal(r, "false");
    } else if (*r->p == 'n') {
        j->type = JSON_NULL, rc = literal(r, "null");
    } else if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
        j->type = JSON_NUMBER, rc = number(r, &j->num);
    } else {
        rc = fail(r, "unexpected character");
    }
    buf_free(&s);
    if (rc < 0) {
        json_free(j);
        return NULL;
    }
    return j;
}

struct json *json_parse(const char *s, size_t len, const char **why)
{
    struct reader r = { s, s + len, s, NULL };
    struct json *j = value(&r, 0);

    if (j) {
        blanks(&r);
        if (r.p != r.end) {
            fail(&r, "text after the value");
            json_free(j);
            j = NULL;
        }
    }
    *why = j ? NULL : r.why;
    return j;
}

void json_free(struct json *j)
{
    while (j) {
        struct json *next = j->next;

        json_free(j->child);
        free(j->key);
        free(j->str);
        free(j);
        j = next;
    }
}

const struct json *json_get(const struct json *j, const char *key)
{
    if (j == NULL || j->type != JSON_OBJECT)
        return NULL;
    for (const struct json *m = j->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

const char *json_get_str(const struct json *j, const char *key)
{
    const struct json *m = json_get(j, key);

    return m && m->type == JSON_STRING ? m->str : NULL;
}

long long json_get_ll(const struct json *j, const char *key, long long dflt)
{
    const struct json *m = json_get(j, key);

    /* 2^63 is exact as a double; every double below it converts. */
    if (m == NULL || m->type != JSON_NUMBER || !(m->num >= -9223372036854775808.0)
        || !(m->num < 9223372036854775808.0))
        return dflt;
    return (long long) m->num;
}
