/* mailbag.c - the envelope block of mailbag files, in the one format that
 * envblock.h spells (pogate-pickup reads the same block from outbag files).
 */
#include <stdlib.h>

#include "buf.h"
#include "envblock.h"
#include "mailbag.h"
#include "mem.h"

void mailbag_safe(buf_t *b, const char *s)
{
    envblock_safe(b, s);
}

void mailbag_envelope(buf_t *b, const char *sender, const char *po, const char *queue_id,
                      const struct deliver_rcpt *r, const int *idx, int n)
{
    struct envblock_rcpt *er = xcalloc(n > 0 ? (size_t) n : 1, sizeof(*er));
    struct envblock e = { sender, po, queue_id, er, n };

    for (int i = 0; i < n; i++) {
        const struct deliver_rcpt *x = &r[idx[i]];

        er[i].address = x->mbx.address[0] ? x->mbx.address : x->address;
        er[i].mailbox = x->mbx.name;
    }
    envblock_write(b, &e);
    free(er);
}
