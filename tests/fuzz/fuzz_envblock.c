/* fuzz_envblock.c - libFuzzer target for maps/global/envblock.c, the reader
 * of the envelope block that pogate-pickup takes from a postoffice's files.
 *
 * Invariants: a block read names a sender and 1 to ENVBLOCK_RCPT_MAX
 * recipients, every address and name free of control characters, the body
 * offset within the input and just after an empty line; a refusal says why;
 * a block read and written again by envblock_write reads back to the same
 * envelope (the writer and the reader are one format).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envblock.h"

static void clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            abort();
}

static void same_again(const struct envblock_read *r)
{
    struct envblock_rcpt *rc = calloc((size_t) r->nrcpt, sizeof(*rc));
    struct envblock e = { r->sender.addr, r->po[0] ? r->po : NULL, r->queue_id, rc, r->nrcpt };
    struct envblock_read again;
    buf_t b = BUF_INIT, why = BUF_INIT;

    for (int i = 0; i < r->nrcpt; i++)
        rc[i].address = r->rcpt[i].addr;
    envblock_write(&b, &e);
    if (envblock_parse(b.data, b.len, &again, &why) != 1 || again.nrcpt != r->nrcpt
        || strcmp(again.sender.addr, r->sender.addr) != 0 || strcmp(again.po, r->po) != 0
        || strcmp(again.queue_id, r->queue_id) != 0 || again.body != b.len)
        abort();
    for (int i = 0; i < r->nrcpt; i++)
        if (strcmp(again.rcpt[i].addr, r->rcpt[i].addr) != 0)
            abort();
    envblock_read_free(&again);
    buf_free(&b), buf_free(&why);
    free(rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct envblock_read r;
    buf_t why = BUF_INIT;
    int rc = envblock_parse((const char *) data, size, &r, &why);

    if (rc == 1) {
        if (r.nrcpt < 1 || r.nrcpt > ENVBLOCK_RCPT_MAX || r.body > size || r.body < 2 || data[r.body - 1] != '\n')
            abort();
        clean(r.sender.addr), clean(r.po), clean(r.queue_id);
        for (int i = 0; i < r.nrcpt; i++)
            clean(r.rcpt[i].addr);
        same_again(&r);
        envblock_read_free(&r);
    } else if (rc < 0 && why.len == 0) {
        abort();
    }
    buf_free(&why);
    return 0;
}
