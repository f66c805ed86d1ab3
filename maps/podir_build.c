/* podir_build.c - cross-check the postoffice maps and drive the build.
 *
 * What one record cannot show is checked here, with the file and line of
 * the record at fault: a domain owned by two postoffices, a mailbox in an
 * unknown postoffice, two mailboxes (or an alias) claiming one address, an
 * alias to a missing mailbox, a PO without a reachable postmaster, a bad
 * via= hub. Nothing is written unless everything passes; a failed build
 * leaves CONFDIR/build-failed saying so (podir_build.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "idna.h"
#include "log.h"
#include "mem.h"
#include "podir_build.h"
#include "replace_file.h"
#include "strmap.h"
#include "utf8.h"

/* Who claims an address or domain, for "first at line N" messages. */
struct claim {
    const char *target;         /* "po/mbx" or a PO name */
    int which, line;
};

static struct claim **claims;  /* every claim, freed at the end of the build */
static size_t nclaims, cclaims;

static struct claim *claim_new(const char *target, int which, int line)
{
    struct claim *c = xmalloc(sizeof(*c));

    c->target = target;
    c->which = which;
    c->line = line;
    if (nclaims == cclaims) {
        cclaims = cclaims ? cclaims * 2 : 64;
        claims = xrealloc(claims, cclaims * sizeof(*claims));
    }
    claims[nclaims++] = c;
    return c;
}

void bdir_error(struct bdir *b, int which, int line, const char *fmt, ...)
{
    va_list ap;
    buf_t what = BUF_INIT;

    buf_reserve(&what, 512);
    va_start(ap, fmt);
    vsnprintf(what.data, what.cap, fmt, ap);
    va_end(ap);
    msg_error("%s:%d: %s", b->path[which], line, what.data);
    buf_free(&what);
    b->errors++;
}

const char *podir_domain_problem(const char *d)
{
    enum addr_status st = addr_check_domain(d, strlen(d), ADDR_NO_LITERAL);

    return st == ADDR_OK ? NULL : addr_strerror(st);
}

const char *podir_address_problem(const char *address)
{
    struct addr a;
    enum addr_status st = addr_parse(address, strlen(address), ADDR_NO_LITERAL, &a);

    if (st != ADDR_OK)
        return addr_strerror(st);
    if (strcmp(a.key, address) != 0)    /* the canonical form quotes the local part */
        return "local part is not a dot-atom (letters, digits, !#$%&'*+-/=?^_`{|}~ between single dots)";
    return NULL;
}

/* Valid UTF-8 without control characters: safe inside a From: header. */
static const char *display_problem(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    int more;

    if (strlen(s) >= sizeof(((struct mbx *) 0)->display_name))
        return "display name longer than 255 bytes";
    for (; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return "control character (CR, LF, ...) in display name";
        if (*p < 0x80)
            continue;
        more = *p >= 0xf0 && *p < 0xf5 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc2 && *p < 0xe0 ? 1 : -1;
        if (more < 0 || *p >= 0xf5)
            return "display name is not UTF-8";
        while (more--)
            if ((*++p & 0xc0) != 0x80)
                return "display name is not UTF-8";
    }
    return NULL;
}

static void claim_domain(struct bdir *b, struct bpo *p, const char *domain)
{
    struct claim *c = claim_new(p->name, MAP_POSTOFFICES, p->line), *old;

    if ((old = strmap_add(b->domain_po, domain, c)) != NULL)
        bdir_error(b, MAP_POSTOFFICES, p->line, "domain %s belongs to postoffice %s (line %d) "
                   "and postoffice %s", domain, old->target, old->line, p->name);
}

/* Claim ADDRESS for TARGET; an address has one owner. */
static void claim_address(struct bdir *b, const char *address, const char *target, int which, int line)
{
    struct claim *c = claim_new(target, which, line), *old;

    if ((old = strmap_add(b->addr_owner, address, c)) != NULL)
        bdir_error(b, which, line, "address %s is already claimed by %s (%s line %d)",
                   address, old->target, old->which == MAP_MAILBOXES ? "mailboxes" : "aliases",
                   old->line);
}

static void check_pos(struct bdir *b)
{
    struct bpo *p, *old;
    int i, j;

    for (i = 0; i < b->npos; i++) {
        p = &b->pos[i];
        if (p->name && (old = strmap_add(b->po_by_name, p->name, p)) != NULL)
            bdir_error(b, MAP_POSTOFFICES, p->line, "postoffice %s defined twice (first at line %d)",
                       p->name, old->line);
    }
    for (i = 0; i < b->npos; i++) {
        p = &b->pos[i];
        if (p->name == NULL)
            continue;
        if (p->domain)
            claim_domain(b, p, p->domain);
        for (j = 0; j < p->naliases; j++)
            claim_domain(b, p, p->aliases[j]);
        if (p->internal)
            claim_domain(b, p, p->internal);
    }
}

