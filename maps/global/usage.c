/* usage.c - a Maildir's and a postoffice's usage; see usage.h. The
 * downstream postoffice's share of its hub's mailbag is usage_bag.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podir.h"
#include "usage.h"
#include "usage_int.h"

long long usage_name_size(const char *name)
{
    const char *p = strstr(name, ",S=");
    long long n = 0;

    if (p == NULL || p[3] < '0' || p[3] > '9')
        return -1;
    for (p += 3; *p >= '0' && *p <= '9'; p++) {
        if (n > (1LL << 50))
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

void usage_failed(struct usage *u, int err)
{
    if (err != ENOENT) {
        u->errors++;
        u->err = err;
    }
}

static int open_dir(int at, const char *name)
{
    return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The folder NAME of AT listed; NULL (the error noted in U) if it cannot be. */
static DIR *list_dir(int at, const char *name, struct usage *u)
{
    int fd = open_dir(at, name);
    DIR *d;

    if (fd < 0) {
        usage_failed(u, errno);
        return NULL;
    }
    if ((d = fdopendir(fd)) == NULL) {
        usage_failed(u, errno);
        close(fd);
    }
    return d;
}

/* The size of the file NAME in FD, and its mtime into *MTIME when asked
 * (MTIME not NULL): the name's ,S= when it has one and no stat is needed;
 * -1 for what is not a regular file (or is gone). */
static long long file_size(int fd, const char *name, long long *mtime)
{
    long long s = usage_name_size(name);
    struct stat st;

    if (s >= 0 && mtime == NULL)
        return s;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
        return -1;
    if (mtime)
        *mtime = (long long) st.st_mtime;
    return s >= 0 ? s : (long long) st.st_size;
}

void usage_note_waiting(struct usage *u, long long size, long long mtime)
{
    u->waiting++;
    u->waiting_bytes += size;
    if (mtime > 0 && (u->oldest == 0 || mtime < u->oldest))
        u->oldest = mtime;
}

/* The files of the folder NAME of AT into U; WAITING for a new/. */
static void folder(int at, const char *name, int waiting, unsigned flags, struct usage *u)
{
    DIR *d = list_dir(at, name, u);
    struct dirent *e;
    long long s, mtime = 0;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        s = file_size(dirfd(d), e->d_name, waiting && (flags & USAGE_OLDEST) ? &mtime : NULL);
        if (s < 0)
            continue;
        u->bytes += s;
        if (waiting)
            usage_note_waiting(u, s, mtime);
    }
    closedir(d);
}

static void maildir(int mbxfd, unsigned flags, struct usage *u)
{
    folder(mbxfd, "new", 1, flags, u);
    folder(mbxfd, "cur", 0, flags, u);
}

void usage_maildir(int mbxfd, unsigned flags, struct usage *u)
{
    memset(u, 0, sizeof(*u));
    maildir(mbxfd, flags, u);
}

static void mailboxes(int pofd, unsigned flags, struct usage *u)
{
    DIR *d = list_dir(pofd, "mailboxes", u);
    struct dirent *e;
    int mfd;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (!podir_name_ok(e->d_name) || (mfd = open_dir(dirfd(d), e->d_name)) < 0)
            continue;           /* not a name a mailbox has, or not a directory: not a mailbox */
        u->mailboxes++;
        maildir(mfd, flags, u);
        close(mfd);
    }
    closedir(d);
}

void usage_po(int pofd, unsigned flags, struct usage *u)
{
    int bag;

    memset(u, 0, sizeof(*u));
    mailboxes(pofd, flags, u);
    if ((bag = open_dir(pofd, "mailbag")) < 0) {
        usage_failed(u, errno);
        return;
    }
    folder(bag, "new", 1, flags, u);
    close(bag);
}
