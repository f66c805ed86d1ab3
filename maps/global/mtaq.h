/* mtaq.h - the MTA's queue as the admin tools see it: list it, release held mail.
 *
 * pogate-po(8) releases the messages held for a postoffice and
 * pogate-notify(8) reports mail that waits too long; both ask the MTA itself,
 * through its own commands, as an administrator would:
 *   Postfix   postqueue -j (one JSON object a message) and postsuper -H -
 *             (queue ids on standard input), with -c CONFIG when set
 *   sendmail  sendmail -bp and sendmail -bp -qQ (the quarantined ones), and
 *             sendmail -qQ -qI<id>... -Q to lift the quarantine, then
 *             sendmail -qI<id>... to deliver them now; -C CONFIG when set
 * pogate-stat(1) shows the queue from the same parsers. They are separate
 * functions (mtaq_parse*), fed the text, so that the tests and the fuzzer
 * reach them without an MTA.
 */
#ifndef POGATE_MTAQ_H
#define POGATE_MTAQ_H

#include <stddef.h>
#include <time.h>

#include "held.h"

enum mta_kind { MTA_POSTFIX, MTA_SENDMAIL };

struct mta {
    enum mta_kind kind;
    const char *config;         /* Postfix config directory / sendmail .cf; "" = the MTA's default */
    const char *command_dir;    /* where postqueue and postsuper are (Postfix) */
    const char *sendmail_path;  /* the sendmail(1) command (sendmail; and notices for both) */
};

struct mtaq_msg {
    char qid[HELD_QID_MAX + 1];
    char queue[16];             /* Postfix's queue_name; from a mailq table: active, hold or deferred */
    int held;                   /* in Postfix's hold queue, or quarantined by sendmail */
    time_t arrival;             /* 0 when the listing gave none */
    long long size;             /* bytes; -1 when the listing gave none */
    char *sender;               /* "" for <> */
    char **rcpts;
    char **reasons;             /* reasons[i]: why rcpts[i] waits (delay_reason, mailq's "(...)"), or NULL */
    int nrcpt;
};

struct mtaq {
    struct mtaq_msg *msg;
    int n, cap;
    int bad;                    /* lines of a listing that did not parse */
};

/* The whole queue, held messages included. 0, or -1 with the reason logged. */
int mtaq_list(const struct mta *m, struct mtaq *q);

/* Release the held messages QIDS[0..N-1] and have them delivered. 0, or -1
 * with the reason logged. */
int mtaq_release(const struct mta *m, char *const *qids, int n);

void mtaq_free(struct mtaq *q);

/* Submit the message MSG (LEN bytes, headers and body, LF line ends) from
 * the envelope sender SENDER ("" for <>) to RCPTS[0..N-1] through the MTA's
 * sendmail(1): sendmail_path [-C config] -i -f SENDER -- RCPT...; both
 * Postfix's and sendmail's take these. 0, or -1 with the reason logged. */
int mtaq_submit(const struct mta *m, const char *sender, char *const *rcpts, int n, const char *msg, size_t len);

/* Parsers of the listings, appending to Q: postqueue -j output; sendmail -bp
 * output (HELD set for every message of this listing, the -qQ one; its times
 * carry no year: the latest such time not after NOW + 1 day is taken).
 * Lines that do not parse are skipped; returns the messages added. */
int mtaq_parse_postqueue(struct mtaq *q, const char *text, size_t len);
int mtaq_parse_mailq(struct mtaq *q, const char *text, size_t len, int held, time_t now);

/* Either listing, told apart by its first byte ('{': postqueue -j); what
 * pogate-stat(1) reads from whatever queue command it is given. */
int mtaq_parse(struct mtaq *q, const char *text, size_t len, time_t now);

#endif
