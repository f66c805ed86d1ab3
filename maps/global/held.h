/* held.h - the record of outbound messages held for a postoffice.
 *
 * When a postoffice's outbound direction is stopped, pogate-milter has the
 * MTA hold each outbound message (Postfix's hold queue, sendmail's
 * quarantine) and writes one record here: HOLD_DIR/<po>/<queue id>, an empty
 * file whose time is when it was held. The MTA keeps no reason Postfix
 * shows again, so this record is what lets pogate-po(8) release exactly the
 * messages held for one postoffice on resume, and pogate-notify(8) tell how
 * long they have waited. A record is written (tmp, fsync, rename) before the
 * milter answers, so a held message always has one; a record whose message
 * is gone (released by hand, expired) is dropped at the next release.
 */
#ifndef POGATE_HELD_H
#define POGATE_HELD_H

#include <time.h>

#define HELD_QID_MAX 63

struct held {
    char qid[HELD_QID_MAX + 1];
    time_t since;
};

/* 1 when QID is 1-63 letters and digits (every Postfix and sendmail queue id). */
int held_qid_ok(const char *qid);

/* Record QID as held for PO (a safe name) under DIR, making DIR/PO (and DIR
 * when its parent exists) as needed. 0, or -1 with errno. */
int held_add(const char *dir, const char *po, const char *qid);

/* The records of PO, oldest first, in a malloc'd array (*n of them; none when
 * DIR/PO does not exist). 0, or -1 with errno. */
int held_list(const char *dir, const char *po, struct held **list, int *n);

/* Drop the record of QID for PO; a missing record is not an error. */
int held_remove(const char *dir, const char *po, const char *qid);

#endif