/* The domain of ADDRESS is the public or an alias domain of P. */
static int po_public_domain(const struct bpo *p, const char *domain)
{
    int j;

    if (p->domain && strcmp(p->domain, domain) == 0)
        return 1;
    for (j = 0; j < p->naliases; j++)
        if (strcmp(p->aliases[j], domain) == 0)
            return 1;
    return 0;
}

static void check_mbx(struct bdir *b, struct bmbx *m)
{
    struct bpo *p = strmap_get(b->po_by_name, m->po);
    const char *at, *why;
    buf_t a = BUF_INIT;
    struct bmbx *old;

    if (p == NULL) {
        bdir_error(b, MAP_MAILBOXES, m->line, "mailbox in an unknown postoffice (%s)", m->po);
        return;
    }
    if ((old = strmap_add(b->mbx_by_key, m->key, m)) != NULL) {
        bdir_error(b, MAP_MAILBOXES, m->line, "mailbox %s defined twice (first at line %d)", m->key, old->line);
        return;
    }
    if (m->address == NULL && p->domain) {
        buf_printf(&a, "%s@%s", m->name, p->domain);
        m->address = buf_steal(&a);
    }
    at = m->address ? strrchr(m->address, '@') : NULL;
    if (at == NULL || (why = podir_address_problem(m->address)) != NULL) {
        bdir_error(b, MAP_MAILBOXES, m->line, "address is not a valid user@domain: %s (%s)",
                   at ? why : "no @domain", m->address ? m->address : "");
        return;
    }
    if (!po_public_domain(p, at + 1))
        bdir_error(b, MAP_MAILBOXES, m->line, "address %s is not at a domain of postoffice %s",
                   m->address, p->name);
    if (!p->utf8 && idna_is_8bit(m->address))
        bdir_error(b, MAP_MAILBOXES, m->line, "address %s has a UTF-8 local part, but postoffice %s "
                   "has utf8=no", m->address, p->name);
    if (m->display && (why = display_problem(m->display)) != NULL)
        bdir_error(b, MAP_MAILBOXES, m->line, "%s (%s)", why, m->key);
    claim_address(b, m->address, m->key, MAP_MAILBOXES, m->line);
    if (p->internal) {
        buf_printf(&a, "%s@%s", m->name, p->internal);
        claim_address(b, a.data, m->key, MAP_MAILBOXES, m->line);
        buf_free(&a);
    }
}

static void check_postmaster(struct bdir *b, struct bpo *p)
{
    buf_t k = BUF_INIT;
    struct bpo *hub;

    buf_printf(&k, "%s/%s", p->name, p->postmaster ? p->postmaster : "postmaster");
    if (strmap_get(b->mbx_by_key, k.data) == NULL) {
        if (p->postmaster)
            bdir_error(b, MAP_POSTOFFICES, p->line, "postmaster mailbox %s does not exist", k.data);
        else
            bdir_error(b, MAP_POSTOFFICES, p->line, "postoffice %s has no postmaster: add "
                       "postmaster=MAILBOX or a mailbox %s/postmaster", p->name, p->name);
    } else if (p->postmaster == NULL) {
        p->postmaster = xstrdup("postmaster");
    }
    buf_free(&k);
    if (p->via == NULL)
        return;
    if ((hub = strmap_get(b->po_by_name, p->via)) == NULL)
        bdir_error(b, MAP_POSTOFFICES, p->line, "via names an unknown postoffice (%s)", p->via);
    else if (hub == p || hub->via)
        bdir_error(b, MAP_POSTOFFICES, p->line, "via must name a hub that is not itself downstream (%s)", p->via);
    else if (hub->store != PO_STORE_MAILBAG)
        bdir_error(b, MAP_POSTOFFICES, p->line, "hub postoffice %s must have store=mailbag", p->via);
}

static void check_alias(struct bdir *b, struct balias *al)
{
    const char *at = strrchr(al->address, '@');

    if (at == NULL)
        return;                 /* reported while loading */
    if (strmap_get(b->domain_po, at + 1) == NULL)
        bdir_error(b, MAP_ALIASES, al->line, "domain is not a postoffice domain (%s)", at + 1);
    if (strmap_get(b->mbx_by_key, al->target) == NULL)
        bdir_error(b, MAP_ALIASES, al->line, "alias to a missing mailbox (%s)", al->target);
    claim_address(b, al->address, al->target, MAP_ALIASES, al->line);
}

void bdir_check(struct bdir *b)
{
    struct strmap *nets = strmap_new();
    struct bacc *old;
    int i;

    check_pos(b);
    for (i = 0; i < b->nmbxs; i++)
        if (b->mbxs[i].po && b->mbxs[i].name)
            check_mbx(b, &b->mbxs[i]);
    for (i = 0; i < b->npos; i++)
        if (b->pos[i].name)
            check_postmaster(b, &b->pos[i]);
    for (i = 0; i < b->naliases; i++)
        check_alias(b, &b->aliases[i]);
    for (i = 0; i < b->nacc; i++) {
        if (*b->acc[i].key && (old = strmap_add(nets, b->acc[i].key, &b->acc[i])) != NULL)
            bdir_error(b, MAP_ACCESS, b->acc[i].line, "%s given twice (first at line %d)",
                       b->acc[i].raw, old->line);
    }
    strmap_free(nets);
}

