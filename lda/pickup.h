/* pickup.h - pogate-pickup's work on the outbag of one postoffice.
 *
 * A postoffice with pickup=yes sends mail by leaving files:
 *
 *   STORE/<po>/outbag/tmp/   its software writes a file here (envblock.h:
 *                            the envelope block, then the message),
 *   STORE/<po>/outbag/new/   and renames it here when it is complete;
 *   STORE/<po>/outbag/cur/   a file being submitted, named
 *                            NAME,H=HOST,P=PID after the pickup that has it;
 *   STORE/<po>/outbag/bad/   a file refused, with NAME.reason beside it.
 *
 * A file leaves new/ for cur/ (rename, both directories fsynced) before
 * sendmail(1) is run, and leaves cur/ only after the MTA answered: deleted
 * on exit 0, back to new/ when it did not take it (EX_TEMPFAIL, no command),
 * to bad/ on any other refusal, and to bad/ as well when the command was
 * killed (a signal, pickup_command_timeout): it may have taken it. So a crash loses nothing (the
 * file is in new/, cur/ or bad/), and a file is never submitted twice: one
 * found in cur/ whose pickup is gone was maybe taken by the MTA, maybe not,
 * and pickup_recover() moves it to bad/ with that said, for a person to
 * judge, rather than send it again.
 */
#ifndef POGATE_PICKUP_H
#define POGATE_PICKUP_H

#include <stdatomic.h>

#include "buf.h"
#include "podir.h"

struct pickup_env {
    const char *store;          /* the store root */
    const char *sendmail_path;  /* the MTA's sendmail(1) */
    struct podir *d;            /* the snapshot of this pass: senders are checked in it */
    int timeout;                /* pickup_command_timeout: seconds sendmail may take */
    const atomic_int *stop;     /* set: end the pass after the file at hand; NULL: never */
};

struct pickup_count {
    int sent, bad, waiting, recovered;
};

/* Move to bad/ the files of cur/ that a pickup of this host left when it
 * stopped (its pid gone). -1 when the outbag cannot be opened (logged). */
int pickup_recover(const struct pickup_env *e, const struct po *po, struct pickup_count *n);

/* Submit every file now in new/, oldest name first. Returns -1 when the
 * outbag cannot be opened, 1 when the MTA failed temporarily (the rest
 * waits for the next pass), else 0. */
int pickup_pass(const struct pickup_env *e, const struct po *po, struct pickup_count *n);

/* The outbag's new/ directory, for watching: "STORE/po/outbag/new". */
void pickup_new_path(const struct pickup_env *e, const struct po *po, buf_t *path);

#endif
