/* maildir.c - opening Maildir and mailbag directories, and publishing a
 * finished file into new/; see maildir.h.
 *
 * Publishing is link then (later, by the caller) unlink of tmp/: a reader of
 * new/ sees the complete file or nothing, and the same tmp file can be linked
 * into several mailboxes of one postoffice. rename(2) is the fallback for file
 * systems without hard links, as in Postfix's sane_link. An unnamed file
 * (storefs_tmpfile) is linked by its descriptor instead (deliver_commit.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"
#include "storefs.h"

static int open_sub(struct maildir *md, const char *const *subs)
{
    int *fds[] = { &md->tmp, &md->new };

    for (int i = 0; subs[i] != NULL; i++) {
        int fd = storefs_dir(md->top, subs[i], 1);

        if (fd < 0) {
            int saved = errno;

            maildir_close(md);
            errno = saved;
            return -1;
        }
        if (i < 2)
            *fds[i] = fd;
        else
            close(fd);          /* cur/: only created, never written */
    }
    return 0;
}

int maildir_open(int store, const char *po, const char *mbx, struct maildir *md)
{
    const char *path[] = { po, "mailboxes", mbx, NULL };
    const char *subs[] = { "tmp", "new", "cur", NULL };

    md->tmp = md->new = -1;
    if ((md->top = storefs_path(store, 1, path)) < 0)
        return -1;
    return open_sub(md, subs);
}

int mailbag_open(int store, const char *po, struct maildir *md)
{
    const char *path[] = { po, "mailbag", NULL };
    const char *subs[] = { "tmp", "new", NULL };

    md->tmp = md->new = -1;
    if ((md->top = storefs_path(store, 1, path)) < 0)
        return -1;
    return open_sub(md, subs);
}

void maildir_close(struct maildir *md)
{
    int *fds[] = { &md->top, &md->tmp, &md->new };

    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

int maildir_place(int tmpdir, const char *tmpname, int newdir, const char *newname, int may_rename)
{
    struct stat st;

    if (linkat(tmpdir, tmpname, newdir, newname, 0) == 0)
        return 0;
    if ((errno == EPERM || errno == EXDEV || errno == ENOTSUP) && may_rename) {
        /* rename(2) would replace an existing file: say EEXIST as link(2)
         * does (not atomic, but only file systems without links get here). */
        if (fstatat(newdir, newname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            errno = EEXIST;
            return -1;
        }
        if (renameat(tmpdir, tmpname, newdir, newname) == 0)
            return 1;
    }
    return -1;
}
