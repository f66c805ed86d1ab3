/* spf_header.c - the Received-SPF field value; see spf_header.h. Also the
 * result names, which the milter's log line and decisions share. */
#include <string.h>

#include "spf_header.h"

const char *spf_result_name(enum spf_result r)
{
    static const char *const names[] = {
        "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"
    };

    return (unsigned) r < sizeof(names) / sizeof(names[0]) ? names[r] : "temperror";
}

static int bare_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* 1 if S is a dot-atom of bare_char runs. */
static int bare_ok(const char *s)
{
    size_t i;

    if (*s == 0 || *s == '.')
        return 0;
    for (i = 0; s[i]; i++)
        if (s[i] == '.' ? s[i + 1] == '.' || s[i + 1] == 0 : !bare_char((unsigned char) s[i]))
            return 0;
    return 1;
}

/* Append at most MAX octets of S, ESC (a set of characters) preceded by a
 * backslash, controls and bytes outside ASCII as '?'. */
static void put_text(buf_t *out, const char *s, const char *esc, size_t max)
{
    for (size_t n = 0; *s && n < max; s++, n++) {
        unsigned char c = (unsigned char) *s;

        if (c < 0x20 || c >= 0x7f) {
            buf_putc(out, c == '\t' || c == '\r' || c == '\n' ? ' ' : '?');
            continue;
        }
        if (strchr(esc, c))
            buf_putc(out, '\\');
        buf_putc(out, c);
    }
}

static void put_pair(buf_t *out, const char *key, const char *value, size_t max)
{
    buf_printf(out, " %s=", key);
    if (bare_ok(value) && strlen(value) <= max) {
        buf_puts(out, value);
        buf_putc(out, ';');
        return;
    }
    buf_putc(out, '"');
    put_text(out, value, "\"\\", max);
    buf_puts(out, "\";");
}

void spf_header_write(buf_t *out, const struct spf_header *h)
{
    buf_puts(out, spf_result_name(h->result));
    if (h->comment && *h->comment) {
        buf_puts(out, " (");
        put_text(out, h->comment, "()\\", SPF_HEADER_TEXT_MAX);
        buf_putc(out, ')');
    }
    put_pair(out, "client-ip", h->client_ip, 64);
    put_pair(out, "envelope-from", h->envelope_from, 320);
    if (h->helo && *h->helo)
        put_pair(out, "helo", h->helo, 255);
    put_pair(out, "receiver", h->receiver, 255);
    put_pair(out, "identity", h->identity, 16);
    if (h->problem && *h->problem)
        put_pair(out, "problem", h->problem, SPF_HEADER_TEXT_MAX);
    buf_truncate(out, out->len - 1);    /* the last ';' is optional: one less thing to fold */
}
