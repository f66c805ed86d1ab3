/* mailbag.c - the envelope block of mailbag files; the format is in mailbag.h
 * and pogate-lda(8).
 */
#include "buf.h"
#include "mailbag.h"

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
