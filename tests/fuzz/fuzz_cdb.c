/* fuzz_cdb.c - libFuzzer target for the CDB reader (maps/util/cdbread.c) and the
 * index lookups over it (maps/global/podir.c).
 *
 * Input: a file as pogate might find it on disk: a CDB, an index.cdb, or
 * their damaged forms. The bytes are read in place from the fuzzer's heap
 * buffer, so AddressSanitizer sees any read outside the file. Every record
 * found by iteration must also be found by lookup, inside the buffer; the
 * index lookups (addresses, domains, POs, access) must answer without
 * touching memory outside the file whatever the records hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdbfile.h"
#include "log.h"
#include "podir.h"
#include "podir_int.h"

static const uint8_t *lo, *hi;

static void inside(const char *p, size_t len)
{
    if ((const uint8_t *) p < lo || (const uint8_t *) p + len > hi)
        abort();
}

static void walk(const struct cdbr *r)
{
    const char *k, *v, *fv;
    size_t pos = 0, kl, vl, fvl, n = 0;

    while (cdbr_next(r, &pos, &k, &kl, &v, &vl) > 0 && n++ < 10000) {
        inside(k, kl);
        inside(v, vl);
        if (cdbr_find(r, k, kl, &fv, &fvl) == 1)
            inside(fv, fvl);
    }
    cdbr_find(r, "V:", 2, &fv, &fvl);
}

/* Ask the index what the daemons ask, with keys taken from its own records. */
static void lookups(struct podir *d, const struct cdbr *r)
{
    static const char *const ips[] = { "192.0.2.1", "203.0.113.7", "2001:db8::1", "::ffff:10.0.0.1", "0.0.0.0" };
    const char *k, *v;
    char key[400];
    size_t pos = 0, kl, vl, n = 0, i;
    struct po po;
    struct mbx mbx;
    int count = podir_po_count(d);

    while (cdbr_next(r, &pos, &k, &kl, &v, &vl) > 0 && n++ < 200) {
        if (kl < 3 || kl >= sizeof(key) || memchr(k, 0, kl))
            continue;
        memcpy(key, k + 2, kl - 2);
        key[kl - 2] = 0;
        podir_resolve(d, key, &po, &mbx);
        podir_sender(d, key, &po, &mbx);
        podir_domain(d, key, &po);
        podir_po(d, key, &po);
    }
    for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
        podir_access(d, ips[i]);
    for (i = 0; i < 50 && (int) i < count; i++)
        podir_po_at(d, (int) i, &po);
    podir_max_size(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int opened;
    struct cdbr *r;
    struct podir *d;

    if (!opened) {
        msg_open("fuzz_cdb", MSG_TO_STDERR);
        msg_set_level(MSG_LEVEL_ERROR);
        opened = 1;
    }
    lo = data, hi = data + size;
    if ((r = cdbr_mem(data, size, NULL)) == NULL)
        return 0;
    walk(r);
    if ((d = podir_open_mem(data, size, "fuzz")) != NULL) {
        lookups(d, r);
        podir_close(d);
    }
    cdbr_close(r);
    return 0;
}
