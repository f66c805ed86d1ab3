/* po_release.h - release the outbound mail held for one postoffice.
 *
 * The records of held.h say which queue ids were held for the postoffice;
 * the MTA's own listing says which of them are still held. Exactly those are
 * released (and delivered now); the records of messages the MTA no longer
 * holds (released or deleted by hand, expired) are dropped with them.
 */
#ifndef POGATE_PO_RELEASE_H
#define POGATE_PO_RELEASE_H

#include "mtaq.h"

struct po_release {
    int released;               /* held messages released */
    int stale;                  /* records without a held message, dropped */
};

/* 0, or -1 (reason logged; records of what was not released are kept). */
int po_release(const struct mta *m, const char *hold_dir, const char *po, struct po_release *r);

/* How many of PO's records the MTA holds now (-1 when it cannot tell), and
 * the oldest one's time (0 if none). */
int po_held_count(const struct mta *m, const char *hold_dir, const char *po, time_t *oldest);

#endif
