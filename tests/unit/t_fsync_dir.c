/* t_fsync_dir.c - unit tests for maps/util/fsync_dir.c: a directory is
 * fsynced by name, the directory of a path is found, failures come back as
 * -1 with the errno of the step that failed, and no descriptor is left open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsync_dir.h"
#include "tap.h"

static char dir[] = "/tmp/t_fsync_dir.XXXXXX";

/* Open descriptors of this process. */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* -1 and errno WANT from fsync_dir or fsync_parent (PARENT) on PATH. */
static int fails_with(int parent, const char *path, int want)
{
    errno = 0;
    return (parent ? fsync_parent(path) : fsync_dir(path)) == -1 && errno == want;
}

int main(void)
{
    char file[600], missing[600], below_file[600];
    int fds, fd;

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(file, sizeof(file), "%s/file", dir);
    snprintf(missing, sizeof(missing), "%s/missing/name", dir);
    snprintf(below_file, sizeof(below_file), "%s/file/name", dir);
    if ((fd = open(file, O_WRONLY | O_CREAT, 0600)) < 0 || close(fd) < 0)
        return 1;
    fds = open_fds();

    is_int(fsync_dir(dir), 0, "fsync_dir of a directory");
    is_int(fsync_dir("/"), 0, "fsync_dir of /");
    ok(fails_with(0, missing, ENOENT), "a missing directory: -1, ENOENT");
    ok(fails_with(0, file, ENOTDIR), "a regular file is not a directory: -1, ENOTDIR");
    ok(fails_with(0, "", ENOENT), "an empty name: -1, ENOENT");

    is_int(fsync_parent(file), 0, "fsync_parent of a file fsyncs its directory");
    is_int(fsync_parent("/etc"), 0, "a name in /: / itself");
    ok(fails_with(1, missing, ENOENT), "its directory missing: -1, ENOENT");
    ok(fails_with(1, below_file, ENOTDIR), "its 'directory' a regular file: -1, ENOTDIR");
    ok(chdir(dir) == 0 && fsync_parent("file") == 0, "a name without a slash: the current directory");

    is_int(open_fds(), fds, "no descriptor left open, after successes and failures");
    unlink(file);
    if (chdir("/") == 0)
        rmdir(dir);
    return done_testing();
}
