/* usage_bag.c - a downstream postoffice's share of its hub's mailbag; see
 * usage.h. A file belongs to the postoffice its envelope block names
 * (envblock_po), read from the file's first USAGE_ENVELOPE_MAX bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envblock.h"
#include "podir.h"
#include "usage.h"
#include "usage_int.h"

/* What one file of the bag is: its owner ("" when its envelope names none)
 * and size. 0, or -1 when it cannot be read (gone meanwhile, the importer
 * took it, or not a regular file). */
struct bag_file {
    char po[PODIR_NAME_MAX + 1];
    long long size, mtime;
};

static int read_file(int dir, const char *name, struct bag_file *f)
{
    char head[USAGE_ENVELOPE_MAX];
    struct stat st;
    ssize_t n;
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    n = read(fd, head, sizeof(head));
    close(fd);
    if (n <= 0 || envblock_po(head, (size_t) n, f->po, sizeof(f->po)) < 0)
        f->po[0] = 0;
    f->size = usage_name_size(name);
    if (f->size < 0)
        f->size = (long long) st.st_size;
    f->mtime = (long long) st.st_mtime;
    return 0;
}

void usage_downstream(int hubfd, const char *po, unsigned flags, struct usage *u)
{
    const int dflags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    struct bag_file f;
    struct dirent *e;
    DIR *d;
    int bag, fd;

    memset(u, 0, sizeof(*u));
    if ((bag = openat(hubfd, "mailbag", dflags)) < 0) {
        usage_failed(u, errno);
        return;
    }
    fd = openat(bag, "new", dflags);
    close(bag);
    if (fd < 0 || (d = fdopendir(fd)) == NULL) {
        usage_failed(u, errno);
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || read_file(fd, e->d_name, &f) < 0 || strcmp(f.po, po) != 0)
            continue;
        u->bytes += f.size;
        usage_note_waiting(u, f.size, flags & USAGE_OLDEST ? f.mtime : 0);
    }
    closedir(d);
}
