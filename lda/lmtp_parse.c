/* lmtp_parse.c - LMTP command arguments: paths and MAIL parameters.
 *
 * The only part of the engine that interprets client-chosen bytes beyond line
 * framing, kept apart so the unit tests and the fuzz target reach it directly.
 * Accepts what RFC 5321 allows plus the usual leniency (a space after the
 * colon); refuses control characters, which could never name a mailbox, and
 * holds every path to RFC 5321's limits through addr_parse() (addr.h, the
 * one address checker), naming the rule it breaks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "lmtp_proto.h"

/* Skip "@a,@b:" source route after '<'; RFC 5321 says to ignore it. */
static const char *skip_route(const char *p)
{
    const char *colon;

    if (*p != '@')
        return p;
    colon = strchr(p, ':');
    return colon != NULL && colon[1] != '\0' ? colon + 1 : p;
}

/* The address limits: the path as written (source route included) and the
 * address as addr_parse() reads it. A reply line in *WHY; -1 when refused. */
static int check_limits(const char *lt, const char *gt, const buf_t *addr, int allow_null, const char **why)
{
    static _Thread_local char reply[160];
    struct addr a;
    enum addr_status st = ADDR_OK;

    if (gt - lt + 1 > ADDR_PATH_MAX)
        st = ADDR_ERR_TOO_LONG;
    else if (addr->len > 0 || !allow_null)
        st = addr_parse(addr->data, addr->len, ADDR_LOCAL_OK, &a);
    if (st == ADDR_OK)
        return 0;
    snprintf(reply, sizeof(reply), "501 %s Error: %s", allow_null ? "5.1.7" : "5.1.3", addr_strerror(st));
    *why = reply;
    return -1;
}

const char *lmtp_parse_path(const char *arg, buf_t *addr, int allow_null, const char **why)
{
    const char *p = arg, *lt;
    int quoted = 0;

    buf_reset(addr);
    while (*p == ' ')
        p++;
    if (*p != '<') {
        *why = "501 5.1.7 Error: address must be in angle brackets";
        return NULL;
    }
    lt = p;
    p = skip_route(p + 1);
    for (; *p != '\0'; p++) {
        unsigned char c = (unsigned char) *p;

        if (c < 0x20 || c == 0x7f) {
            *why = "501 5.1.3 Error: control character in address";
            return NULL;
        }
        if (c == '\\' && (unsigned char) p[1] >= 0x20 && p[1] != 0x7f) {
            buf_putc(addr, c);
            c = (unsigned char) *++p;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == '>' && !quoted) {
            break;
        }
        buf_putc(addr, c);
    }
    if (*p != '>') {
        *why = "501 5.1.3 Error: unterminated address";
        return NULL;
    }
    if (addr->len == 0 && !allow_null) {
        *why = "501 5.1.3 Error: empty recipient address";
        return NULL;
    }
    if (addr->data == NULL)
        buf_puts(addr, "");
    if (check_limits(lt, p, addr, allow_null, why) < 0)
        return NULL;
    p++;
    if (*p != '\0' && *p != ' ') {
        *why = "501 5.5.4 Error: garbage after address";
        return NULL;
    }
    while (*p == ' ')
        p++;
    return p;
}

static int parse_size(const char *v, size_t n, long long *size)
{
    long long x = 0;

    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char) v[i]))
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    *size = x;
    return 0;
}

int lmtp_parse_mail_params(const char *params, long long *size, const char **why)
{
    const char *p = params;

    *size = -1;
    while (*p != '\0') {
        size_t n = strcspn(p, " ");
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t) (eq - p) : n;
        const char *v = eq ? eq + 1 : p + n;
        size_t vlen = (size_t) (p + n - v);

        if (klen == 0 || !isalnum((unsigned char) *p)) {
            *why = "501 5.5.4 Error: bad MAIL parameter syntax";
            return -1;
        }
        if (klen == 4 && strncasecmp(p, "SIZE", 4) == 0 && parse_size(v, vlen, size) < 0) {
            *why = "501 5.5.4 Error: bad SIZE parameter";
            return -1;
        }
        if (klen == 8 && strncasecmp(p, "SMTPUTF8", 8) == 0 && eq) {
            *why = "501 5.5.4 Error: SMTPUTF8 takes no value";
            return -1;
        }
        if (klen == 4 && strncasecmp(p, "BODY", 4) == 0
            && !(vlen == 4 && strncasecmp(v, "7BIT", 4) == 0)
            && !(vlen == 8 && strncasecmp(v, "8BITMIME", 8) == 0)) {
            *why = "501 5.5.4 Error: unsupported BODY parameter";
            return -1;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return 0;
}
