/* mtaq_parse.c - read the MTAs' queue listings; see mtaq.h.
 *
 * postqueue -j writes one JSON object a line. Only a few members matter
 * (queue_name, queue_id, arrival_time, sender, recipients[].address); the
 * reader below takes exactly the JSON grammar, skips every other member
 * whatever its value, and stops at a nesting depth no listing reaches, so
 * hostile input costs linear time. sendmail -bp writes a table: a line
 * "QID[*X-] SIZE Www Mmm dd hh:mm SENDER" per message, then indented lines
 * with the status, the quarantine reason and the recipients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "mtaq.h"

#define JSON_DEPTH 8

struct js {
    const char *p, *end;
};

static void ws(struct js *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

static int eat(struct js *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A string into OUT (may be NULL); \u escapes outside ASCII become '?'. -1 if malformed. */
static int string(struct js *j, buf_t *out)
{
    if (!eat(j, '"'))
        return -1;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char) *j->p++;

        if (c < 0x20)
            return -1;
        if (c == '\\') {
            if (j->p >= j->end)
                return -1;
            c = (unsigned char) *j->p++;
            if (c == 'u') {
                int v = 0;

                for (int i = 0; i < 4; i++) {
                    int h = j->p < j->end ? hexval(*j->p++) : -1;

                    if (h < 0)
                        return -1;
                    v = v * 16 + h;
                }
                c = v >= 0x20 && v < 0x7f ? (unsigned char) v : '?';
            } else if (strchr("\"\\/", c) == NULL) {
                if (strchr("bfnrt", c) == NULL)
                    return -1;
                c = '?';        /* a control character: nothing a queue id or address may hold */
            }
        }
        if (out)
            buf_putc(out, c);
    }
    return eat(j, '"') ? 0 : -1;
}

static int number(struct js *j, long long *n)
{
    const char *s = j->p;
    long long v = 0;
    int neg = 0;

    ws(j);
    s = j->p;
    if (j->p < j->end && *j->p == '-')
        neg = 1, j->p++;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (v < (1LL << 56))
            v = v * 10 + (*j->p - '0');
        j->p++;
    }
    while (j->p < j->end && strchr(".eE+-0123456789", *j->p))
        j->p++;
    if (j->p == s + neg)
        return -1;
    *n = neg ? -v : v;
    return 0;
}

static int value(struct js *j, int depth);

/* An object or array whose members are skipped. */
static int composite(struct js *j, int depth, char open, char close)
{
    if (!eat(j, open) || depth >= JSON_DEPTH)
        return -1;
    if (eat(j, close))
        return 0;
    do {
        if (open == '{' && (string(j, NULL) < 0 || !eat(j, ':')))
            return -1;
        if (value(j, depth + 1) < 0)
            return -1;
    } while (eat(j, ','));
    return eat(j, close) ? 0 : -1;
}

