/* spf_zone.c - the spf_zone_file reader; see spf_zone.h. */
#define _DEFAULT_SOURCE         /* netdb.h h_errno codes (TRY_AGAIN...) and nameser.h types are not POSIX */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "buf.h"
#include "log.h"
#include "spf_zone.h"
#include "strmap.h"

static const struct {
    const char *name;
    ns_type type;
} zone_types[] = {
    { "TXT", ns_t_txt }, { "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "MX", ns_t_mx },
    { "PTR", ns_t_ptr }, { "SPF", (ns_type) ns_t_spf }, { "ANY", ns_t_any },
};

static const struct {
    const char *name;
    SPF_dns_stat_t status;
} zone_errors[] = {
    { "!TRY_AGAIN", TRY_AGAIN }, { "!HOST_NOT_FOUND", HOST_NOT_FOUND },
    { "!NO_DATA", NO_DATA }, { "!NO_RECOVERY", NO_RECOVERY },
};

#define ZONE_LINE_MAX 4096

/* Decode the escapes of S in place, up to END (a closing quote, or 0 for a
 * bare word); -1 when a quoted text does not end at the end of the line or
 * an escape is bad. A \000 ends the text, as a NUL ends it for libspf2 when
 * it reads such a record from DNS. */
static int unescape(char *s, char end, const char **why)
{
    char *out = s;

    for (; *s && *s != end; s++) {
        if (*s != '\\') {
            *out++ = *s;
        } else if (s[1] >= '0' && s[1] <= '9') {
            int v = 0, i;

            for (i = 1; i <= 3; i++) {
                if (s[i] < '0' || s[i] > '9')
                    return *why = "\\DDD needs three digits", -1;
                v = v * 10 + (s[i] - '0');
            }
            if (v > 255)
                return *why = "\\DDD out of range 0-255", -1;
            *out++ = (char) v;
            s += 3;
        } else if (s[1] == '"' || s[1] == '\\') {
            *out++ = *++s;
        } else {
            return *why = "unknown escape (\\\" \\\\ \\DDD)", -1;
        }
    }
    if (end && (*s != end || s[1] != 0))
        return *why = "text not closed by a quote at the end of the line", -1;
    *out = 0;
    return 0;
}

static int zone_type(const char *name, ns_type *type)
{
    for (size_t i = 0; i < sizeof(zone_types) / sizeof(zone_types[0]); i++)
        if (strcasecmp(name, zone_types[i].name) == 0)
            return *type = zone_types[i].type, 0;
    return -1;
}

static int zone_error(const char *data, SPF_dns_stat_t *status)
{
    for (size_t i = 0; i < sizeof(zone_errors) / sizeof(zone_errors[0]); i++)
        if (strcmp(data, zone_errors[i].name) == 0)
            return *status = zone_errors[i].status, 0;
    return -1;
}

/* libspf2 aborts the process on a second ANY for a name and dereferences
 * NULL on an error added to a name and type that has records: SEEN (keyed
 * "TYPE NAME", lowercased, as libspf2 matches) refuses both, and records
 * after an error, which libspf2 would keep but never answer. */
static int zone_seen(struct strmap *seen, const char *tname, const char *name, int error, const char **why)
{
    static char data_mark, error_mark;
    buf_t key = BUF_INIT;
    char *mark;

    buf_printf(&key, "%s %s", tname, name);
    for (char *p = key.data; *p; p++)
        *p = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    mark = strmap_add(seen, key.data, error ? &error_mark : &data_mark);
    buf_free(&key);
    if (mark == NULL || (mark == &data_mark && !error))
        return 0;
    *why = mark == &error_mark ? "NAME and TYPE already have an !ERROR" : "an !ERROR for a NAME and TYPE with records";
    return -1;
}

/* One zone line: NAME TYPE DATA. -1 with *why on error. */
static int zone_line(SPF_dns_server_t *zone, struct strmap *seen, char *line, const char **why)
{
    char *save = NULL;
    char *name = strtok_r(line, " \t", &save), *tname = strtok_r(NULL, " \t", &save);
    char *data = strtok_r(NULL, "", &save);
    SPF_dns_stat_t status = NETDB_SUCCESS;
    ns_type type;
    int quoted;

    if (name == NULL || tname == NULL || data == NULL)
        return *why = "expected NAME TYPE DATA", -1;
    if (unescape(name, 0, why) < 0)
        return -1;
    if (zone_type(tname, &type) < 0)
        return *why = "unknown record type (TXT SPF A AAAA MX PTR ANY)", -1;
    data = str_trim(data);
    if ((quoted = data[0] == '"') && unescape(++data, '"', why) < 0)
        return -1;
    if (!quoted && data[0] == '!') {
        if (zone_error(data, &status) < 0)
            return *why = "unknown !ERROR (!TRY_AGAIN !HOST_NOT_FOUND !NO_DATA !NO_RECOVERY)", -1;
        data = NULL;
    } else if (type == ns_t_any) {
        return *why = "ANY takes an !ERROR only", -1;
    }
    if (zone_seen(seen, type == ns_t_any ? "ANY" : tname, name, data == NULL, why) < 0)
        return -1;
    if (SPF_dns_zone_add_str(zone, name, type, status, data) != SPF_E_SUCCESS)
        return *why = "libspf2 refused the record", -1;
    return 0;
}

SPF_dns_server_t *spf_zone_read(FILE *fp, const char *path)
{
    SPF_dns_server_t *zone = SPF_dns_zone_new(NULL, "pogate-zone", 0);
    struct strmap *seen = strmap_new();
    char line[ZONE_LINE_MAX];
    const char *why;
    int lineno = 0, errors = 0;

    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            msg_error("%s:%d: line longer than %d bytes", path, lineno, ZONE_LINE_MAX - 2);
            errors++;
            for (int c; (c = getc(fp)) != EOF && c != '\n';)
                ;
            continue;
        }
        line[strcspn(line, "\r\n")] = 0;
        if (*str_trim(line) == 0 || *str_trim(line) == '#')
            continue;
        if (zone_line(zone, seen, str_trim(line), &why) < 0) {
            msg_error("%s:%d: %s", path, lineno, why);
            errors++;
        }
    }
    strmap_free(seen);
    if (errors) {
        SPF_dns_free(zone);
        return NULL;
    }
    return zone;
}

SPF_dns_server_t *spf_zone_load(const char *path)
{
    SPF_dns_server_t *zone;
    FILE *fp = fopen(path, "r");

    if (fp == NULL) {
        msg_error("%s: %m", path);
        return NULL;
    }
    zone = spf_zone_read(fp, path);
    fclose(fp);
    return zone;
}
