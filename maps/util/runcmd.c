/* runcmd.c - fork, exec and collect; see runcmd.h.
 *
 * Input and output go through pipes served by one poll loop, so a command
 * that prints before it has read all its input cannot deadlock with us.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runcmd.h"

/* pipe() with both ends close-on-exec (pipe2 is not POSIX). */
static int cloexec_pipe(int p[2])
{
    if (pipe(p) < 0)
        return -1;
    if (fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0) {
        int saved = errno;

        close(p[0]), close(p[1]);
        p[0] = p[1] = -1;
        return errno = saved, -1;
    }
    return 0;
}

static void child(char *const argv[], int in, int out, int err_too)
{
    int null = open("/dev/null", O_RDWR);

    if (dup2(in >= 0 ? in : null, 0) < 0 || dup2(out >= 0 ? out : null, 1) < 0)
        _exit(127);
    if (err_too && dup2(1, 2) < 0)
        _exit(127);
    execv(argv[0], argv);
    _exit(127);
}

/* Milliseconds until DEADLINE (CLOCK_MONOTONIC seconds), -1 for none (0). */
static int until(time_t deadline)
{
    struct timespec now;

    if (deadline == 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec >= deadline ? 0 : (int) (deadline - now.tv_sec) * 1000;
}

/* Serve the two pipes until the output ends, or DEADLINE (0: none) passes
 * (ETIMEDOUT). -1 with errno. */
static int pump(int in, const char *data, size_t len, int out, buf_t *o, time_t deadline)
{
    size_t done = 0;
    char chunk[8192];
    int rc = 0;

    while (out >= 0) {
        struct pollfd p[2] = { { out, POLLIN, 0 }, { in, POLLOUT, 0 } };
        int n = poll(p, in >= 0 ? 2 : 1, until(deadline));

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            errno = ETIMEDOUT, rc = -1;
            close(out), out = -1;
            break;
        }
        if (n < 0)
            return -1;
        if (in >= 0 && p[1].revents) {
            ssize_t w = (p[1].revents & POLLOUT) ? write(in, data + done, len - done) : -1;

            if (w > 0)
                done += (size_t) w;
            if (w <= 0 || done == len)
                close(in), in = -1;     /* a command that stops reading: EPIPE, not our error */
        }
        if (p[0].revents) {
            ssize_t r = read(out, chunk, sizeof(chunk));

            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                close(out), out = -1;
            } else if (o && o->len + (size_t) r > RUNCMD_OUT_MAX) {
                errno = E2BIG, rc = -1;
                close(out), out = -1;
            } else if (o) {
                buf_append(o, chunk, (size_t) r);
            }
        }
    }
    if (in >= 0)
        close(in);
    return rc;
}

int runcmd(char *const argv[], const char *in, size_t inlen, buf_t *out)
{
    int ip[2] = { -1, -1 }, op[2] = { -1, -1 }, status, rc, saved;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    pid_t pid;

    if ((in && cloexec_pipe(ip) < 0) || cloexec_pipe(op) < 0) {
        saved = errno;
        if (ip[0] >= 0)
            close(ip[0]), close(ip[1]);
        signal(SIGPIPE, old);
        return errno = saved, -1;
    }
    if ((pid = fork()) == 0)
        child(argv, ip[0], op[1], 0);
    saved = errno;
    if (ip[0] >= 0)
        close(ip[0]);
    close(op[1]);
    if (pid < 0) {
        if (ip[1] >= 0)
            close(ip[1]);
        close(op[0]);
        signal(SIGPIPE, old);
        return errno = saved, -1;
    }
    rc = pump(ip[1], in, inlen, op[0], out, 0);
    saved = errno;
    if (rc < 0)
        kill(pid, SIGTERM);     /* it may be blocked writing what we no longer read */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    signal(SIGPIPE, old);
    if (rc < 0)
        return errno = saved, -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* The status of PID once it has exited; killed (SIGKILL) when it is still
 * running at DEADLINE (0: none), and then -1 with ETIMEDOUT. */
static int reap(pid_t pid, time_t deadline)
{
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    int status, killed = 0;
    pid_t w;

    while ((w = waitpid(pid, &status, deadline && !killed ? WNOHANG : 0)) <= 0) {
        if (w < 0 && errno != EINTR)
            return -1;
        if (w == 0 && until(deadline) == 0)
            kill(pid, SIGKILL), killed = 1;
        else if (w == 0)
            nanosleep(&tick, NULL);
    }
    if (killed)
        return errno = ETIMEDOUT, -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

int runcmd_fd(char *const argv[], int in_fd, buf_t *out, int seconds)
{
    struct timespec now;
    time_t deadline = 0;
    int op[2], rc, saved;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    pid_t pid;

    if (seconds > 0) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline = now.tv_sec + seconds;
    }
    if (cloexec_pipe(op) < 0) {
        signal(SIGPIPE, old);
        return -1;
    }
    if ((pid = fork()) == 0)
        child(argv, in_fd, op[1], 1);
    saved = errno;
    close(op[1]);
    if (pid < 0) {
        close(op[0]);
        signal(SIGPIPE, old);
        return errno = saved, -1;
    }
    rc = pump(-1, NULL, 0, op[0], out, deadline);
    saved = errno;
    if (rc < 0) {
        kill(pid, SIGKILL);     /* a command past its time, or one whose output we no longer read */
        reap(pid, 0);
    } else if ((rc = reap(pid, deadline)) < 0) {
        saved = errno;
    }
    signal(SIGPIPE, old);
    return rc < 0 ? (errno = saved, -1) : rc;
}
