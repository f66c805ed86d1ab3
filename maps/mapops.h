/* mapops.h - pogate-map's work on one map: compile, update, query, dump.
 *
 * MAP names the text file; its compiled form is MAP.cdb (a name that already
 * ends in ".cdb", or a "cdb:" prefix as Postfix writes it, is taken as the
 * compiled file itself). Every function returns pogate-map's exit status:
 * 0 done / found, 1 bad input or not found, 75 temporary trouble (cannot read
 * or write); the reason has been logged.
 */
#ifndef POGATE_MAPOPS_H
#define POGATE_MAPOPS_H

#include <stdio.h>

#include "cdbfile.h"

struct mapopts {
    int fold;                   /* lowercase keys (not -f) */
    int dry_run;                /* -n */
    enum cdbw_dup dup;          /* -r, -w */
};

/* MAP (text) -> MAP.cdb. */
int mapops_compile(const char *map, const struct mapopts *o);

/* -i: records from IN added to the existing MAP.cdb (created if absent). */
int mapops_update(const char *map, FILE *in, const struct mapopts *o);

/* -q KEY: print the value. */
int mapops_query(const char *map, const char *key, const struct mapopts *o, FILE *out);

/* -q -: keys from the descriptor IN_FD, one a line, "key<TAB>value" printed
 * for each found; OUT is flushed whenever the input has no more waiting.
 * 0 when at least one was found. */
int mapops_query_stream(const char *map, int in_fd, const struct mapopts *o, FILE *out);

/* -s: every record as "key<TAB>value", bytes outside printable ASCII and
 * UTF-8 as \xNN (the index holds NUL-separated records). */
int mapops_dump(const char *map, FILE *out);

#endif
