/* podir_load.c - read the four text maps of a config directory into memory.
 *
 * Each record is checked on its own here (names safe as paths, attributes
 * known and well-formed, sizes, domains, addresses, networks); what needs
 * several maps at once (domain clashes, dangling aliases) is podir_build.c's.
 * postoffices and mailboxes must exist; aliases and access may be absent.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "idna.h"
#include "log.h"
#include "maptext.h"
#include "mem.h"
#include "podir_build.h"

#define MAX_ATTRS 32

static const char *const map_names[4] = { "postoffices", "mailboxes", "aliases", "access" };

static int yesno(struct bdir *b, int which, int line, const char *name, const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "YES") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "NO") == 0)
        *out = 0;
    else {
        bdir_error(b, which, line, "%s must be yes or no (%s)", name, v);
        return -1;
    }
    return 0;
}

static int size_attr(struct bdir *b, int which, int line, const char *name, const char *v, long long *out)
{
    if (conf_parse_size(v, out) < 0 || *out < 0) {
        bdir_error(b, which, line, "%s is not a size such as 10M or 2G (%s)", name, v);
        return -1;
    }
    return 0;
}

/* A domain in its A-label form (idna.h): the one every index keys. */
static char *domain_attr(struct bdir *b, int which, int line, const char *name, const char *v)
{
    char d[IDNA_DOMAIN_MAX + 1], u[IDNA_DOMAIN_MAX + 1];
    const char *why;

    if (idna_ascii(v, strlen(v), d, sizeof(d), &why) < 0 || idna_unicode(d, u, sizeof(u), &why) < 0) {
        bdir_error(b, which, line, "%s is not a valid internationalised domain name: %s (%s)", name, why, v);
        return NULL;
    }
    if ((why = podir_domain_problem(d)) != NULL) {
        bdir_error(b, which, line, "%s is not a valid domain name: %s (%s)", name, why, v);
        return NULL;
    }
    return xstrdup(d);
}

/* An address (or @domain) as the indexes key it: lowercase, its domain in
 * A-labels. NULL when its domain is no IDNA2008 name (reported). */
static char *address_key(struct bdir *b, int which, int line, const char *what, const char *v)
{
    char k[PODIR_ADDR_MAX + 1];
    const char *why;

    if (idna_key(v, k, sizeof(k), &why) < 0) {
        bdir_error(b, which, line, "%s: the domain is not a valid internationalised domain name: %s (%s)",
                   what, why, v);
        return NULL;
    }
    str_lower(k);
    return xstrdup(k);
}

/* alias_domains=a.example,b.example (commas and/or spaces). */
static void alias_domains(struct bdir *b, int line, struct bpo *p, const char *v)
{
    char *copy = xstrdup(v), *s, *save = NULL, *d;

    for (s = strtok_r(copy, ", \t", &save); s; s = strtok_r(NULL, ", \t", &save)) {
        if ((d = domain_attr(b, MAP_POSTOFFICES, line, "alias_domains", s)) == NULL)
            continue;
        p->aliases = xrealloc(p->aliases, (size_t) (p->naliases + 1) * sizeof(char *));
        p->aliases[p->naliases++] = d;
    }
    free(copy);
}

static char *name_attr(struct bdir *b, int which, int line, const char *what, const char *v)
{
    char *n = xstrdup(v);

    str_lower(n);
    if (!podir_name_ok(n)) {
        bdir_error(b, which, line, "%s is not a safe name: letters, digits, '.', '_', '-', "
                   "at most %d, not starting with '.' (%s)", what, PODIR_NAME_MAX, v);
        free(n);
        return NULL;
    }
    return n;
}

