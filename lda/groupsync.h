/* groupsync.h - group commit: deliveries in flight share one fsync of a directory.
 *
 * A Maildir delivery is durable only after the directory that received the
 * link (new/) is fsynced. Deliveries that link into the same directory at the
 * same moment (several LMTP connections, several recipients) need not each
 * pay for their own fsync, as database transactions share a log flush: a
 * delivery that linked joins the next sync of that directory to *start*; one
 * waiter performs that fsync for all who joined; the others sleep until it
 * completes. A sync that was already running when a delivery linked does not
 * cover it (the link may have missed it), so it waits for the next one.
 *
 * Thread-safe. With group commit off (pogate-lmtp -G) every call is a plain
 * open+fsync+close of the directory, for comparison.
 */
#ifndef POGATE_GROUPSYNC_H
#define POGATE_GROUPSYNC_H

/* Turn sharing on (default) or off, before any thread calls groupsync_dir(). */
void groupsync_enable(int on);

/* Return once a fsync of DIR that started after this call has completed:
 * 0, or -1 with errno from open/fsync (the link must then not be reported
 * as delivered). */
int groupsync_dir(const char *dir);

/* Counters for the benchmark and the log: calls made, and fsyncs performed. */
void groupsync_stats(unsigned long long *calls, unsigned long long *fsyncs);

#endif
