/* metrics.c - the series pogate counts and their exposition; see metrics.h.
 *
 * The file holds each series under its exposition name with its labels
 * ("pogate_deliveries_total{postoffice="sales",status="delivered"}"), so
 * the rendering is mostly a sorted listing. The histogram is kept as
 * per-bucket counts (not cumulative: one add a delivery) and its sum in
 * microseconds (an integer, so that it adds atomically); the rendering
 * makes the cumulative buckets, _sum in seconds and _count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "counters.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"

#define DURATION "pogate_delivery_duration_seconds"
#define DURATION_SUM_US DURATION "_sum_microseconds"

static struct counters *counters;       /* process-wide, set once at start (metrics_open) */

struct family {
    const char *name;
    int po;                     /* has the postoffice label */
    const char *label;          /* the other label, or NULL */
    const char *const *values;  /* its values, NULL-terminated */
    const char *help;
};

static const char *const v_conn[] = { "accept", "reject", "tempfail", NULL };
static const char *const v_rcpt[] = { "accept", "unknown", "reject", "tempfail", NULL };
static const char *const v_out[] = { "accept", "reject", NULL };
static const char *const v_dlv[] = { "delivered", "deferred", "bounced", NULL };
static const char *const v_spoof[] = { "tag", "reject", NULL };

static const struct family families[] = {
    { "pogate_milter_connections_total", 0, "verdict", v_conn,
      "SMTP connections pogate-milter judged, by verdict." },
    { "pogate_milter_recipients_total", 1, "verdict", v_rcpt,
      "Recipients at postoffice domains pogate-milter judged at RCPT, by postoffice and verdict." },
    { "pogate_milter_outbound_messages_total", 1, "verdict", v_out,
      "Messages from postoffice users to the Internet, by sender postoffice and verdict." },
    { "pogate_deliveries_total", 1, "status", v_dlv,
      "Deliveries by pogate-lda and pogate-lmtp, one per recipient, by postoffice and status." },
    { "pogate_delivered_bytes_total", 1, NULL, NULL,
      "Message bytes delivered, once per recipient, by postoffice." },
    { "pogate_milter_spoofed_messages_total", 1, "action", v_spoof,
      "Inbound messages forging an address of the postoffice in From:, Sender: or Reply-To:, by action." },
};

/* Upper bounds of the duration buckets, in seconds, as text and in microseconds. */
static const char *const le_text[] = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
                                       "2.5", "5", "10" };
static const long long le_us[] = { 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
                                   2500000, 5000000, 10000000 };
#define NBUCKETS (sizeof(le_us) / sizeof(le_us[0]))

void metrics_open(const char *path)
{
    const char *why;

    if (path == NULL || *path == 0 || counters)
        return;
    if ((counters = counters_open(path, 1, &why)) != NULL)
        return;
    /* No directory for it: no daemon runs on this host to serve the counts
     * (the daemons make the runtime directory), so nobody misses them. */
    if (why)
        msg_warn("counters_file %s: %s: not counting", path, why);
    else if (errno == ENOENT)
        msg_debug("counters_file %s: %m: not counting", path);
    else
        msg_warn("counters_file %s: %m: not counting", path);
}

struct counters *metrics_counters(void) { return counters; }

static void put_value(buf_t *out, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_putc(out, '\\');
        if (*v == '\n')
            buf_puts(out, "\\n");
        else
            buf_putc(out, *v);
    }
}

void metrics_key(buf_t *out, const char *family, const char *po, const char *label, const char *value)
{
    buf_reset(out);
    buf_puts(out, family);
    if (po == NULL && label == NULL)
        return;
    buf_putc(out, '{');
    if (po) {
        buf_puts(out, "postoffice=\"");
        put_value(out, po);
        buf_putc(out, '"');
    }
    if (label) {
        buf_printf(out, "%s%s=\"", po ? "," : "", label);
        put_value(out, value);
        buf_putc(out, '"');
    }
    buf_putc(out, '}');
}

static void add(const char *family, const char *po, const char *label, const char *value, long long n)
{
    buf_t key = BUF_INIT;

    if (counters == NULL || n <= 0)
        return;
    metrics_key(&key, family, po, label, value);
    counters_add(counters, key.data, (uint64_t) n);
    buf_free(&key);
}

void metrics_connection(const char *verdict)
{
    add(families[0].name, NULL, "verdict", verdict, 1);
}

void metrics_recipient(const char *po, const char *verdict)
{
    add(families[1].name, po ? po : "", "verdict", verdict, 1);
}

void metrics_outbound(const char *po, const char *verdict)
{
    add(families[2].name, po ? po : "", "verdict", verdict, 1);
}

void metrics_spoofed(const char *po, const char *action)
{
    add(families[5].name, po ? po : "", "action", action, 1);
}

