/* t_metrics.c - unit tests for maps/global/metrics.c: what each counting
 * call adds, the exposition over a compiled directory (a zero series for
 * every postoffice and fixed label value, the counted ones, the histogram's
 * cumulative buckets, the gauges), every line of it in the text format, no
 * address in any label, podir_mailbox_count and podir_mtime. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters.h"
#include "metrics.h"
#include "podir.h"
#include "podir_fixture.h"
#include "tap.h"

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; (p = strstr(p, line)) != NULL; p += n)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

int main(void)
{
    char path[600];
    struct podir *d;
    buf_t out = BUF_INIT;
    struct timespec t;
    regex_t sample;
    int bad = 0, lines = 0;

    fixture_init();
    if (fixture_build(0) != 0 || (d = podir_open(fixture_dir)) == NULL)
        return 2;
    is_int(podir_mailbox_count(d, "sales"), 3, "sales has three mailboxes");
    is_int(podir_mailbox_count(d, "hub"), 1, "hub has one");
    is_int(podir_mailbox_count(d, "nosuch"), 0, "an unknown PO none");
    ok(podir_mtime(d) > 0 && podir_mtime(d) <= time(NULL), "the snapshot's time");

    snprintf(path, sizeof(path), "%s/counters", fixture_dir);
    metrics_open(path);
    ok(metrics_counters() != NULL, "counters_file made");
    metrics_connection("accept");
    metrics_connection("accept");
    metrics_connection("reject");
    metrics_recipient("sales", "accept");
    metrics_recipient("sales", "unknown");
    metrics_recipient("", "tempfail");
    metrics_outbound("sales", "reject");
    clock_gettime(CLOCK_MONOTONIC, &t);
    metrics_delivery("sales", "delivered", 1000, &t);
    metrics_delivery("sales", "delivered", 500, &t);
    t.tv_sec -= 3;
    metrics_delivery("hub", "deferred", 700, &t);
    metrics_spoofed("sales", "tag");
    metrics_spoofed("sales", "tag");
    metrics_render(metrics_counters(), d, &out);

    ok(has_line(out.data, "# TYPE pogate_milter_connections_total counter"), "TYPE line");
    ok(has_line(out.data, "pogate_milter_spoofed_messages_total{postoffice=\"sales\",action=\"tag\"} 2"),
       "spoofed: sales tag 2");
    ok(has_line(out.data, "pogate_milter_spoofed_messages_total{postoffice=\"hub\",action=\"reject\"} 0"),
       "spoofed: a zero for every PO and action");
    ok(has_line(out.data, "pogate_milter_connections_total{verdict=\"accept\"} 2"), "connections: accept 2");
    ok(has_line(out.data, "pogate_milter_connections_total{verdict=\"tempfail\"} 0"), "connections: tempfail 0");
    ok(has_line(out.data, "pogate_milter_recipients_total{postoffice=\"sales\",verdict=\"unknown\"} 1"),
       "recipients: sales unknown 1");
    ok(has_line(out.data, "pogate_milter_recipients_total{postoffice=\"branch\",verdict=\"accept\"} 0"),
       "recipients: a zero for every PO of the snapshot");
    ok(has_line(out.data, "pogate_milter_recipients_total{postoffice=\"\",verdict=\"tempfail\"} 1"),
       "recipients: map trouble under postoffice \"\"");
    ok(has_line(out.data, "pogate_milter_outbound_messages_total{postoffice=\"sales\",verdict=\"reject\"} 1"),
       "outbound: sales reject 1");
    ok(has_line(out.data, "pogate_deliveries_total{postoffice=\"sales\",status=\"delivered\"} 2"),
       "deliveries: sales delivered 2");
    ok(has_line(out.data, "pogate_deliveries_total{postoffice=\"hub\",status=\"deferred\"} 1"),
       "deliveries: hub deferred 1");
    ok(has_line(out.data, "pogate_delivered_bytes_total{postoffice=\"sales\"} 1500"), "bytes: delivered ones only");
    ok(has_line(out.data, "pogate_delivered_bytes_total{postoffice=\"hub\"} 0"), "bytes: a deferral adds none");
    ok(has_line(out.data, "# TYPE pogate_delivery_duration_seconds histogram"), "histogram TYPE");
    ok(has_line(out.data, "pogate_delivery_duration_seconds_bucket{le=\"2.5\"} 2"), "histogram: 2 under 2.5 s");
    ok(has_line(out.data, "pogate_delivery_duration_seconds_bucket{le=\"5\"} 3"), "histogram: cumulative, 3 under 5 s");
    ok(has_line(out.data, "pogate_delivery_duration_seconds_bucket{le=\"+Inf\"} 3"), "histogram: +Inf");
    ok(has_line(out.data, "pogate_delivery_duration_seconds_count 3"), "histogram: _count");
    ok(strstr(out.data, "\npogate_delivery_duration_seconds_sum 3.") != NULL, "histogram: _sum in seconds");
    ok(strstr(out.data, "pogate_build_info{version=\"") != NULL, "build info");
    ok(strstr(out.data, "\npogate_map_snapshot_timestamp_seconds 1") != NULL, "snapshot time");
    ok(strchr(out.data, '@') == NULL, "no address anywhere");

    regcomp(&sample, "^[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? [0-9]+(\\.[0-9]+)?$", REG_EXTENDED | REG_NOSUB);
    for (char *p = out.data, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl == NULL) {
            bad++;
            break;
        }
        *nl = 0;
        if (*p != '#' && regexec(&sample, p, 0, NULL, 0) != 0) {
            printf("# not a sample line: %s\n", p);
            bad++;
        }
        lines++;
        *nl = '\n';
    }
    regfree(&sample);
    ok(bad == 0 && lines > 50, "all %d lines are comments or samples, newline-terminated", lines);
    buf_reset(&out);
    metrics_render(NULL, NULL, &out);
    ok(has_line(out.data, "pogate_milter_connections_total{verdict=\"reject\"} 0"), "without counters: zeros");
    buf_free(&out);
    podir_close(d);
    fixture_cleanup();
    return done_testing();
}
