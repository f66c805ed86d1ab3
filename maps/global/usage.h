/* usage.h - what a mailbox, a postoffice or a downstream postoffice holds in
 * the store: the one measurement that the delivery core's quota check
 * (lda/quota.c), pogate-stat(1) and pogate-notify(8) read.
 *
 * A Maildir's usage is the sum of the message sizes in new/ and cur/ (tmp/
 * is not counted); a postoffice's, every mailbox's and its mailbag's new/;
 * a downstream postoffice's (via=HUB), the files in its hub's mailbag/new
 * whose envelope block names it. A file's size is the ",S=SIZE" of its
 * name, which pogate (like Dovecot and Courier) writes as the file's size:
 * no stat per message, and the figure pogate-stat shows is the one a
 * delivery is refused by. A name without ,S= (other software's) costs one
 * fstatat, and only regular files count. No maildirsize file: every reader
 * of the store would have to update it, which legacy postoffice software
 * does not, and it drifts.
 *
 * Read-only: directories are opened with O_NOFOLLOW and never changed. A
 * folder that is missing counts nothing; one that cannot be read is counted
 * in errors (the quota check then fails the measurement), and the rest is
 * still measured. A mailbox is a directory of mailboxes/ with a name a
 * mailbox may have (podir_name_ok); one that cannot be opened is skipped.
 */
#ifndef POGATE_USAGE_H
#define POGATE_USAGE_H

struct usage {
    long long bytes;            /* what the quota counts */
    long long waiting;          /* files in new/ */
    long long waiting_bytes;
    long long oldest;           /* USAGE_OLDEST: mtime of the oldest file in new/; 0: none */
    int mailboxes;              /* mailbox directories measured */
    int errors;                 /* folders that could not be read (errno of the last in err) */
    int err;
};

/* Also stat every file in new/ for the oldest one's mtime (pogate-stat's
 * and pogate-notify's backlog; the quota check does without). */
#define USAGE_OLDEST 1u

/* The Maildir open at MBXFD into U (zeroed first). */
void usage_maildir(int mbxfd, unsigned flags, struct usage *u);

/* The postoffice open at POFD: its mailboxes and its mailbag's new/. */
void usage_po(int pofd, unsigned flags, struct usage *u);

/* The share of the downstream postoffice PO in the mailbag of its hub open
 * at HUBFD. A file's envelope is read once per process: the names, inode
 * numbers, owners and sizes seen are kept (see usage_bag.c), so a scan
 * opens only the files it has not seen; safe from several threads. */
#define USAGE_ENVELOPE_MAX 2048 /* bytes of a file's start searched for its envelope */
void usage_downstream(int hubfd, const char *po, unsigned flags, struct usage *u);

/* The size that ",S=" in NAME says, or -1 if there is none. */
long long usage_name_size(const char *name);

#endif
