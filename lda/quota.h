/* quota.h - how much a mailbox or a postoffice holds, for the delivery
 * core's quota check: usage.h's measurement (maps/global, shared with
 * pogate-stat and pogate-notify) as a figure or an error. The cost is paid
 * only when a quota is set; pogate-lda(8) gives the figures.
 */
#ifndef POGATE_QUOTA_H
#define POGATE_QUOTA_H

/* Bytes in new/ and cur/ of the Maildir open at MBXFD (missing folders count 0).
 * 0, or -1 with errno when a folder cannot be read. */
int quota_maildir_usage(int mbxfd, long long *bytes);

/* Bytes in every mailbox of the postoffice open at POFD, and in its mailbag/new. */
int quota_po_usage(int pofd, long long *bytes);

/* Bytes of the files in the mailbag's new/ of the hub open at HUBFD whose
 * envelope names the downstream postoffice PO (via=HUB): its own usage, not
 * the hub's. A file's envelope is read the first time the process sees it
 * (usage_downstream). */
int quota_downstream_usage(int hubfd, const char *po, long long *bytes);

#endif
