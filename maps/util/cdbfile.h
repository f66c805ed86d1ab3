/* cdbfile.h - CDB files written atomically and read without trusting them.
 *
 * Writing (cdbw_*) uses tinycdb's cdb_make into a temporary file beside the
 * target, detects duplicate keys in memory, and commits with fsync, rename
 * and an fsync of the directory: readers see the old file or the new one.
 *
 * Reading (cdbr_*) maps the file and checks its table of contents on open;
 * every lookup then checks each offset and length against the file size
 * before touching it, so a corrupt or truncated file gives an error, never a
 * read out of bounds. The same reader works on memory (cdbr_mem), which is
 * how the fuzz target drives it.
 */
#ifndef POGATE_CDBFILE_H
#define POGATE_CDBFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* What cdbw_finish does with a key that was put more than once. */
enum cdbw_dup {
    CDBW_DUP_ERROR,             /* default: keep the first; the caller reports an error */
    CDBW_DUP_REPLACE,           /* -r: the last value wins */
    CDBW_DUP_IGNORE             /* -w: the first value stays */
};

struct cdbw;

/* Start writing PATH (through a temporary file in its directory). NULL, errno set. */
struct cdbw *cdbw_begin(const char *path);

/* Add a record. 0, or -1 on an I/O error (errno set). */
int cdbw_put(struct cdbw *w, const void *key, size_t klen, const void *val, size_t vlen);

/* Complete the file and look for keys put more than once: DUP (if not NULL)
 * is called once per extra record. With CDBW_DUP_REPLACE readers then find
 * the last value, otherwise the first. Returns the number of extra records,
 * or -1 on an I/O error. Optional: cdbw_commit() finishes the file itself. */
long cdbw_finish(struct cdbw *w, enum cdbw_dup mode, void (*dup)(void *ctx, const char *key, size_t klen),
                 void *ctx);

/* Finish, fsync, rename over PATH, fsync the directory; when PATH already
 * holds the same bytes it is left as it is. 0, or -1 with errno set and
 * nothing changed. Frees w either way. */
int cdbw_commit(struct cdbw *w);

/* Throw the temporary file away. */
void cdbw_abort(struct cdbw *w);

/* Several files that belong together: with FAILED, abort every W[i] (NULL
 * entries are skipped); otherwise commit each, PATH[i] naming it in the
 * error logged when that fails. 0, or -1 when a commit failed. */
int cdbw_commit_all(struct cdbw **w, char *const *path, int n, int failed);

/* fsync the directory that holds PATH (after a rename into it). */
int cdbw_sync_dir(const char *path);

/* Number of records put so far. */
unsigned long cdbw_count(const struct cdbw *w);

struct cdbr;

/* Open and check PATH. NULL with errno set (EPROTO/EINVAL: not a sane CDB file)
 * and, when WHY is not NULL, a reason in *why. */
struct cdbr *cdbr_open(const char *path, const char **why);

/* The same over LEN bytes at MEM (not copied; must outlive the reader). */
struct cdbr *cdbr_mem(const void *mem, size_t len, const char **why);

void cdbr_close(struct cdbr *r);

/* 1: found, value in *val and *vlen (pointing into the file); 0: absent; -1: corrupt. */
int cdbr_find(const struct cdbr *r, const void *key, size_t klen, const char **val, size_t *vlen);

/* Iterate over every record in file order: *pos starts at 0. 1: a record;
 * 0: the end; -1: corrupt. */
int cdbr_next(const struct cdbr *r, size_t *pos, const char **key, size_t *klen,
              const char **val, size_t *vlen);

/* dev/ino/mtime/size of the file when it was opened (for change detection). */
const struct stat *cdbr_stat(const struct cdbr *r);

/* 1 when errno after a failed write or open means "try again later" (EX_TEMPFAIL). */
int cdb_errno_temporary(int err);

#endif
