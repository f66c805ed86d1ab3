/* spf.c - the libspf2 wrapper; see spf.h.
 *
 * libspf2 wants its own prologue of network headers, reports through global
 * handler pointers (routed here to log.h; its "error" handler must not
 * return, so it is made fatal), and offers an in-memory zone DNS layer that
 * spf_new() fills from a text file when one is configured.
 */
#define _DEFAULT_SOURCE         /* netdb.h h_errno codes (TRY_AGAIN...) and nameser.h types are not POSIX */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "spf.h"

struct spf {
    SPF_server_t *server;
    SPF_dns_server_t *zone;     /* only with a zone file; we own it */
};

static const struct {
    const char *name;
    ns_type type;
} zone_types[] = {
    { "TXT", ns_t_txt }, { "A", ns_t_a }, { "AAAA", ns_t_aaaa },
    { "MX", ns_t_mx }, { "PTR", ns_t_ptr }, { "SPF", (ns_type) ns_t_spf },
};

static const struct {
    const char *name;
    SPF_dns_stat_t status;
} zone_errors[] = {
    { "!TRY_AGAIN", TRY_AGAIN }, { "!HOST_NOT_FOUND", HOST_NOT_FOUND },
    { "!NO_DATA", NO_DATA }, { "!NO_RECOVERY", NO_RECOVERY },
};

/* libspf2 declares its error hook noreturn in the pointer type, which
 * clang checks: the attribute, not C11's _Noreturn, satisfies both compilers. */
static void spf_log_error(const char *, int, const char *) __attribute__((noreturn));

static void spf_log_error(const char *file, int line, const char *text)
{
    msg_fatal("libspf2: %s:%d: %s", file ? file : "?", line, text);
}

static void spf_log_warning(const char *file, int line, const char *text)
{
    (void) file, (void) line;
    msg_warn("libspf2: %s", text);
}

static void spf_log_debug(const char *file, int line, const char *text)
{
    (void) file, (void) line;
    msg_debug("libspf2: %s", text);
}

/* One zone line: NAME TYPE DATA, or NAME TYPE !ERROR. -1 with *why on error. */
static int zone_line(SPF_dns_server_t *zone, char *line, const char **why)
{
    char *save = NULL;
    char *name = strtok_r(line, " \t", &save), *type = strtok_r(NULL, " \t", &save);
    char *data = strtok_r(NULL, "", &save);
    SPF_dns_stat_t status = NETDB_SUCCESS;
    size_t i, n;

    if (name == NULL || type == NULL || data == NULL)
        return *why = "expected NAME TYPE DATA", -1;
    data = str_trim(data);
    n = strlen(data);
    if (n >= 2 && data[0] == '"' && data[n - 1] == '"')
        data[n - 1] = 0, data++;
    for (i = 0; i < sizeof(zone_types) / sizeof(zone_types[0]); i++)
        if (strcasecmp(type, zone_types[i].name) == 0)
            break;
    if (i == sizeof(zone_types) / sizeof(zone_types[0]))
        return *why = "unknown record type", -1;
    if (data[0] == '!') {
        for (n = 0; n < sizeof(zone_errors) / sizeof(zone_errors[0]); n++)
            if (strcmp(data, zone_errors[n].name) == 0)
                status = zone_errors[n].status;
        if (status == NETDB_SUCCESS)
            return *why = "unknown !ERROR", -1;
        data = NULL;
    }
    if (SPF_dns_zone_add_str(zone, name, zone_types[i].type, status, data) != SPF_E_SUCCESS)
        return *why = "libspf2 refused the record", -1;
    return 0;
}

static SPF_dns_server_t *zone_load(const char *path)
{
    SPF_dns_server_t *zone = SPF_dns_zone_new(NULL, "pogate-zone", 0);
    FILE *fp = fopen(path, "r");
    char line[2048];
    const char *why;
    int lineno = 0, errors = 0;

    if (fp == NULL) {
        msg_error("%s: %m", path);
        SPF_dns_free(zone);
        return NULL;
    }
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (*str_trim(line) == 0 || *str_trim(line) == '#')
            continue;
        if (zone_line(zone, str_trim(line), &why) < 0) {
            msg_error("%s:%d: %s", path, lineno, why);
            errors++;
        }
    }
    fclose(fp);
    if (errors) {
        SPF_dns_free(zone);
        return NULL;
    }
    return zone;
}

