/* deliver_commit.h - the visible half of a delivery (deliver_commit.c): a
 * written file linked into each recipient's new/ (or its mailbag's), the
 * fsync of those directories or their hand-over to the caller, the links
 * taken out again when that fails or all-or-nothing says so, and each
 * linked recipient's status. Inside the delivery core; deliver.c calls it
 * group by group (deliver_int.h), after the file is written.
 */
#ifndef POGATE_DELIVER_COMMIT_H
#define POGATE_DELIVER_COMMIT_H

#include "deliver.h"
#include "deliver_int.h"
#include "maildir.h"

struct commit_target;           /* private: one recipient's link */

/* One delivery's links. */
struct commit {
    const char *store;          /* the store root's path, for syncdir */
    unsigned flags;             /* DELIVER_* */
    char *iobuf;                /* lent: DELIVER_IOBUF bytes, for copies where links fail */
    struct commit_target *t;    /* per recipient of deliver_message() */
    int n;
};

/* One written file, as linking sees it. */
struct commit_file {
    const char *tmpname;        /* in: the file in the group's tmp/, unless FD */
    int fd;                     /* in: an unnamed file (storefs_tmpfile), linked by its
                                 * descriptor; -1 */
    char newname[256];          /* in: its name in new/ */
    int stable;                 /* in: newname is the deterministic one (EEXIST: an earlier
                                 * attempt placed this very file) */
    int tmp_gone;               /* out: renamed into new/, nothing left in tmp/ */
};

/* Links of a delivery with P to recipients R[0..N-1]; IOBUF lent. */
void commit_init(struct commit *c, const struct deliver_params *p, struct deliver_rcpt *r, int n,
                 char *iobuf);
void commit_free(struct commit *c);

/* Recipient I's file goes into MD->new (a copy through MD->tmp where links
 * fail); MD (a Maildir, or a mailbag's directories) stays the caller's. */
void commit_dir(struct commit *c, int i, const struct maildir *md);

/* 1 if F is in member I's new/ already: an earlier attempt placed it. */
int commit_there(const struct commit *c, const struct commit_file *f, int i);

/* Link F into the new/ of every member of G (one link for a mailbag);
 * failures set the member's status. */
void commit_link(struct commit *c, const struct dgroup *g, struct commit_file *f);

/* fsync the new/ directories G's members were linked into, or with
 * DELIVER_DEFER_DIRSYNC mark them sync_pending; a failed fsync takes the
 * link out again. */
void commit_sync(struct commit *c, const struct dgroup *g, const struct commit_file *f);

/* All or nothing failed: take every link of G's members out again (never a
 * file an earlier attempt placed). */
void commit_undo(struct commit *c, const struct dgroup *g, const struct commit_file *f);

/* The statuses of linked recipients (2.0.0 unless sync_pending; a second
 * recipient in one mailbox takes the first one's). The number delivered or
 * sync_pending, of all recipients. */
int commit_settle(struct commit *c);

/* The caller's fsync of R's syncdir ended with ERR (0: it worked): R is
 * 2.0.0, or fails with ERR and its link is removed (not a file that was
 * there before). 1 if delivered. */
int commit_synced(struct deliver_rcpt *r, int err);

#endif
