/* mtaq_parse.c - read the MTAs' queue listings; see mtaq.h.
 *
 * postqueue -j writes one JSON object a line, read with maps/util/json.c
 * (the whole grammar, a bounded depth, linear time); only queue_name,
 * queue_id, arrival_time, message_size, sender and recipients[].address and
 * .delay_reason matter. sendmail -bp, and Postfix's mailq, write a table: a
 * line "QID[mark] SIZE Www Mmm dd hh:mm[:ss] SENDER" per message, then
 * indented lines: a "(reason)" for the recipients that follow, sendmail's
 * "QUARANTINE: reason", and the recipients.
 *
 * The listing is not NUL-terminated: every test stays within the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "mtaq.h"

static struct mtaq_msg *new_msg(struct mtaq *q)
{
    struct mtaq_msg *m;

    if (q->n == q->cap)
        q->msg = xrealloc(q->msg, (size_t) (q->cap = q->cap ? q->cap * 2 : 32) * sizeof(*q->msg));
    m = &q->msg[q->n++];
    memset(m, 0, sizeof(*m));
    m->size = -1;
    return m;
}

static void add_rcpt(struct mtaq_msg *m, const char *addr, size_t n, const char *reason)
{
    m->rcpts = xrealloc(m->rcpts, (size_t) (m->nrcpt + 1) * sizeof(char *));
    m->reasons = xrealloc(m->reasons, (size_t) (m->nrcpt + 1) * sizeof(char *));
    m->rcpts[m->nrcpt] = xstrndup(addr, n);
    m->reasons[m->nrcpt++] = reason ? xstrdup(reason) : NULL;
}

static void msg_free(struct mtaq_msg *m)
{
    for (int i = 0; i < m->nrcpt; i++)
        free(m->rcpts[i]), free(m->reasons[i]);
    free(m->rcpts);
    free(m->reasons);
    free(m->sender);
}

static int blank(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    return s == e;
}

/* ---- postqueue -j ---- */

static int json_line(struct mtaq *q, const char *s, const char *e)
{
    const char *why, *qid, *str;
    struct json *j = json_parse(s, (size_t) (e - s), &why);
    const struct json *r;
    struct mtaq_msg *m;

    if (j == NULL || j->type != JSON_OBJECT || (qid = json_get_str(j, "queue_id")) == NULL
        || !held_qid_ok(qid)) {
        json_free(j);
        return 0;
    }
    m = new_msg(q);
    str_copy(m->qid, qid, sizeof(m->qid));
    str_copy(m->queue, (str = json_get_str(j, "queue_name")) ? str : "", sizeof(m->queue));
    m->held = strcmp(m->queue, "hold") == 0;
    if ((m->arrival = (time_t) json_get_ll(j, "arrival_time", 0)) < 0)
        m->arrival = 0;
    m->size = json_get_ll(j, "message_size", -1);
    m->sender = xstrdup((str = json_get_str(j, "sender")) ? str : "");
    if ((r = json_get(j, "recipients")) != NULL && r->type == JSON_ARRAY)
        for (const struct json *x = r->child; x; x = x->next)
            if ((str = json_get_str(x, "address")) != NULL)
                add_rcpt(m, str, strlen(str), json_get_str(x, "delay_reason"));
    json_free(j);
    return 1;
}

int mtaq_parse_postqueue(struct mtaq *q, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int added = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *e = nl ? nl : end;

        if (json_line(q, p, e))
            added++;
        else if (!blank(p, e))
            q->bad++;
        p = nl ? nl + 1 : end;
    }
    return added;
}

/* ---- sendmail -bp, Postfix's mailq ---- */

static int starts(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t) (e - s) >= n && memcmp(s, lit, n) == 0;
}

static int month(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

    for (int i = 0; i < 12; i++)
        if (strncmp(s, names + 3 * i, 3) == 0)
            return i;
    return -1;
}

/* "Www Mmm dd hh:mm[:ss]" at S (a C string): the latest such time not after
 * NOW + 1 day (the listing gives no year); 0 when it is none. */
