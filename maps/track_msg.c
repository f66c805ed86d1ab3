/* track_msg.c - the table of open messages; see track_msg.h.
 *
 * A hash table by queue id over two lists in order of the last line: the
 * messages still waiting for something, and those that look complete,
 * closed after a minute of log without a line (so that a late line of the
 * MTA still joins them). Closed matching messages wait in a heap ordered by
 * first line until no message open for less than ten minutes started before
 * them. What a line says is applied by track_apply.c; what matches is
 * track_match.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "track_int.h"

#define GRACE 60                /* seconds of log a complete message waits for late lines */
#define IDLE 86400              /* seconds of log after which an open message is shown as it stands */
#define HOLD 600                /* a message open longer does not hold back the output */
#define OPEN_MAX 200000         /* messages open at once; past it the longest idle is shown */
#define PENDING_MAX 64          /* pogate-milter refusals waiting for the MTA's NOQUEUE line */
#define PENDING_WAIT 10         /* ... seconds of log */

static size_t hash(const char *s)
{
    size_t h = 5381;

    while (*s)
        h = h * 33 + (unsigned char) ascii_lower(*s++);
    return h;
}

struct track *track_new(const struct track_opts *o)
{
    struct track *t = xcalloc(1, sizeof(*t));

    t->o = *o;
    t->nbuckets = 1024;
    t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
    t->qid_only = o->nq > 0;
    for (int i = 0; i < o->nq; i++) {
        if (o->q[i].kind != TQ_QID)
            t->qid_only = 0;
        else
            track_want(t, o->q[i].value);
    }
    return t;
}

void track_want(struct track *t, const char *qid)
{
    for (int i = 0; i < t->nwanted; i++)
        if (strcasecmp(t->wanted[i], qid) == 0)
            return;
    if (t->nwanted == t->wanted_cap) {
        t->wanted_cap = t->wanted_cap ? 2 * t->wanted_cap : 8;
        t->wanted = xrealloc(t->wanted, (size_t) t->wanted_cap * sizeof(*t->wanted));
        t->skip = xrealloc(t->skip, (size_t) t->wanted_cap * sizeof(*t->skip));
    }
    {
        size_t n = strlen(qid) < 255 ? strlen(qid) : 255;
        unsigned char *skip = t->skip[t->nwanted];

        memset(skip, (int) n, 256);
        for (size_t i = 0; i + 1 < n; i++)
            skip[(unsigned char) qid[i]] = (unsigned char) (n - 1 - i);
    }
    t->wanted[t->nwanted++] = xstrdup(qid);
}

/* Horspool's search for the wanted queue id I in the LEN bytes at P. */
static int holds(const struct track *t, int i, const char *p, size_t len)
{
    const char *w = t->wanted[i];
    size_t n = strlen(w);
    const unsigned char *skip = t->skip[i];

    if (n == 0 || n > 255)
        return 0;
    for (size_t k = 0; k + n <= len; k += skip[(unsigned char) p[k + n - 1]])
        if (p[k + n - 1] == w[n - 1] && memcmp(p + k, w, n - 1) == 0)
            return 1;
    return 0;
}

int track_line_wanted(const struct track *t, const char *line, size_t len)
{
    if (!t->qid_only)
        return 1;
    for (int i = 0; i < t->nwanted; i++)
        if (holds(t, i, line, len))
            return 1;
    return 0;
}

/* ---- the lists ------------------------------------------------------------ */

static void unlink_list(struct track *t, struct tmsg *m)
{
    struct tlist *l = &t->lists[m->list];

    if (m->prev)
        m->prev->next = m->next;
    else
        l->head = m->next;
    if (m->next)
        m->next->prev = m->prev;
    else
        l->tail = m->prev;
    m->prev = m->next = NULL;
}

static void append_list(struct track *t, struct tmsg *m, int which)
{
    struct tlist *l = &t->lists[which];

    m->list = which;
    m->prev = l->tail, m->next = NULL;
    if (l->tail)
        l->tail->next = m;
    else
        l->head = m;
    l->tail = m;
}

