/* poedit.c - edit one attribute of one text-map record in place; see poedit.h.
 *
 * The text is scanned once, line by line, the way maptext.c reads it: a
 * record is its first line and the continuation lines after it (comment and
 * blank lines between them are skipped, as the reader skips them). Within
 * the record, attributes are found with the reader's rules (name=value or
 * name="quoted value", quotes may run over a line end) so that "state=" in a
 * quoted display name is never mistaken for the attribute.
 */
#include <string.h>
#include <strings.h>

#include "poedit.h"

#define MAX_LINES 256           /* physical lines of one record */

struct line {
    size_t start, end;          /* content, without the newline and a CR before it */
};

struct rec {
    struct line l[MAX_LINES];
    int n;
    int lineno;                 /* of the first line */
    size_t key_end;             /* end of the key on the first line */
};

struct attr {
    size_t vstart, vend;        /* the value as written (quotes included) */
    int quoted;
};

static int blank(int c) { return c == ' ' || c == '\t'; }

/* Find record KEY. 1 found, 0 not, -1 with *why when it cannot be edited. */
static int find(const char *t, size_t len, const char *key, struct rec *r, const char **why)
{
    size_t pos = 0, klen = strlen(key), e, s;
    int lineno = 0, in = 0, found = 0;

    while (pos < len) {
        const char *nl = memchr(t + pos, '\n', len - pos);

        e = nl ? (size_t) (nl - t) : len;
        lineno++;
        s = pos;
        pos = nl ? e + 1 : len;
        if (e > s && t[e - 1] == '\r')
            e--;
        size_t k = s;

        while (k < e && blank(t[k]))
            k++;
        if (k == e || t[k] == '#')
            continue;           /* blank or comment: belongs to no record */
        if (k > s) {            /* a continuation line */
            if (in) {
                if (r->n == MAX_LINES)
                    return *why = "record of too many lines", -1;
                r->l[r->n++] = (struct line) { s, e };
            }
            continue;
        }
        in = 0;
        size_t kend = s;

        while (kend < e && !blank(t[kend]))
            kend++;
        if (kend - s != klen || strncasecmp(t + s, key, klen) != 0)
            continue;
        if (found)
            return *why = "the record is in the file twice", -1;
        found = in = 1;
        r->n = 1;
        r->l[0] = (struct line) { s, e };
        r->lineno = lineno;
        r->key_end = kend;
    }
    return found;
}

/* Control characters make the record unreadable to maptext: refuse to touch it. */
static int record_chars_ok(const char *t, const struct rec *r)
{
    for (int i = 0; i < r->n; i++)
        for (size_t k = r->l[i].start; k < r->l[i].end; k++) {
            unsigned char c = (unsigned char) t[k];

            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return 0;
        }
    return 1;
}

/* Find attribute NAME in record R. 1 found (in *a), 0 not, -1 bad (*why). */
static int find_attr(const char *t, const struct rec *r, const char *name, struct attr *a, const char **why)
{
    size_t nlen = strlen(name);
    int inq = 0, found = 0;

    for (int i = 0; i < r->n; i++) {
        size_t k = i == 0 ? r->key_end : r->l[i].start, e = r->l[i].end;

        while (k < e) {
            if (inq) {          /* a quoted value running over from the line above */
                if (t[k] == '\\' && k + 1 < e)
                    k++;
                else if (t[k] == '"') {
                    inq = 0;
                    if (k + 1 < e && !blank(t[k + 1]))
                        return *why = "text after a closing quote", -1;
                }
                k++;
                continue;
            }
            if (blank(t[k])) {
                k++;
                continue;
            }
            size_t ns = k;

            while (k < e && t[k] != '=' && !blank(t[k]) && t[k] != '"')
                k++;
            if (k == e || t[k] != '=')
                return *why = "the record is not made of name=value attributes", -1;
            int match = k - ns == nlen && strncasecmp(t + ns, name, nlen) == 0;
            size_t vs = ++k;

            if (k < e && t[k] == '"') {
                for (k++; k < e && t[k] != '"'; k++)
                    if (t[k] == '\\' && k + 1 < e)
                        k++;
                if (k == e) {
                    if (match)
                        return *why = "the attribute's quoted value runs over a line end", -1;
                    inq = 1;
                    continue;
                }
                if (++k < e && !blank(t[k]))
                    return *why = "text after a closing quote", -1;
            } else {
                while (k < e && !blank(t[k]))
                    k++;
            }
            if (match) {
                if (found)
                    return *why = "the attribute is given twice", -1;
                found = 1;
                *a = (struct attr) { vs, k, vs < e && t[vs] == '"' };
            }
        }
    }
    if (inq)
        return *why = "unterminated quoted value", -1;
    return found;
}

