/* podir.c - the postoffice directory as the programs see it (podir.h).
 *
 * A snapshot is CONFDIR/index.cdb opened once: one open, one mmap, a check
 * of the CDB table of contents and of the format version, and a few small
 * keys read. Every lookup is then one or two CDB probes; the strings handed
 * back point into the mapping, which is why index records keep their fields
 * NUL-terminated (podir_index.c). A record that does not parse is treated as
 * a corrupt map: PODIR_ERROR, which callers turn into a temporary failure.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cdbfile.h"
#include "cidr.h"
#include "log.h"
#include "mem.h"
#include "podir.h"
#include "podir_int.h"
#include "poindex.h"

#define KEY_MAX 600

/* Split a record into exactly N NUL-terminated fields. 0, or -1 if malformed. */
static int fields(const char *v, size_t len, const char **f, int n)
{
    size_t pos = 0;
    const char *nul;
    int i;

    for (i = 0; i < n; i++) {
        if (pos >= len || (nul = memchr(v + pos, 0, len - pos)) == NULL)
            return -1;
        f[i] = v + pos;
        pos = (size_t) (nul - v) + 1;
    }
    return pos == len ? 0 : -1;
}

/* Look up PREFIX+KEY (KEY lowercased). 1, 0, or -1 when corrupt. */
static int get(const struct podir *d, const char *prefix, const char *key, const char **v, size_t *vlen)
{
    char k[KEY_MAX];
    size_t plen = strlen(prefix), klen = strlen(key), i;
    int rc;

    if (plen + klen >= sizeof(k))
        return 0;               /* longer than anything pogate-map writes */
    memcpy(k, prefix, plen);
    for (i = 0; i < klen; i++)
        k[plen + i] = (char) (key[i] >= 'A' && key[i] <= 'Z' ? key[i] - 'A' + 'a' : key[i]);
    if ((rc = cdbr_find(d->r, k, plen + klen, v, vlen)) < 0)
        msg_error("%s: corrupt map (looking up %.*s): run pogate-map", d->path, (int) (plen + klen), k);
    return rc;
}

static long long num(const char *s)
{
    return strtoll(s, NULL, 10);
}

static int corrupt(const struct podir *d, const char *what, const char *key)
{
    msg_error("%s: corrupt %s record (%s): run pogate-map", d->path, what, key);
    errno = EPROTO;
    return -1;
}

/* Fill *po from the P: record of NAME (NAME as stored, lowercase). */
static enum podir_result po_record(struct podir *d, const char *name, struct po *po)
{
    const char *v, *f[POINDEX_PO_FIELDS];
    size_t len;
    enum po_state state;
    int rc = get(d, POINDEX_PO, name, &v, &len);

    if (rc <= 0)
        return rc < 0 ? PODIR_ERROR : PODIR_NOT_PO;
    enum po_spoof spoof;

    if (fields(v, len, f, POINDEX_PO_FIELDS) < 0 || postate_parse(f[9], &state) < 0
        || podir_spoof_parse(f[19], &spoof) < 0)
        return corrupt(d, "postoffice", name);
    if (po) {
        po->name = f[0], po->domain = f[1], po->alias_domains = f[2], po->internal = f[3];
        po->store = strcmp(f[4], "mailbag") == 0 ? PO_STORE_MAILBAG : PO_STORE_MAILDIR;
        po->maxsize = num(f[5]), po->quota = num(f[6]);
        po->outbound = (int) num(f[7]), po->autoreply = (int) num(f[8]);
        po->state = state, po->paused = (int) num(f[10]), po->held = (int) num(f[11]);
        po->postmaster = f[12], po->via = f[13], po->spoof = spoof;
        po->content = strcmp(f[14], "7bit") == 0 ? PO_CONTENT_7BIT : PO_CONTENT_RAW;
        po->max_line = (int) num(f[15]), po->charset = f[16];
        po->pickup = (int) num(f[17]), po->utf8 = (int) num(f[18]);
    }
    return PODIR_FOUND;
}

