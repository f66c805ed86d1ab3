/* fsync_dir.c - fsync of a directory by name; see fsync_dir.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsync_dir.h"
#include "mem.h"

int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    (void) close(fd);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

int fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t) (slash - path)) : xstrdup(".");
    int rc = fsync_dir(dir), saved = errno;

    free(dir);
    errno = saved;
    return rc;
}
