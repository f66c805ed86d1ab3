/* usage_int.h - what usage.c and usage_bag.c share, for no one else. */
#ifndef POGATE_USAGE_INT_H
#define POGATE_USAGE_INT_H

#include "usage.h"

/* A folder that could not be read (ERR; ENOENT: missing, not counted). */
void usage_failed(struct usage *u, int err);

/* A file of new/ (one that waits), of SIZE bytes and (when known, > 0) MTIME. */
void usage_note_waiting(struct usage *u, long long size, long long mtime);

#endif