/* Fill *po and *mbx from the M: record TARGET ("po/mbx"). */
static enum podir_result mbx_record(struct podir *d, const char *target, size_t tlen,
                                    struct po *po, struct mbx *mbx)
{
    char key[2 * PODIR_NAME_MAX + 2];
    const char *v, *f[6];
    size_t len;
    int rc;

    if (tlen >= sizeof(key))
        return corrupt(d, "address", "target too long");
    memcpy(key, target, tlen);
    key[tlen] = 0;
    if ((rc = get(d, POINDEX_MAILBOX, key, &v, &len)) <= 0 || fields(v, len, f, 6) < 0)
        return rc < 0 ? PODIR_ERROR : corrupt(d, "mailbox", key);
    if (mbx) {
        str_copy(mbx->po, f[0], sizeof(mbx->po));
        str_copy(mbx->name, f[1], sizeof(mbx->name));
        str_copy(mbx->address, f[2], sizeof(mbx->address));
        str_copy(mbx->display_name, f[3], sizeof(mbx->display_name));
        mbx->quota = num(f[4]);
        mbx->outbound = (int) num(f[5]);
    }
    rc = po_record(d, f[0], po);
    return rc == PODIR_FOUND ? PODIR_FOUND : rc == PODIR_ERROR ? PODIR_ERROR : corrupt(d, "mailbox", key);
}

enum podir_result podir_domain(struct podir *d, const char *domain, struct po *po)
{
    const char *v;
    size_t len;
    char name[PODIR_NAME_MAX + 1];
    int rc;

    if (d == NULL || domain == NULL)
        return PODIR_ERROR;
    if ((rc = get(d, POINDEX_DOMAIN, domain, &v, &len)) <= 0)
        return rc < 0 ? PODIR_ERROR : PODIR_NOT_PO;
    if (len >= sizeof(name))
        return corrupt(d, "domain", domain);
    memcpy(name, v, len);
    name[len] = 0;
    rc = po_record(d, name, po);
    return rc == PODIR_NOT_PO ? corrupt(d, "domain", domain) : rc;
}

enum podir_result podir_po(struct podir *d, const char *name, struct po *po)
{
    if (d == NULL || name == NULL)
        return PODIR_ERROR;
    return po_record(d, name, po);
}

/* Address lookup in one index (A: or F:), then the domain's standing. */
static enum podir_result lookup_address(struct podir *d, const char *prefix, const char *address,
                                        int catchall, struct po *po, struct mbx *mbx)
{
    const char *v, *at;
    size_t len;
    int rc;

    if (d == NULL || address == NULL)
        return PODIR_ERROR;
    if ((rc = get(d, prefix, address, &v, &len)) != 0)
        return rc < 0 ? PODIR_ERROR : mbx_record(d, v, len, po, mbx);
    if ((at = strrchr(address, '@')) == NULL)
        return PODIR_NOT_PO;
    if ((rc = podir_domain(d, at + 1, po)) != PODIR_FOUND)
        return rc;
    if (catchall && (rc = get(d, prefix, at, &v, &len)) != 0)
        return rc < 0 ? PODIR_ERROR : mbx_record(d, v, len, po, mbx);
    return PODIR_NO_MAILBOX;
}

enum podir_result podir_resolve(struct podir *d, const char *address, struct po *po, struct mbx *mbx)
{
    return lookup_address(d, POINDEX_INBOUND, address, 1, po, mbx);
}

enum podir_result podir_sender(struct podir *d, const char *address, struct po *po, struct mbx *mbx)
{
    return lookup_address(d, POINDEX_SENDER, address, 0, po, mbx);
}

static enum podir_access access_of(const char *v, size_t len)
{
    if (len == 2 && memcmp(v, "OK", 2) == 0)
        return ACCESS_OK;
    if (len == 6 && memcmp(v, "REJECT", 6) == 0)
        return ACCESS_REJECT;
    if (len == 5 && memcmp(v, "TRUST", 5) == 0)
        return ACCESS_TRUST;
    return ACCESS_ERROR;        /* pogate-map writes no other value */
}

