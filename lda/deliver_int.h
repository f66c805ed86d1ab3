/* deliver_int.h - what deliver.c (the phases) and deliver_write.c (writing
 * one file) share inside the delivery core. Not for callers: see deliver.h.
 */
#ifndef POGATE_DELIVER_INT_H
#define POGATE_DELIVER_INT_H

#include <stdint.h>

#include "deliver.h"
#include "hdrscan.h"
#include "maildir.h"
#include "storefs.h"

/* One file: every recipient of one postoffice (Maildir), or one PO's mailbag entry. */
struct group {
    int bag;                    /* 1: a mailbag file */
    const char *po;             /* the PO the file is for */
    const char *dir;            /* the PO directory holding it (a hub for via=HUB) */
    int first, n;               /* members: job.members[first .. first+n-1] */
    int owner;                  /* Maildir: recipient whose tmp/ holds the file; -1 */
    struct maildir bagdir;      /* mailbag directories */
    int tmpdir;                 /* borrowed: owner's or bagdir's tmp */
    char tmpname[STOREFS_NAME_MAX];
    char newname[256];
    int stable;                 /* newname is the deterministic one (msgname.h) */
    int fd;                     /* the tmp file while writing; -1 */
    long long hdrlen;           /* prepended bytes */
    long long size;             /* message bytes */
    int written;                /* complete and fsynced (closed by write_groups) */
    int tmp_gone;               /* renamed into new/ */
    struct dstatus st;          /* why the file could not be written */
};

struct job {
    const struct deliver_params *p;
    struct deliver_rcpt *r;
    int n;
    int store;                  /* store root fd */
    struct maildir *md;         /* per recipient (Maildir groups) */
    int *looped;                /* per recipient: own Delivered-To seen */
    int *linked;                /* per recipient: LINK_* */
    int *twin;
    int *members;
    struct group *g;
    int ng;
    int in;                     /* the message */
    int in_file;                /* 1: a regular file, read with pread from 0 */
    int stream_group;           /* pipe: the group whose file holds the only copy; -1 */
    int scanned;                /* the header scan has run */
    struct hdrscan scan;
    char *iobuf;
    /* The deterministic name (msgname.h), gathered on the scanned copy. */
    int qid_ok;                 /* p->queue_id can be part of a name */
    int hashed;                 /* hash covers the whole message */
    uint64_t hash;              /* FNV-1a state over the message bytes */
    int when_state;             /* 1 Received date found, -1 unparsable, 0 none yet */
    long long when;
};

/* job.linked[i] */
enum {
    LINK_NONE,                  /* not in new/ (or taken out again) */
    LINK_NEW,                   /* linked by us into md[i].new or a bag */
    LINK_TWIN,                  /* same mailbox as an earlier recipient (twin[i]) */
    LINK_EXISTED,               /* the name was taken: an earlier attempt's file,
                                 * fsynced but never unlinked by us */
};

#define DELIVER_IOBUF (64 * 1024)

/* Write group G's file: tmp file, prefix, message, fsync, close. 0, or -1
 * with G->st set and the reason logged. */
int deliver_write(struct job *j, struct group *g);

/* deliver_commit.c: link group G's file into new/; fsync (or hand over) the
 * new/ directories, undoing every link when all-or-nothing fails; unlink the
 * tmp files, settle, log, close. deliver_finish returns the count delivered. */
void deliver_name(const struct job *j, struct group *g);
void deliver_link(struct job *j, struct group *g);
/* G's file is in recipient I's new/ already (an earlier attempt): quota is no reason to defer it. */
int deliver_there(const struct job *j, const struct group *g, int i);
int deliver_stable(const struct job *j);   /* deterministic names possible */
void deliver_dirsync(struct job *j);
int deliver_finish(struct job *j);
int deliver_any_failed(const struct job *j);
int deliver_write_all(int fd, const char *p, size_t n);

#endif
