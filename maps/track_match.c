/* track_match.c - which messages a query asks for, and what state a message
 * and each recipient is in; see track_msg.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "track_int.h"

static int eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* 1 if TEXT names "<ADDR>" (a refusal's reply). */
static int names(const char *text, const char *addr)
{
    size_t n = strlen(addr);

    for (const char *p = text; p && (p = strchr(p, '<')) != NULL; p++)
        if (strlen(p + 1) > n && ascii_ncaseeq(p + 1, addr, n) && p[1 + n] == '>')
            return 1;
    return 0;
}

static int one(const struct tquery *q, const struct tmsg *m)
{
    size_t n = strlen(q->value);
    char where[2 * PODIR_NAME_MAX + 2];

    switch (q->kind) {
    case TQ_QID:
        return eq(m->qid, q->value);
    case TQ_ADDR:
        if (eq(m->sender, q->value) || eq(m->sender_rw, q->value) || (m->refusal && names(m->refusal, q->value)))
            return 1;
        for (int i = 0; i < m->nr; i++)
            if (eq(m->r[i].addr, q->value) || eq(m->r[i].canonical, q->value) || eq(m->r[i].orig_to, q->value))
                return 1;
        return 0;
    case TQ_PO:
        if (m->outbound && strncasecmp(m->outbound, q->value, n) == 0 && m->outbound[n] == '/')
            return 1;
        if (strncasecmp(m->sender_po, q->value, n) == 0 && m->sender_po[n] == '/')
            return 1;
        for (int i = 0; i < m->nr; i++)
            if (eq(m->r[i].po, q->value))
                return 1;
        return 0;
    case TQ_MAILBOX:
        if (eq(m->outbound, q->value) || eq(m->sender_po, q->value))
            return 1;
        for (int i = 0; i < m->nr; i++) {
            snprintf(where, sizeof(where), "%s/%s", m->r[i].po, m->r[i].mbx);
            if (m->r[i].mbx[0] && eq(where, q->value))
                return 1;
        }
        return 0;
    }
    return 0;
}

int track_matches(const struct track *t, const struct tmsg *m)
{
    if (t->o.nq == 0 || m->matched)
        return 1;
    for (int i = 0; m->qid[0] && i < t->nwanted; i++)
        if (eq(m->qid, t->wanted[i]))
            return 1;
    for (int i = 0; i < t->o.nq; i++)
        if (one(&t->o.q[i], m))
            return 1;
    return 0;
}

int track_rcpt_final(const struct trcpt *r)
{
    return r->state && (strcmp(r->state, "delivered") == 0 || strcmp(r->state, "sent") == 0
                        || strcmp(r->state, "bounced") == 0 || strcmp(r->state, "expired") == 0
                        || strcmp(r->state, "refused") == 0);
}

static int stage_ends_message(const char *refusal)
{
    return refusal && strncmp(refusal, "RCPT:", 5) != 0;
}

int track_complete(const struct tmsg *m)
{
    int final = 0, ours = 0, ours_final = 0;

    if (m->removed || m->expired || (m->refused && stage_ends_message(m->refusal)))
        return 1;
    for (int i = 0; i < m->nr; i++) {
        final += track_rcpt_final(&m->r[i]);
        ours += m->r[i].po[0] != 0;
        ours_final += m->r[i].po[0] && track_rcpt_final(&m->r[i]);
    }
    if (m->sendmail)
        return m->nrcpt_expected == 0 || (m->nrcpt_expected > 0 && final >= m->nrcpt_expected);
    if (m->mta_lines)
        return 0;               /* Postfix: until it says "removed" */
    if (m->verdict)             /* pogate's lines alone */
        return strcmp(m->verdict, "accept") != 0 || ours_final == ours;
    return m->nr > 0 && final == m->nr;
}

const char *track_rcpt_state(const struct tmsg *m, const struct trcpt *r)
{
    if (r->state)
        return r->state;
    if (m->mta_lines && !m->removed)
        return "queued";
    return m->verdict && strcmp(m->verdict, "accept") == 0 ? "accepted" : "-";
}

const char *track_msg_state(const struct tmsg *m)
{
    int n = 0, bounced = 0, deferred = 0, delivered = 0, sent = 0, refused = 0;

    if (m->expired)
        return "expired";
    for (int i = 0; i < m->nr; i++) {
        const char *s = m->r[i].state;

        if (s == NULL)
            continue;
        n++;
        bounced += strcmp(s, "bounced") == 0 || strcmp(s, "expired") == 0;
        deferred += strcmp(s, "deferred") == 0 || strcmp(s, "held") == 0;
        delivered += strcmp(s, "delivered") == 0;
        sent += strcmp(s, "sent") == 0;
        refused += strcmp(s, "refused") == 0;
    }
    if (n == 0) {
        if (m->refused)
            return strcmp(m->refused, "reject") == 0 ? "rejected" : strcmp(m->refused, "defer") == 0 ? "deferred"
                : strcmp(m->refused, "discard") == 0 ? "discarded" : m->refused;
        if (m->verdict && strcmp(m->verdict, "accept") != 0)
            return m->verdict;
        return m->removed ? "done" : m->verdict ? "accepted" : "queued";
    }
    if (refused == m->nr)
        return "rejected";
    if (bounced)
        return bounced == m->nr ? "bounced" : "partly bounced";
    if (deferred)
        return "deferred";
    if (n < m->nr && !m->removed)
        return "in progress";
    return delivered ? "delivered" : sent ? "sent" : "done";
}
