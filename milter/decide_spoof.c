/* decide_spoof.c - forged postoffice addresses in inbound headers; see decide_spoof.h.
 *
 * Header values are read with hdraddr.c (RFC 5322 address lists, groups,
 * comments) and each address checked by addr_parse(), the one address
 * checker, before it becomes a key: an address that does not parse names no
 * postoffice and is none of this decision's business.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "decide_spoof.h"
#include "hdraddr.h"

static const char *const names[] = { "From", "Sender", "Reply-To" };

static const char *canonical_name(const char *name)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i]) == 0)
            return names[i];
    return NULL;
}

int spoof_header_name(const char *name)
{
    return canonical_name(name) != NULL;
}

static int spf_pass_for(const struct spoof_in *in, const struct addr *a)
{
    return in->spf_pass && in->spf_pass(in->spf_arg, a->addr, a->domain);
}

static void add_hit(struct spoof_out *out, const char *name, const struct addr *a, const struct po *po)
{
    struct spoof_hit *h;

    if (out->nhit >= SPOOF_MAX_HITS)
        return;
    h = &out->hit[out->nhit++];
    snprintf(h->name, sizeof(h->name), "%s", canonical_name(name));
    snprintf(h->addr, sizeof(h->addr), "%s", a->addr);
    snprintf(h->po, sizeof(h->po), "%s", po->name);
    h->spoof = po->spoof;
}

/* One header: each address at a PO domain raises OUT->action; -1 if the maps fail. */
static int one_header(const struct spoof_in *in, const struct spoof_hdr *h, struct spoof_out *out)
{
    const char *why;
    struct hdraddr_list *l = hdraddr_parse(h->value, strlen(h->value), &why);
    int rc = 0;

    for (size_t i = 0; l && i < hdraddr_count(l) && rc == 0; i++) {
        const struct hdraddr_mailbox *mb = hdraddr_at(l, i);
        struct addr a;
        struct po po;

        if (mb->addr == NULL || addr_parse(mb->addr, strlen(mb->addr), 0, &a) != ADDR_OK)
            continue;
        switch (podir_domain(in->maps, a.domain, &po)) {
        case PODIR_ERROR:
            rc = -1;
            break;
        case PODIR_FOUND:
            if (po.spoof == PO_SPOOF_OFF || spf_pass_for(in, &a))
                break;
            add_hit(out, h->name, &a, &po);
            if (po.spoof > out->action)
                out->action = po.spoof;
            break;
        default:
            break;
        }
    }
    if (l)
        hdraddr_free(l);
    return rc;
}

enum verdict_action decide_spoof(const struct spoof_in *in, struct spoof_out *out, struct verdict *v)
{
    const struct spoof_hit *h;

    memset(out, 0, sizeof(*out));
    verdict_continue(v);
    if (in->trusted)
        return VERDICT_CONTINUE;
    for (size_t i = 0; i < in->nhdr; i++) {
        if (!spoof_header_name(in->hdrs[i].name))
            continue;
        if (one_header(in, &in->hdrs[i], out) < 0)
            return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
    }
    if (out->action != PO_SPOOF_REJECT)
        return VERDICT_CONTINUE;
    for (h = out->hit; h < out->hit + out->nhit - 1 && h->spoof != PO_SPOOF_REJECT; h++)
        ;                       /* the reply names an address of a spoof=reject PO */
    return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1",
                         "%s: <%s> is an address of postoffice %s; mail from outside may not use it",
                         h->name, h->addr, h->po);
}

void spoof_summary(const struct spoof_out *out, char *buf, size_t size)
{
    size_t n;

    buf[0] = 0;
    if (out->action == PO_SPOOF_OFF || size == 0)
        return;
    n = (size_t) snprintf(buf, size, "spoof=%s:", podir_spoof_name(out->action));
    for (size_t i = 0; i < out->nhit && n < size; i++)
        n += (size_t) snprintf(buf + n, size - n, "%s%s=<%s>", i ? "," : "", out->hit[i].name, out->hit[i].addr);
}
