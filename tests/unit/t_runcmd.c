/* t_runcmd.c - unit tests for maps/util/runcmd.c: commands run without a
 * shell, their output collected; runcmd_fd's input from a file at its
 * offset, its standard error collected, its time limit. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runcmd.h"
#include "tap.h"

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int main(void)
{
    char path[] = "/tmp/t_runcmd.XXXXXX";
    int fd = mkstemp(path);
    char *cat[] = { "/bin/cat", NULL };
    char *both[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
    char *slow[] = { "/bin/sleep", "5", NULL };
    char *none[] = { "/nonexistent/sendmail", NULL };
    buf_t out = BUF_INIT;
    double t0;
    int rc;

    ok(fd >= 0 && write(fd, "HEADBODY\n", 9) == 9 && lseek(fd, 4, SEEK_SET) == 4, "a file, read from offset 4");
    is_int(runcmd(cat, "abc", 3, &out), 0, "runcmd: cat exits 0");
    is_str(out.data, "abc", "... its output is its input");
    buf_reset(&out);
    is_int(runcmd_fd(cat, fd, &out, 10), 0, "runcmd_fd: cat exits 0");
    is_str(out.data, "BODY\n", "... it read the file from its offset");
    buf_reset(&out);
    is_int(runcmd_fd(both, fd, &out, 10), 3, "runcmd_fd: the command's exit status");
    is_str(out.data, "out\nerr\n", "... standard error collected with standard output");
    buf_reset(&out);
    is_int(runcmd_fd(none, fd, &out, 10), 127, "a command that cannot be executed: 127");
    t0 = now();
    rc = runcmd_fd(slow, fd, &out, 1);
    is_int(rc, -1, "a command past its time: -1");
    is_int(errno, ETIMEDOUT, "... ETIMEDOUT");
    ok(now() - t0 < 3.0, "... killed after about 1 s (%.1f s)", now() - t0);
    buf_free(&out);
    close(fd);
    unlink(path);
    return done_testing();
}
