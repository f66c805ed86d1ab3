/* deliver.h - the delivery core shared by pogate-lda and pogate-lmtp.
 *
 * One call delivers one message to a set of resolved recipients and says, for
 * each recipient, how it ended (struct dstatus: RFC 3463 code and reason,
 * sysexits code; status.h). The message is read once from a file descriptor:
 * a pipe (pogate-lda's stdin: streamed, memory does not grow with the
 * message) or a regular file (pogate-lmtp's spool for a large message: read
 * with pread, so every copy reads its own bytes); or it is in memory
 * (deliver_params.msg: pogate-lmtp's messages up to its memory limit), and
 * each file is then written with one writev of the prepended lines and the
 * message. Line ends are written as they come (LF).
 *
 * What is written, per recipient group:
 *   store=maildir   one file per postoffice: Return-Path, Delivered-To (only
 *                   when the file goes to exactly one mailbox: naming several
 *                   would show Bcc recipients to each other), the message;
 *                   written once into the first mailbox's tmp/, fsynced,
 *                   closed (checked), then hard-linked into every recipient
 *                   mailbox's new/ (rename or a copy where links fail with
 *                   EPERM/EXDEV), then tmp/ is unlinked.
 *   store=mailbag   one file per message per postoffice in
 *   or via=HUB      STORE/<po or hub>/mailbag/new/: an envelope block (sender,
 *                   this PO's recipients; pogate-lda(8) documents the format),
 *                   a blank line, then the message as above.
 * Every store path is opened from the store root one component at a time with
 * O_NOFOLLOW|O_DIRECTORY (a symbolic link in the store is an error, 4.3.0);
 * missing postoffice, mailbox and Maildir folders are created (mode 0700).
 * PO and mailbox names are checked with podir_name_ok() before any use.
 * Checked before linking: loop (a Delivered-To header of the message equal to
 * the recipient's address -> 5.4.6), the PO's maxsize (5.3.4), quota of the
 * mailbox and of the PO (4.2.2 or 5.2.2 per quota_action; see quota.h).
 *
 * Durability and group commit. A recipient is reported 2.0.0 only once its
 * file and the new/ directory that holds the link are fsynced. By default the
 * core fsyncs each new/ directory itself (once per directory per call). With
 * DELIVER_DEFER_DIRSYNC it links but does not fsync the directories: those
 * recipients come back with sync_pending = 1, their status still
 * DSTATUS_PENDING, syncdir naming the directory; the caller then calls
 * deliver_sync() with its own sync function (pogate-lmtp: groupsync_dir, so
 * concurrent deliveries into one directory share one fsync), which settles
 * every pending recipient to 2.0.0, or to 4.3.0 with the link removed again
 * when the sync failed.
 *
 * Exactly once across retries. With a usable queue id and the MTA's Received
 * header naming it, a file's name in new/ is the same on every attempt
 * (msgname.h); a link that fails with EEXIST means an earlier attempt, killed
 * before it could report, already placed this very file: the recipient
 * counts as delivered (existed = 1) once new/ is fsynced, and nothing ever
 * removes that file. Otherwise names are unique and a retry after such a
 * crash stores a second copy (one info line per message says so).
 *
 * All or nothing. With DELIVER_ALL_OR_NOTHING (pogate-lda: one exit code for
 * all recipients) nothing is linked unless every recipient could be prepared,
 * and links already made are removed again if a later one fails; see
 * deliver_exit() for the one status that then stands for all.
 *
 * Thread-safe after deliver_init(): pogate-lmtp runs one delivery per thread.
 * The caller sets the thread's queue id (msg_set_queue_id) for the log; the
 * core logs one tracking line per recipient when its status is final.
 */
#ifndef POGATE_DELIVER_H
#define POGATE_DELIVER_H

#include <time.h>

#include "podir.h"
#include "status.h"

#define DELIVER_PATH_MAX 4096

