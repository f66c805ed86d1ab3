/* pickup_int.h - what pickup.c (the directories) and pickup_file.c (one
 * file's way through the MTA) share; not for other callers. */
#ifndef POGATE_PICKUP_INT_H
#define POGATE_PICKUP_INT_H

#include "pickup.h"

/* The open directories of one outbag. */
struct outbag {
    const char *po;
    int new, cur, bad;
};

enum pickup_result { PICKUP_SENT, PICKUP_BAD, PICKUP_WAIT, PICKUP_GONE };

/* The way of file NAME of new/ (pickup_file.c). */
enum pickup_result pickup_file(const struct pickup_env *e, const struct po *po,
                               const struct outbag *o, const char *name);

/* Move FROM/NAME to bad/BADNAME with BADNAME.reason saying WHY; both
 * directories fsynced. 0, or -1 (logged: the file stays where it is). */
int pickup_set_aside(const struct outbag *o, int from, const char *name, const char *badname,
                     const char *why);

/* The suffix of a name in cur/ that says which pickup has it. */
void pickup_owner_tag(buf_t *b);

#endif
