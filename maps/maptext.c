/* maptext.c - reader of the Postfix-syntax text maps (see maptext.h).
 *
 * Input is read in large blocks and cut at newlines with memchr, so a map of
 * a million lines parses at the speed of the disk; no physical line may
 * exceed MAPTEXT_LINE_MAX, which bounds memory whatever the input holds. A
 * logical record is complete only when the next non-comment line does not
 * start with whitespace, so the reader keeps one record of lookahead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "maptext.h"
#include "mem.h"

#define BLOCK (MAPTEXT_LINE_MAX * 2)

struct maptext {
    FILE *fp;
    int own_fp;
    char *name;
    int flags;
    char *in;                   /* input block */
    size_t start, end;          /* unread bytes: in[start..end) */
    int eof;
    int lineno;                 /* physical lines read */
    buf_t cur;                  /* the record being assembled */
    int cur_line;               /* 0: none */
    int cur_bad;                /* an error was reported in it: drop it */
    buf_t out;                  /* the record handed out last */
    int errors;
    buf_t last_error;
};

static struct maptext *maptext_new(FILE *fp, const char *name, int flags, int own)
{
    struct maptext *m = xcalloc(1, sizeof(*m));

    m->fp = fp;
    m->own_fp = own;
    m->name = xstrdup(name);
    m->flags = flags;
    m->in = xmalloc(BLOCK + 1);
    return m;
}

struct maptext *maptext_open(const char *path, int flags)
{
    FILE *fp = fopen(path, "r");

    return fp ? maptext_new(fp, path, flags, 1) : NULL;
}

struct maptext *maptext_stream(FILE *fp, const char *name, int flags)
{
    return maptext_new(fp, name, flags, 0);
}

void maptext_close(struct maptext *m)
{
    if (m == NULL)
        return;
    if (m->own_fp)
        fclose(m->fp);
    buf_free(&m->cur);
    buf_free(&m->out);
    buf_free(&m->last_error);
    free(m->in);
    free(m->name);
    free(m);
}

int maptext_errors(const struct maptext *m) { return m->errors; }
const char *maptext_name(const struct maptext *m) { return m->name; }

const char *maptext_last_error(const struct maptext *m)
{
    return m->last_error.data ? m->last_error.data : "";
}

void maptext_error(struct maptext *m, int line, const char *fmt, ...)
{
    va_list ap;
    buf_t what = BUF_INIT;

    va_start(ap, fmt);
    buf_reserve(&what, 256);
    vsnprintf(what.data, what.cap, fmt, ap);
    va_end(ap);
    buf_reset(&m->last_error);
    buf_printf(&m->last_error, "%s:%d: %s", m->name, line, what.data);
    msg_error("%s", m->last_error.data);
    buf_free(&what);
    m->errors++;
}

/* Refill the input block, keeping the unread tail. -1 on a read error. */
static int fill(struct maptext *m)
{
    size_t n;

    if (m->start > 0) {
        memmove(m->in, m->in + m->start, m->end - m->start);
        m->end -= m->start;
        m->start = 0;
    }
    n = fread(m->in + m->end, 1, BLOCK - m->end, m->fp);
    m->end += n;
    if (n == 0) {
        if (ferror(m->fp))
            return -1;
        m->eof = 1;
    }
    return 0;
}

/* Skip the rest of an over-long line. -1 on a read error. */
static int skip_line(struct maptext *m)
{
    char *nl;

    while ((nl = memchr(m->in + m->start, '\n', m->end - m->start)) == NULL && !m->eof) {
        m->start = m->end;
        if (fill(m) < 0)
            return -1;
    }
    m->start = nl ? (size_t) (nl - m->in) + 1 : m->end;
    return 0;
}

/* The next physical line, without its newline (and a CR before it). Returns
 * 1, 0 at end of input, -1 on a read error; *too_long when it was cut. */
static int physical_line(struct maptext *m, char **line, size_t *len, int *too_long)
{
    char *nl;

    *too_long = 0;
    for (;;) {
        nl = memchr(m->in + m->start, '\n', m->end - m->start);
        if (nl != NULL || m->eof || m->end - m->start >= MAPTEXT_LINE_MAX)
            break;
        if (fill(m) < 0)
            return -1;
    }
    if (nl == NULL && m->start == m->end)
        return 0;
    m->lineno++;
    *line = m->in + m->start;
    *len = nl ? (size_t) (nl - *line) : m->end - m->start;
    if (*len >= MAPTEXT_LINE_MAX) {
        *too_long = 1;
        *len = 0;
        return skip_line(m) < 0 ? -1 : 1;
    }
    m->start += *len + (nl != NULL);
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    (*line)[*len] = 0;          /* the newline's place, or spare room in the block */
    return 1;
}

