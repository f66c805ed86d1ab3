/* mailbag.c - the envelope block of mailbag files, in the one format that
 * envblock.h spells (pogate-pickup reads the same block from outbag files).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "envblock.h"
#include "mailbag.h"
#include "mem.h"

#define FIRST "X-Pogate-Envelope: 1\n"
#define PO_FIELD "X-Pogate-Postoffice: "

int mailbag_envelope_po(const char *head, size_t len, char *po, size_t size)
{
    const char *p = head, *end = head + len, *nl;

    if (len < sizeof(FIRST) - 1 || memcmp(head, FIRST, sizeof(FIRST) - 1) != 0)
        return -1;
    for (p += sizeof(FIRST) - 1; p < end && *p != '\n'; p = nl + 1) {
        size_t n;

        if ((nl = memchr(p, '\n', (size_t) (end - p))) == NULL)
            return -1;          /* the line goes on past what was read */
        if ((size_t) (nl - p) <= sizeof(PO_FIELD) - 1 || memcmp(p, PO_FIELD, sizeof(PO_FIELD) - 1) != 0)
            continue;
        n = (size_t) (nl - p) - (sizeof(PO_FIELD) - 1);
        if (n >= size)
            return -1;
        memcpy(po, p + sizeof(PO_FIELD) - 1, n);
        po[n] = 0;
        return 0;
    }
    return -1;                  /* the envelope ended without naming one */
}

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
