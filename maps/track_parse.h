/* track_parse.h - what one mail log line says about a message: the MTA's
 * own lines (Postfix smtpd, cleanup, qmgr, the delivery agents, bounce;
 * sendmail's), pogate-milter's tracking and refusal lines, and the delivery
 * agents' (pogate-lda, pogate-lmtp).
 *
 * A pure function of a split line (logline.h): every field is a slice of the
 * line, nothing is copied or allocated, so it runs once per line of a log of
 * any size, and a line cut anywhere yields fewer fields, never a read past
 * its end. Lines of other programs, and lines of these that belong to no
 * message (connect, disconnect, statistics), are TK_NONE.
 */
#ifndef POGATE_TRACK_PARSE_H
#define POGATE_TRACK_PARSE_H

#include <stddef.h>

#include "logline.h"

#define TEV_RCPT_MAX 256

enum tsrc { TSRC_NONE, TSRC_POSTFIX, TSRC_SENDMAIL, TSRC_MILTER, TSRC_AGENT };

enum tkind {
    TK_NONE,                    /* nothing about a message */
    TK_OTHER,                   /* a line of the message; nothing to take from it */
    TK_CLIENT,                  /* Postfix smtpd: client=HOST[IP] */
    TK_MSGID,                   /* Postfix cleanup: message-id=<...> */
    TK_QUEUED,                  /* Postfix qmgr or sendmail: from=<...>, size=N, nrcpt(s)=N */
    TK_DELIVERY,                /* the MTA's delivery attempt: to=<...> ... status=WORD (TEXT) */
    TK_REMOVED,                 /* Postfix: the message left the queue */
    TK_EXPIRED,                 /* Postfix: from=<...>, status=expired, returned to sender */
    TK_CHILD,                   /* a bounce or notice made as message CHILD */
    TK_REJECT,                  /* the MTA refused: reply (and from/to when it names them) */
    TK_MILTER_TRACK,            /* pogate-milter's line at end of message */
    TK_MILTER_REJECT,           /* pogate-milter: reject|defer|discard: STAGE from CLIENT: ... */
    TK_AGENT                    /* pogate-lda, pogate-lmtp: one recipient's delivery */
};

struct tslice {
    const char *p;
    size_t n;
};

struct trcpt_ev {
    struct tslice addr;         /* as the line names it */
    struct tslice where;        /* pogate-milter: "po/mbx" */
    struct tslice canonical;    /* pogate-milter: the rewritten address */
};

struct tevent {
    enum tsrc src;
    enum tkind kind;
    struct tslice qid;          /* empty: NOQUEUE, or no queue id on the line */
    struct tslice client;       /* HOST[IP] */
    struct tslice sender;       /* from=<> (without brackets) */
    struct tslice sender_rw;    /* pogate-milter outbound: sender=<>, the rewritten sender */
    struct tslice outbound;     /* pogate-milter outbound: "po/mbx" */
    struct tslice spoof;        /* pogate-milter inbound: "tag:From=<a@b>,..." */
    struct tslice msgid;
    struct tslice child;        /* TK_CHILD: the new message's queue id */
    struct tslice stage;        /* TK_REJECT, TK_MILTER_REJECT: CONNECT, MAIL, RCPT, DATA, END-OF-MESSAGE */
    struct tslice verdict;      /* reject, defer, discard; pogate-milter's verdict=; the agents' status= */
    struct tslice reply;        /* "550 5.1.1 <x>: text", the MTA's status text, the agents' text */
    struct tslice status;       /* TK_DELIVERY: sent, deferred, bounced, expired (sendmail: Sent, ...) */
    struct tslice dsn;          /* 2.0.0 */
    struct tslice relay;
    struct tslice orig_to;      /* Postfix: the recipient before rewriting */
    struct tslice po, mbx;      /* the agents: po=, mailbox= */
    struct tslice path;         /* the agents: the stored file */
    long long size;             /* -1: none */
    int nrcpt;                  /* TK_QUEUED: -1: none */
    struct trcpt_ev rcpt[TEV_RCPT_MAX];
    int nrcpts;                 /* to=<...> on the line (sendmail may list several) */
};

/* What line L says into EV; returns EV->kind (TK_NONE for nothing). */
enum tkind track_parse(const struct logline *l, struct tevent *ev);

/* 1 if the N bytes at P look like a queue id: Postfix's short ones (6 to 20
 * uppercase hex digits), its long ones and sendmail's (10 to 20 letters and
 * digits, not all lowercase). Words ("warning", "SIGUSR1", "NOQUEUE") are not. */
int track_is_qid(const char *p, size_t n);

#endif
