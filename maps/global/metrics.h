/* metrics.h - what pogate counts, per postoffice, and its Prometheus text
 * exposition (format 0.0.4).
 *
 * Every program counts into one file per host, pogate.conf's counters_file
 * (counters.h: shared, atomic adds), so the deliveries of pogate-lda, a
 * process per message, count as those of pogate-lmtp do, and either daemon
 * serves all of them: scrape one (both serve the same numbers). The series:
 *
 *   pogate_milter_connections_total{verdict}                  accept reject tempfail
 *   pogate_milter_recipients_total{postoffice,verdict}        accept unknown reject tempfail
 *   pogate_milter_outbound_messages_total{postoffice,verdict} accept reject
 *   pogate_milter_spoofed_messages_total{postoffice,action}   tag reject
 *   pogate_deliveries_total{postoffice,status}                delivered deferred bounced
 *   pogate_delivered_bytes_total{postoffice}
 *   pogate_delivery_duration_seconds                          histogram
 *   pogate_map_snapshot_timestamp_seconds                     the daemon's snapshot
 *   pogate_counters_start_timestamp_seconds                   when counting began
 *   pogate_build_info{version}
 * Labels are postoffice names (validated: [a-z0-9._-]) and the fixed words
 * above, never an address or a mailbox: the number of series stays the
 * number of postoffices times a few. "" is the postoffice of a recipient
 * whose postoffice is not known (map trouble).
 *
 * metrics_open() once per process, before the first count (the daemons: once
 * they run as their user, so the file they make is that user's); a file that
 * cannot be had is logged once and counting is off, never an error of the
 * mail. The counting calls are thread-safe.
 */
#ifndef POGATE_METRICS_H
#define POGATE_METRICS_H

#include <time.h>

#include "buf.h"
#include "counters.h"
#include "podir.h"

/* Count into PATH from now on ("" = counting off). */
void metrics_open(const char *path);

/* The file metrics_open() opened, or NULL. */
struct counters *metrics_counters(void);

void metrics_connection(const char *verdict);
void metrics_recipient(const char *po, const char *verdict);
void metrics_outbound(const char *po, const char *verdict);

/* An inbound message forged an address of PO; ACTION is that PO's spoof=
 * ("tag" or "reject"), what was done is the strictest of them. */
void metrics_spoofed(const char *po, const char *action);

/* One recipient's delivery ended with STATUS ("delivered", "deferred",
 * "bounced"), STARTED (CLOCK_MONOTONIC) being when it began; BYTES count
 * when delivered. */
void metrics_delivery(const char *po, const char *status, long long bytes, const struct timespec *started);

/* The name of a counter of FAMILY ("pogate_deliveries_total") for
 * postoffice PO (NULL: the family has no postoffice label) and LABEL="VALUE"
 * (LABEL NULL: none), as stored in the counters file, into OUT. */
void metrics_key(buf_t *out, const char *family, const char *po, const char *label, const char *value);

/* The exposition of C (NULL: the counters part is empty) into OUT: every
 * series, zero for each postoffice of the snapshot D (may be NULL) and each
 * fixed label value not counted yet, and D's time as the snapshot gauge. */
void metrics_render(const struct counters *c, struct podir *d, buf_t *out);

#endif