static int value_ok(const char *v)
{
    if (*v == 0)
        return 0;
    for (; *v; v++)
        if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9')
              || *v == '-' || *v == '_' || *v == '.'))
            return 0;
    return 1;
}

/* Find record and attribute: the common part of poedit_set and poedit_get. */
static int locate(const char *t, size_t len, const char *key, const char *name, struct rec *r,
                  struct attr *a, int *line, const char **why)
{
    int rc = find(t, len, key, r, why);

    if (rc <= 0)
        return rc < 0 ? POEDIT_BAD : POEDIT_NO_RECORD;
    *line = r->lineno;
    if (!record_chars_ok(t, r))
        return *why = "control character in the record", POEDIT_BAD;
    if ((rc = find_attr(t, r, name, a, why)) < 0)
        return POEDIT_BAD;
    return rc;
}

enum poedit_result poedit_set(const char *text, size_t len, const char *key, const char *name,
                              const char *value, buf_t *out, int *line, const char **why)
{
    struct rec rec, *r = &rec;
    struct attr a;
    int rc;

    *line = 0;
    buf_reset(out);
    if (!value_ok(value) || !value_ok(name)) {
        *why = "the value is not a plain word";
        rc = POEDIT_BAD;
    } else if ((rc = locate(text, len, key, name, r, &a, line, why)) == 1) {
        if (!a.quoted && a.vend - a.vstart == strlen(value) && memcmp(text + a.vstart, value, a.vend - a.vstart) == 0)
            rc = POEDIT_SAME;
        else
            rc = POEDIT_CHANGED;
        buf_append(out, text, a.vstart);
        if (rc == POEDIT_CHANGED)
            buf_puts(out, value);
        else
            buf_append(out, text + a.vstart, a.vend - a.vstart);
        buf_append(out, text + a.vend, len - a.vend);
    } else if (rc == 0) {       /* none: append to the record's last line, before trailing blanks */
        size_t at = r->l[r->n - 1].end;

        while (at > r->l[r->n - 1].start && blank(text[at - 1]))
            at--;
        buf_append(out, text, at);
        buf_printf(out, " %s=%s", name, value);
        buf_append(out, text + at, len - at);
        rc = POEDIT_CHANGED;
    }
    if (rc < 0)
        buf_reset(out);
    return (enum poedit_result) rc;
}

enum poedit_result poedit_get(const char *text, size_t len, const char *key, const char *name,
                              buf_t *out, int *line, const char **why)
{
    struct rec rec, *r = &rec;
    struct attr a;
    int rc;

    *line = 0;
    buf_reset(out);
    buf_putc(out, 0);
    buf_truncate(out, 0);
    if ((rc = locate(text, len, key, name, r, &a, line, why)) == 1) {
        size_t k = a.vstart + a.quoted, e = a.vend - a.quoted;

        for (; k < e; k++) {
            if (a.quoted && text[k] == '\\' && k + 1 < e && (text[k + 1] == '"' || text[k + 1] == '\\'))
                k++;
            buf_putc(out, text[k]);
        }
        rc = POEDIT_CHANGED;
    } else if (rc == 0) {
        rc = POEDIT_CHANGED;
    }
    return (enum poedit_result) rc;
}
