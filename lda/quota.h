/* quota.h - how much a mailbox or a postoffice holds, measured cheaply.
 *
 * Usage is the sum of the message sizes in new/ and cur/ of a Maildir (a
 * mailbag: its new/), read from the ",S=SIZE" that pogate (like Dovecot and
 * Courier) puts in every file name, so a measurement is one readdir per
 * directory and no stat per message; a name without ,S= (written by other
 * software) costs one fstatat. No maildirsize file: it needs every reader of
 * the store to update it, which legacy postoffice software does not, and it
 * drifts. The cost is paid only when a quota is set; pogate-lda(8) gives the
 * figures. tmp/ is not counted. A downstream postoffice (via=HUB) has its
 * files in its hub's mailbag: its usage is the files whose envelope names it.
 */
#ifndef POGATE_QUOTA_H
#define POGATE_QUOTA_H

/* Bytes in new/ and cur/ of the Maildir open at MBXFD (missing folders count 0).
 * 0, or -1 with errno. */
int quota_maildir_usage(int mbxfd, long long *bytes);

/* Bytes in every mailbox of the postoffice open at POFD, and in its mailbag/new. */
int quota_po_usage(int pofd, long long *bytes);

/* Bytes of the files in the mailbag's new/ of the hub open at HUBFD whose
 * envelope names the downstream postoffice PO (via=HUB): its own usage, not
 * the hub's. This reads the first QUOTA_ENVELOPE_MAX bytes of every file
 * there (one open and read each): a downstream quota costs what the hub's
 * backlog holds. */
#define QUOTA_ENVELOPE_MAX 2048
int quota_downstream_usage(int hubfd, const char *po, long long *bytes);

/* The size that ",S=" in NAME says, or -1 if there is none. */
long long quota_name_size(const char *name);

#endif