/* A NUL or control character (other than TAB) makes the line unusable. */
static int line_chars_ok(struct maptext *m, const char *line, size_t len)
{
    size_t i;
    unsigned char c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) line[i];
        if (c == 0) {
            maptext_error(m, m->lineno, "NUL byte in line");
            return 0;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            maptext_error(m, m->lineno, "control character 0x%02x in line", c);
            return 0;
        }
    }
    return 1;
}

/* Split the assembled record into key and value. 0 when it is malformed. */
static int split_record(struct maptext *m, struct maprec *r)
{
    char *s = m->out.data, *v;
    size_t klen;

    klen = strcspn(s, " \t");
    v = s + klen;
    if (*v)
        *v++ = 0;
    v = str_trim(v);
    if (*v == 0 && !(m->flags & MAPTEXT_VALUE_OPTIONAL)) {
        maptext_error(m, r->line, "expected \"key value\", found no value (%.100s)", s);
        return 0;
    }
    if (!(m->flags & MAPTEXT_NO_FOLD))
        str_lower(s);
    r->key = s;
    r->klen = klen;
    r->value = v;
    r->vlen = strlen(v);
    return 1;
}

/* Hand out the assembled record (if good) and start a new one from LINE. */
static int take_record(struct maptext *m, struct maprec *r, const char *line, size_t len, int bad)
{
    int have = m->cur_line && !m->cur_bad;

    if (have) {
        buf_t t = m->out;

        m->out = m->cur;
        m->cur = t;
        r->line = m->cur_line;
    }
    buf_reset(&m->cur);
    m->cur_line = line ? m->lineno : 0;
    m->cur_bad = bad;
    if (line && !bad)
        buf_append(&m->cur, line, len);
    return have && split_record(m, r);
}

/* Add one physical line to the record being assembled; 1 when a record is complete. */
static int add_line(struct maptext *m, struct maprec *r, char *line, size_t len, int too_long)
{
    size_t skip = strspn(line, " \t");
    int bad = 0;

    if (!too_long && (skip == len || line[skip] == '#'))
        return 0;               /* blank or comment: ignored */
    if (too_long) {
        maptext_error(m, m->lineno, "line longer than %d bytes", MAPTEXT_LINE_MAX);
        bad = 1;
    } else if (!line_chars_ok(m, line, len)) {
        bad = 1;
    }
    if (!too_long && skip > 0) {
        if (m->cur_line == 0) {
            maptext_error(m, m->lineno, "continuation line with no record to continue");
            return 0;
        }
        if (bad || m->cur.len + 1 + len - skip > MAPTEXT_LINE_MAX) {
            if (!bad)
                maptext_error(m, m->cur_line, "record longer than %d bytes", MAPTEXT_LINE_MAX);
            m->cur_bad = 1;
        } else if (!m->cur_bad) {
            buf_putc(&m->cur, ' ');
            buf_append(&m->cur, line + skip, len - skip);
        }
        return 0;
    }
    return take_record(m, r, line, len, bad);
}

int maptext_next(struct maptext *m, struct maprec *r)
{
    char *line;
    size_t len;
    int too_long, n;

    for (;;) {
        n = physical_line(m, &line, &len, &too_long);
        if (n < 0)
            return -1;
        if (n == 0)
            return take_record(m, r, NULL, 0, 0) ? 1 : 0;
        if (add_line(m, r, line, len, too_long))
            return 1;
    }
}

/* One attribute value: quoted (with \" and \\) or up to the next blank. */
static char *attr_value(char **sp, const char **why)
{
    char *s = *sp, *v, *o;

    if (*s != '"') {
        v = s;
        s += strcspn(s, " \t");
        if (*s)
            *s++ = 0;
        *sp = s;
        return v;
    }
    v = o = ++s;
    for (; *s && *s != '"'; s++) {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        *o++ = *s;
    }
    if (*s != '"') {
        *why = "unterminated quoted value";
        return NULL;
    }
    s++;
    if (*s && *s != ' ' && *s != '\t') {
        *why = "text after a closing quote";
        return NULL;
    }
    *o = 0;
    *sp = s;
    return v;
}

int maptext_attrs(char *value, struct mapattr *attrs, int max, const char **why)
{
    char *s = value, *eq;
    int n = 0, i;

    for (;;) {
        s += strspn(s, " \t");
        if (*s == 0)
            return n;
        eq = s + strcspn(s, "= \t\"");
        if (*eq != '=' || eq == s) {
            *why = *eq == '=' ? "attribute with an empty name" : "expected name=value";
            return -1;
        }
        if (n == max) {
            *why = "too many attributes";
            return -1;
        }
        *eq = 0;
        str_lower(s);
        attrs[n].name = s;
        s = eq + 1;
        if ((attrs[n].value = attr_value(&s, why)) == NULL)
            return -1;
        for (i = 0; i < n; i++) {
            if (strcmp(attrs[i].name, attrs[n].name) == 0) {
                *why = "attribute given twice";
                return -1;
            }
        }
        n++;
    }
}