struct deliver_rcpt {
    /* In: deliver_rcpt_init() or deliver_resolve(). */
    const char *address;        /* as the MTA gave it, for the log (not copied) */
    struct po po;               /* strings point into the podir snapshot: keep it */
    struct mbx mbx;             /* open until the delivery is over */
    /* Out. */
    struct dstatus st;          /* DSTATUS_PENDING until decided */
    int sync_pending;           /* DELIVER_DEFER_DIRSYNC: linked, syncdir not fsynced yet */
    char syncdir[DELIVER_PATH_MAX];     /* absolute path of the directory holding the link */
    char file[256];             /* the file's name in syncdir */
    int existed;                /* file was there already (an earlier attempt of this
                                 * delivery placed it): never removed by us */
    long long size;             /* message bytes received (without prepended lines) */
    struct timespec started;    /* CLOCK_MONOTONIC at resolution: the metrics' duration */
};

#define DELIVER_DEFER_DIRSYNC   (1u << 0)       /* caller fsyncs new/ via deliver_sync() */
#define DELIVER_ALL_OR_NOTHING  (1u << 1)       /* every recipient delivered, or none */

struct deliver_params {
    const char *store;          /* store root (pogate.conf store) */
    const char *sender;         /* envelope sender; "" is the null sender <> */
    const char *queue_id;       /* MTA queue id, NULL if unknown: log and mailbag envelope */
    int quota_action;           /* QUOTA_DEFER or QUOTA_BOUNCE (lda_conf.h) */
    unsigned flags;             /* DELIVER_* */
    const char *msg;            /* the message in memory (pogate-lmtp), or NULL: read the descriptor */
    size_t msg_len;
};

/* Once per process, before any other call and before threads start: host
 * name and random seed for unique file names. */
void deliver_init(void);

/* Prepare R for a recipient the caller resolved itself (pogate-lmtp at RCPT).
 * PO and MBX are copied; ADDRESS is not. Status becomes DSTATUS_PENDING. */
void deliver_rcpt_init(struct deliver_rcpt *r, const char *address, const struct po *po,
                       const struct mbx *mbx);

/* Resolve ADDRESS on snapshot D into R, as pogate-lda must (trusting nobody
 * upstream). 0: R is ready (DSTATUS_PENDING). -1: R->st is final:
 * 5.1.3 unparsable address, 5.1.1 no such mailbox, 4.3.5 not a postoffice
 * domain (maps and MTA routing disagree: wait), 4.3.0 map error or unsafe
 * name, 4.2.1 postoffice paused. */
int deliver_resolve(struct podir *d, const char *address, struct deliver_rcpt *r);

/* After deliver_resolve() gave 0: a postoffice with utf8=no cannot store a
 * SENDER with non-ASCII bytes (SMTPUTF8): 5.6.7, and -1. Else 0. */
int deliver_sender_ok(struct deliver_rcpt *r, const char *sender);

/* Deliver the message readable from FD (from its current offset to EOF for a
 * pipe, from offset 0 for a regular file; ignored when P->msg is set) to
 * every recipient of R[0..N-1]
 * whose status is DSTATUS_PENDING. Returns the number delivered (2.0.0, or
 * sync_pending with DELIVER_DEFER_DIRSYNC). Logs one line for every
 * recipient of R whose status is final (also those that came in failed, so
 * that pogate-lda's resolve failures are logged with the sender). Two
 * recipients resolving to one mailbox get one file. */
int deliver_message(const struct deliver_params *p, int fd, struct deliver_rcpt *r, int n);

/* Settle every sync_pending recipient of R[0..N-1] (P as given to
 * deliver_message, for the log): SYNC(dir) is called once
 * per distinct syncdir (NULL: fsync_dir, fsync_dir.h) and must return 0 only once
 * an fsync of DIR that started after the link has completed; -1 with errno
 * otherwise. Returns the number now 2.0.0. */
int deliver_sync(const struct deliver_params *p, struct deliver_rcpt *r, int n,
                 int (*sync)(const char *dir));

/* One status for all of R[0..N-1] (pogate-lda's exit code and first line):
 * all delivered -> 2.0.0 (0); any temporary failure -> that one (75); all
 * permanent -> the first (67 or 69); permanent mixed with deliverable ->
 * 4.3.5 (75), nothing delivered, the log says to set the transport's
 * recipient limit to 1. */
void deliver_exit(const struct deliver_rcpt *r, int n, struct dstatus *out);

#endif
