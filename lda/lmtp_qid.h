/* lmtp_qid.h - the MTA's queue id of a message received over LMTP.
 *
 * pogate-lda gets the queue id on its command line (-q ${queue_id}); LMTP has
 * no such field, but the MTA's own Received header, the first of the message,
 * names it: "Received: from ... by relay (Postfix) with ESMTP id 4ABC123 ...",
 * sendmail "... with ESMTP id 5AP6xYz0012345 ...". With it, every log line
 * and the mailbag envelope carry the id, and grep finds a message in the
 * MTA's log and pogate's alike.
 */
#ifndef POGATE_LMTP_QID_H
#define POGATE_LMTP_QID_H

#include <stddef.h>

/* The "id" of the first Received header in the spool file FD (read with
 * pread, the offset is left alone) into QID (SIZE bytes): 0, or -1 when there
 * is none (QID is then ""). Only [A-Za-z0-9] ids of at most 63 bytes count. */
int lmtp_queue_id(int fd, char *qid, size_t size);

/* The same on a buffer holding the start of the message (for the tests). */
int lmtp_queue_id_buf(const char *msg, size_t len, char *qid, size_t size);

#endif