/* The content policy's attributes: content=raw|7bit, max_line=N, charset=NAME. */
static void content_attr(struct bdir *b, int line, struct bpo *p, const char *n, const char *v)
{
    char *end;
    long l;
    iconv_t cd;

    if (strcmp(n, "content") == 0) {
        if (strcmp(v, "raw") == 0 || strcmp(v, "7bit") == 0)
            p->content = v[0] == '7' ? PO_CONTENT_7BIT : PO_CONTENT_RAW;
        else
            bdir_error(b, MAP_POSTOFFICES, line, "content must be raw or 7bit (%s)", v);
    } else if (strcmp(n, "max_line") == 0) {
        l = strtol(v, &end, 10);
        if (*v < '0' || *v > '9' || *end || l < PO_LINE_MIN || l > PO_LINE_MAX)
            bdir_error(b, MAP_POSTOFFICES, line, "max_line must be a number from %d to %d (%s)",
                       PO_LINE_MIN, PO_LINE_MAX, v);
        else
            p->max_line = (int) l;
    } else if ((cd = iconv_open(v, "UTF-8")) == (iconv_t) -1 || strlen(v) > 63) {
        if (cd != (iconv_t) -1)
            iconv_close(cd);
        bdir_error(b, MAP_POSTOFFICES, line, "charset is not one this host's iconv converts to (%s)", v);
    } else {
        iconv_close(cd);
        free(p->charset);
        p->charset = xstrdup(v);
    }
}

static void po_attr(struct bdir *b, int line, struct bpo *p, const struct mapattr *a)
{
    const char *n = a->name, *v = a->value;

    if (strcmp(n, "domain") == 0)
        free(p->domain), p->domain = domain_attr(b, MAP_POSTOFFICES, line, n, v);
    else if (strcmp(n, "alias_domains") == 0)
        alias_domains(b, line, p, v);
    else if (strcmp(n, "internal") == 0)
        p->internal = domain_attr(b, MAP_POSTOFFICES, line, n, v);
    else if (strcmp(n, "store") == 0) {
        if (strcmp(v, "maildir") == 0 || strcmp(v, "mailbag") == 0)
            p->store = v[4] == 'd' ? PO_STORE_MAILDIR : PO_STORE_MAILBAG;
        else
            bdir_error(b, MAP_POSTOFFICES, line, "store must be maildir or mailbag (%s)", v);
    } else if (strcmp(n, "maxsize") == 0)
        size_attr(b, MAP_POSTOFFICES, line, n, v, &p->maxsize);
    else if (strcmp(n, "quota") == 0)
        size_attr(b, MAP_POSTOFFICES, line, n, v, &p->quota);
    else if (strcmp(n, "outbound") == 0)
        yesno(b, MAP_POSTOFFICES, line, n, v, &p->outbound);
    else if (strcmp(n, "autoreply") == 0)
        yesno(b, MAP_POSTOFFICES, line, n, v, &p->autoreply);
    else if (strcmp(n, "pickup") == 0)
        yesno(b, MAP_POSTOFFICES, line, n, v, &p->pickup);
    else if (strcmp(n, "utf8") == 0)
        yesno(b, MAP_POSTOFFICES, line, n, v, &p->utf8);
    else if (strcmp(n, "state") == 0) {
        if (postate_parse(v, &p->state) < 0)
            bdir_error(b, MAP_POSTOFFICES, line,
                       "state must be active, paused, inbound-only or outbound-only (%s)", v);
    } else if (strcmp(n, "spoof") == 0) {
        if (podir_spoof_parse(v, &p->spoof) < 0)
            bdir_error(b, MAP_POSTOFFICES, line, "spoof must be off, tag or reject (%s)", v);
    } else if (strcmp(n, "postmaster") == 0)
        p->postmaster = name_attr(b, MAP_POSTOFFICES, line, "postmaster", v);
    else if (strcmp(n, "via") == 0)
        p->via = name_attr(b, MAP_POSTOFFICES, line, "via", v);
    else if (strcmp(n, "content") == 0 || strcmp(n, "max_line") == 0 || strcmp(n, "charset") == 0)
        content_attr(b, line, p, n, v);
    else
        bdir_error(b, MAP_POSTOFFICES, line, "unknown attribute (%s)", n);
}

