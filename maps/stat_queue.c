/* stat_queue.c - reading the MTA's queue listing; see stat_queue.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "logline.h"
#include "mem.h"
#include "stat_queue.h"

static struct statq_msg *new_msg(struct statq *q)
{
    struct statq_msg *m;

    q->msg = xrealloc(q->msg, (size_t) (q->nmsg + 1) * sizeof(*q->msg));
    m = &q->msg[q->nmsg++];
    memset(m, 0, sizeof(*m));
    return m;
}

static void add_rcpt(struct statq_msg *m, const char *addr, size_t n, const char *reason)
{
    m->rcpt = xrealloc(m->rcpt, (size_t) (m->nrcpt + 1) * sizeof(*m->rcpt));
    m->rcpt[m->nrcpt].address = xstrndup(addr, n);
    m->rcpt[m->nrcpt++].reason = reason ? xstrdup(reason) : NULL;
}

/* One line of postqueue -j. */
static void json_line(const char *line, size_t len, struct statq *q)
{
    const char *why;
    struct json *j = json_parse(line, len, &why);
    const struct json *r;
    struct statq_msg *m;
    const char *s;

    if (j == NULL || j->type != JSON_OBJECT || (s = json_get_str(j, "queue_id")) == NULL) {
        q->bad++;
        json_free(j);
        return;
    }
    m = new_msg(q);
    str_copy(m->qid, s, sizeof(m->qid));
    str_copy(m->queue, (s = json_get_str(j, "queue_name")) ? s : "", sizeof(m->queue));
    m->arrival = json_get_ll(j, "arrival_time", 0);
    m->size = json_get_ll(j, "message_size", -1);
    m->sender = xstrdup((s = json_get_str(j, "sender")) ? s : "");
    if ((r = json_get(j, "recipients")) != NULL && r->type == JSON_ARRAY)
        for (const struct json *e = r->child; e; e = e->next)
            if ((s = json_get_str(e, "address")) != NULL)
                add_rcpt(m, s, strlen(s), json_get_str(e, "delay_reason"));
    json_free(j);
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int has(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t) (end - p) >= n && memcmp(p, lit, n) == 0;
}

static const char *word_end(const char *p, const char *end)
{
    while (p < end && *p != ' ' && *p != '\t')
        p++;
    return p;
}

/* "Wed Dec  2 21:05" (or with seconds) at P: seconds since the epoch, 0 if not. */
static long long mailq_time(const char *p, const char *end, time_t now)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char stamp[32];
    struct logline_ctx ctx;
    struct logline l;
    size_t n;
    const char *m;

    p = skip_blanks(word_end(skip_blanks(p, end), end), end);      /* past the weekday */
    if (end - p < 12)
        return 0;
    for (m = months; *m && memcmp(m, p, 3) != 0; m += 3)
        ;
    if (*m == 0)
        return 0;
    /* As a classic syslog stamp with seconds, for logline to convert. */
    n = (size_t) (word_end(skip_blanks(word_end(skip_blanks(p + 3, end), end), end), end) - p);
    if (n >= 16 || n < 11)
        return 0;
    memcpy(stamp, p, n);
    if (p[n - 3] == ':' && p[n - 6] == ':')    /* "HH:MM:SS" */
        memcpy(stamp + n, " h p: x", 7), n += 7;
    else
        memcpy(stamp + n, ":00 h p: x", 10), n += 10;
    logline_init(&ctx, now);
    return logline_parse(&ctx, stamp, n, &l) && l.has_time ? l.sec : 0;
}

/* A queue line of mailq: "QID[*X-] SIZE Day Mon DD HH:MM SENDER". */
static struct statq_msg *mailq_head(const char *p, const char *end, time_t now, struct statq *q)
{
    const char *e = word_end(p, end), *s, *se, *sz;
    struct statq_msg *m;
    size_t n = (size_t) (e - p);

    while (n && (p[n - 1] == '*' || p[n - 1] == 'X' || p[n - 1] == '-' || p[n - 1] == '!'))
        n--;
    if (n < 5 || n >= sizeof(m->qid))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
            return NULL;
    sz = skip_blanks(e, end);
    if (sz >= end || *sz < '0' || *sz > '9')
        return NULL;
    m = new_msg(q);
    memcpy(m->qid, p, n);
    m->qid[n] = 0;
    str_copy(m->queue, e > p + n && p[n] == '*' ? "active" : e > p + n && p[n] == '!' ? "hold" : "deferred",
             sizeof(m->queue));
    m->size = 0;
    for (const char *d = sz; d < end && *d >= '0' && *d <= '9' && m->size < (1LL << 50); d++)
        m->size = m->size * 10 + (*d - '0');
    m->arrival = mailq_time(word_end(sz, end), end, now);
    /* The sender is the last word. */
    se = end;
    while (se > sz && (se[-1] == ' ' || se[-1] == '\t'))
        se--;
    s = se;
    while (s > sz && s[-1] != ' ' && s[-1] != '\t')
        s--;
    if (se - s >= 2 && *s == '<' && se[-1] == '>')
        s++, se--;
    m->sender = xstrndup(s, (size_t) (se - s));
    return m;
}

static void mailq_line(const char *p, const char *end, time_t now, struct statq *q, struct statq_msg **cur,
                       buf_t *reason)
{
    const char *b = skip_blanks(p, end);

    if (b == end || *b == '-' || has(b, end, "Total requests") || has(b, end, "Mail queue is empty")
        || (*b == '/' && p != b) || has(b, end, "MSP Queue") || has(b, end, "QUARANTINE"))
        return;
    if (b == p) {               /* a message's first line */
        *cur = mailq_head(p, end, now, q);
        buf_reset(reason);
        if (*cur == NULL && *p != '/')
            q->bad++;
        return;
    }
    if (*cur == NULL)
        return;
    if (*b == '(') {            /* why it waits, for the recipients that follow */
        const char *e = end;

        while (e > b && e[-1] != ')')
            e--;
        buf_reset(reason);
        buf_append(reason, b + 1, (size_t) ((e > b + 1 ? e - 1 : end) - b - 1));
        return;
    }
    {
        const char *e = word_end(b, end);

        if (e - b >= 2 && *b == '<' && e[-1] == '>')
            b++, e--;
        add_rcpt(*cur, b, (size_t) (e - b), reason->len ? reason->data : NULL);
    }
}

void statq_parse(const char *text, size_t len, time_t now, struct statq *q)
{
    const char *p = text, *end = text + len;
    struct statq_msg *cur = NULL;
    buf_t reason = BUF_INIT;
    int json;

    memset(q, 0, sizeof(*q));
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
        p++;
    json = p < end && *p == '{';
    for (p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *le = nl ? nl : end;

        if (le > p && le[-1] == '\r')
            le--;
        if (json && le > p)
            json_line(p, (size_t) (le - p), q);
        else if (!json)
            mailq_line(p, le, now, q, &cur, &reason);
        p = nl ? nl + 1 : end;
    }
    buf_free(&reason);
}

void statq_free(struct statq *q)
{
    for (int i = 0; i < q->nmsg; i++) {
        for (int k = 0; k < q->msg[i].nrcpt; k++) {
            free(q->msg[i].rcpt[k].address);
            free(q->msg[i].rcpt[k].reason);
        }
        free(q->msg[i].rcpt);
        free(q->msg[i].sender);
    }
    free(q->msg);
    memset(q, 0, sizeof(*q));
}