void metrics_delivery(const char *po, const char *status, long long bytes, const struct timespec *started)
{
    struct timespec now;
    long long us;
    size_t b = 0;

    if (counters == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (long long) (now.tv_sec - started->tv_sec) * 1000000 + (now.tv_nsec - started->tv_nsec) / 1000;
    if (us < 0 || started->tv_sec == 0)
        us = 0;
    po = po ? po : "";
    add(families[3].name, po, "status", status, 1);
    if (strcmp(status, "delivered") == 0)
        add(families[4].name, po, NULL, NULL, bytes);
    while (b < NBUCKETS && us > le_us[b])
        b++;
    add(DURATION "_bucket", NULL, "le", b < NBUCKETS ? le_text[b] : "+Inf", 1);
    add(DURATION_SUM_US, NULL, NULL, NULL, us);
}

/* ---- rendering ----------------------------------------------------------- */

struct names {
    char **v;
    size_t n, cap;
};

static void names_add(struct names *s, const char *name)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = xstrdup(name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

struct collect {
    struct names *names;
    const char *family;
    size_t flen;
};

static void collect_one(const char *name, uint64_t value, void *arg)
{
    struct collect *k = arg;

    (void) value;
    if (strncmp(name, k->family, k->flen) == 0 && (name[k->flen] == '{' || name[k->flen] == 0))
        names_add(k->names, name);
}

static uint64_t get(const struct counters *c, const char *name)
{
    return c ? counters_get(c, name) : 0;
}

/* Every series of F: zeros for the snapshot's postoffices and the fixed
 * values, and whatever the file holds. */
static void render_family(const struct counters *c, struct podir *d, const struct family *f, buf_t *out)
{
    struct names s = { 0 };
    struct collect k = { &s, f->name, strlen(f->name) };
    buf_t key = BUF_INIT;
    int npo = f->po && d ? podir_po_count(d) : 0;
    struct po po;

    buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", f->name, f->help, f->name);
    for (int i = -1; i < npo; i++) {
        if (f->po && (i < 0 || podir_po_at(d, i, &po) != PODIR_FOUND))
            continue;
        for (int v = 0; f->values ? f->values[v] != NULL : v == 0; v++) {
            metrics_key(&key, f->name, f->po ? po.name : NULL, f->label, f->values ? f->values[v] : NULL);
            names_add(&s, key.data);
        }
        if (!f->po)
            break;
    }
    if (c)
        counters_each(c, collect_one, &k);
    if (s.n > 0)                /* s.v is NULL without a name */
        qsort(s.v, s.n, sizeof(*s.v), by_name);
    for (size_t i = 0; i < s.n; i++)
        if (i == 0 || strcmp(s.v[i], s.v[i - 1]) != 0)
            buf_printf(out, "%s %llu\n", s.v[i], (unsigned long long) get(c, s.v[i]));
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i]);
    free(s.v);
    buf_free(&key);
}

static void render_histogram(const struct counters *c, buf_t *out)
{
    buf_t key = BUF_INIT;
    uint64_t total = 0;

    buf_puts(out, "# HELP " DURATION " Time from a recipient's resolution by the delivery agent to its final status.\n"
             "# TYPE " DURATION " histogram\n");
    for (size_t b = 0; b <= NBUCKETS; b++) {
        const char *le = b < NBUCKETS ? le_text[b] : "+Inf";

        metrics_key(&key, DURATION "_bucket", NULL, "le", le);
        total += get(c, key.data);
        buf_printf(out, "%s %llu\n", key.data, (unsigned long long) total);
    }
    buf_printf(out, DURATION "_sum %.6f\n" DURATION "_count %llu\n",
               (double) get(c, DURATION_SUM_US) / 1e6, (unsigned long long) total);
    buf_free(&key);
}

void metrics_render(const struct counters *c, struct podir *d, buf_t *out)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        render_family(c, d, &families[i], out);
    render_histogram(c, out);
    buf_puts(out, "# HELP pogate_counters_overflow_total Counts that found no free series slot in counters_file.\n"
             "# TYPE pogate_counters_overflow_total counter\n");
    buf_printf(out, "pogate_counters_overflow_total %llu\n", (unsigned long long) get(c, COUNTERS_OVERFLOW));
    buf_puts(out, "# HELP pogate_counters_start_timestamp_seconds When counters_file was made: the start of its counts.\n"
             "# TYPE pogate_counters_start_timestamp_seconds gauge\n");
    buf_printf(out, "pogate_counters_start_timestamp_seconds %lld\n", c ? (long long) counters_created(c) : 0LL);
    buf_puts(out, "# HELP pogate_map_snapshot_timestamp_seconds Modification time of the index.cdb this daemon uses.\n"
             "# TYPE pogate_map_snapshot_timestamp_seconds gauge\n");
    buf_printf(out, "pogate_map_snapshot_timestamp_seconds %lld\n", d ? (long long) podir_mtime(d) : 0LL);
    buf_puts(out, "# HELP pogate_build_info The pogate version serving these metrics.\n"
             "# TYPE pogate_build_info gauge\n");
    buf_puts(out, "pogate_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
}
