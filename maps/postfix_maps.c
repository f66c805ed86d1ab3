/* postfix_maps.c - the tables Postfix reads itself: the native inbound path.
 *
 * Postfix can do most of the inbound job with its own lookups, before and
 * without a milter (a milter round trip per SMTP step costs it about a third
 * of its speed). From the same checked directory as index.cdb this writes:
 *
 *   recipients.cdb   relay_recipient_maps: every address a PO receives at
 *                    (mailboxes, internal addresses, aliases, @domain
 *                    catch-alls, postmaster@) -> OK; unknown: 550 5.1.1 at RCPT
 *   virtual.cdb      virtual_alias_maps: each of those -> the public address
 *                    of its mailbox (itself for a mailbox's own, so that a
 *                    catch-all of the domain does not swallow it)
 *   senders.cdb      check_sender_access for untrusted clients: every PO
 *                    domain -> 550 5.7.1, as pogate-milter refuses them
 *   access.cidr      check_client_access: the access map, longest prefix
 *                    first (cidr: takes the first match): REJECT -> 550
 *                    5.7.1, OK and TRUST -> DUNNO (an exception to a wider
 *                    REJECT); the replies are pogate-milter's
 *   trusted.cidr     TRUST networks and pogate.conf's trusted_networks -> OK
 *   milter.cidr      smtpd_milter_maps: which clients pogate-milter sees.
 *                    When nothing needs the milter inbound, only the trusted
 *                    ones (their mail is outbound and gets rewritten); every
 *                    other client DISABLE. When something does (spf is not
 *                    off, a postoffice has a maxsize, which Postfix cannot
 *                    enforce per domain, or a spoof= other than off, whose
 *                    header check needs the message), no entry:
 *                    smtpd_milters for all.
 *
 * contrib/postfix/native.cf has the main.cf lines that use them; pogate(7)
 * says which check runs where. sendmail keeps the milter path for all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "idna.h"
#include "cdbfile.h"
#include "cidr.h"
#include "log.h"
#include "mem.h"
#include "postfix_maps.h"
#include "replace_file.h"
#include "strmap.h"

enum { PF_RECIPIENTS, PF_VIRTUAL, PF_SENDERS, PF_NCDB };

static const char *const cdb_names[PF_NCDB] = { "recipients.cdb", "virtual.cdb", "senders.cdb" };

struct pfout {
    const struct bdir *b;
    struct cdbw *w[PF_NCDB];
    char *path[PF_NCDB];
    int failed;
};

static void put(struct pfout *o, int i, const char *key, const char *val)
{
    if (o->failed)
        return;
    if (cdbw_put(o->w[i], key, strlen(key), val, strlen(val)) < 0) {
        msg_error("%s: write error: %m", o->path[i]);
        o->failed = 1;
    }
}

/* ADDRESS reaches mailbox TARGET ("po/mbx"): a recipient, and its alias. */
static void recipient(struct pfout *o, const char *address, const char *target)
{
    const struct bmbx *m = strmap_get(o->b->mbx_by_key, target);

    if (m == NULL)              /* checked by the loader; never here */
        return;
    char u[PODIR_ADDR_MAX + 1];

    put(o, PF_RECIPIENTS, address, "OK");
    put(o, PF_VIRTUAL, address, m->address);
    if (idna_key_unicode(address, u, sizeof(u)) == 1) {      /* an SMTPUTF8 RCPT as it came */
        put(o, PF_RECIPIENTS, u, "OK");
        put(o, PF_VIRTUAL, u, m->address);
    }
}

