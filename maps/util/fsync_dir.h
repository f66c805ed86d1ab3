/* fsync_dir.h - make a directory's entries durable: open it, fsync it, close it.
 *
 * A new name (link, rename) is on disk only once the directory holding it is
 * fsynced; until then a crash may lose it even though the file itself was
 * fsynced. Every writer of the tree (a compiled map, a delivered message)
 * ends with this step, and reports success only after it. One convention:
 * 0, or -1 with errno from open(2) or fsync(2) (close(2) does not change it).
 */
#ifndef POGATE_FSYNC_DIR_H
#define POGATE_FSYNC_DIR_H

/* fsync directory DIR (opened O_RDONLY|O_DIRECTORY|O_CLOEXEC). */
int fsync_dir(const char *dir);

/* fsync the directory that holds PATH ("." for a name without a slash):
 * after a rename onto PATH. */
int fsync_parent(const char *path);

#endif