static enum podir_access access_cidr(struct podir *d, const struct cidr *ip)
{
    const unsigned char *lens = ip->family == 4 ? d->x4 : d->x6;
    size_t n = ip->family == 4 ? d->nx4 : d->nx6, i;
    char key[CIDR_KEY_MAX];
    const char *v;
    size_t len;
    struct cidr net;
    int rc;

    for (i = 0; i < n; i++) {
        net = *ip;
        cidr_mask(&net, lens[i] > ip->len ? ip->len : lens[i]);
        cidr_key(&net, key, sizeof(key));
        if ((rc = get(d, POINDEX_NETWORK, key, &v, &len)) != 0)
            return rc < 0 ? ACCESS_ERROR : access_of(v, len);
    }
    return ACCESS_NONE;
}

enum podir_access podir_access(struct podir *d, const char *ip)
{
    struct cidr c;

    if (d == NULL || ip == NULL || cidr_addr(ip, &c) < 0)
        return ACCESS_NONE;
    return access_cidr(d, &c);
}

enum podir_access podir_access_sa(struct podir *d, const struct sockaddr *sa)
{
    struct cidr c;

    if (d == NULL || cidr_from_sa(sa, &c) < 0)
        return ACCESS_NONE;
    return access_cidr(d, &c);
}

long long podir_max_size(struct podir *d)
{
    return d ? d->maxsize : 0;
}

int podir_spoof_any(struct podir *d)
{
    return d ? d->spoof > 0 : 0;
}

static const char *const spoof_names[] = { "off", "tag", "reject" };

const char *podir_spoof_name(enum po_spoof s)
{
    return s <= PO_SPOOF_REJECT ? spoof_names[s] : "off";
}

int podir_spoof_parse(const char *s, enum po_spoof *out)
{
    for (int i = 0; i <= PO_SPOOF_REJECT; i++)
        if (strcmp(s, spoof_names[i]) == 0) {
            *out = (enum po_spoof) i;
            return 0;
        }
    return -1;
}

int podir_po_count(struct podir *d)
{
    return d ? d->count : 0;
}

int podir_po_at(struct podir *d, int i, struct po *po)
{
    char key[16], name[PODIR_NAME_MAX + 1];
    const char *v;
    size_t len;
    int rc;

    if (d == NULL || i < 0 || i >= d->count)
        return PODIR_NOT_PO;
    snprintf(key, sizeof(key), "%d", i);
    if ((rc = get(d, POINDEX_PO_AT, key, &v, &len)) <= 0 || len >= sizeof(name))
        return rc < 0 ? PODIR_ERROR : corrupt(d, "postoffice list", key);
    memcpy(name, v, len);
    name[len] = 0;
    rc = po_record(d, name, po);
    return rc == PODIR_NOT_PO ? corrupt(d, "postoffice list", key) : rc;
}

long long podir_mtime(struct podir *d)
{
    return d ? (long long) cdbr_stat(d->r)->st_mtime : 0;
}

int podir_mailbox_count(struct podir *d, const char *po)
{
    size_t pos = 0, klen, vlen, plen = strlen(POINDEX_MAILBOX), nlen = strlen(po);
    const char *k, *v;
    int n = 0, rc = 0;

    while (d && (rc = cdbr_next(d->r, &pos, &k, &klen, &v, &vlen)) == 1)
        if (klen > plen + nlen + 1 && memcmp(k, POINDEX_MAILBOX, plen) == 0
            && memcmp(k + plen, po, nlen) == 0 && k[plen + nlen] == '/')
            n++;
    return d && rc == 0 ? n : -1;
}

int podir_name_ok(const char *name)
{
    size_t n;

    if (name == NULL || name[0] == 0 || name[0] == '.')
        return 0;
    for (n = 0; name[n]; n++) {
        char c = name[n];

        if (n >= PODIR_NAME_MAX)
            return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}