struct spf *spf_new(const char *rec_dom, const char *zone_file)
{
    struct spf *s = xcalloc(1, sizeof(*s));

    SPF_error_handler = spf_log_error;
    SPF_warning_handler = spf_log_warning;
    SPF_info_handler = spf_log_debug;
    SPF_debug_handler = spf_log_debug;
    if (zone_file && *zone_file) {
        if ((s->zone = zone_load(zone_file)) == NULL) {
            free(s);
            return NULL;
        }
        s->server = SPF_server_new_dns(s->zone, 0);
    } else {
        s->server = SPF_server_new(SPF_DNS_CACHE, 0);
    }
    if (s->server == NULL) {
        msg_error("libspf2: cannot create an SPF server");
        spf_free(s);
        return NULL;
    }
    if (rec_dom && *rec_dom)
        SPF_server_set_rec_dom(s->server, rec_dom);
    return s;
}

void spf_free(struct spf *s)
{
    if (s == NULL)
        return;
    if (s->server)
        SPF_server_free(s->server);
    if (s->zone)
        SPF_dns_free(s->zone);
    free(s);
}

static enum spf_result map_result(SPF_result_t r)
{
    switch (r) {
    case SPF_RESULT_PASS: return SPFR_PASS;
    case SPF_RESULT_FAIL: return SPFR_FAIL;
    case SPF_RESULT_SOFTFAIL: return SPFR_SOFTFAIL;
    case SPF_RESULT_NEUTRAL: return SPFR_NEUTRAL;
    case SPF_RESULT_NONE: return SPFR_NONE;
    case SPF_RESULT_PERMERROR: return SPFR_PERMERROR;
    default: return SPFR_TEMPERROR;
    }
}

/* Feed the client address to the request; -1 for a family SPF cannot judge. */
static int set_client(SPF_request_t *req, const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET)
        return SPF_request_set_ipv4(req, ((const struct sockaddr_in *) (const void *) sa)->sin_addr)
            == SPF_E_SUCCESS ? 0 : -1;
    if (sa && sa->sa_family == AF_INET6)
        return SPF_request_set_ipv6(req, ((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr)
            == SPF_E_SUCCESS ? 0 : -1;
    return -1;
}

enum spf_result spf_check(struct spf *s, const struct sockaddr *client, const char *helo,
                          const char *sender, buf_t *header, buf_t *why)
{
    SPF_request_t *req = SPF_request_new(s->server);
    SPF_response_t *resp = NULL;
    enum spf_result r = SPFR_TEMPERROR;
    const char *text;

    if (set_client(req, client) < 0) {
        buf_puts(why, "client address not IPv4 or IPv6");
        SPF_request_free(req);
        return SPFR_NONE;
    }
    if (helo && *helo)
        SPF_request_set_helo_dom(req, helo);
    if (*sender ? SPF_request_set_env_from(req, sender) != 0
        : !(helo && *helo) || SPF_request_set_env_from(req, helo) != 0) {
        buf_puts(why, "no identity to check");
        SPF_request_free(req);
        return SPFR_NONE;
    }
    SPF_request_query_mailfrom(req, &resp);
    if (resp) {
        r = map_result(SPF_response_result(resp));
        if ((text = SPF_response_get_received_spf_value(resp)) != NULL)
            buf_puts(header, text);
        if ((text = SPF_response_get_smtp_comment(resp)) != NULL)
            buf_puts(why, text);
        SPF_response_free(resp);
    }
    if (header->len == 0)
        buf_printf(header, "%s", spf_result_name(r));
    SPF_request_free(req);
    return r;
}

const char *spf_result_name(enum spf_result r)
{
    static const char *const names[] = {
        "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"
    };

    return (unsigned) r < sizeof(names) / sizeof(names[0]) ? names[r] : "temperror";
}
