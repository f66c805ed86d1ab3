/* track_msg.h - the messages of a mail log, joined from their lines, for
 * pogate-track(1).
 *
 * Lines come one at a time in time order (track_input.h merges the files);
 * each names its message by queue id, so a message is built from the MTA's
 * lines (Postfix smtpd, cleanup, qmgr, the delivery agents; sendmail's),
 * pogate-milter's and the delivery agents' as they come. Only the messages
 * still open are held: one closes when the MTA says it left the queue
 * (Postfix "removed"), when each of its recipients has a final status
 * (sendmail; or pogate's lines alone, with no MTA line) and a minute of log
 * passed without a line of it, or after a day of log without one (a message
 * deferred that long comes out as it stands, and again when it leaves).
 * Memory follows the mail in flight, not the size of the log. Refusals
 * before a queue id (Postfix's NOQUEUE, with pogate-milter's line for the
 * same refusal joined to it) are blocks of their own.
 *
 * A closed message that matches one of the queries goes out through the
 * caller's function, in the order of its first line; a message that stayed
 * open longer than ten minutes of log does not hold the others back and
 * comes when it closes.
 */
#ifndef POGATE_TRACK_MSG_H
#define POGATE_TRACK_MSG_H

#include "buf.h"
#include "logline.h"
#include "podir.h"
#include "track_parse.h"

enum tquery_kind { TQ_QID, TQ_ADDR, TQ_PO, TQ_MAILBOX };

struct tquery {
    enum tquery_kind kind;
    char value[PODIR_ADDR_MAX + 1];     /* lowercase; TQ_QID as given */
};

/* One recipient of a message, from every line that names it. */
struct trcpt {
    char *addr;                 /* as first named (before any rewriting) */
    char *canonical;            /* pogate-milter's rewrite, or NULL */
    char *orig_to;              /* Postfix's orig_to, or NULL */
    char po[PODIR_NAME_MAX + 1], mbx[PODIR_NAME_MAX + 1];
    char *status;               /* the MTA's last word: sent, deferred, bounced, expired */
    char *dsn, *relay, *text;   /* ... its code, relay and text */
    int attempts;
    char *agent_status;         /* pogate-lda/-lmtp: delivered, deferred, bounced */
    char *agent_text, *path;
    const char *state;          /* the last line's word: delivered, sent, deferred, bounced, expired, held */
};

struct tmsg {
    char qid[24];               /* "" for a refusal before a queue id */
    long long first, last;      /* seconds since the epoch; 0: no stamped line */
    char *client, *sender, *sender_rw, *outbound, *msgid;
    char *spoof;                /* pogate-milter's spoof= word: "tag:From=<a@b>" */
    char sender_po[2 * PODIR_NAME_MAX + 2];     /* "po/mbx" of a sender the maps know, for queries */
    int sender_looked;
    char *verdict;              /* pogate-milter's */
    char *refusal;              /* "STAGE: REPLY" of the first refusal, the MTA's or pogate-milter's */
    char *refused;              /* its word: reject, defer, discard, hold */
    char *children;             /* queue ids of bounces and notices, blank-separated */
    long long size;
    int nrcpt_expected;         /* sendmail's nrcpts, Postfix's nrcpt; -1: unknown */
    struct trcpt *r;
    int nr, rcap;
    int removed, expired, mta_lines;
    int sendmail;               /* sendmail's lines: done when each recipient is */
    buf_t lines;                /* the lines themselves (--lines), each ending in '\n' */
    int nlines, lines_dropped;
    int matched;
    /* The table's. */
    unsigned long long seq;
    struct tmsg *hnext, *prev, *next, *yprev, *ynext;
    int list, young;
};

struct track_opts {
    const struct tquery *q;
    int nq;
    int keep_lines;             /* keep each message's lines (--lines, --json's "lines") */
    long long since, until;     /* a message shown must have a line in [since, until] */
    struct podir *maps;         /* NULL, or to name the postoffice of a recipient no line names */
    void (*emit)(const struct tmsg *m, void *arg);
    void *arg;
};

struct track;

struct track *track_new(const struct track_opts *o);

/* One line: L split (with RAW, its LEN bytes, kept for --lines). */
void track_line(struct track *t, const struct logline *l, const char *raw, size_t len);

/* The end of the input: every message still open goes out as it stands. */
void track_finish(struct track *t);

/* How many messages went out. */
unsigned long track_shown(const struct track *t);

void track_free(struct track *t);

/* With queue id queries only: 1 if LINE (LEN bytes) may concern one of
 * them (or a bounce of one), so that other lines need not be parsed. */
int track_line_wanted(const struct track *t, const char *line, size_t len);

/* A recipient's overall state ("delivered", "deferred", "bounced", ...) and
 * the message's. */
const char *track_rcpt_state(const struct tmsg *m, const struct trcpt *r);
const char *track_msg_state(const struct tmsg *m);

#endif
