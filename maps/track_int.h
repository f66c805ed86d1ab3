/* track_int.h - inside the message table of pogate-track: shared by
 * track_msg.c (the table, its lists, the output order), track_apply.c (what
 * each line adds to its message) and track_match.c (queries, states). */
#ifndef POGATE_TRACK_INT_H
#define POGATE_TRACK_INT_H

#include <stddef.h>

#include "track_msg.h"
#include "utf8.h"

enum { LIST_OPEN, LIST_DONE, LIST_COUNT };

struct tlist {
    struct tmsg *head, *tail;   /* oldest last line first */
};

struct track {
    struct track_opts o;
    struct tmsg **buckets;
    size_t nbuckets;
    size_t nopen;
    struct tlist lists[LIST_COUNT];
    struct tmsg *young_head, *young_tail;       /* open less than HOLD, by first line */
    struct tmsg **heap;         /* closed, matching, waiting for their turn */
    size_t nheap, heap_cap;
    struct tmsg *pending[64];   /* pogate-milter refusals before a queue id */
    int npending;
    char **wanted;              /* queue ids asked for, and their bounces */
    unsigned char (*skip)[256]; /* ... each one's Horspool shift table */
    int nwanted, wanted_cap;
    int qid_only;               /* every query is a queue id */
    long long now;              /* the latest time of the log so far */
    unsigned long long seq;
    unsigned long shown;
};

/* track_msg.c */
struct tmsg *track_find(struct track *t, const char *qid);
struct tmsg *track_new_msg(struct track *t, const char *qid, long long now);
void track_touch(struct track *t, struct tmsg *m, long long now);
void track_close(struct track *t, struct tmsg *m);
void track_free_msg(struct tmsg *m);
void track_advance(struct track *t, long long now);
void track_want(struct track *t, const char *qid);
void track_pending_add(struct track *t, struct tmsg *m);
struct tmsg *track_pending_take(struct track *t, const char *client, const char *refusal);

/* track_match.c */
int track_matches(const struct track *t, const struct tmsg *m);
int track_complete(const struct tmsg *m);
int track_rcpt_final(const struct trcpt *r);

#endif