static void unlink_young(struct track *t, struct tmsg *m)
{
    if (!m->young)
        return;
    if (m->yprev)
        m->yprev->ynext = m->ynext;
    else
        t->young_head = m->ynext;
    if (m->ynext)
        m->ynext->yprev = m->yprev;
    else
        t->young_tail = m->yprev;
    m->yprev = m->ynext = NULL;
    m->young = 0;
}

/* M had a line now: to the end of the list its state says. */
void track_touch(struct track *t, struct tmsg *m, long long now)
{
    if (now > m->last)
        m->last = now;
    if (m->first == 0)
        m->first = now;
    unlink_list(t, m);
    append_list(t, m, track_complete(m) ? LIST_DONE : LIST_OPEN);
}

/* ---- the table ------------------------------------------------------------ */

struct tmsg *track_find(struct track *t, const char *qid)
{
    for (struct tmsg *m = t->buckets[hash(qid) & (t->nbuckets - 1)]; m; m = m->hnext)
        if (strcasecmp(m->qid, qid) == 0)
            return m;
    return NULL;
}

static void grow(struct track *t)
{
    size_t n = t->nbuckets * 2;
    struct tmsg **b = xcalloc(n, sizeof(*b));

    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct tmsg *m = t->buckets[i], *next; m; m = next) {
            next = m->hnext;
            m->hnext = b[hash(m->qid) & (n - 1)];
            b[hash(m->qid) & (n - 1)] = m;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

struct tmsg *track_new_msg(struct track *t, const char *qid, long long now)
{
    struct tmsg *m = xcalloc(1, sizeof(*m));

    str_copy(m->qid, qid, sizeof(m->qid));
    m->first = m->last = now;
    m->size = -1;
    m->nrcpt_expected = -1;
    m->seq = ++t->seq;
    if (*qid) {
        if (t->nopen + 1 > t->nbuckets)
            grow(t);
        m->hnext = t->buckets[hash(qid) & (t->nbuckets - 1)];
        t->buckets[hash(qid) & (t->nbuckets - 1)] = m;
        t->nopen++;
        append_list(t, m, LIST_OPEN);
        m->young = 1;
        m->yprev = t->young_tail;
        if (t->young_tail)
            t->young_tail->ynext = m;
        else
            t->young_head = m;
        t->young_tail = m;
    }
    return m;
}

static void unhash(struct track *t, struct tmsg *m)
{
    struct tmsg **pp = &t->buckets[hash(m->qid) & (t->nbuckets - 1)];

    while (*pp && *pp != m)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = m->hnext;
    m->hnext = NULL;
    t->nopen--;
}

void track_free_msg(struct tmsg *m)
{
    for (int i = 0; i < m->nr; i++) {
        struct trcpt *r = &m->r[i];

        free(r->addr), free(r->canonical), free(r->orig_to), free(r->status), free(r->dsn);
        free(r->relay), free(r->text), free(r->agent_status), free(r->agent_text), free(r->path);
    }
    free(m->r);
    free(m->client), free(m->sender), free(m->sender_rw), free(m->outbound), free(m->msgid), free(m->spoof);
    free(m->verdict), free(m->refusal), free(m->refused), free(m->children);
    buf_free(&m->lines);
    free(m);
}

/* ---- the output heap ------------------------------------------------------- */

static int before(const struct tmsg *a, const struct tmsg *b)
{
    return a->first < b->first || (a->first == b->first && a->seq < b->seq);
}

static void heap_push(struct track *t, struct tmsg *m)
{
    size_t i;

    if (t->nheap == t->heap_cap) {
        t->heap_cap = t->heap_cap ? 2 * t->heap_cap : 64;
        t->heap = xrealloc(t->heap, t->heap_cap * sizeof(*t->heap));
    }
    for (i = t->nheap++; i > 0 && before(m, t->heap[(i - 1) / 2]); i = (i - 1) / 2)
        t->heap[i] = t->heap[(i - 1) / 2];
    t->heap[i] = m;
}

static struct tmsg *heap_pop(struct track *t)
{
    struct tmsg *top = t->heap[0], *last = t->heap[--t->nheap];
    size_t i = 0, c;

    while ((c = 2 * i + 1) < t->nheap) {
        if (c + 1 < t->nheap && before(t->heap[c + 1], t->heap[c]))
            c++;
        if (!before(t->heap[c], last))
            break;
        t->heap[i] = t->heap[c];
        i = c;
    }
    if (t->nheap)
        t->heap[i] = last;
    return top;
}

/* Out with every closed message that no young open one started before. */
static void flush(struct track *t, int all)
{
    while (t->nheap > 0 && (all || t->young_head == NULL || before(t->heap[0], t->young_head))) {
        struct tmsg *m = heap_pop(t);

        t->o.emit(m, t->o.arg);
        t->shown++;
        track_free_msg(m);
    }
}

void track_close(struct track *t, struct tmsg *m)
{
    if (m->qid[0]) {
        unhash(t, m);
        unlink_list(t, m);
        unlink_young(t, m);
    }
    if (track_matches(t, m) && m->last >= t->o.since && (t->o.until == 0 || m->first <= t->o.until))
        heap_push(t, m);
    else
        track_free_msg(m);
}

/* ---- time ----------------------------------------------------------------- */

static void expire_pending(struct track *t, int all)
{
    int k = 0;

    for (int i = 0; i < t->npending; i++) {
        if (all || t->pending[i]->last < t->now - PENDING_WAIT || (i == 0 && t->npending == PENDING_MAX))
            track_close(t, t->pending[i]);
        else
            t->pending[k++] = t->pending[i];
    }
    t->npending = k;
}

void track_pending_add(struct track *t, struct tmsg *m)
{
    if (t->npending == PENDING_MAX)
        expire_pending(t, 0);
    t->pending[t->npending++] = m;
}

struct tmsg *track_pending_take(struct track *t, const char *client, const char *refusal)
{
    for (int i = 0; i < t->npending; i++) {
        struct tmsg *m = t->pending[i];

        if (m->client && m->refusal && strcmp(m->client, client) == 0 && strcmp(m->refusal, refusal) == 0) {
            memmove(&t->pending[i], &t->pending[i + 1], (size_t) (t->npending - i - 1) * sizeof(*t->pending));
            t->npending--;
            return m;
        }
    }
    return NULL;
}

/* The log's clock moved to NOW: close what waited long enough. */
void track_advance(struct track *t, long long now)
{
    struct tmsg *m;

    if (now <= t->now)
        return;
    if (t->now == 0)            /* the first stamp: what came without one so far is now */
        for (int l = 0; l < LIST_COUNT; l++)
            for (m = t->lists[l].head; m; m = m->next)
                m->last = now;
    t->now = now;
    while ((m = t->lists[LIST_DONE].head) != NULL && m->last < now - GRACE)
        track_close(t, m);
    while ((m = t->lists[LIST_OPEN].head) != NULL && (m->last < now - IDLE || t->nopen > OPEN_MAX))
        track_close(t, m);
    while ((m = t->young_head) != NULL && m->first < now - HOLD)
        unlink_young(t, m);
    expire_pending(t, 0);
    flush(t, 0);
}

void track_finish(struct track *t)
{
    struct tmsg *m;

    expire_pending(t, 1);
    for (int l = 0; l < LIST_COUNT; l++)
        while ((m = t->lists[l].head) != NULL)
            track_close(t, m);
    flush(t, 1);
}

unsigned long track_shown(const struct track *t) { return t->shown; }

void track_free(struct track *t)
{
    if (t == NULL)
        return;
    track_finish(t);
    for (int i = 0; i < t->nwanted; i++)
        free(t->wanted[i]);
    free(t->wanted);
    free(t->skip);
    free(t->heap);
    free(t->buckets);
    free(t);
}
