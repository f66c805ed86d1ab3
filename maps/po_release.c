/* po_release.c - release exactly the mail held for a postoffice; see po_release.h. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "po_release.h"
#include "strmap.h"

/* The queue ids the MTA holds now. NULL when it cannot tell (logged). */
static struct strmap *held_now(const struct mta *m)
{
    struct mtaq q;
    struct strmap *ids;
    static int mark;

    if (mtaq_list(m, &q) < 0)
        return NULL;
    ids = strmap_new();
    for (int i = 0; i < q.n; i++)
        if (q.msg[i].held)
            strmap_add(ids, q.msg[i].qid, &mark);
    mtaq_free(&q);
    return ids;
}

int po_release(const struct mta *m, const char *hold_dir, const char *po, struct po_release *r)
{
    struct held *rec;
    struct strmap *ids;
    char **go;
    int n, k = 0, rc;

    memset(r, 0, sizeof(*r));
    if (held_list(hold_dir, po, &rec, &n) < 0) {
        msg_error("%s/%s: %m", hold_dir, po);
        return -1;
    }
    if (n == 0)
        return 0;
    if ((ids = held_now(m)) == NULL) {
        free(rec);
        return -1;
    }
    go = xcalloc((size_t) n, sizeof(char *));
    for (int i = 0; i < n; i++) {
        if (strmap_get(ids, rec[i].qid))
            go[k++] = rec[i].qid;
        else if (held_remove(hold_dir, po, rec[i].qid) == 0)
            r->stale++;
    }
    if ((rc = mtaq_release(m, go, k)) == 0) {
        for (int i = 0; i < k; i++)
            if (held_remove(hold_dir, po, go[i]) < 0)
                msg_warn("%s/%s/%s: cannot remove the record: %m", hold_dir, po, go[i]);
        r->released = k;
    }
    free(go);
    free(rec);
    strmap_free(ids);
    return rc;
}

int po_held_count(const struct mta *m, const char *hold_dir, const char *po, time_t *oldest)
{
    struct held *rec;
    struct strmap *ids;
    int n, count = 0;

    *oldest = 0;
    if (held_list(hold_dir, po, &rec, &n) < 0)
        return -1;
    if (n && (ids = held_now(m)) != NULL) {
        for (int i = 0; i < n; i++)
            if (strmap_get(ids, rec[i].qid)) {
                if (count++ == 0)
                    *oldest = rec[i].since;     /* the list is oldest first */
            }
        strmap_free(ids);
    } else if (n) {
        count = -1;
    }
    free(rec);
    return count;
}
