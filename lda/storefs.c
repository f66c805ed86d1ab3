/* storefs.c - component-wise, symlink-free directory access, unique names and
 * unnamed files for the postoffice store; see storefs.h.
 */
#define _GNU_SOURCE             /* O_TMPFILE: Linux's open(2) flag, where it exists */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "podir.h"
#include "storefs.h"

static char host[128] = "localhost";
static uint64_t seed;
static atomic_uint counter;
static atomic_int anon_ok;      /* unnamed files: O_TMPFILE and /proc/self/fd to link them */

static int fixed_name(const char *name)
{
    static const char *const fixed[] = { "mailboxes", "mailbag", "outbag", "tmp", "new", "cur", "bad", NULL };

    for (int i = 0; fixed[i]; i++)
        if (strcmp(name, fixed[i]) == 0)
            return 1;
    return 0;
}

int storefs_dir(int parent, const char *name, int create)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd;

    if (!fixed_name(name) && !podir_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    if ((fd = openat(parent, name, flags)) >= 0 || errno != ENOENT || !create)
        return fd;
    if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
        return -1;
    return openat(parent, name, flags);
}

int storefs_path(int parent, int create, const char *const *names)
{
    int fd = parent, next;

    for (int i = 0; names[i] != NULL; i++) {
        next = storefs_dir(fd, names[i], create);
        if (fd != parent) {
            int saved = errno;

            close(fd);
            errno = saved;
        }
        if (next < 0)
            return -1;
        fd = next;
    }
    return fd == parent ? -1 : fd;
}

void storefs_init(void)
{
    char h[sizeof(host)];
    size_t o = 0;

    if (gethostname(h, sizeof(h)) == 0) {
        h[sizeof(h) - 1] = 0;
        for (const char *p = h; *p && o + 5 < sizeof(host); p++) {
            if (*p == '/' || *p == ':' || *p == ',') {
                snprintf(host + o, sizeof(host) - o, "\\%03o", (unsigned char) *p);
                o += 4;
            } else if ((unsigned char) *p > ' ' && (unsigned char) *p < 127) {
                host[o++] = *p;
            }
        }
        if (o > 0)
            host[o] = 0;
    }
#ifdef O_TMPFILE
    /* Without /proc (a chroot, a restricted mount namespace) an unnamed file
     * could never be linked by an unprivileged process: use tmp/ names. */
    atomic_store(&anon_ok, access("/proc/self/fd", X_OK) == 0);
#endif
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t) sizeof(seed)) {
        struct timeval tv;

        gettimeofday(&tv, NULL);
        seed = ((uint64_t) tv.tv_sec << 20) ^ (uint64_t) tv.tv_usec ^ ((uint64_t) getpid() << 40);
    }
}

/* splitmix64: one well-mixed value per name without a system call. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void storefs_unique(char *buf, size_t size)
{
    struct timeval tv;
    unsigned n = atomic_fetch_add(&counter, 1);

    gettimeofday(&tv, NULL);
    snprintf(buf, size, "%lld.M%06ldP%ldQ%uR%016llx.%s", (long long) tv.tv_sec, (long) tv.tv_usec,
             (long) getpid(), n, (unsigned long long) mix(seed + n), host);
}

const char *storefs_host(void)
{
    return host;
}

int storefs_anon(int on)
{
#ifdef O_TMPFILE
    atomic_store(&anon_ok, on && access("/proc/self/fd", X_OK) == 0);
#else
    (void) on;
#endif
    return atomic_load(&anon_ok);
}

int storefs_tmpfile(int dir, char *name, size_t size, int *anon)
{
    const int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC;
    int fd;

    storefs_unique(name, size);
    *anon = 0;
#ifdef O_TMPFILE
    /* Any refusal (a file system or kernel without it: EOPNOTSUPP, EISDIR,
     * EINVAL) falls back to a name, which reports a real error again. */
    if (atomic_load(&anon_ok) && (fd = openat(dir, ".", O_TMPFILE | flags, 0600)) >= 0) {
        *anon = 1;
        return fd;
    }
#endif
    return openat(dir, name, O_CREAT | O_EXCL | flags, 0600);
}

int storefs_link_fd(int fd, int newdir, const char *newname)
{
    char path[64];

    /* linkat(fd, "", ..., AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH;
     * the descriptor's /proc link is open to its owner. Never over an
     * existing name (EEXIST), as link(2). */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, path, newdir, newname, AT_SYMLINK_FOLLOW);
}
