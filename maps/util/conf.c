/* conf.c - pogate.conf parsing; see conf.h.
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

enum conf_type { T_STR, T_ENUM, T_SIZE, T_TIME, T_INT, T_MODE };

struct conf_param {
    const char *name;
    enum conf_type type;
    const char *def;
    size_t offset;
    const char *choices;        /* T_ENUM: "a|b|c", index stored as int */
};

#define P(name, type, def, choices) { #name, type, def, offsetof(struct pogate_conf, name), choices }

static const struct conf_param params[] = {
    P(store, T_STR, "/var/spool/pogate", NULL),
    P(user, T_STR, "pogate", NULL),
    P(milter_socket, T_STR, "unix:/run/pogate/milter.sock", NULL),
    P(lmtp_socket, T_STR, "unix:/run/pogate/lmtp.sock", NULL),
    P(milter_pid_file, T_STR, "/run/pogate/milter.pid", NULL),
    P(lmtp_pid_file, T_STR, "/run/pogate/lmtp.pid", NULL),
    P(socket_mode, T_MODE, "0660", NULL),
    P(socket_group, T_STR, "", NULL),
    P(trusted_networks, T_STR, "", NULL),
    P(outbound_services, T_STR, "", NULL),
    P(spf, T_ENUM, "header", "off|header|reject"),
    P(spf_zone_file, T_STR, "", NULL),
    P(quota_action, T_ENUM, "defer", "defer|bounce"),
    P(autoreply_action, T_ENUM, "reject", "reject|discard"),
    P(log_level, T_ENUM, "info", "error|warning|info|debug"),
    P(log_file, T_STR, "", NULL),
    P(mta_transport, T_STR, "pogate:", NULL),
    P(lda_time_limit, T_TIME, "600s", NULL),
    P(lmtp_max_connections, T_INT, "100", NULL),
    P(lmtp_idle_timeout, T_TIME, "300s", NULL),
    P(lmtp_command_timeout, T_TIME, "300s", NULL),
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static const struct conf_param *find_param(const char *name)
{
    for (size_t i = 0; i < NPARAMS; i++)
        if (strcmp(params[i].name, name) == 0)
            return &params[i];
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

int conf_set(struct pogate_conf *c, const char *name, const char *value, const char **why)
{
    const struct conf_param *p = find_param(name);
    char *field;
    long long n;
    char *end;
    int idx;

    if (p == NULL)
        return *why = "unknown parameter name", -1;
    field = (char *) c + p->offset;
    switch (p->type) {
    case T_STR:
        free(*(char **) field);
        *(char **) field = xstrdup(value);
        return 0;
    case T_ENUM:
        if ((idx = enum_index(p->choices, value)) < 0)
            return *why = "bad value, expected one of the listed choices", -1;
        *(int *) field = idx;
        return 0;
    case T_MODE:
        errno = 0;
        n = strtoll(value, &end, 8);
        if (errno || *value == 0 || *end || n < 0 || n > 07777)
            return *why = "bad octal file mode", -1;
        *(int *) field = (int) n;
        return 0;
    case T_SIZE:
        if (conf_parse_size(value, &n) < 0)
            return *why = "bad size, expected a number with optional k, M or G", -1;
        break;
    case T_TIME:
        if (conf_parse_time(value, &n) < 0)
            return *why = "bad time, expected a number with optional s, m, h, d or w", -1;
        break;
    case T_INT:
        if (parse_number(value, &n, "", NULL) < 0)
            return *why = "bad number", -1;
        break;
    }
    *(long long *) field = n;
    return 0;
}

void conf_defaults(struct pogate_conf *c, const char *confdir)
{
    const char *why;

    memset(c, 0, sizeof(*c));
    c->confdir = xstrdup(confdir);
    for (size_t i = 0; i < NPARAMS; i++)
        if (conf_set(c, params[i].name, params[i].def, &why) < 0)
            msg_fatal("internal error: default of %s: %s", params[i].name, why);
}

/* Apply one logical line ("name = value"); report errors against name:lineno. */
static int conf_line(struct pogate_conf *c, char *line, const char *name, int lineno)
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
    if (conf_set(c, key, value, &why) < 0) {
        msg_error("%s:%d: %s (%s = %.60s)", name, lineno, why, key, value);
        return 1;
    }
    return 0;
}

int conf_parse_stream(struct pogate_conf *c, FILE *fp, const char *name)
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
            errors += conf_line(c, logical.data, name, start);
        buf_reset(&logical);
        buf_puts(&logical, str_trim(line));
        start = lineno;
    }
    if (ferror(fp)) {
        msg_error("%s: read error: %m", name);
        errors++;
    }
    if (logical.len)
        errors += conf_line(c, logical.data, name, start);
    free(line);
    buf_free(&logical);
    return errors;
}

int conf_load(struct pogate_conf *c, const char *confdir)
{
    buf_t path = BUF_INIT;
    FILE *fp;
    int errors;
    enum msg_level level;

    conf_defaults(c, confdir);
    buf_printf(&path, "%s/pogate.conf", confdir);
    if ((fp = fopen(path.data, "r")) == NULL) {
        errors = errno == ENOENT ? 0 : 1;
        if (errors)
            msg_error("%s: %m", path.data);
    } else {
        errors = conf_parse_stream(c, fp, path.data);
        fclose(fp);
    }
    buf_free(&path);
    level = (enum msg_level) c->log_level;
    msg_set_level(level);
    return errors;
}

void conf_print(const struct pogate_conf *c, FILE *fp)
{
    for (size_t i = 0; i < NPARAMS; i++) {
        const char *field = (const char *) c + params[i].offset;
        const char *p = params[i].choices;
        int idx;

        fprintf(fp, "%s = ", params[i].name);
        switch (params[i].type) {
        case T_STR:
            fprintf(fp, "%s\n", *(char *const *) field);
            break;
        case T_ENUM:
            for (idx = *(const int *) field; idx > 0; idx--)
                p += strcspn(p, "|") + 1;
            fprintf(fp, "%.*s\n", (int) strcspn(p, "|"), p);
            break;
        case T_MODE:
            fprintf(fp, "%04o\n", (unsigned) *(const int *) field);
            break;
        default:
            fprintf(fp, "%lld\n", *(const long long *) field);
            break;
        }
    }
}

void conf_free(struct pogate_conf *c)
{
    free(c->confdir);
    for (size_t i = 0; i < NPARAMS; i++)
        if (params[i].type == T_STR)
            free(*(char **) ((char *) c + params[i].offset));
    memset(c, 0, sizeof(*c));
}
