/* podir_index.c - write what a checked directory compiles to.
 *
 * index.cdb is the one file the programs read (podir.c); its layout, every
 * key prefix and the version, is poindex.h's.
 * Beside it, for the MTAs: relay_domains.cdb (public and alias domains ->
 * "OK"), transport.cdb (every PO domain -> mta_transport), and for sendmail,
 * which Debian builds without cdb, text files for makemap.
 * Every file is written to a temporary name and renamed; index.cdb goes last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cdbfile.h"
#include "idna.h"
#include "log.h"
#include "mem.h"
#include "podir_build.h"
#include "poindex.h"
#include "postfix_maps.h"
#include "replace_file.h"
#include "strmap.h"

enum { OUT_PO, OUT_MBX, OUT_ALIAS, OUT_ACCESS, OUT_RELAY, OUT_TRANSPORT, OUT_INDEX, OUT_N };

static const char *const out_names[OUT_N] = {
    "postoffices.cdb", "mailboxes.cdb", "aliases.cdb", "access.cdb",
    "relay_domains.cdb", "transport.cdb", "index.cdb",
};

struct out {
    struct cdbw *w[OUT_N];
    char *path[OUT_N];
    buf_t relay, mailertable;   /* sendmail text files */
    int failed;
};

static void put(struct out *o, int i, const char *key, const void *val, size_t vlen)
{
    if (o->failed || o->w[i] == NULL)
        return;
    if (cdbw_put(o->w[i], key, strlen(key), val, vlen) < 0) {
        msg_error("%s: write error: %m", o->path[i]);
        o->failed = 1;
    }
}

static void put_str(struct out *o, int i, const char *key, const char *val)
{
    put(o, i, key, val, strlen(val));
}

static void field(buf_t *r, const char *s)
{
    buf_append(r, s ? s : "", strlen(s ? s : "") + 1);
}

static void field_ll(buf_t *r, long long n)
{
    char num[32];

    snprintf(num, sizeof(num), "%lld", n);
    field(r, num);
}

/* Domain D in the MTA's tables: transport, and (unless internal) relay_domains. */
static void mta_domain(struct out *o, const char *d, int internal, const char *transport)
{
    put_str(o, OUT_TRANSPORT, d, transport);
    buf_printf(&o->mailertable, "%s\tpogate:%s\n", d, d);
    if (!internal) {
        put_str(o, OUT_RELAY, d, "OK");
        buf_printf(&o->relay, "%s\n", d);
    }
}

/* A domain of P (A-labels, idna.h): into D:, and into the MTA's tables in
 * both forms, since an MTA may look up an SMTPUTF8 domain as it came. */
static void po_domain(struct out *o, const struct bpo *p, const char *d, int internal, const char *transport)
{
    buf_t k = BUF_INIT;
    char u[IDNA_DOMAIN_MAX + 1];

    buf_printf(&k, POINDEX_DOMAIN "%s", d);
    put_str(o, OUT_INDEX, k.data, p->name);
    mta_domain(o, d, internal, transport);
    if (idna_key_unicode(d, u, sizeof(u)) == 1) {
        buf_reset(&k);
        buf_printf(&k, POINDEX_DOMAIN "%s", u);
        put_str(o, OUT_INDEX, k.data, p->name);
        mta_domain(o, u, internal, transport);
    }
    buf_free(&k);
}

/* The directions P is stopped in: its own state's and, downstream, its hub's. */
static int stopped(struct bdir *b, const struct bpo *p)
{
    const struct bpo *hub = p->via ? strmap_get(b->po_by_name, p->via) : NULL;

    return postate_stopped(p->state) | (hub ? postate_stopped(hub->state) : 0);
}

