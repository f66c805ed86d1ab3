/* deliver_write.h - writing the files of one delivery (deliver_write.c): the
 * message as it is read (struct dmsg: its source, and what the scan of one
 * whole copy found), and one file being written (struct dfile: a new tmp
 * file, the prepended lines, the message, fsync, close). Inside the delivery
 * core; deliver.c drives it, group by group (deliver_int.h).
 */
#ifndef POGATE_DELIVER_WRITE_H
#define POGATE_DELIVER_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "deliver.h"
#include "deliver_int.h"
#include "hdrscan.h"
#include "storefs.h"

/* What the deterministic name (msgname.h) is made of, gathered on the scanned copy. */
struct dmsg_key {
    int qid_ok;                 /* the queue id can be part of a name */
    int hashed;                 /* hash covers the whole message */
    uint64_t hash;              /* FNV-1a state over the message bytes */
    int when_state;             /* 1 Received date found, -1 unparsable, 0 none yet */
    long long when;
};

struct dfile;

struct dmsg {
    /* Set by dmsg_init(). */
    const struct deliver_params *p;     /* sender and queue id */
    int fd;                     /* the message, unless in memory */
    int is_file;                /* a regular file, or memory: every copy reads its own bytes from 0 */
    const char *mem;            /* the message in memory (deliver_params.msg); NULL */
    size_t mem_len;
    const struct deliver_rcpt *r;       /* the recipients, for the loop check */
    int n;
    char *iobuf;                /* lent: DELIVER_IOBUF bytes */
    /* Private to deliver_write.c. */
    const struct dfile *stream; /* a pipe: the file holding the only copy; NULL */
    int scanned;                /* a copy has been (or is being) scanned */
    int *looped;                /* per recipient: its own Delivered-To seen */
    struct hdrscan scan;
    struct dmsg_key key;
};

/* Out: one file, written by dfile_write(). */
struct dfile {
    char tmpname[STOREFS_NAME_MAX];     /* its name in the group's tmp/ (a unique name
                                         * all the same when anon); "" */
    int anon;                   /* no name in tmp/ (storefs_tmpfile): FD is the file */
    int fd;                     /* open from dfile_write() to dfile_close(), an unnamed
                                 * written file to dfile_remove(); -1 */
    long long hdrlen;           /* prepended bytes */
    long long size;             /* message bytes */
    long long received;         /* message bytes as received (content=7bit: before conversion) */
    int raw_fd;                 /* content=7bit from a pipe or spool: the message as received
                                 * (unlinked), which later files copy from; -1 */
    int written;                /* complete and fsynced */
    struct dstatus st;          /* why it could not be written */
};

#define DFILE_INIT { .fd = -1, .raw_fd = -1 }

/* Read the message from FD (or P->msg) for recipients R[0..N-1] of a
 * delivery with P, into IOBUF (DELIVER_IOBUF bytes, kept by the caller). */
void dmsg_init(struct dmsg *m, const struct deliver_params *p, int fd, const struct deliver_rcpt *r,
               int n, char *iobuf);
void dmsg_free(struct dmsg *m);

/* 1 if the message carries a Delivered-To of recipient I (a loop). */
int dmsg_looped(const struct dmsg *m, int i);

/* Once per message that has a file: the info line saying why a retry after
 * a crash could store a second copy, when names are unique. */
void dmsg_log_unique(const struct dmsg *m);

/* Write G's file into F: a new tmp file in G's tmp/, the prepended lines
 * (a mailbag's envelope, Return-Path, Delivered-To for a single recipient),
 * the message (made 7-bit for a postoffice with content=7bit: mime7.h),
 * fsync. It stays open: a later file of a pipe copies from it.
 * 0, or -1 with F->st set and the reason logged. */
int dfile_write(struct dmsg *m, const struct dgroup *g, struct dfile *f);

/* Close F once every file of the delivery is written; a written unnamed
 * file stays open, being nothing else until it is linked. -1 (F->st set,
 * logged) only when a written file's close fails. */
int dfile_close(const struct dgroup *g, struct dfile *f);

/* F's name in new/ into NAME: deterministic when possible (msgname.h; a
 * mailbag file's hash covers its own recipients), else F's tmp name with
 * its size. 1 when it is the deterministic one. */
int dfile_name(const struct dmsg *m, const struct dgroup *g, const struct dfile *f, char *name,
               size_t size);

/* After linking: unlink F's tmp file, if it was created (logged when that
 * fails), or close the unnamed one (what was not linked is gone with it). */
void dfile_remove(const struct dgroup *g, struct dfile *f);

/* write(2) all of P[0..N-1] to FD: 0, or -1 with errno. */
int write_all(int fd, const char *p, size_t n);

#endif
