/* stat_out.c - grouping and printing pogate-stat's report; see stat_out.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "stat_out.h"
#include "utf8.h"

#define REASON_MAX 300

static struct stat_group *group(struct stat_report *r, const char *po, const char *direction)
{
    struct stat_group *g;

    for (int i = 0; i < r->ngroups; i++)
        if (strcmp(r->groups[i].po, po) == 0 && strcmp(r->groups[i].direction, direction) == 0)
            return &r->groups[i];
    r->groups = xrealloc(r->groups, (size_t) (r->ngroups + 1) * sizeof(*r->groups));
    g = &r->groups[r->ngroups++];
    memset(g, 0, sizeof(*g));
    str_copy(g->po, po, sizeof(g->po));
    g->direction = direction;
    return g;
}

static void reason(struct stat_group *g, const char *text)
{
    char t[REASON_MAX + 1];

    str_copy(t, text && *text ? text : "(no reason given)", sizeof(t));
    for (int i = 0; i < g->nreasons; i++) {
        if (strcmp(g->reasons[i].text, t) == 0) {
            g->reasons[i].rcpts++;
            return;
        }
    }
    g->reasons = xrealloc(g->reasons, (size_t) (g->nreasons + 1) * sizeof(*g->reasons));
    g->reasons[g->nreasons].text = xstrdup(t);
    g->reasons[g->nreasons++].rcpts = 1;
}

/* Which postoffice and direction the recipient A of message M is. */
static struct stat_group *where(struct podir *d, struct stat_report *r, const struct mtaq_msg *m, const char *a)
{
    const char *at = strrchr(a, '@');
    struct po po;
    struct mbx mbx;

    if (at && podir_domain(d, at + 1, &po) == PODIR_FOUND)
        return group(r, po.name, "inbound");
    if (m->sender && podir_sender(d, m->sender, &po, &mbx) == PODIR_FOUND)
        return group(r, po.name, "outbound");
    return group(r, "", "other");
}

static int by_count(const void *a, const void *b)
{
    const struct stat_reason *x = a, *y = b;

    return y->rcpts - x->rcpts;
}

static int by_name(const void *a, const void *b)
{
    const struct stat_group *x = a, *y = b;
    int c = (x->po[0] == 0) - (y->po[0] == 0);

    return c ? c : (c = strcmp(x->po, y->po)) ? c : strcmp(x->direction, y->direction);
}

void stat_group(struct podir *d, struct stat_report *r)
{
    for (int i = 0; i < r->queue.n; i++) {
        const struct mtaq_msg *m = &r->queue.msg[i];
        int seen[8], nseen = 0;         /* the groups this message counted in, by index */

        for (int k = 0; k < m->nrcpt; k++) {
            struct stat_group *g = where(d, r, m, m->rcpts[k]);
            int gi = (int) (g - r->groups), counted = 0;

            for (int s = 0; s < nseen; s++)
                counted |= seen[s] == gi;
            g->rcpts++;
            reason(g, m->reasons[k]);
            if (counted)
                continue;
            g->messages++;
            g->active += strcmp(m->queue, "active") == 0;
            g->hold += strcmp(m->queue, "hold") == 0;
            g->deferred += strcmp(m->queue, "deferred") == 0;
            if (m->arrival && (g->oldest == 0 || m->arrival < g->oldest))
                g->oldest = m->arrival;
            if (nseen < 8)
                seen[nseen++] = gi;
        }
    }
    /* qsort's array may not be NULL, even for no element (C11 7.22.5). */
    for (int i = 0; i < r->ngroups; i++)
        if (r->groups[i].nreasons > 0)
            qsort(r->groups[i].reasons, (size_t) r->groups[i].nreasons, sizeof(*r->groups[i].reasons), by_count);
    if (r->ngroups > 0)
        qsort(r->groups, (size_t) r->ngroups, sizeof(*r->groups), by_name);
}

/* ---- text ------------------------------------------------------------------- */