static void write_po(struct bdir *b, struct out *o, const struct bpo *p, int i)
{
    buf_t r = BUF_INIT, k = BUF_INIT, rec = BUF_INIT;
    int j, stop = stopped(b, p);

    for (j = 0; j < p->naliases; j++)
        buf_printf(&r, "%s%s", j ? " " : "", p->aliases[j]);
    buf_putc(&r, 0);
    field(&rec, p->name), field(&rec, p->domain), field(&rec, r.data), field(&rec, p->internal);
    field(&rec, p->store == PO_STORE_MAILBAG ? "mailbag" : "maildir");
    field_ll(&rec, p->maxsize), field_ll(&rec, p->quota), field_ll(&rec, p->outbound);
    field_ll(&rec, p->autoreply), field(&rec, postate_name(p->state));
    field_ll(&rec, (stop & PO_DIR_IN) != 0), field_ll(&rec, (stop & PO_DIR_OUT) != 0);
    field(&rec, p->postmaster), field(&rec, p->via);
    field(&rec, p->content == PO_CONTENT_7BIT ? "7bit" : "raw"), field_ll(&rec, p->max_line);
    field(&rec, p->charset);
    field_ll(&rec, p->pickup), field_ll(&rec, p->utf8);
    field(&rec, podir_spoof_name(p->spoof));
    buf_printf(&k, POINDEX_PO "%s", p->name);
    put(o, OUT_INDEX, k.data, rec.data, rec.len);
    buf_reset(&k);
    buf_printf(&k, POINDEX_PO_AT "%d", i);
    put_str(o, OUT_INDEX, k.data, p->name);
    put_str(o, OUT_PO, p->key, p->value);
    po_domain(o, p, p->domain, 0, b->o->transport);
    for (j = 0; j < p->naliases; j++)
        po_domain(o, p, p->aliases[j], 0, b->o->transport);
    if (p->internal)
        po_domain(o, p, p->internal, 1, b->o->transport);
    buf_free(&r), buf_free(&k), buf_free(&rec);
}

static void put_addr(struct out *o, const char *prefix, const char *address, const char *target)
{
    buf_t k = BUF_INIT;
    char u[PODIR_ADDR_MAX + 1];

    buf_printf(&k, "%s%s", prefix, address);
    put_str(o, OUT_INDEX, k.data, target);
    if (strcmp(prefix, POINDEX_NETWORK) != 0 && idna_key_unicode(address, u, sizeof(u)) == 1) {
        buf_reset(&k);
        buf_printf(&k, "%s%s", prefix, u);
        put_str(o, OUT_INDEX, k.data, target);
    }
    buf_free(&k);
}

static void write_mbx(struct bdir *b, struct out *o, const struct bmbx *m)
{
    const struct bpo *p = strmap_get(b->po_by_name, m->po);
    buf_t rec = BUF_INIT, k = BUF_INIT;

    field(&rec, m->po), field(&rec, m->name), field(&rec, m->address), field(&rec, m->display);
    field_ll(&rec, m->quota), field_ll(&rec, m->outbound);
    buf_printf(&k, POINDEX_MAILBOX "%s", m->key);
    put(o, OUT_INDEX, k.data, rec.data, rec.len);
    put_str(o, OUT_MBX, m->key, m->value);
    put_addr(o, POINDEX_INBOUND, m->address, m->key);
    put_addr(o, POINDEX_SENDER, m->address, m->key);
    if (p->internal) {
        buf_reset(&k);
        buf_printf(&k, "%s@%s", m->name, p->internal);
        put_addr(o, POINDEX_INBOUND, k.data, m->key);
        put_addr(o, POINDEX_SENDER, k.data, m->key);
    }
    buf_free(&rec), buf_free(&k);
}

/* postmaster@ every domain of P reaches P's postmaster unless mapped otherwise. */
static void write_postmaster(struct bdir *b, struct out *o, const struct bpo *p)
{
    buf_t a = BUF_INIT, t = BUF_INIT;
    int j;

    buf_printf(&t, "%s/%s", p->name, p->postmaster);
    for (j = -1; j <= p->naliases; j++) {
        const char *d = j < 0 ? p->domain : j < p->naliases ? p->aliases[j] : p->internal;

        if (d == NULL)
            continue;
        buf_reset(&a);
        buf_printf(&a, "postmaster@%s", d);
        if (strmap_get(b->addr_owner, a.data) == NULL)
            put_addr(o, POINDEX_INBOUND, a.data, t.data);
    }
    buf_free(&a), buf_free(&t);
}

static void write_access(struct bdir *b, struct out *o)
{
    unsigned char used[2][129] = { { 0 } }, lens[129];
    size_t n;
    int i, f, len;

    for (i = 0; i < b->nacc; i++) {
        put_addr(o, POINDEX_NETWORK, b->acc[i].key, b->acc[i].value);
        put_str(o, OUT_ACCESS, b->acc[i].raw, b->acc[i].value);
        used[b->acc[i].net.family == 6][b->acc[i].net.len] = 1;
    }
    for (f = 0; f < 2; f++) {
        for (n = 0, len = 128; len >= 0; len--)
            if (used[f][len])
                lens[n++] = (unsigned char) len;
        if (n)
            put(o, OUT_INDEX, f ? POINDEX_KEY_PREFIX6 : POINDEX_KEY_PREFIX4, lens, n);
    }
}