/* Split VALUE into attributes; errors reported. -1 when unusable. */
static int attrs(struct bdir *b, int which, int line, char *value, struct mapattr *a)
{
    const char *why;
    int n = maptext_attrs(value, a, MAX_ATTRS, &why);

    if (n < 0)
        bdir_error(b, which, line, "%s", why);
    return n;
}

static void load_po(struct bdir *b, const struct maprec *r)
{
    struct mapattr a[MAX_ATTRS];
    char *value = xstrdup(r->value);
    struct bpo p = { 0 };
    int n, i, before = b->errors;

    p.line = r->line;
    p.outbound = p.autoreply = p.utf8 = 1;
    p.spoof = PO_SPOOF_TAG;
    p.key = xstrdup(r->key);
    p.value = xstrdup(r->value);
    p.name = name_attr(b, MAP_POSTOFFICES, r->line, "postoffice name", r->key);
    if ((n = attrs(b, MAP_POSTOFFICES, r->line, value, a)) >= 0)
        for (i = 0; i < n; i++)
            po_attr(b, r->line, &p, &a[i]);
    free(value);
    if (p.domain == NULL && b->errors == before)
        bdir_error(b, MAP_POSTOFFICES, r->line, "postoffice %s has no domain= attribute", r->key);
    if (p.content != PO_CONTENT_7BIT && (p.max_line || p.charset))
        bdir_error(b, MAP_POSTOFFICES, r->line, "max_line and charset need content=7bit (postoffice %s)", r->key);
    b->pos = xrealloc(b->pos, (size_t) (b->npos + 1) * sizeof(*b->pos));
    b->pos[b->npos++] = p;
}

static void mbx_attr(struct bdir *b, int line, struct bmbx *m, const struct mapattr *a)
{
    const char *n = a->name, *v = a->value;

    if (strcmp(n, "address") == 0) {
        free(m->address);
        m->address = address_key(b, MAP_MAILBOXES, line, "address", v);
    } else if (strcmp(n, "name") == 0)
        m->display = xstrdup(v);
    else if (strcmp(n, "quota") == 0)
        size_attr(b, MAP_MAILBOXES, line, n, v, &m->quota);
    else if (strcmp(n, "outbound") == 0)
        yesno(b, MAP_MAILBOXES, line, n, v, &m->outbound);
    else
        bdir_error(b, MAP_MAILBOXES, line, "unknown attribute (%s)", n);
}

static void load_mbx(struct bdir *b, const struct maprec *r)
{
    struct mapattr a[MAX_ATTRS];
    char *value = xstrdup(r->value), *key = xstrdup(r->key), *slash = strchr(key, '/');
    struct bmbx m = { 0 };
    int n, i;

    m.line = r->line;
    m.outbound = 1;
    m.key = xstrdup(r->key);
    m.value = xstrdup(r->value);
    if (slash == NULL) {
        bdir_error(b, MAP_MAILBOXES, r->line, "expected PO/MAILBOX as the key (%s)", r->key);
    } else {
        *slash = 0;
        m.po = name_attr(b, MAP_MAILBOXES, r->line, "postoffice name", key);
        m.name = name_attr(b, MAP_MAILBOXES, r->line, "mailbox name", slash + 1);
    }
    if ((n = attrs(b, MAP_MAILBOXES, r->line, value, a)) >= 0)
        for (i = 0; i < n; i++)
            mbx_attr(b, r->line, &m, &a[i]);
    free(value);
    free(key);
    b->mbxs = xrealloc(b->mbxs, (size_t) (b->nmbxs + 1) * sizeof(*b->mbxs));
    b->mbxs[b->nmbxs++] = m;
}

