/* deliver_rcpt.c - the recipients of the delivery core, one at a time: made
 * ready (deliver_rcpt_init, deliver_resolve), failed or delivered, logged,
 * and summed up in one status for pogate-lda (deliver_exit); see deliver.h
 * and deliver_rcpt.h.
 *
 * A leaf: it knows the postoffice directory and status codes, not how a
 * file is written or linked, so every phase of deliver.c and the links of
 * deliver_commit.c settle a recipient the same way.
 */
#include <string.h>
#include <time.h>

#include "addr.h"
#include "deliver_rcpt.h"
#include "log.h"
#include "metrics.h"

void deliver_rcpt_init(struct deliver_rcpt *r, const char *address, const struct po *po,
                       const struct mbx *mbx)
{
    memset(r, 0, sizeof(*r));
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->address = address;
    r->po = *po;
    r->mbx = *mbx;
    dstatus_pending(&r->st);
}

int deliver_resolve(struct podir *d, const char *address, struct deliver_rcpt *r)
{
    struct addr a;
    enum addr_status as;

    memset(r, 0, sizeof(*r));
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->address = address;
    dstatus_pending(&r->st);
    if ((as = addr_parse(address, strlen(address), 0, &a)) != ADDR_OK) {
        dstatus_set(&r->st, "5.1.3", "<%s>: bad recipient address syntax (%s)", address, addr_strerror(as));
        return -1;
    }
    switch (podir_resolve(d, a.key, &r->po, &r->mbx)) {
    case PODIR_FOUND:
        if (!podir_name_ok(r->po.name) || !podir_name_ok(r->mbx.name)
            || (r->po.via[0] && !podir_name_ok(r->po.via)))
            dstatus_set(&r->st, "4.3.0", "<%s>: unsafe postoffice or mailbox name in the maps", address);
        else if (r->po.paused)
            dstatus_set(&r->st, "4.2.1", "postoffice %s paused", r->po.name);
        else
            return 0;
        return -1;
    case PODIR_NO_MAILBOX:
        dstatus_set(&r->st, "5.1.1", "<%s>: no such mailbox", address);
        return -1;
    case PODIR_NOT_PO:
        dstatus_set(&r->st, "4.3.5", "<%s>: not a postoffice domain (maps and MTA routing disagree)",
                    address);
        return -1;
    default:
        dstatus_set(&r->st, "4.3.0", "<%s>: postoffice directory lookup failed", address);
        return -1;
    }
}

void rcpt_fail(struct deliver_rcpt *r, int err, const char *what)
{
    msg_warn("%s/%s: %s: %s", r->po.name, r->mbx.name, what, strerror(err));
    dstatus_errno(&r->st, err);
}

void rcpt_delivered(struct deliver_rcpt *r)
{
    dstatus_set(&r->st, "2.0.0", "delivered to %s/%s%s", r->po.name, r->mbx.name,
                r->existed ? " (already there: an earlier attempt stored it)" : "");
}

void rcpt_log(const struct deliver_params *p, const struct deliver_rcpt *r)
{
    const struct dstatus *s = &r->st;
    const char *what = dstatus_is_pending(s) ? "held" : dstatus_is_ok(s) ? "delivered"
        : dstatus_is_temp(s) ? "deferred" : "bounced";

    metrics_delivery(r->po.name, *what == 'h' ? "deferred" : what, r->size, &r->started);
    msg_info("to=<%s>, from=<%s>, po=%s, mailbox=%s, size=%lld, path=%s%s%s, status=%s (%s)",
             r->address, p->sender, r->po.name ? r->po.name : "-", r->mbx.name[0] ? r->mbx.name : "-",
             r->size, r->file[0] ? r->syncdir : "-", r->file[0] ? "/" : "", r->file, what,
             dstatus_is_pending(s) ? "not delivered: another recipient failed" : s->text);
}

void deliver_exit(const struct deliver_rcpt *r, int n, struct dstatus *out)
{
    int ok = 0, held = 0, temp = -1, perm = -1;

    for (int i = 0; i < n; i++) {
        if (dstatus_is_ok(&r[i].st))
            ok++;
        else if (dstatus_is_temp(&r[i].st) && temp < 0)
            temp = i;
        else if (dstatus_is_perm(&r[i].st) && perm < 0)
            perm = i;
        else if (dstatus_is_pending(&r[i].st))
            held++;
    }
    if (n > 0 && ok == n)
        dstatus_set(out, "2.0.0", "delivered to %d recipient%s", n, n > 1 ? "s" : "");
    else if (temp >= 0)
        *out = r[temp].st;
    else if (perm >= 0 && ok == 0 && held == 0)
        *out = r[perm].st;
    else if (perm >= 0)
        dstatus_set(out, "4.3.5", "%s; nothing delivered: several recipients with mixed results "
                    "(set the transport's recipient limit to 1)", r[perm].st.text);
    else
        dstatus_set(out, "4.3.0", "internal error: no delivery status");
}

int deliver_sender_ok(struct deliver_rcpt *r, const char *sender)
{
    for (const char *s = sender; *s; s++)
        if ((unsigned char) *s >= 0x80 && !r->po.utf8) {
            dstatus_set(&r->st, "5.6.7", "<%s>: a UTF-8 sender, which postoffice %s cannot store (utf8=no)",
                        sender, r->po.name);
            return -1;
        }
    return 0;
}