static void human(char *out, size_t size, long long n)
{
    static const char *const unit[] = { "B", "K", "M", "G", "T" };
    double v = (double) n;
    int u = 0;

    while (v >= 1024 && u < 4)
        v /= 1024, u++;
    snprintf(out, size, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static void age(char *out, size_t size, long long now, long long then)
{
    long long s = then ? now - then : -1;

    if (s < 0)
        snprintf(out, size, "-");
    else if (s < 120)
        snprintf(out, size, "%llds", s);
    else if (s < 7200)
        snprintf(out, size, "%lldm", s / 60);
    else if (s < 172800)
        snprintf(out, size, "%lldh", s / 3600);
    else
        snprintf(out, size, "%lldd", s / 86400);
}

static void clean(FILE *fp, const char *s)
{
    buf_t b = BUF_INIT;

    utf8_clean(&b, s, strlen(s));
    fputs(b.data ? b.data : "", fp);
    buf_free(&b);
}

void stat_print_text(const struct stat_report *r, FILE *fp)
{
    char used[24], quota[24], bytes[24], oldest[24], since[64];
    time_t t = (time_t) r->since;
    struct tm tm;

    fprintf(fp, "%-12s %-7s %-24s %5s %-8s %15s %7s %7s %7s %9s %8s %7s %8s\n", "postoffice", "state", "domain",
            "mbx", "store", "used/quota", "waiting", "bytes", "oldest", "delivered", "deferred", "bounced", "refused");
    for (int i = 0; i < r->npo; i++) {
        const struct stat_po *p = &r->po[i];
        char uq[56];

        human(used, sizeof(used), p->store.used);
        if (p->po.quota)
            human(quota, sizeof(quota), p->po.quota);
        else
            snprintf(quota, sizeof(quota), "-");
        snprintf(uq, sizeof(uq), "%s/%s", used, quota);
        human(bytes, sizeof(bytes), p->store.waiting_bytes);
        age(oldest, sizeof(oldest), r->now, p->store.oldest);
        fprintf(fp, "%-12s %-7s %-24s %5d %-8s %15s %7lld %7s %7s %9llu %8llu %7llu %8llu\n", p->po.name,
                p->po.paused ? "paused" : "active", p->po.domain, p->mailboxes,
                p->po.via[0] ? "via" : p->po.store == PO_STORE_MAILBAG ? "mailbag" : "maildir",
                uq, p->store.waiting, bytes, oldest, (unsigned long long) p->delivered,
                (unsigned long long) p->deferred, (unsigned long long) p->bounced, (unsigned long long) p->rejected);
        if (p->po.via[0])
            fprintf(fp, "%12s delivered into the mailbag of %s\n", "", p->po.via);
        if (p->store.errors)
            fprintf(fp, "%12s %d store folders could not be read (%s)\n", "", p->store.errors, strerror(p->store.err));
    }
    if (r->since) {
        localtime_r(&t, &tm);
        strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S %z", &tm);
        fprintf(fp, "counted since %s (%s)\n", since, r->counters_file);
    } else {
        fprintf(fp, "no counts (counters_file %s)\n", r->counters_file[0] ? r->counters_file : "is empty");
    }
    fputc('\n', fp);
    if (!r->have_queue) {
        fprintf(fp, "MTA queue: not read (%s)\n", r->queue_command ? r->queue_command : "no postqueue or mailq in PATH");
        return;
    }
    {
        int rc = 0;

        for (int i = 0; i < r->queue.n; i++)
            rc += r->queue.msg[i].nrcpt;
        fprintf(fp, "MTA queue (%s): %d message%s, %d recipient%s\n", r->queue_command, r->queue.n,
                r->queue.n == 1 ? "" : "s", rc, rc == 1 ? "" : "s");
    }
    if (r->ngroups)
        fprintf(fp, "%-12s %-9s %8s %10s %7s %7s %8s %5s\n", "postoffice", "direction", "messages", "recipients",
                "oldest", "active", "deferred", "hold");
    for (int i = 0; i < r->ngroups; i++) {
        const struct stat_group *g = &r->groups[i];

        age(oldest, sizeof(oldest), r->now, g->oldest);
        fprintf(fp, "%-12s %-9s %8d %10d %7s %7d %8d %5d\n", g->po[0] ? g->po : "-", g->direction, g->messages,
                g->rcpts, oldest, g->active, g->deferred, g->hold);
        for (int k = 0; k < g->nreasons; k++) {
            fprintf(fp, "%14d  ", g->reasons[k].rcpts);
            clean(fp, g->reasons[k].text);
            fputc('\n', fp);
        }
    }
    if (r->queue.bad)
        fprintf(fp, "(%d lines of the listing not understood)\n", r->queue.bad);
}

/* ---- JSON ------------------------------------------------------------------- */

static void jstr(buf_t *b, const char *key, const char *v)
{
    buf_printf(b, "\"%s\":", key);
    json_put_cstr(b, v);
}

void stat_print_json(const struct stat_report *r, FILE *fp)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, "{\"time\":%lld,\"counters_since\":%lld,", r->now, r->since);
    jstr(&b, "counters_file", r->counters_file);
    buf_puts(&b, ",\"postoffices\":[");
    for (int i = 0; i < r->npo; i++) {
        const struct stat_po *p = &r->po[i];

        buf_puts(&b, i ? ",{" : "{");
        jstr(&b, "name", p->po.name);
        buf_printf(&b, ",\"state\":\"%s\",", p->po.paused ? "paused" : "active");
        jstr(&b, "domain", p->po.domain);
        buf_printf(&b, ",\"store\":\"%s\",", p->po.store == PO_STORE_MAILBAG ? "mailbag" : "maildir");
        jstr(&b, "via", p->po.via[0] ? p->po.via : NULL);
        buf_printf(&b, ",\"mailboxes\":%d,\"used_bytes\":%lld,\"quota_bytes\":%lld,\"waiting\":%lld,"
                   "\"waiting_bytes\":%lld,\"oldest_waiting\":%lld,\"store_errors\":%d,"
                   "\"delivered\":%llu,\"deferred\":%llu,\"bounced\":%llu,\"accepted\":%llu,\"refused\":%llu}",
                   p->mailboxes, p->store.used, p->po.quota, p->store.waiting, p->store.waiting_bytes,
                   p->store.oldest, p->store.errors, (unsigned long long) p->delivered,
                   (unsigned long long) p->deferred, (unsigned long long) p->bounced,
                   (unsigned long long) p->accepted, (unsigned long long) p->rejected);
    }
    buf_puts(&b, "],\"queue\":");
    if (!r->have_queue) {
        buf_puts(&b, "null}\n");
        fputs(b.data, fp);
        buf_free(&b);
        return;
    }
    buf_puts(&b, "{");
    jstr(&b, "command", r->queue_command);
    buf_printf(&b, ",\"messages\":%d,\"unparsed_lines\":%d,\"groups\":[", r->queue.n, r->queue.bad);
    for (int i = 0; i < r->ngroups; i++) {
        const struct stat_group *g = &r->groups[i];

        buf_puts(&b, i ? ",{" : "{");
        jstr(&b, "postoffice", g->po[0] ? g->po : NULL);
        buf_printf(&b, ",\"direction\":\"%s\",\"messages\":%d,\"recipients\":%d,\"oldest\":%lld,\"active\":%d,"
                   "\"deferred\":%d,\"hold\":%d,\"reasons\":[", g->direction, g->messages, g->rcpts, g->oldest,
                   g->active, g->deferred, g->hold);
        for (int k = 0; k < g->nreasons; k++) {
            buf_puts(&b, k ? ",{" : "{");
            jstr(&b, "reason", g->reasons[k].text);
            buf_printf(&b, ",\"recipients\":%d}", g->reasons[k].rcpts);
        }
        buf_puts(&b, "]}");
    }
    buf_puts(&b, "]}}\n");
    fputs(b.data, fp);
    buf_free(&b);
}

void stat_report_free(struct stat_report *r)
{
    for (int i = 0; i < r->ngroups; i++) {
        for (int k = 0; k < r->groups[i].nreasons; k++)
            free(r->groups[i].reasons[k].text);
        free(r->groups[i].reasons);
    }
    free(r->groups);
    free(r->po);
    mtaq_free(&r->queue);
}
