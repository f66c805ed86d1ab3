/* replace_file.c - replace a file atomically and durably; see replace_file.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsync_dir.h"
#include "replace_file.h"

/* ".NAME.XXXXXX" beside PATH: the same directory, so rename(2) is atomic,
 * and a dot name, which no reader of a directory of maps takes for a map. */
static void tmp_name(buf_t *tmp, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash)
        buf_printf(tmp, "%.*s.%s.XXXXXX", (int) (slash + 1 - path), path, slash + 1);
    else
        buf_printf(tmp, ".%s.XXXXXX", path);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        data += n, len -= (size_t) n;
    }
    return 0;
}

/* Owner before mode: chown(2) may clear the set-ID bits that chmod gives. */
static int set_mode(int fd, const struct stat *like)
{
    if (like == NULL)
        return fchmod(fd, 0644);
    if (fchown(fd, like->st_uid, like->st_gid) < 0 && errno != EPERM)
        return -1;
    return fchmod(fd, like->st_mode & 07777);
}

int replace_file(const char *path, const char *data, size_t len, const struct stat *like)
{
    buf_t tmp = BUF_INIT;
    int fd, rc = -1, saved = 0;

    tmp_name(&tmp, path);
    if ((fd = mkstemp(tmp.data)) >= 0) {
        rc = write_all(fd, data, len) < 0 || set_mode(fd, like) < 0 || fsync(fd) < 0 ? -1 : 0;
        saved = errno;
        if (close(fd) < 0 && rc == 0)
            rc = -1, saved = errno;
        if (rc == 0 && rename(tmp.data, path) < 0)
            rc = -1, saved = errno;
        if (rc < 0)
            (void) unlink(tmp.data);
        errno = saved;
    }
    if (rc == 0)
        rc = fsync_parent(path);
    buf_free(&tmp);
    return rc;
}
