/* notify.h - the conditions pogate-notify(8) tells a postmaster about, and
 * the notice mail for each.
 *
 * Finding (notify_find.c) reads the postoffice directory, the store (with
 * the files pogate-pickup set aside in an outbag's bad/), the
 * records of held mail, the MTA's queue and CONFDIR/build-failed, and lists
 * what is wrong now, each condition with the time it began (when the data
 * says) and how long it must last before it is worth a mail. Writing
 * (notify_text.c) turns one condition into a short plain-text mail: the
 * facts and the command that fixes it. Which of them are sent, and when
 * again, is pogate-notify.c's with the state file (notify_state.h).
 */
#ifndef POGATE_NOTIFY_H
#define POGATE_NOTIFY_H

#include <time.h>

#include "buf.h"
#include "mtaq.h"
#include "notify_conf.h"
#include "podir.h"

enum notice_kind { NOTICE_PAUSED, NOTICE_HELD, NOTICE_BACKLOG, NOTICE_QUOTA, NOTICE_QUEUE, NOTICE_MAPS, NOTICE_PICKUP };

struct notice {
    enum notice_kind kind;
    char po[PODIR_NAME_MAX + 1];        /* "" for NOTICE_MAPS */
    char domain[256];                   /* the postoffice's public domain: postmaster@ */
    long long since;                    /* when it began; -1: when a run first saw it */
    long long after;                    /* worth a notice once it lasts this long */
    long long count;                    /* messages (held, waiting, queued, set aside) */
    long long used, limit;              /* NOTICE_QUOTA: bytes; NOTICE_MAPS: limit = exit status */
    enum po_state state;                /* NOTICE_PAUSED */
    buf_t detail;                       /* NOTICE_MAPS: the errors; NOTICE_QUEUE: a queue id;
                                         * NOTICE_PICKUP: the bad/ folder, a newline, the
                                         * oldest file's name and reason */
};

struct notices {
    struct notice *v;
    int n, cap;
};

/* What notify_find reads. */
struct notify_in {
    const char *confdir, *store, *hold_dir;
    const struct notify_conf *nc;
    struct podir *dir;
    const struct mtaq *queue;           /* NULL: the MTA's queue could not be listed */
    time_t now;
};

/* Every present condition into OUT. 0, or -1 when something could not be
 * read (said; what could be read is in OUT). */
int notify_find(const struct notify_in *in, struct notices *out);

/* The key of N in the state file: "KIND:PO" ("maps" alone). */
void notice_key(const struct notice *n, char *key, size_t size);

/* The notice mail for N (headers and body, LF line ends) into MSG. SINCE
 * is when it began; FROM the From: address, TO the recipients (TO[0..NTO-1])
 * shown in To:, HOST the relay host's name, SEQ a number unique in this run. */
struct notice_mail {
    const char *confdir, *from, *host;
    char *const *to;
    int nto;
    time_t now;
    long long since, interval;
    unsigned seq;
};
void notice_format(const struct notice *n, const struct notice_mail *m, buf_t *msg);

/* "2d 3h", "5h 12m", "40m", "12s": a duration for people. */
void notice_duration(long long secs, char *out, size_t size);

void notices_free(struct notices *l);

#endif
