/* conf.c - the "name = value" parser over parameter tables; see conf.h.
 *
 * Syntax as Postfix main.cf: "name = value", '#' comments on lines of their
 * own, a line starting with white space continues the previous one. No $name
 * expansion: what you read is what pogate uses.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "log.h"
#include "mem.h"

/* The parameter NAME: in a table (*base set), or among the others (*base NULL). */
static const struct conf_param *find_param(const struct conf_schema *s, const char *name, void **base)
{
    for (int t = 0; t < s->ntables; t++)
        for (size_t i = 0; i < s->tables[t].count; i++)
            if (strcmp(s->tables[t].params[i].name, name) == 0)
                return *base = s->tables[t].base, &s->tables[t].params[i];
    *base = NULL;
    for (size_t i = 0; i < s->nothers; i++)
        if (strcmp(s->others[i].name, name) == 0)
            return &s->others[i];
    return NULL;
}

/* Index of value in "a|b|c", or -1. */
static int enum_index(const char *choices, const char *value)
{
    size_t vlen = strlen(value);
    int idx = 0;

    for (const char *p = choices; *p; idx++) {
        size_t n = strcspn(p, "|");

        if (n == vlen && strncmp(p, value, n) == 0)
            return idx;
        p += n + (p[n] == '|');
    }
    return -1;
}

static int parse_number(const char *s, long long *out, const char *units, const long long *mult)
{
    char *end;
    long long v;
    const char *u;

    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    v = strtoll(s, &end, 10);
    if (errno || v < 0)
        return -1;
    if (*end) {
        if (end[1] || (u = strchr(units, *end)) == NULL)
            return -1;
        if (v > LLONG_MAX / mult[u - units])
            return -1;
        v *= mult[u - units];
    }
    *out = v;
    return 0;
}

int conf_parse_size(const char *s, long long *out)
{
    static const long long mult[] = { 1024, 1024, 1048576, 1048576, 1073741824, 1073741824 };

    return parse_number(s, out, "kKmMgG", mult);
}

int conf_parse_time(const char *s, long long *out)
{
    static const long long mult[] = { 1, 60, 3600, 86400, 604800 };

    return parse_number(s, out, "smhdw", mult);
}

/* VALUE as P's type, into *idx (enum, mode) or *n (numbers). */
static int parse_value(const struct conf_param *p, const char *value, int *idx, long long *n, const char **why)
{
    char *end;

    switch (p->type) {
    case CONF_STR:
        return 0;
    case CONF_ENUM:
        if ((*idx = enum_index(p->choices, value)) < 0)
            return *why = "bad value, expected one of the listed choices", -1;
        return 0;
    case CONF_MODE:
        errno = 0;
        *n = strtoll(value, &end, 8);
        if (errno || *value == 0 || *end || *n < 0 || *n > 07777)
            return *why = "bad octal file mode", -1;
        *idx = (int) *n;
        return 0;
    case CONF_SIZE:
        if (conf_parse_size(value, n) < 0)
            return *why = "bad size, expected a number with optional k, M or G", -1;
        return 0;
    case CONF_TIME:
        if (conf_parse_time(value, n) < 0)
            return *why = "bad time, expected a number with optional s, m, h, d or w", -1;
        return 0;
    case CONF_INT:
        if (parse_number(value, n, "", NULL) < 0)
            return *why = "bad number", -1;
        return 0;
    }
    return *why = "internal error: parameter type", -1;
}

int conf_set(const struct conf_schema *s, const char *name, const char *value, const char **why)
{
    void *base;
    const struct conf_param *p = find_param(s, name, &base);
    char *field;
    long long n = 0;
    int idx = 0;

    if (p == NULL)
        return *why = "unknown parameter name", -1;
    if (parse_value(p, value, &idx, &n, why) < 0)
        return -1;
    if (base == NULL) {         /* another program's: checked, its text kept if asked */
        if (s->other_text != NULL) {
            free(s->other_text[p - s->others]);
            s->other_text[p - s->others] = xstrdup(value);
        }
        return 0;
    }
    field = (char *) base + p->offset;
    switch (p->type) {
    case CONF_STR:
        free(*(char **) field);
        *(char **) field = xstrdup(value);
        break;
    case CONF_ENUM:
    case CONF_MODE:
        *(int *) field = idx;
        break;
    default:
        *(long long *) field = n;
        break;
    }
    return 0;
}

