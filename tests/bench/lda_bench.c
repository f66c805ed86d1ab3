/* lda_bench.c - the two drivers of tests/bench/lda-5000.sh.
 *
 *   lda_bench loop DIR N P MSGFILE
 *       The disk's limit: P processes together deliver N copies of MSGFILE
 *       into the Maildir DIR the way a careful LDA must (tmp file O_EXCL,
 *       write, fsync, close, link into new/, fsync new/, unlink tmp), in a
 *       loop, without fork+exec, parsing or header work.
 *   lda_bench run N P MSGFILE -- COMMAND ARGS...
 *       The MTA's way: fork+exec COMMAND once per message with MSGFILE on
 *       stdin, at most P at a time (as Postfix runs a pipe(8) transport with
 *       a destination concurrency), N times. Every exit status must be 0.
 *
 * Both print "N SECONDS MSG/S" on stdout, and exit 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    struct stat st;
    char *b;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0 || (b = malloc((size_t) st.st_size + 1)) == NULL
        || read(fd, b, (size_t) st.st_size) != st.st_size) {
        perror(path);
        exit(1);
    }
    close(fd);
    *len = (size_t) st.st_size;
    return b;
}

static int one_copy(int tmp, int new, const char *m, size_t len, int worker, int i)
{
    char name[128];
    int fd;

    snprintf(name, sizeof(name), "%ld.P%dW%dN%d.bench", (long) time(NULL), (int) getpid(), worker, i);
    if ((fd = openat(tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) < 0)
        return -1;
    if (write(fd, m, len) != (ssize_t) len || fsync(fd) < 0 || close(fd) < 0)
        return -1;
    if (linkat(tmp, name, new, name, 0) < 0 || fsync(new) < 0 || unlinkat(tmp, name, 0) < 0)
        return -1;
    return 0;
}

static int loop(const char *dir, int n, int p, const char *msgfile)
{
    size_t len;
    char *m = slurp(msgfile, &len), path[4096];
    int status, failed = 0;
    double t0 = now(), t;

    for (int w = 0; w < p; w++) {
        if (fork() == 0) {
            int tmp, new;

            snprintf(path, sizeof(path), "%s/tmp", dir);
            tmp = open(path, O_RDONLY | O_DIRECTORY);
            snprintf(path, sizeof(path), "%s/new", dir);
            new = open(path, O_RDONLY | O_DIRECTORY);
            for (int i = w; i < n; i += p)
                if (tmp < 0 || new < 0 || one_copy(tmp, new, m, len, w, i) < 0) {
                    perror("loop");
                    _exit(1);
                }
            _exit(0);
        }
    }
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    t = now() - t0;
    printf("%d %.3f %.1f\n", n, t, n / t);
    return failed;
}

static int run(int n, int p, const char *msgfile, char **argv)
{
    int started = 0, running = 0, failed = 0, status;
    double t0 = now(), t;

    while (started < n || running > 0) {
        if (started < n && running < p) {
            pid_t pid = fork();

            if (pid == 0) {
                int fd = open(msgfile, O_RDONLY), null = open("/dev/null", O_WRONLY);

                /* The status line goes nowhere: the exit status is what counts. */
                if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0)
                    _exit(71);
                close(fd);
                close(null);
                execv(argv[0], argv);
                _exit(71);
            }
            if (pid < 0) {
                perror("fork");
                return 1;
            }
            started++;
            running++;
            continue;
        }
        if (wait(&status) > 0) {
            running--;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                if (failed++ < 5)
                    fprintf(stderr, "lda_bench: delivery failed: status %d\n", WEXITSTATUS(status));
            }
        }
    }
    t = now() - t0;
    printf("%d %.3f %.1f\n", n, t, n / t);
    return failed != 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "loop") == 0)
        return loop(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
    if (argc >= 7 && strcmp(argv[1], "run") == 0 && strcmp(argv[5], "--") == 0)
        return run(atoi(argv[2]), atoi(argv[3]), argv[4], argv + 6);
    fprintf(stderr, "usage: lda_bench loop DIR N P MSGFILE | lda_bench run N P MSGFILE -- COMMAND ARGS...\n");
    return 2;
}
