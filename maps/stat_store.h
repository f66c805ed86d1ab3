/* stat_store.h - what one postoffice holds in the store, for pogate-stat(1):
 * the messages waiting in new/ (its mailbag's, or every mailbox's), their
 * bytes and the oldest one's time, and the bytes its quota counts (new/ and
 * cur/ of every mailbox, and the mailbag's new/, as the delivery agents
 * count them: usage.h). A downstream postoffice's (via=HUB) are its files
 * in its hub's mailbag, those whose envelope names it. Read-only: a
 * directory is opened with O_NOFOLLOW and never changed; one that is
 * missing counts nothing, one that cannot be read is counted in errors.
 */
#ifndef POGATE_STAT_STORE_H
#define POGATE_STAT_STORE_H

#include "podir.h"

struct stat_store {
    long long waiting;          /* files in new/ */
    long long waiting_bytes;
    long long oldest;           /* mtime of the oldest of them; 0: none */
    long long used;             /* bytes the quota counts */
    int mailboxes;              /* mailbox directories in the store (none downstream) */
    int errors;                 /* directories that could not be read (errno of the last in err) */
    int err;
};

/* Scan PO's part of the store at STORE into OUT. */
void stat_store_scan(const char *store, const struct po *po, struct stat_store *out);

#endif