void conf_defaults(const struct conf_schema *s)
{
    const char *why;

    for (int t = 0; t < s->ntables; t++)
        for (size_t i = 0; i < s->tables[t].count; i++) {
            const struct conf_param *p = &s->tables[t].params[i];

            /* The struct may be fresh: there is nothing to free yet. */
            if (p->type == CONF_STR)
                *(char **) ((char *) s->tables[t].base + p->offset) = NULL;
            if (conf_set(s, p->name, p->def, &why) < 0)
                msg_fatal("internal error: default of %s: %s", p->name, why);
        }
}

/* Apply one logical line ("name = value"); report errors against name:lineno. */
static int conf_line(const struct conf_schema *s, char *line, const char *name, int lineno)
{
    char *eq = strchr(line, '=');
    char *key, *value;
    const char *why;

    if (eq == NULL) {
        msg_error("%s:%d: missing '=' in \"%.60s\"", name, lineno, line);
        return 1;
    }
    *eq = 0;
    key = str_trim(line);
    value = str_trim(eq + 1);
    if (*key == 0) {
        msg_error("%s:%d: missing parameter name before '='", name, lineno);
        return 1;
    }
    if (conf_set(s, key, value, &why) < 0) {
        msg_error("%s:%d: %s (%s = %.60s)", name, lineno, why, key, value);
        return 1;
    }
    return 0;
}

int conf_parse_stream(const struct conf_schema *s, FILE *fp, const char *name)
{
    buf_t logical = BUF_INIT;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, start = 0, errors = 0;

    while ((n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if ((size_t) n != strlen(line)) {
            msg_error("%s:%d: NUL byte in line", name, lineno);
            errors++;
            continue;
        }
        if (*str_trim(line) == '#' || *str_trim(line) == 0)
            continue;
        if (line[0] == ' ' || line[0] == '\t') {
            if (logical.len == 0) {
                msg_error("%s:%d: continuation line without a parameter", name, lineno);
                errors++;
                continue;
            }
            buf_putc(&logical, ' ');
            buf_puts(&logical, str_trim(line));
            continue;
        }
        if (logical.len)
            errors += conf_line(s, logical.data, name, start);
        buf_reset(&logical);
        buf_puts(&logical, str_trim(line));
        start = lineno;
    }
    if (ferror(fp)) {
        msg_error("%s: read error: %m", name);
        errors++;
    }
    if (logical.len)
        errors += conf_line(s, logical.data, name, start);
    free(line);
    buf_free(&logical);
    return errors;
}

int conf_read(const struct conf_schema *s, const char *path)
{
    FILE *fp;
    int errors;

    if ((fp = fopen(path, "r")) == NULL) {
        if (errno == ENOENT)
            return 0;
        msg_error("%s: %m", path);
        return 1;
    }
    errors = conf_parse_stream(s, fp, path);
    fclose(fp);
    return errors;
}

/* One parameter as the file would say it. */
static void print_param(const struct conf_param *p, const void *base, FILE *fp)
{
    const char *field = (const char *) base + p->offset;
    const char *c = p->choices;

    fprintf(fp, "%s = ", p->name);
    switch (p->type) {
    case CONF_STR:
        fprintf(fp, "%s\n", *(char *const *) field);
        break;
    case CONF_ENUM:
        for (int idx = *(const int *) field; idx > 0; idx--)
            c += strcspn(c, "|") + 1;
        fprintf(fp, "%.*s\n", (int) strcspn(c, "|"), c);
        break;
    case CONF_MODE:
        fprintf(fp, "%04o\n", (unsigned) *(const int *) field);
        break;
    default:
        fprintf(fp, "%lld\n", *(const long long *) field);
        break;
    }
}

void conf_print(const struct conf_schema *s, FILE *fp)
{
    for (int t = 0; t < s->ntables; t++)
        for (size_t i = 0; i < s->tables[t].count; i++)
            print_param(&s->tables[t].params[i], s->tables[t].base, fp);
}

const char *conf_other(const struct conf_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nothers; i++)
        if (strcmp(s->others[i].name, name) == 0)
            return s->other_text && s->other_text[i] ? s->other_text[i] : s->others[i].def;
    return NULL;
}

void conf_free(const struct conf_schema *s)
{
    for (size_t i = 0; s->other_text && i < s->nothers; i++) {
        free(s->other_text[i]);
        s->other_text[i] = NULL;
    }
    for (int t = 0; t < s->ntables; t++)
        for (size_t i = 0; i < s->tables[t].count; i++) {
            const struct conf_param *p = &s->tables[t].params[i];
            char **field = (char **) ((char *) s->tables[t].base + p->offset);

            if (p->type == CONF_STR) {
                free(*field);
                *field = NULL;
            }
        }
}