static void write_recipients(struct pfout *o)
{
    const struct bdir *b = o->b;
    struct strmap *seen = strmap_new();
    buf_t a = BUF_INIT, t = BUF_INIT;

    for (int i = 0; i < b->nmbxs; i++) {
        const struct bmbx *m = &b->mbxs[i];
        const struct bpo *p = strmap_get(b->po_by_name, m->po);

        recipient(o, m->address, m->key);
        if (p && p->internal) {
            buf_reset(&a);
            buf_printf(&a, "%s@%s", m->name, p->internal);
            recipient(o, a.data, m->key);
        }
    }
    for (int i = 0; i < b->naliases; i++)
        recipient(o, b->aliases[i].address, b->aliases[i].target);
    /* postmaster@ every domain of every PO, unless a map names it already. */
    for (int i = 0; i < b->npos; i++) {
        const struct bpo *p = &b->pos[i];

        buf_reset(&t);
        buf_printf(&t, "%s/%s", p->name, p->postmaster);
        for (int j = -1; j <= p->naliases; j++) {
            const char *d = j < 0 ? p->domain : j < p->naliases ? p->aliases[j] : p->internal;

            if (d == NULL)
                continue;
            buf_reset(&a);
            buf_printf(&a, "postmaster@%s", d);
            if (strmap_get(b->addr_owner, a.data) == NULL && strmap_add(seen, a.data, (void *) p) == NULL)
                recipient(o, a.data, t.data);
        }
    }
    strmap_free(seen);
    buf_free(&a), buf_free(&t);
}

/* Every domain of every PO, public, alias and internal: no untrusted client
 * may use it as its sender. */
static void write_senders(struct pfout *o)
{
    static const char reject[] = "550 5.7.1 postoffice senders must authenticate or use a trusted relay";
    const struct bdir *b = o->b;

    for (int i = 0; i < b->npos; i++) {
        const struct bpo *p = &b->pos[i];

        put(o, PF_SENDERS, p->domain, reject);
        for (int j = 0; j < p->naliases; j++)
            put(o, PF_SENDERS, p->aliases[j], reject);
        if (p->internal)
            put(o, PF_SENDERS, p->internal, reject);
    }
}

/* Longest prefix first, IPv4 before IPv6: cidr: tables take the first match. */
static int by_prefix(const void *x, const void *y)
{
    const struct bacc *a = x, *b = y;

    if (a->net.len != b->net.len)
        return b->net.len - a->net.len;
    return a->net.family - b->net.family;
}

static void cidr_line(buf_t *out, const struct cidr *net, const char *result)
{
    char key[CIDR_KEY_MAX];

    cidr_key(net, key, sizeof(key));
    buf_printf(out, "%s\t%s\n", key, result);
}

static void access_table(const struct bdir *b, buf_t *out)
{
    struct bacc *acc = xcalloc((size_t) b->nacc + 1, sizeof(*acc));

    if (b->nacc > 0) {          /* no access map: b->acc is NULL */
        memcpy(acc, b->acc, (size_t) b->nacc * sizeof(*acc));
        qsort(acc, (size_t) b->nacc, sizeof(*acc), by_prefix);
    }
    buf_puts(out, "# written by pogate-map from the access map: do not edit\n");
    for (int i = 0; i < b->nacc; i++)
        cidr_line(out, &acc[i].net, strcmp(acc[i].value, "REJECT") == 0 ? "550 5.7.1 Access denied" : "DUNNO");
    free(acc);
}

/* Add C to NETS[0..*N-1] unless it is there already. */
static void add_net(struct cidr **nets, int *n, const struct cidr *c)
{
    for (int i = 0; i < *n; i++)
        if ((*nets)[i].family == c->family && (*nets)[i].len == c->len
            && memcmp((*nets)[i].addr, c->addr, c->family == 4 ? 4 : 16) == 0)
            return;
    *nets = xrealloc(*nets, (size_t) (*n + 1) * sizeof(**nets));
    (*nets)[(*n)++] = *c;
}

/* The trusted networks: access TRUST entries, then trusted_networks. -1
 * with the bad entry logged when trusted_networks does not parse. */
static int trusted_nets(const struct bdir *b, const char *text, struct cidr **nets, int *n)
{
    char *copy = xstrdup(text ? text : ""), *save = NULL, *tok;
    const char *why;
    int rc = 0;

    *nets = NULL;
    *n = 0;
    for (int i = 0; i < b->nacc; i++)
        if (strcmp(b->acc[i].value, "TRUST") == 0)
            add_net(nets, n, &b->acc[i].net);
    for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
        struct cidr c;

        if (cidr_parse(tok, &c, &why) < 0) {
            msg_error("%s/pogate.conf: trusted_networks: %s (%s)", b->o->confdir, why, tok);
            rc = -1;
            break;
        }
        add_net(nets, n, &c);
    }
    free(copy);
    return rc;
}

