/* mailbag.c - the envelope block of mailbag files; the format is in mailbag.h
 * and pogate-lda(8).
 */
#include <string.h>

#include "buf.h"
#include "mailbag.h"

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
    for (; *s; s++)
        buf_putc(b, (unsigned char) *s < ' ' || *s == 127 ? '?' : *s);
}

void mailbag_envelope(buf_t *b, const char *sender, const char *po, const char *queue_id,
                      const struct deliver_rcpt *r, const int *idx, int n)
{
    buf_puts(b, "X-Pogate-Envelope: 1\nX-Pogate-Sender: <");
    mailbag_safe(b, sender);
    buf_puts(b, ">\nX-Pogate-Postoffice: ");
    mailbag_safe(b, po);
    buf_putc(b, '\n');
    for (int i = 0; i < n; i++) {
        const struct deliver_rcpt *x = &r[idx[i]];

        buf_puts(b, "X-Pogate-Recipient: <");
        mailbag_safe(b, x->mbx.address[0] ? x->mbx.address : x->address);
        buf_puts(b, "> mailbox=");
        mailbag_safe(b, x->mbx.name);
        buf_putc(b, '\n');
    }
    if (queue_id != NULL && queue_id[0]) {
        buf_puts(b, "X-Pogate-Queue-Id: ");
        mailbag_safe(b, queue_id);
        buf_putc(b, '\n');
    }
    buf_putc(b, '\n');
}
