/* envblock.h - the envelope block at the top of a postoffice's message file.
 *
 * A file-based postoffice exchanges whole messages with pogate as files that
 * carry their envelope in front: pogate-lda writes it into every mailbag file
 * (STORE/<bag>/mailbag/new/NAME), and the postoffice's software writes it into
 * every file it leaves for pogate-pickup (STORE/<PO>/outbag/new/NAME). One
 * format both ways, spelled here alone, written and read by this module:
 *
 *   X-Pogate-Envelope: 1                   (first line: format and version)
 *   X-Pogate-Sender: <sender>              ("<>" for the null sender)
 *   X-Pogate-Postoffice: PO                (at most once)
 *   X-Pogate-Recipient: <address> mailbox=NAME   (one line a recipient;
 *                                           " mailbox=NAME" optional)
 *   X-Pogate-Queue-Id: ID                  (at most once)
 *   (empty line)
 *   the message
 *
 * Lines end in LF (CRLF is read too). The block ends at the first empty line;
 * any other line, a field twice that may appear once, or a block without
 * sender or recipient is an error that the reader names.
 */
#ifndef POGATE_ENVBLOCK_H
#define POGATE_ENVBLOCK_H

#include <stddef.h>

#include "addr.h"
#include "buf.h"

#define ENVBLOCK_MAX (64u << 10)        /* longest envelope block read */
#define ENVBLOCK_RCPT_MAX 1000          /* recipients a block may name */
#define ENVBLOCK_FIELD_MAX 320          /* longest PO, mailbox or queue id */

struct envblock_rcpt {
    const char *address;        /* as written, without the angle brackets */
    const char *mailbox;        /* NULL or "" when the line names none */
};

/* What the writer is given. */
struct envblock {
    const char *sender;         /* "" for the null sender */
    const char *po;             /* NULL: no X-Pogate-Postoffice line */
    const char *queue_id;       /* NULL or "": no X-Pogate-Queue-Id line */
    const struct envblock_rcpt *rcpt;
    int nrcpt;
};

/* What the reader finds: addresses checked by addr_parse(). */
struct envblock_read {
    struct addr sender;         /* sender.null for <> */
    char po[ENVBLOCK_FIELD_MAX + 1];            /* "" when absent */
    char queue_id[ENVBLOCK_FIELD_MAX + 1];      /* "" when absent */
    struct addr *rcpt;          /* nrcpt of them, malloc'd: envblock_read_free() */
    int nrcpt;
    size_t body;                /* offset of the message after the empty line */
};

/* Append E's block, the empty line included. */
void envblock_write(buf_t *b, const struct envblock *e);

/* Append S with control characters replaced by '?': no header injection even
 * when a caller hands over something addr_parse() would have refused. */
void envblock_safe(buf_t *b, const char *s);

/* Read the block at the start of the LEN bytes at DATA. 1 when read (*R
 * filled), 0 when DATA ends before the empty line and is shorter than
 * ENVBLOCK_MAX (read more), -1 when it is no valid block: *WHY says what is
 * wrong, with the line number ("line 3: X-Pogate-Sender twice"). */
int envblock_parse(const char *data, size_t len, struct envblock_read *r, buf_t *why);
void envblock_read_free(struct envblock_read *r);

/* The postoffice an envelope names: the X-Pogate-Postoffice value of the
 * block at the start of the LEN bytes at HEAD (a file's first bytes), into
 * PO (SIZE bytes). 0, or -1 when HEAD does not start with a block of this
 * version naming one within LEN. */
int envblock_po(const char *head, size_t len, char *po, size_t size);

#endif
