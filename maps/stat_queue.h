/* stat_queue.h - the MTA's queue as pogate-stat(1) reads it: Postfix's
 * `postqueue -j` (one JSON object a line) or sendmail's `mailq` (its text
 * listing, also what Postfix's mailq prints), told apart by the first byte.
 *
 * A pure function of the listing's text: what does not parse is counted
 * and skipped, never a reason to stop, so a listing cut short or from
 * another version still shows what it can.
 */
#ifndef POGATE_STAT_QUEUE_H
#define POGATE_STAT_QUEUE_H

#include <stddef.h>
#include <time.h>

struct statq_rcpt {
    char *address;
    char *reason;               /* why it waits (delay_reason, sendmail's "(...)"); NULL if none */
};

struct statq_msg {
    char qid[32];
    char queue[16];             /* active, deferred, hold, incoming, maildrop (sendmail: deferred, active) */
    long long arrival;          /* seconds since the epoch; 0 unknown */
    long long size;
    char *sender;
    struct statq_rcpt *rcpt;
    int nrcpt;
};

struct statq {
    struct statq_msg *msg;
    int nmsg;
    int bad;                    /* lines that did not parse */
};

/* Parse the LEN bytes of a listing at TEXT into Q (zeroed first); NOW
 * gives sendmail's yearless times their year. */
void statq_parse(const char *text, size_t len, time_t now, struct statq *q);
void statq_free(struct statq *q);

#endif
