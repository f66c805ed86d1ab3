/* mailbag.h - the envelope block at the top of a mailbag file.
 *
 * A mailbag file (STORE/<bag>/mailbag/new/NAME) is read by a legacy
 * importer that needs the envelope, not just the message. The file is:
 *
 *   X-Pogate-Envelope: 1
 *   X-Pogate-Sender: <sender>             ("<>" for the null sender)
 *   X-Pogate-Postoffice: PO               (the postoffice the mail is for;
 *                                          with via=HUB, the downstream PO)
 *   X-Pogate-Recipient: <address> mailbox=NAME     (one line per recipient
 *                                          of this PO; address = the
 *                                          mailbox's public address)
 *   X-Pogate-Queue-Id: ID                 (when the MTA passed one)
 *   (empty line)
 *   Return-Path: <sender>
 *   Delivered-To: address                 (only with exactly one recipient)
 *   the message, byte for byte
 *
 * The envelope ends at the first empty line; its first line identifies the
 * format and version. envblock.h owns the format (pogate-pickup reads the
 * same block); pogate-lda(8) documents it for importer writers.
 */
#ifndef POGATE_MAILBAG_H
#define POGATE_MAILBAG_H

#include "buf.h"
#include "deliver.h"

/* Append the envelope for recipients R[IDX[0..N-1]] of postoffice PO. */
void mailbag_envelope(buf_t *b, const char *sender, const char *po, const char *queue_id,
                      const struct deliver_rcpt *r, const int *idx, int n);

/* Append S with control characters replaced by '?' (envblock_safe()). */
void mailbag_safe(buf_t *b, const char *s);

#endif
