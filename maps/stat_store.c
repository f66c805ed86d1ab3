/* stat_store.c - counting a postoffice's files; see stat_store.h.
 *
 * One fstatat per file: the size from ",S=" in the name would spare it, but
 * the age of new/'s oldest file needs its mtime anyway, and an admin's
 * command may take the milliseconds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stat_store.h"

static int open_dir(int at, const char *name)
{
    return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void failed(struct stat_store *s, int err)
{
    if (err != ENOENT) {
        s->errors++;
        s->err = err;
    }
}

/* The folder NAME of the directory AT opened for reading; NULL with the
 * error noted in S. */
static DIR *list_dir(int at, const char *name, struct stat_store *s)
{
    int fd = open_dir(at, name);
    DIR *d;

    if (fd < 0) {
        failed(s, errno);
        return NULL;
    }
    if ((d = fdopendir(fd)) == NULL) {
        failed(s, errno);
        close(fd);
    }
    return d;
}

/* The files of the folder NAME of the directory AT: bytes into *USED, and
 * with WAITING, count, bytes and oldest into S. */
static void folder(int at, const char *name, int waiting, struct stat_store *s)
{
    DIR *d = list_dir(at, name, s);
    struct dirent *e;
    struct stat st;
    int fd;

    if (d == NULL)
        return;
    fd = dirfd(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
            continue;
        s->used += (long long) st.st_size;
        if (!waiting)
            continue;
        s->waiting++;
        s->waiting_bytes += (long long) st.st_size;
        if (s->oldest == 0 || (long long) st.st_mtime < s->oldest)
            s->oldest = (long long) st.st_mtime;
    }
    closedir(d);
}

static void mailboxes(int pofd, struct stat_store *s)
{
    DIR *d = list_dir(pofd, "mailboxes", s);
    struct dirent *e;
    int fd, mfd;

    if (d == NULL)
        return;
    fd = dirfd(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (mfd = open_dir(fd, e->d_name)) < 0)
            continue;
        s->mailboxes++;
        folder(mfd, "new", 1, s);
        folder(mfd, "cur", 0, s);
        close(mfd);
    }
    closedir(d);
}

void stat_store_scan(const char *store, const struct po *po, struct stat_store *out)
{
    int root, pofd, bag;

    memset(out, 0, sizeof(*out));
    if ((root = open(store, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        failed(out, errno);
        return;
    }
    if ((pofd = open_dir(root, po->name)) < 0) {
        failed(out, errno);
        close(root);
        return;
    }
    mailboxes(pofd, out);
    if ((bag = open_dir(pofd, "mailbag")) >= 0) {
        folder(bag, "new", 1, out);
        close(bag);
    } else {
        failed(out, errno);
    }
    close(pofd);
    close(root);
}