static time_t qtime(const char *s, time_t now, int *used)
{
    struct tm tm, nowtm;
    int mon, day, hh, mm, ss = 0, n = 0, n2 = 0;
    char wday[4], mname[4];
    time_t t;

    if (sscanf(s, "%3s %3s %d %d:%d%n", wday, mname, &day, &hh, &mm, &n) != 5 || n == 0
        || (mon = month(mname)) < 0 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return 0;
    if (s[n] == ':' && sscanf(s + n, ":%2d%n", &ss, &n2) == 1 && ss >= 0 && ss <= 60)
        n += n2;
    *used = n;
    localtime_r(&now, &nowtm);
    for (int back = 0; back < 2; back++) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = nowtm.tm_year - back, tm.tm_mon = mon, tm.tm_mday = day;
        tm.tm_hour = hh, tm.tm_min = mm, tm.tm_sec = ss, tm.tm_isdst = -1;
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

/* A message's first line "QID[mark] SIZE DATE SENDER" into a new message of
 * Q; 0 when it is none. The mark after the queue id: '*' being delivered,
 * '!' on hold (Postfix), 'X' or '-' (sendmail's load and lock marks). */
static int mailq_head(struct mtaq *q, const char *s, const char *e, time_t now, int held)
{
    char line[1024], qid[HELD_QID_MAX + 2], mark = 0;
    size_t n = (size_t) (e - s), ql;
    long long size;
    int off = 0, used = 0;
    struct mtaq_msg *m;
    time_t t;

    if (n >= sizeof(line))
        return 0;
    memcpy(line, s, n);
    line[n] = 0;
    if (sscanf(line, "%64s %lld %n", qid, &size, &off) != 2 || off == 0 || size < 0)
        return 0;
    ql = strlen(qid);
    if (ql > 1 && strchr("*!X-", qid[ql - 1]))
        mark = qid[--ql], qid[ql] = 0;
    if (!held_qid_ok(qid) || (t = qtime(line + off, now, &used)) == 0)
        return 0;
    m = new_msg(q);
    str_copy(m->qid, qid, sizeof(m->qid));
    m->held = held || mark == '!';
    str_copy(m->queue, m->held ? "hold" : mark == '*' ? "active" : "deferred", sizeof(m->queue));
    m->size = size;
    m->arrival = t;
    if ((m->sender = address(line + off + used, line + n)) == NULL)
        m->sender = xstrdup("");
    return 1;
}

/* An indented line of the message M: a reason, a quarantine, a recipient. */
static void mailq_detail(struct mtaq_msg *m, const char *s, const char *e, buf_t *reason)
{
    char *a;

    if (*s == '(') {            /* why it waits, for the recipients that follow */
        const char *r = e;

        while (r > s + 1 && r[-1] != ')')
            r--;
        buf_reset(reason);
        buf_append(reason, s + 1, (size_t) ((r > s + 1 ? r - 1 : e) - s - 1));
        return;
    }
    if (starts(s, e, "QUARANTINE:")) {
        m->held = 1;
        str_copy(m->queue, "hold", sizeof(m->queue));
        return;
    }
    if ((a = address(s, e)) != NULL) {
        add_rcpt(m, a, strlen(a), reason->len ? reason->data : NULL);
        free(a);
    }
}

int mtaq_parse_mailq(struct mtaq *q, const char *text, size_t len, int held, time_t now)
{
    const char *p = text, *end = text + len;
    buf_t reason = BUF_INIT;
    int in = 0, added = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p)), *e = nl ? nl : end, *s = p;

        p = nl ? nl + 1 : end;
        while (e > s && e[-1] == '\r')
            e--;
        if (s < e && *s != ' ' && *s != '\t') {
            /* The table's head and foot, and Postfix's, are no message. */
            if (*s == '-' || starts(s, e, "Mail queue is empty") || starts(s, e, "MSP Queue")
                || starts(s, e, "Total requests") || *s == '/')
                in = 0;
            else if ((in = mailq_head(q, s, e, now, held)) != 0)
                added++;
            else
                q->bad++;
            buf_reset(&reason);
            continue;
        }
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (in && s < e && !starts(s, e, "Total requests"))
            mailq_detail(&q->msg[q->n - 1], s, e, &reason);
    }
    buf_free(&reason);
    return added;
}

int mtaq_parse(struct mtaq *q, const char *text, size_t len, time_t now)
{
    const char *p = text, *end = text + len;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p < end && *p == '{' ? mtaq_parse_postqueue(q, text, len) : mtaq_parse_mailq(q, text, len, 0, now);
}

void mtaq_free(struct mtaq *q)
{
    for (int i = 0; i < q->n; i++)
        msg_free(&q->msg[i]);
    free(q->msg);
    memset(q, 0, sizeof(*q));
}
