/* status.h - delivery status: an RFC 3463 enhanced status code with a short
 * reason, and the sysexits(3) code and LMTP reply code that go with it.
 *
 * Every way a delivery ends becomes one struct dstatus, built here and
 * nowhere else, so pogate-lda's exit code, the first line it prints for the
 * MTA, pogate-lmtp's per-recipient reply and the tracking log always agree.
 * The exit code follows from the class of the code, which is what Postfix
 * pipe(8) and sendmail act on:
 *
 *   2.X.X   0               delivered (durable: file and directory fsynced)
 *   4.X.X   75 EX_TEMPFAIL  anything transient, unknown or misconfigured
 *   5.1.1   67 EX_NOUSER    a definite "no such mailbox"
 *   5.X.X   69 EX_UNAVAILABLE  other permanent failures (quota bounce 5.2.2,
 *                           loop 5.4.6, too big 5.3.4): sendmail's mail.local
 *                           uses 69 for its bounce-on-quota option, and
 *                           Postfix pipe(8) bounces on 69 and takes the
 *                           5.X.X code from the first output line.
 */
#ifndef POGATE_STATUS_H
#define POGATE_STATUS_H

#define DSTATUS_TEXT_MAX 400

struct dstatus {
    int ex;                     /* sysexits code; DSTATUS_PENDING while undecided */
    char text[DSTATUS_TEXT_MAX];        /* "4.3.1 store: No space left on device" */
};

#define DSTATUS_PENDING (-1)

/* Set from CODE ("4.2.1") and a printf-style reason; ex follows from CODE. */
void dstatus_set(struct dstatus *s, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A failed system call on the store: ENOSPC -> 4.3.1, EDQUOT -> 4.2.2,
 * EFBIG -> 4.3.4, ELOOP (a symbolic link in the store) and the rest -> 4.3.0.
 * Always temporary. The text is "store: " plus strerror(ERR); where it
 * happened belongs in the log, not in the text the sender may see. */
void dstatus_errno(struct dstatus *s, int err);

void dstatus_pending(struct dstatus *s);
int dstatus_is_pending(const struct dstatus *s);
int dstatus_is_ok(const struct dstatus *s);
int dstatus_is_temp(const struct dstatus *s);
int dstatus_is_perm(const struct dstatus *s);

/* The LMTP/SMTP reply code: 250, 451, 452 (4.2.2, 4.3.1), 550 (5.1.x, 5.7.x),
 * 552 (5.2.2, 5.3.4), 554 (other 5.X.X). */
int dstatus_reply_code(const struct dstatus *s);

#endif
