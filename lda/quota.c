/* quota.c - mailbox and postoffice usage from file names; see quota.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envblock.h"
#include "podir.h"
#include "quota.h"
#include "storefs.h"

long long quota_name_size(const char *name)
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

/* Sum of the file sizes in directory NAME under PARENT; missing = 0. */
static int dir_usage(int parent, const char *name, long long *bytes)
{
    struct dirent *e;
    struct stat st;
    DIR *d;
    int fd;

    if ((fd = storefs_dir(parent, name, 0)) < 0)
        return errno == ENOENT ? 0 : -1;
    if ((d = fdopendir(fd)) == NULL) {
        close(fd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        long long s;

        if (e->d_name[0] == '.')
            continue;
        if ((s = quota_name_size(e->d_name)) < 0)
            s = fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? (long long) st.st_size : 0;
        *bytes += s;
    }
    closedir(d);
    return 0;
}

int quota_maildir_usage(int mbxfd, long long *bytes)
{
    *bytes = 0;
    if (dir_usage(mbxfd, "new", bytes) < 0 || dir_usage(mbxfd, "cur", bytes) < 0)
        return -1;
    return 0;
}

int quota_po_usage(int pofd, long long *bytes)
{
    struct dirent *e;
    long long one;
    DIR *d;
    int fd, mfd;

    *bytes = 0;
    if ((fd = storefs_dir(pofd, "mailbag", 0)) >= 0) {
        int rc = dir_usage(fd, "new", bytes);

        close(fd);
        if (rc < 0)
            return -1;
    }
    if ((fd = storefs_dir(pofd, "mailboxes", 0)) < 0)
        return errno == ENOENT ? 0 : -1;
    if ((d = fdopendir(fd)) == NULL) {
        close(fd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (mfd = storefs_dir(fd, e->d_name, 0)) < 0)
            continue;           /* not a safe name, or not a directory: not a mailbox */
        if (quota_maildir_usage(mfd, &one) == 0)
            *bytes += one;
        close(mfd);
    }
    closedir(d);
    return 0;
}

/* Does the file NAME in the folder FD belong to PO? Its size into *SIZE. */
static int names_po(int fd, const char *name, const char *po, long long *size)
{
    char head[QUOTA_ENVELOPE_MAX], owner[PODIR_NAME_MAX + 1];
    struct stat st;
    ssize_t n;
    int f = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK), mine;

    if (f < 0)
        return 0;               /* gone meanwhile (the importer took it), or not a file */
    n = read(f, head, sizeof(head));
    mine = n > 0 && envblock_po(head, (size_t) n, owner, sizeof(owner)) == 0 && strcmp(owner, po) == 0;
    if (mine && (*size = quota_name_size(name)) < 0)
        *size = fstat(f, &st) == 0 ? (long long) st.st_size : 0;
    close(f);
    return mine;
}

int quota_downstream_usage(int hubfd, const char *po, long long *bytes)
{
    struct dirent *e;
    DIR *d;
    int fd, bag;

    *bytes = 0;
    if ((bag = storefs_dir(hubfd, "mailbag", 0)) < 0)
        return errno == ENOENT ? 0 : -1;
    fd = storefs_dir(bag, "new", 0);
    close(bag);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    if ((d = fdopendir(fd)) == NULL) {
        close(fd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        long long size;

        if (e->d_name[0] != '.' && names_po(fd, e->d_name, po, &size))
            *bytes += size;
    }
    closedir(d);
    return 0;
}