/* 1 when pogate-milter must see every client: SPF is checked at MAIL, a
 * postoffice's maxsize is more than Postfix can enforce per domain, and the
 * spoofing check of spoof=tag or reject reads the headers of the message. */
static int milter_for_all(const struct bdir *b, const struct postfix_maps_opts *po)
{
    for (int i = 0; i < b->npos; i++)
        if (b->pos[i].maxsize > 0 || b->pos[i].spoof != PO_SPOOF_OFF)
            return 1;
    return po->spf_on;
}

/* trusted.cidr, and milter.cidr: every client outside them DISABLE, by
 * nested "if !NET" blocks (Postfix 3.2 and later), unless all need it. */
static void trust_tables(const struct cidr *nets, int n, int milter_all, buf_t *trusted, buf_t *milter)
{
    buf_puts(trusted, "# written by pogate-map: access TRUST and pogate.conf trusted_networks\n");
    for (int i = 0; i < n; i++)
        cidr_line(trusted, &nets[i], "OK");
    buf_puts(milter, "# written by pogate-map for smtpd_milter_maps: do not edit\n");
    if (milter_all) {
        buf_puts(milter, "# spf is on or a postoffice has a maxsize or spoof=tag|reject: "
                 "pogate-milter sees every client\n");
        return;
    }
    buf_puts(milter, "# nothing needs pogate-milter inbound: only trusted clients see it\n");
    for (int i = 0; i < n; i++) {
        char key[CIDR_KEY_MAX];

        cidr_key(&nets[i], key, sizeof(key));
        buf_printf(milter, "if !%s\n", key);
    }
    buf_puts(milter, "0.0.0.0/0\tDISABLE\n::/0\tDISABLE\n");
    for (int i = 0; i < n; i++)
        buf_puts(milter, "endif\n");
}

/* The three text tables, each atomically. */
static int write_cidr_tables(const struct bdir *b, const struct postfix_maps_opts *po)
{
    static const char *const names[] = { "access.cidr", "trusted.cidr", "milter.cidr" };
    buf_t text[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, path = BUF_INIT;
    struct cidr *nets;
    int n, rc = 0;

    if (trusted_nets(b, po->trusted_networks, &nets, &n) < 0) {
        free(nets);
        return 1;
    }
    access_table(b, &text[0]);
    trust_tables(nets, n, milter_for_all(b, po), &text[1], &text[2]);
    for (int i = 0; i < 3 && rc == 0; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s", b->o->confdir, names[i]);
        if (replace_file(path.data, text[i].data, text[i].len, NULL) < 0) {
            msg_error("%s: cannot write: %m", path.data);
            rc = 75;
        }
    }
    for (int i = 0; i < 3; i++)
        buf_free(&text[i]);
    buf_free(&path);
    free(nets);
    return rc;
}

int postfix_maps_write(const struct bdir *b, const struct postfix_maps_opts *po)
{
    struct pfout o = { .b = b };

    for (int i = 0; i < PF_NCDB; i++) {
        buf_t p = BUF_INIT;

        buf_printf(&p, "%s/%s", b->o->confdir, cdb_names[i]);
        o.path[i] = buf_steal(&p);
        if (!o.failed && (o.w[i] = cdbw_begin(o.path[i])) == NULL) {
            msg_error("%s: cannot create: %m", o.path[i]);
            o.failed = 1;
        }
    }
    if (!o.failed) {
        write_recipients(&o);
        write_senders(&o);
    }
    o.failed = cdbw_commit_all(o.w, o.path, PF_NCDB, o.failed) < 0;
    for (int i = 0; i < PF_NCDB; i++)
        free(o.path[i]);
    if (o.failed)
        return 75;
    return write_cidr_tables(b, po);
}
