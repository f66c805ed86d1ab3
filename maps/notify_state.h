/* notify_state.h - what pogate-notify(8) has seen and sent, between runs.
 *
 * One small text file (notify_state_file), replaced atomically (tmp, fsync,
 * rename, fsync of the directory) at the end of a run:
 *     pogate-notify state 1
 *     KEY FIRST SENT          one line a condition present at the last run:
 *                             KEY names it (paused:sales), FIRST when a run
 *                             first saw it, SENT when its last notice left
 *                             (0: none yet), in seconds since the epoch
 * A condition no longer present is dropped, so its return is noticed anew.
 * A file that is not of this form, or of another version, is a warning and
 * a fresh start: each present condition is noticed at most once more, never
 * once a run.
 */
#ifndef POGATE_NOTIFY_STATE_H
#define POGATE_NOTIFY_STATE_H

#include <stddef.h>

#include "buf.h"

#define NSTATE_VERSION 1
#define NSTATE_KEY_MAX 127
#define NSTATE_FILE_MAX (1 << 20)

struct nstate_entry {
    char key[NSTATE_KEY_MAX + 1];
    long long first, sent;
    int seen;                   /* present at this run: kept at the next save */
};

struct nstate {
    struct nstate_entry *e;
    int n, cap;
};

/* Parse the LEN bytes at TEXT, from the file NAME, into S (emptied first).
 * 0; -1 when it is not a state file of this version, with S empty and
 * the reason, "NAME:LINE: what (value)", logged as a warning. */
int nstate_parse(struct nstate *s, const char *text, size_t len, const char *name);

/* Read PATH into S: a missing file is an empty state, a corrupt one a fresh
 * start (nstate_parse). 0, or -1 with the reason logged when PATH cannot be
 * read (nothing may be sent then: the run would not know what it sent). */
int nstate_load(struct nstate *s, const char *path);

/* The entry of KEY, made with FIRST = NOW when there is none; marked seen. */
struct nstate_entry *nstate_get(struct nstate *s, const char *key, long long now);

/* The file's text: the entries seen at this run. */
void nstate_format(const struct nstate *s, buf_t *out);

/* Replace PATH by the state. 0, or -1 with the reason logged. */
int nstate_save(const struct nstate *s, const char *path);

void nstate_free(struct nstate *s);

#endif