static void write_all(struct bdir *b, struct out *o)
{
    long long max = 0;
    char num[32], u[PODIR_ADDR_MAX + 1];
    int i, nolimit = 0, spoof = 0;

    put_str(o, OUT_INDEX, POINDEX_KEY_VERSION, POINDEX_VERSION);
    for (i = 0; i < b->npos; i++) {
        write_po(b, o, &b->pos[i], i);
        spoof += b->pos[i].spoof != PO_SPOOF_OFF;
        if (b->pos[i].maxsize == 0)
            nolimit = 1;
        else if (b->pos[i].maxsize > max)
            max = b->pos[i].maxsize;
    }
    snprintf(num, sizeof(num), "%d", b->npos);
    put_str(o, OUT_INDEX, POINDEX_KEY_COUNT, num);
    snprintf(num, sizeof(num), "%lld", nolimit ? 0 : max);
    put_str(o, OUT_INDEX, POINDEX_KEY_MAXSIZE, num);
    snprintf(num, sizeof(num), "%d", spoof);
    put_str(o, OUT_INDEX, POINDEX_KEY_SPOOF, num);
    for (i = 0; i < b->nmbxs; i++)
        write_mbx(b, o, &b->mbxs[i]);
    for (i = 0; i < b->naliases; i++) {
        put_addr(o, POINDEX_INBOUND, b->aliases[i].address, b->aliases[i].target);
        put_str(o, OUT_ALIAS, b->aliases[i].address, b->aliases[i].target);
        if (idna_key_unicode(b->aliases[i].address, u, sizeof(u)) == 1)
            put_str(o, OUT_ALIAS, u, b->aliases[i].target);
    }
    for (i = 0; i < b->npos; i++)
        write_postmaster(b, o, &b->pos[i]);
    write_access(b, o);
}

static int write_sendmail(struct bdir *b, struct out *o)
{
    buf_t dir = BUF_INIT, p = BUF_INIT;
    int rc = 0;

    buf_printf(&dir, "%s/sendmail", b->o->confdir);
    if (mkdir(dir.data, 0755) < 0 && errno != EEXIST)
        rc = -1;
    buf_printf(&p, "%s/relay-domains", dir.data);
    if (rc == 0 && replace_file(p.data, o->relay.data, o->relay.len, NULL) < 0)
        rc = -1;
    buf_reset(&p);
    buf_printf(&p, "%s/mailertable", dir.data);
    if (rc == 0 && replace_file(p.data, o->mailertable.data, o->mailertable.len, NULL) < 0)
        rc = -1;
    if (rc < 0)
        msg_error("%s: cannot write: %m", p.len ? p.data : dir.data);
    buf_free(&dir), buf_free(&p);
    return rc;
}

int bdir_write(struct bdir *b)
{
    static const int source[OUT_N] = { MAP_POSTOFFICES, MAP_MAILBOXES, MAP_ALIASES, MAP_ACCESS, -1, -1, -1 };
    struct out o = { 0 };
    int i, rc = 0;

    for (i = 0; i < OUT_N; i++) {
        buf_t p = BUF_INIT;

        buf_printf(&p, "%s/%s", b->o->confdir, out_names[i]);
        o.path[i] = buf_steal(&p);
        if (source[i] >= 0 && !b->present[source[i]])
            continue;
        if (!o.failed && (o.w[i] = cdbw_begin(o.path[i])) == NULL) {
            msg_error("%s: cannot create: %m", o.path[i]);
            o.failed = 1;
        }
    }
    if (!o.failed)
        write_all(b, &o);
    if (!o.failed && write_sendmail(b, &o) < 0)
        o.failed = 1;
    if (!o.failed) {
        struct postfix_maps_opts po = { b->o->trusted_networks, b->o->spf_on };

        if ((rc = postfix_maps_write(b, &po)) != 0)
            o.failed = 1;
    }
    o.failed = cdbw_commit_all(o.w, o.path, OUT_N, o.failed) < 0;
    for (i = 0; i < OUT_N; i++)
        free(o.path[i]);
    if (o.failed && rc == 0)
        rc = 75;
    buf_free(&o.relay), buf_free(&o.mailertable);
    return rc;
}
