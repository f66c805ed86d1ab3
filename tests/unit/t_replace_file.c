/* t_replace_file.c - unit tests for maps/util/replace_file.c: the new text
 * replaces the old whole, with mode 0644 or the mode and owner of a given
 * file, no temporary file is left on success or failure, and a failure comes
 * back as -1 with the errno of the step that failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replace_file.h"
#include "tap.h"

static char dir[] = "/tmp/t_replace_file.XXXXXX";

/* Entries of the test directory, "." and ".." aside. */
static int entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* PATH up to its last slash, in a copy that the next call overwrites. */
static const char *dirname_of(const char *path)
{
    static char d[128];
    const char *slash = strrchr(path, '/');

    snprintf(d, sizeof(d), "%.*s", slash ? (int) (slash - path) : 0, path);
    return d;
}

/* 1 if PATH holds exactly WANT. */
static int holds(const char *path, const char *want)
{
    char got[256];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, got, sizeof(got) - 1);

    if (fd >= 0)
        close(fd);
    if (n < 0)
        return 0;
    got[n] = 0;
    return strcmp(got, want) == 0;
}

static void test_replace(const char *path)
{
    struct stat st;

    is_int(replace_file(path, "one\n", 4, NULL), 0, "a new file is written");
    ok(holds(path, "one\n") && stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
       "with its text, mode 0644");
    is_int(replace_file(path, "two, longer\n", 12, NULL), 0, "the file is replaced");
    ok(holds(path, "two, longer\n"), "by the new text, whole");
    is_int(replace_file(path, "", 0, NULL), 0, "an empty text");
    ok(holds(path, "") && stat(path, &st) == 0 && st.st_size == 0, "makes an empty file");
    is_int(entries(), 1, "no temporary file left");
}

static void test_like(const char *path)
{
    struct stat like, st;

    if (chmod(path, 0640) < 0 || stat(path, &like) < 0)
        like.st_mode = 0;
    like.st_uid = getuid() == 0 ? 1 : getuid();
    like.st_gid = getuid() == 0 ? 1 : getgid();
    is_int(replace_file(path, "kept\n", 5, &like), 0, "replaced like a given file");
    ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "its mode kept (0640)");
    ok(st.st_uid == like.st_uid && st.st_gid == like.st_gid, "its owner %s",
       getuid() == 0 ? "given (uid 1)" : "kept");
    like.st_uid = getuid() == 0 ? 2 : 0;        /* root may give any; others get EPERM for uid 0 */
    ok(replace_file(path, "again\n", 6, &like) == 0 && holds(path, "again\n") && stat(path, &st) == 0
       && st.st_uid == (getuid() == 0 ? 2 : getuid()),
       getuid() == 0 ? "another owner given (uid 2)"
       : "an owner the process may not give (EPERM) is no failure");
    is_int(entries(), 1, "no temporary file left");
}

static void test_fail(void)
{
    char path[128];
    int rc, err;

    snprintf(path, sizeof(path), "%s/none/file", dir);
    errno = 0;
    ok(replace_file(path, "x", 1, NULL) == -1 && errno == ENOENT, "a missing directory: -1, ENOENT");
    snprintf(path, sizeof(path), "%s/sub/d", dir);      /* a directory in the way, not empty */
    ok(mkdir(dirname_of(path), 0755) == 0 && mkdir(path, 0755) == 0, "a directory sub/ holding d/");
    snprintf(path, sizeof(path), "%s/sub", dir);
    errno = 0;
    rc = replace_file(path, "x", 1, NULL);
    err = errno;
    ok(rc == -1 && err != 0, "rename onto a directory fails (%s)", strerror(err));
    is_int(entries(), 2, "and its temporary file is removed");
}

static void test_relative(void)
{
    char cwd[256];

    if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) < 0)
        cwd[0] = 0;
    ok(replace_file("plain", "p\n", 2, NULL) == 0 && holds("plain", "p\n"),
       "a name without a directory: the current one");
    ok(cwd[0] && chdir(cwd) == 0, "back in the directory it ran in");
}

int main(void)
{
    char path[128];

    if (mkdtemp(dir) == NULL)
        return perror("mkdtemp"), 1;
    snprintf(path, sizeof(path), "%s/map", dir);
    test_replace(path);
    test_like(path);
    test_fail();
    test_relative();
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    ok(system(path) == 0, "the test directory removed");
    return done_testing();
}
