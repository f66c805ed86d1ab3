/* t_mailbag.c - unit tests for lda/mailbag.c: the envelope written for an
 * importer, read back for the postoffice it names (what a downstream
 * postoffice's quota counts in its hub's bag), and what is not an envelope. */
#include <stdio.h>
#include <string.h>

#include "envblock.h"
#include "mailbag.h"
#include "tap.h"

static int po_of(const char *head, char *po, size_t size)
{
    return envblock_po(head, strlen(head), po, size);
}

int main(void)
{
    char po[65];
    buf_t b = BUF_INIT;
    struct deliver_rcpt r[1];
    int idx[1] = { 0 };

    memset(r, 0, sizeof(r));
    snprintf(r[0].mbx.address, sizeof(r[0].mbx.address), "%s", "clerk@downq.example.com");
    snprintf(r[0].mbx.name, sizeof(r[0].mbx.name), "%s", "clerk");
    mailbag_envelope(&b, "alice@example.org", "downq", "4ABC123", r, idx, 1);
    buf_puts(&b, "Return-Path: <alice@example.org>\nSubject: x\n\nbody\n");
    is_int(envblock_po(b.data, b.len, po, sizeof(po)), 0, "the envelope as written is read back");
    is_str(po, "downq", "... naming its postoffice");
    is_int(envblock_po(b.data, 40, po, sizeof(po)), -1, "cut before the postoffice line: none");
    is_int(po_of("X-Pogate-Envelope: 1\nX-Pogate-Sender: <>\n\nX-Pogate-Postoffice: late\n", po, sizeof(po)), -1,
           "a postoffice line after the envelope's end does not count");
    is_int(po_of("X-Pogate-Envelope: 2\nX-Pogate-Postoffice: bag\n\n", po, sizeof(po)), -1, "another version: none");
    is_int(po_of("Subject: X-Pogate-Postoffice: bag\n\n", po, sizeof(po)), -1, "a plain message: none");
    is_int(po_of("X-Pogate-Envelope: 1\nX-Pogate-Postoffice: a-name-longer-than-the-room\n\n", po, 8), -1,
           "a name longer than the room: none, not cut");
    buf_free(&b);
    return done_testing();
}
