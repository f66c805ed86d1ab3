/* storefs.h - safe access to the postoffice store: no symbolic links, no
 * path tricks, unique file names.
 *
 * Every directory below the store root is opened relative to its parent with
 * openat(O_DIRECTORY|O_NOFOLLOW), one component at a time, so a symbolic link
 * planted anywhere in the store (a PO, a mailbox, tmp/ or new/) makes the
 * delivery fail with ELOOP or ENOTDIR instead of writing elsewhere. Each
 * component is checked with podir_name_ok() (or is one of the fixed names
 * "mailboxes", "mailbag", "outbag", "tmp", "new", "cur", "bad"), so no "..", "/" or NUL ever
 * reaches a system call. Missing directories are created mode 0700; a
 * concurrent creator (another LDA, another relay host) is not an error.
 */
#ifndef POGATE_STOREFS_H
#define POGATE_STOREFS_H

#include <stddef.h>

#define STOREFS_NAME_MAX 200

/* Open (creating if CREATE and missing) directory NAME under directory PARENT.
 * An fd, or -1 with errno set (EINVAL for an unsafe NAME). */
int storefs_dir(int parent, const char *name, int create);

/* Open PARENT/A/B/C... for the NULL-terminated list of components. */
int storefs_path(int parent, int create, const char *const *names);

/* Once per process, before threads: host name and random seed. */
void storefs_init(void);

/* A name unique across time, processes, threads and hosts:
 * SECONDS.MmicrosPpidQcounterRrandom.HOST (Maildir style; '/', ':' and ','
 * in the host name are written as \057, \072, \054). */
void storefs_unique(char *buf, size_t size);

/* The host name as storefs_unique() writes it (escaped; set by storefs_init). */
const char *storefs_host(void);

/* A new file for writing in directory DIR, mode 0600. Where the system has
 * them (Linux's O_TMPFILE, with /proc/self/fd to link it by), the file has
 * no name (*ANON = 1): it takes no entry in DIR, so creating it changes no
 * directory (on ext4 without a journal a new name costs DIR an fsync of its
 * own), and a process killed before it is linked leaves nothing behind. It
 * exists only through the descriptor until storefs_link_fd() names it.
 * Elsewhere (*ANON = 0) it is DIR/NAME. NAME gets a unique name either way
 * (storefs_unique). An fd, or -1 with errno. */
int storefs_tmpfile(int dir, char *name, size_t size, int *anon);

/* Give the unnamed file FD the name NEWDIR/NEWNAME: 0, or -1 with errno
 * (EEXIST: the name is taken, it is never replaced). */
int storefs_link_fd(int fd, int newdir, const char *newname);

/* Unnamed files on (the default where available) or off: tmp/ names, for
 * tests and comparisons. Before threads. 1 if they are on now. */
int storefs_anon(int on);

#endif