static void bdir_free(struct bdir *b)
{
    int i, j;

    for (i = 0; i < b->npos; i++) {
        struct bpo *p = &b->pos[i];

        for (j = 0; j < p->naliases; j++)
            free(p->aliases[j]);
        free(p->aliases), free(p->name), free(p->domain), free(p->internal);
        free(p->postmaster), free(p->via), free(p->charset), free(p->key), free(p->value);
    }
    for (i = 0; i < b->nmbxs; i++) {
        struct bmbx *m = &b->mbxs[i];

        free(m->po), free(m->name), free(m->address), free(m->display), free(m->key), free(m->value);
    }
    for (i = 0; i < b->naliases; i++)
        free(b->aliases[i].address), free(b->aliases[i].target);
    for (i = 0; i < b->nacc; i++)
        free(b->acc[i].key), free(b->acc[i].raw), free(b->acc[i].value);
    for (i = 0; i < 4; i++)
        free(b->path[i]);
    free(b->pos), free(b->mbxs), free(b->aliases), free(b->acc);
    strmap_free(b->po_by_name), strmap_free(b->mbx_by_key);
    strmap_free(b->domain_po), strmap_free(b->addr_owner);
    buf_free(&b->errtext);
}

/* The build's error lines, for build-failed. */
static void keep_error(void *arg, enum msg_level level, const char *text)
{
    struct bdir *b = arg;

    if (level == MSG_LEVEL_ERROR && b->nerrtext++ < PODIR_FAILED_LINES)
        buf_printf(&b->errtext, "%s\n", text);
}

/* Leave CONFDIR/build-failed after a failed build, remove it after a good one. */
static void build_status(const struct bdir *b, int rc)
{
    buf_t path = BUF_INIT, text = BUF_INIT;

    buf_printf(&path, "%s/%s", b->o->confdir, PODIR_FAILED_FILE);
    if (rc == 0) {
        if (unlink(path.data) < 0 && errno != ENOENT)
            msg_warn("%s: cannot remove: %m", path.data);
    } else {
        buf_printf(&text, "pogate-map build-failed 1 %lld %d\n", (long long) time(NULL), rc);
        if (b->errtext.len)
            buf_append(&text, b->errtext.data, b->errtext.len);
        else
            buf_puts(&text, "temporary trouble reading or writing the maps: run pogate-map for the reason\n");
        if (replace_file(path.data, text.data, text.len, NULL) < 0)
            msg_warn("%s: cannot write: %m", path.data);
    }
    buf_free(&path), buf_free(&text);
}

int podir_build_failed(const char *confdir, long long *when, int *exit_status, buf_t *errors)
{
    buf_t path = BUF_INIT;
    char head[128] = "";
    FILE *fp;
    int rc = 1, n, version;

    buf_printf(&path, "%s/%s", confdir, PODIR_FAILED_FILE);
    if ((fp = fopen(path.data, "re")) == NULL) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc < 0)
            msg_error("%s: %m", path.data);
    } else if (fgets(head, sizeof(head), fp) == NULL
               || sscanf(head, "pogate-map build-failed %d %lld %d%n", &version, when, exit_status, &n) != 3
               || version != 1 || head[n] != '\n') {
        msg_error("%s:1: not a build-failed file of version 1 (%.40s)", path.data, head);
        errno = EINVAL;
        rc = -1;
    } else {
        char line[1024];

        for (int i = 0; i < PODIR_FAILED_LINES && fgets(line, sizeof(line), fp); i++)
            buf_puts(errors, line);
    }
    if (fp)
        fclose(fp);
    buf_free(&path);
    return rc;
}

int podir_build(const struct podir_build_opts *o)
{
    struct bdir b = { 0 };
    int rc = 0;

    b.o = o;
    if (!o->dry_run)
        msg_tee(keep_error, &b);
    b.po_by_name = strmap_new();
    b.mbx_by_key = strmap_new();
    b.domain_po = strmap_new();
    b.addr_owner = strmap_new();
    bdir_load(&b);
    if (!b.temp)
        bdir_check(&b);
    if (b.temp)
        rc = 75;
    else if (b.errors)
        rc = 1;
    else if (!o->dry_run)
        rc = bdir_write(&b);
    if (b.errors)
        msg_error("%s: %d error%s, nothing written", o->confdir, b.errors, b.errors == 1 ? "" : "s");
    if (!o->dry_run) {
        msg_tee(NULL, NULL);
        build_status(&b, rc);
    }
    bdir_free(&b);
    while (nclaims > 0)
        free(claims[--nclaims]);
    free(claims);
    claims = NULL;
    nclaims = cclaims = 0;
    return rc;
}