static int literal(struct js *j, const char *word)
{
    size_t n = strlen(word);

    if ((size_t) (j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int value(struct js *j, int depth)
{
    long long n;

    ws(j);
    if (j->p >= j->end)
        return -1;
    switch (*j->p) {
    case '"': return string(j, NULL);
    case '{': return composite(j, depth, '{', '}');
    case '[': return composite(j, depth, '[', ']');
    case 't': return literal(j, "true");
    case 'f': return literal(j, "false");
    case 'n': return literal(j, "null");
    default: return number(j, &n);
    }
}

static void add_rcpt(struct mtaq_msg *m, buf_t *a)
{
    m->rcpts = xrealloc(m->rcpts, (size_t) (m->nrcpt + 1) * sizeof(char *));
    m->rcpts[m->nrcpt++] = xstrdup(a->data ? a->data : "");
}

/* recipients: [ { "address": "...", ... }, ... ] */
static int recipients(struct js *j, struct mtaq_msg *m)
{
    buf_t k = BUF_INIT, a = BUF_INIT;
    int rc = -1;

    if (!eat(j, '['))
        return -1;
    if (eat(j, ']'))
        return 0;
    do {
        if (!eat(j, '{'))
            goto out;
        if (!eat(j, '}')) {
            do {
                buf_reset(&k);
                if (string(j, &k) < 0 || !eat(j, ':'))
                    goto out;
                if (k.data && strcmp(k.data, "address") == 0) {
                    buf_reset(&a);
                    if (string(j, &a) < 0)
                        goto out;
                    add_rcpt(m, &a);
                } else if (value(j, 3) < 0) {
                    goto out;
                }
            } while (eat(j, ','));
            if (!eat(j, '}'))
                goto out;
        }
    } while (eat(j, ','));
    rc = eat(j, ']') ? 0 : -1;
out:
    buf_free(&k), buf_free(&a);
    return rc;
}

static void msg_free(struct mtaq_msg *m)
{
    for (int i = 0; i < m->nrcpt; i++)
        free(m->rcpts[i]);
    free(m->rcpts);
    free(m->sender);
}

static void push(struct mtaq *q, struct mtaq_msg *m)
{
    if (q->n == q->cap)
        q->msg = xrealloc(q->msg, (size_t) (q->cap = q->cap ? q->cap * 2 : 32) * sizeof(*q->msg));
    q->msg[q->n++] = *m;
}

/* One member of a message object. */
static int member(struct js *j, struct mtaq_msg *m, int *have_id)
{
    buf_t k = BUF_INIT, v = BUF_INIT;
    long long n;
    int rc;

    if (string(j, &k) < 0 || !eat(j, ':'))
        return buf_free(&k), -1;
    const char *key = k.data ? k.data : "";

    if (strcmp(key, "queue_id") == 0 || strcmp(key, "queue_name") == 0 || strcmp(key, "sender") == 0) {
        if ((rc = string(j, &v)) == 0) {
            const char *s = v.data ? v.data : "";

            if (strcmp(key, "queue_id") == 0)
                *have_id = held_qid_ok(s) && str_copy(m->qid, s, sizeof(m->qid)) > 0;
            else if (strcmp(key, "queue_name") == 0)
                m->held = strcmp(s, "hold") == 0;
            else
                free(m->sender), m->sender = xstrdup(s);
        }
    } else if (strcmp(key, "arrival_time") == 0) {
        if ((rc = number(j, &n)) == 0)
            m->arrival = (time_t) (n > 0 ? n : 0);
    } else if (strcmp(key, "recipients") == 0) {
        rc = recipients(j, m);
    } else {
        rc = value(j, 1);
    }
    buf_free(&k), buf_free(&v);
    return rc;
}

static int json_line(struct mtaq *q, const char *s, const char *e)
{
    struct js j = { s, e };
    struct mtaq_msg m = { 0 };
    int have_id = 0, ok = 0;

    if (eat(&j, '{')) {
        if (eat(&j, '}'))
            ok = 1;
        else {
            do
                ok = member(&j, &m, &have_id) == 0;
            while (ok && eat(&j, ','));
            ok = ok && eat(&j, '}');
        }
    }
    ws(&j);
    if (!ok || !have_id || j.p != j.end) {
        msg_free(&m);
        return 0;
    }
    if (m.sender == NULL)
        m.sender = xstrdup("");
    push(q, &m);
    return 1;
}

int mtaq_parse_postqueue(struct mtaq *q, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int added = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *e = nl ? nl : end;

        added += json_line(q, p, e);
        p = nl ? nl + 1 : end;
    }
    return added;
}

/* ---- sendmail -bp ---- */

static int month(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

    for (int i = 0; i < 12; i++)
        if (strncmp(s, names + 3 * i, 3) == 0)
            return i;
    return -1;
}

/* "Www Mmm dd hh:mm" at S: the latest such time not after NOW + 1 day. */
static time_t qtime(const char *s, time_t now, int *used)
{
    struct tm tm, nowtm;
    int mon, day, hh, mm, n = 0;
    char wday[4], mname[4];
    time_t t;

    if (sscanf(s, "%3s %3s %d %d:%d%n", wday, mname, &day, &hh, &mm, &n) != 5 || n == 0
        || (mon = month(mname)) < 0 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return 0;
    *used = n;
    localtime_r(&now, &nowtm);
    for (int back = 0; back < 2; back++) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = nowtm.tm_year - back, tm.tm_mon = mon, tm.tm_mday = day;
        tm.tm_hour = hh, tm.tm_min = mm, tm.tm_isdst = -1;
        if ((t = mktime(&tm)) != (time_t) -1 && t <= now + 86400)
            return t;
    }
    return 0;
}

/* An address as the listing shows it, without <>; NULL when it is none. */
static char *address(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (e - s >= 2 && *s == '<' && e[-1] == '>')
        s++, e--;
    if (memchr(s, ' ', (size_t) (e - s)) || memchr(s, '\t', (size_t) (e - s)))
        return NULL;
    return xstrndup(s, (size_t) (e - s));
}

/* The first line of a message, "QID[*X-] SIZE DATE SENDER": 1 when it is one. */
static int mailq_head(const char *s, const char *e, time_t now, struct mtaq_msg *m)
{
    char line[1024], qid[HELD_QID_MAX + 2];
    size_t n = (size_t) (e - s), ql;
    long long size;
    int off = 0, used = 0;

    if (n >= sizeof(line))
        return 0;
    memcpy(line, s, n);
    line[n] = 0;
    if (sscanf(line, "%64s %lld %n", qid, &size, &off) != 2 || off == 0)
        return 0;
    ql = strlen(qid);
    if (ql > 1 && strchr("*X-", qid[ql - 1]))
        qid[--ql] = 0;
    if (!held_qid_ok(qid) || (m->arrival = qtime(line + off, now, &used)) == 0)
        return 0;
    str_copy(m->qid, qid, sizeof(m->qid));
    m->sender = address(line + off + used, line + n);
    if (m->sender == NULL)
        m->sender = xstrdup("");
    return 1;
}

/* Whether the line S..E begins with LIT (the listing is not NUL-terminated). */
static int starts(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t) (e - s) >= n && memcmp(s, lit, n) == 0;
}

int mtaq_parse_mailq(struct mtaq *q, const char *text, size_t len, int held, time_t now)
{
    const char *p = text, *end = text + len;
    struct mtaq_msg m = { 0 };
    int in = 0, added = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *e = nl ? nl : end, *s = p;

        p = nl ? nl + 1 : end;
        if (s < e && *s != ' ' && *s != '\t') {
            if (in)
                push(q, &m), added++;
            memset(&m, 0, sizeof(m));
            in = mailq_head(s, e, now, &m);
            m.held = held;
            continue;
        }
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (!in || s == e || *s == '(' || starts(s, e, "QUARANTINE:") || starts(s, e, "Total requests"))
            continue;
        char *a = address(s, e);

        if (a) {
            m.rcpts = xrealloc(m.rcpts, (size_t) (m.nrcpt + 1) * sizeof(char *));
            m.rcpts[m.nrcpt++] = a;
        }
    }
    if (in)
        push(q, &m), added++;
    return added;
}

void mtaq_free(struct mtaq *q)
{
    for (int i = 0; i < q->n; i++)
        msg_free(&q->msg[i]);
    free(q->msg);
    memset(q, 0, sizeof(*q));
}