static void load_alias(struct bdir *b, const struct maprec *r)
{
    struct balias al = { 0 };
    char *target = xstrdup(r->value), *slash = strchr(target, '/');
    const char *at = strrchr(r->key, '@'), *why = NULL;

    al.line = r->line;
    str_lower(target);
    al.address = address_key(b, MAP_ALIASES, r->line, "alias", r->key);
    if (al.address == NULL) {
        al.address = xstrdup(r->key);
    } else {
        if (at == NULL)
            why = "no @domain";
        else
            why = at == r->key ? podir_domain_problem(al.address + 1) : podir_address_problem(al.address);
        if (why)
            bdir_error(b, MAP_ALIASES, r->line, "expected user@domain or @domain as the key: %s (%s)", why, r->key);
    }
    if (slash == NULL || strchr(slash + 1, '/') || strpbrk(target, " \t")) {
        bdir_error(b, MAP_ALIASES, r->line, "expected PO/MAILBOX as the value (%s)", r->value);
    } else {
        *slash = 0;
        if (!podir_name_ok(target) || !podir_name_ok(slash + 1))
            bdir_error(b, MAP_ALIASES, r->line, "PO/MAILBOX is not made of safe names (%s)", r->value);
        *slash = '/';
    }
    al.target = target;
    b->aliases = xrealloc(b->aliases, (size_t) (b->naliases + 1) * sizeof(*b->aliases));
    b->aliases[b->naliases++] = al;
}

static void load_access(struct bdir *b, const struct maprec *r)
{
    struct bacc e = { 0 };
    const char *why;
    char key[CIDR_KEY_MAX];
    char *v = xstrdup(r->value);

    e.line = r->line;
    e.raw = xstrdup(r->key);
    for (char *s = v; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char) (*s - 'a' + 'A');
    if (strcmp(v, "OK") != 0 && strcmp(v, "REJECT") != 0 && strcmp(v, "TRUST") != 0)
        bdir_error(b, MAP_ACCESS, r->line, "action must be OK, REJECT or TRUST (%s)", r->value);
    e.value = v;
    if (cidr_parse(r->key, &e.net, &why) < 0) {
        bdir_error(b, MAP_ACCESS, r->line, "%s (%s)", why, r->key);
        e.key = xstrdup("");
    } else {
        cidr_key(&e.net, key, sizeof(key));
        e.key = xstrdup(key);
    }
    b->acc = xrealloc(b->acc, (size_t) (b->nacc + 1) * sizeof(*b->acc));
    b->acc[b->nacc++] = e;
}

/* Read one map; a missing optional map is empty. */
static void load_map(struct bdir *b, int which, int optional)
{
    static void (*const load[4])(struct bdir *, const struct maprec *) = {
        load_po, load_mbx, load_alias, load_access,
    };
    struct maptext *m;
    struct maprec r;
    int n;

    if ((m = maptext_open(b->path[which], which <= MAP_MAILBOXES ? MAPTEXT_VALUE_OPTIONAL : 0)) == NULL) {
        if (errno == ENOENT && optional)
            return;
        msg_error("%s: cannot open: %m", b->path[which]);
        if (errno == ENOENT)
            b->errors++;
        else
            b->temp = 1;
        return;
    }
    b->present[which] = 1;
    while ((n = maptext_next(m, &r)) > 0)
        load[which](b, &r);
    if (n < 0) {
        msg_error("%s: read error: %m", b->path[which]);
        b->temp = 1;
    }
    b->errors += maptext_errors(m);
    maptext_close(m);
}

void bdir_load(struct bdir *b)
{
    int i;

    for (i = 0; i < 4; i++) {
        buf_t p = BUF_INIT;

        buf_printf(&p, "%s/%s", b->o->confdir, map_names[i]);
        b->path[i] = buf_steal(&p);
    }
    load_map(b, MAP_POSTOFFICES, 0);
    load_map(b, MAP_MAILBOXES, 0);
    load_map(b, MAP_ALIASES, 1);
    load_map(b, MAP_ACCESS, 1);
}
