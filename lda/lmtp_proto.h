/* lmtp_proto.h - the LMTP protocol engine (RFC 2033) of pogate-lmtp.
 *
 * One LMTP conversation on a pair of file descriptors: command parsing, the
 * LHLO/MAIL/RCPT/DATA state machine, reply formatting, PIPELINING-safe
 * buffered I/O with timeouts, and dot-unstuffing of the message as it is
 * read, into memory up to lmtp_params.mem_max bytes and past that into an
 * unlinked spool file (one per connection, never fsynced: the store's file
 * is the only copy that must survive). It knows nothing about postoffices or the store: the
 * caller supplies a struct lmtp_handler whose callbacks decide about the
 * sender, each recipient, and deliver the spooled message. This split lets the
 * engine be tested on a socketpair, and keeps one store writer (lda/deliver.c).
 *
 * Limits (documented in pogate-lmtp(8)):
 *   command lines   LMTP_CMD_LINE_MAX bytes including CRLF (RFC 5321 text line
 *                   limit; longer: 500 5.5.2, the line is skipped)
 *   message lines   LMTP_DATA_LINE_MAX bytes; longer: the message is read to
 *                   its end and every recipient gets 554 5.6.0
 *   NUL bytes       in a command: 500 5.5.2; in a message: 554 5.6.0
 *   recipients      LMTP_MAX_RCPT per transaction; more: 452 4.5.3
 * A bare LF ends a line like CRLF does.
 *
 * PIPELINING: replies are buffered and written out only when the input buffer
 * holds no further complete command, so a client that sends MAIL, RCPT... and
 * DATA in one write gets its replies in one write too (RFC 2920).
 */
#ifndef POGATE_LMTP_PROTO_H
#define POGATE_LMTP_PROTO_H

#include "buf.h"

#define LMTP_CMD_LINE_MAX 1000
#define LMTP_DATA_LINE_MAX 65536
#define LMTP_MAX_RCPT 1000
#define LMTP_MAX_ERRORS 20
#define LMTP_MEM_MAX (1 << 20)  /* pogate-lmtp's lmtp_params.mem_max */

/* A transaction's message, dot-unstuffed, LF line ends, SIZE bytes: in
 * memory (DATA), or in the spool file (FD, from offset 0) when it was larger
 * than lmtp_params.mem_max. */
struct lmtp_msg {
    const char *data;           /* NULL: in FD */
    int fd;                     /* -1: in DATA */
    long long size;
};

/* What the engine asks of its user. Every reply is one full line without
 * CRLF, "CODE X.Y.Z text", appended to the buf_t given; the return value is
 * the reply code (2xx accepted, 4xx/5xx refused). */
struct lmtp_handler {
    /* SIZE to announce at LHLO and to enforce on the message; 0 = no limit. */
    long long (*max_size)(void *ctx);
    int (*mail)(void *ctx, const char *sender, long long size, buf_t *reply);
    int (*rcpt)(void *ctx, const char *rcpt, buf_t *reply);
    /* The message MSG: fill replies[i] for each of the NRCPT accepted
     * recipients, in the order they were accepted. Return only when every 2xx
     * is durable. */
    void (*data)(void *ctx, const struct lmtp_msg *msg, int nrcpt, buf_t *replies);
    /* The transaction ended (delivered, RSET, LHLO, QUIT, EOF, error). */
    void (*reset)(void *ctx);
};

struct lmtp_params {
    const char *hostname;       /* in the greeting and the LHLO reply */
    const char *spool_dir;      /* where the unlinked spool file lives */
    int idle_timeout;           /* seconds waiting for a command outside a transaction */
    int command_timeout;        /* seconds inside a transaction and for writes */
    int stop_fd;                /* readable = shut down at the next command; -1: none */
    size_t mem_max;             /* a message up to this size stays in memory; 0: every one spooled */
};

/* Why a conversation ended. */
enum lmtp_end {
    LMTP_END_QUIT,              /* client sent QUIT */
    LMTP_END_EOF,               /* client went away */
    LMTP_END_TIMEOUT,           /* 421 4.4.2 sent */
    LMTP_END_ERRORS,            /* too many errors, 421 4.7.0 sent */
    LMTP_END_STOP,              /* server stopping, 421 4.3.2 sent */
    LMTP_END_IO                 /* read/write error, or the spool failed hard */
};

/* Serve one conversation: greeting, commands until QUIT/EOF/timeout/stop.
 * IN_FD and OUT_FD are set non-blocking (they may be the same socket). */
enum lmtp_end lmtp_serve(const struct lmtp_params *p, const struct lmtp_handler *h, void *ctx,
                         int in_fd, int out_fd);

const char *lmtp_end_str(enum lmtp_end e);

/* Parsing helpers, exposed for the unit tests and the fuzz target. */

/* "<path>" with optional leading source route and ESMTP parameters after it.
 * Stores the address (no brackets, source route dropped) in ADDR and returns a
 * pointer to the parameters (maybe ""), or NULL with a reply line in WHY. */
const char *lmtp_parse_path(const char *arg, buf_t *addr, int allow_null, const char **why);

/* MAIL parameters: SIZE=n (stored in *size, -1 when absent), BODY=7BIT|8BITMIME,
 * any other keyword[=value] accepted and ignored. 0, or -1 with reply in WHY. */
int lmtp_parse_mail_params(const char *params, long long *size, const char **why);

#endif
