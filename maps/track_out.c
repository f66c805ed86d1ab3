/* track_out.c - the blocks pogate-track prints; see track_out.h.
 *
 * Everything printed comes from log lines, so it is passed through
 * utf8_clean (text) or json_put_str (JSON): no control character or
 * malformed byte of a hostile log reaches the terminal.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json.h"
#include "track_out.h"
#include "utf8.h"

static void stamp(buf_t *out, long long sec)
{
    char s[64];
    time_t t = (time_t) sec;
    struct tm tm;

    if (sec == 0) {
        buf_puts(out, "-");
        return;
    }
    localtime_r(&t, &tm);
    strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S %z", &tm);
    buf_puts(out, s);
}

static void clean(buf_t *out, const char *s)
{
    utf8_clean(out, s, strlen(s));
}

static void row(buf_t *out, const char *name, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    buf_printf(out, "  %-11s ", name);
    clean(out, value);
    buf_putc(out, '\n');
}

static void rcpt_text(const struct tmsg *m, const struct trcpt *r, buf_t *out)
{
    buf_puts(out, "  to          <");
    clean(out, r->addr);
    buf_putc(out, '>');
    if (r->po[0]) {
        buf_puts(out, " -> ");
        clean(out, r->po);
        if (r->mbx[0]) {
            buf_putc(out, '/');
            clean(out, r->mbx);
        }
    }
    if (r->canonical) {
        buf_puts(out, " <");
        clean(out, r->canonical);
        buf_putc(out, '>');
    }
    buf_printf(out, "\n              %s", track_rcpt_state(m, r));
    if (r->agent_text) {
        buf_puts(out, ": ");
        clean(out, r->agent_text);
    }
    buf_putc(out, '\n');
    if (r->status) {
        buf_puts(out, "              mta: ");
        clean(out, r->status);
        if (r->dsn) {
            buf_putc(out, ' ');
            clean(out, r->dsn);
        }
        if (r->relay) {
            buf_puts(out, " relay=");
            clean(out, r->relay);
        }
        if (r->attempts > 1)
            buf_printf(out, " (%d attempts)", r->attempts);
        if (r->text && *r->text && strcasecmp(r->text, r->status) != 0
            && !(r->status[0] == 's' && strcasecmp(r->text, "sent") == 0)) {
            buf_puts(out, " (");
            clean(out, r->text);
            buf_putc(out, ')');
        }
        buf_putc(out, '\n');
    }
    if (r->path) {
        buf_puts(out, "              ");
        clean(out, r->path);
        buf_putc(out, '\n');
    }
}

void track_out_text(const struct tmsg *m, buf_t *out)
{
    buf_puts(out, m->qid[0] ? m->qid : "NOQUEUE");
    buf_puts(out, "  ");
    stamp(out, m->first);
    buf_puts(out, "  ");
    clean(out, track_msg_state(m));
    if (m->last > m->first && m->first)
        buf_printf(out, " (%lld s)", m->last - m->first);
    buf_putc(out, '\n');
    row(out, "client", m->client);
    if (m->msgid) {
        buf_puts(out, "  message-id  <");
        clean(out, m->msgid);
        buf_puts(out, ">\n");
    }
    if (m->sender) {
        buf_puts(out, "  from        <");
        clean(out, m->sender);
        buf_putc(out, '>');
        if (m->sender_rw) {
            buf_puts(out, " -> <");
            clean(out, m->sender_rw);
            buf_putc(out, '>');
        }
        if (m->size >= 0)
            buf_printf(out, ", %lld bytes", m->size);
        buf_putc(out, '\n');
    }
    row(out, "outbound", m->outbound);
    row(out, "spoof", m->spoof);
    row(out, "milter", m->verdict);
    row(out, "refused", m->refusal);
    for (int i = 0; i < m->nr; i++)
        rcpt_text(m, &m->r[i], out);
    row(out, "bounces", m->children);
    if (m->removed)
        row(out, "queue", "removed");
    if (m->nlines) {
        const char *p = m->lines.data, *end = p + m->lines.len;

        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t) (end - p));

            buf_puts(out, "  | ");
            utf8_clean(out, p, (size_t) (nl - p));
            buf_putc(out, '\n');
            p = nl + 1;
        }
        if (m->lines_dropped)
            buf_printf(out, "  | (%d more lines not kept)\n", m->lines_dropped);
    }
    buf_putc(out, '\n');
}

static void key(buf_t *out, const char *name, const char *value)
{
    if (value == NULL)
        return;
    buf_printf(out, ",\"%s\":", name);
    json_put_cstr(out, value);
}

static void iso(buf_t *out, const char *name, long long sec)
{
    char s[64];
    time_t t = (time_t) sec;
    struct tm tm;

    if (sec == 0)
        return;
    localtime_r(&t, &tm);
    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S%z", &tm);
    key(out, name, s);
}

static void rcpt_json(const struct tmsg *m, const struct trcpt *r, buf_t *out)
{
    buf_puts(out, "{\"address\":");
    json_put_cstr(out, r->addr);
    key(out, "rewritten", r->canonical);
    key(out, "orig_to", r->orig_to);
    key(out, "postoffice", r->po[0] ? r->po : NULL);
    key(out, "mailbox", r->mbx[0] ? r->mbx : NULL);
    key(out, "state", track_rcpt_state(m, r));
    key(out, "mta_status", r->status);
    key(out, "dsn", r->dsn);
    key(out, "relay", r->relay);
    key(out, "mta_text", r->text);
    if (r->attempts)
        buf_printf(out, ",\"attempts\":%d", r->attempts);
    key(out, "delivery_status", r->agent_status);
    key(out, "delivery_text", r->agent_text);
    key(out, "path", r->path);
    buf_putc(out, '}');
}

void track_out_json(const struct tmsg *m, buf_t *out)
{
    buf_puts(out, "{\"queue_id\":");
    json_put_cstr(out, m->qid[0] ? m->qid : NULL);
    iso(out, "first", m->first);
    iso(out, "last", m->last);
    key(out, "state", track_msg_state(m));
    key(out, "client", m->client);
    key(out, "message_id", m->msgid);
    key(out, "sender", m->sender);
    key(out, "sender_rewritten", m->sender_rw);
    key(out, "outbound", m->outbound);
    key(out, "spoof", m->spoof);
    if (m->size >= 0)
        buf_printf(out, ",\"size\":%lld", m->size);
    key(out, "milter_verdict", m->verdict);
    key(out, "refused", m->refused);
    key(out, "refusal", m->refusal);
    key(out, "bounces", m->children);
    buf_printf(out, ",\"removed\":%s,\"recipients\":[", m->removed ? "true" : "false");
    for (int i = 0; i < m->nr; i++) {
        if (i)
            buf_putc(out, ',');
        rcpt_json(m, &m->r[i], out);
    }
    buf_putc(out, ']');
    if (m->nlines) {
        const char *p = m->lines.data, *end = p + m->lines.len;

        buf_puts(out, ",\"lines\":[");
        for (int i = 0; p < end; i++) {
            const char *nl = memchr(p, '\n', (size_t) (end - p));

            if (i)
                buf_putc(out, ',');
            json_put_str(out, p, (size_t) (nl - p));
            p = nl + 1;
        }
        buf_putc(out, ']');
    }
    buf_puts(out, "}\n");
}
