/* lmtp_listen.c - listening socket, pid file, background, privileges; see lmtp_listen.h.
 *
 * initgroups() is a BSD/glibc interface outside POSIX; it is what makes
 * socket_group and the store's group permissions work for the server user.
 */
#define _DEFAULT_SOURCE         /* initgroups(), for the supplementary groups of `user' */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "lmtp_listen.h"
#include "log.h"

/* A unix socket nobody answers on is stale: remove it. A live one is fatal. */
static void remove_stale(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (lstat(path, &st) < 0)
        return;
    if (!S_ISSOCK(st.st_mode))
        msg_fatal("%s exists and is not a socket: not removing it", path);
    str_copy(sun.sun_path, path, sizeof(sun.sun_path));
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0) {
        if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0)
            msg_fatal("%s: another server is listening there", path);
        close(fd);
    }
    if (unlink(path) < 0 && errno != ENOENT)
        msg_fatal("remove stale socket %s: %m", path);
    msg_info("removed stale socket %s", path);
}

static int listen_unix(const char *path, const struct pogate_conf *conf)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct group *gr;
    int fd;

    if (*path != '/')
        msg_fatal("lmtp socket unix:%s: the path must be absolute", path);
    if (str_copy(sun.sun_path, path, sizeof(sun.sun_path)) >= sizeof(sun.sun_path))
        msg_fatal("lmtp socket unix:%s: path too long", path);
    remove_stale(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        msg_fatal("socket: %m");
    if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
        msg_fatal("bind %s: %m (is the directory there?)", path);
    if (conf->socket_group[0] != '\0') {
        if ((gr = getgrnam(conf->socket_group)) == NULL)
            msg_fatal("socket_group %s: no such group", conf->socket_group);
        if (chown(path, (uid_t) -1, gr->gr_gid) < 0)
            msg_fatal("chgrp %s %s: %m", conf->socket_group, path);
    }
    if (chmod(path, (mode_t) conf->socket_mode) < 0)
        msg_fatal("chmod %s: %m", path);
    return fd;
}

static int listen_inet(const char *spec, const char *portat)
{
    char port[32], host[256];
    const char *at = strchr(portat, '@');
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res;
    int fd, on = 1, err;

    if (at == NULL || at == portat || (size_t) (at - portat) >= sizeof(port))
        msg_fatal("lmtp socket %s: expected inet:PORT@HOST", spec);
    memcpy(port, portat, (size_t) (at - portat));
    port[at - portat] = '\0';
    str_copy(host, at + 1, sizeof(host));
    hints.ai_family = strncmp(spec, "inet6:", 6) == 0 ? AF_INET6 : AF_UNSPEC;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0)
        msg_fatal("lmtp socket %s: %s", spec, gai_strerror(err));
    if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        msg_fatal("socket: %m");
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    /* Replies are small and pipelined: Nagle would hold them (MTA-NOTES). */
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
        msg_fatal("bind %s: %m", spec);
    freeaddrinfo(res);
    return fd;
}

int lmtp_listen(const char *spec, const struct pogate_conf *conf, char *path, size_t size)
{
    int fd;

    path[0] = '\0';
    if (strncmp(spec, "unix:", 5) == 0) {
        fd = listen_unix(spec + 5, conf);
        str_copy(path, spec + 5, size);
    } else if (strncmp(spec, "inet:", 5) == 0) {
        fd = listen_inet(spec, spec + 5);
    } else if (strncmp(spec, "inet6:", 6) == 0) {
        fd = listen_inet(spec, spec + 6);
    } else {
        msg_fatal("lmtp socket %s: expected unix:PATH or inet:PORT@HOST", spec);
    }
    /* Postfix opens up to lmtp_destination_concurrency_limit connections at once. */
    if (listen(fd, 128) < 0)
        msg_fatal("listen %s: %m", spec);
    return fd;
}

int lmtp_daemonize(void)
{
    int pfd[2], devnull;
    char byte;
    pid_t pid;

    if (pipe(pfd) < 0)
        msg_fatal("pipe: %m");
    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid > 0) {
        close(pfd[1]);
        _exit(read(pfd[0], &byte, 1) == 1 ? 0 : 1);
    }
    close(pfd[0]);
    if (setsid() < 0)
        msg_fatal("setsid: %m");
    if (chdir("/") < 0)
        msg_fatal("chdir /: %m");
    if ((devnull = open("/dev/null", O_RDWR)) >= 0) {
        dup2(devnull, 0), dup2(devnull, 1), dup2(devnull, 2);
        if (devnull > 2)
            close(devnull);
    }
    fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
    return pfd[1];
}

void lmtp_pid_file(const char *path)
{
    FILE *fp;

    if (path[0] == '\0')
        return;
    if ((fp = fopen(path, "w")) == NULL)
        msg_fatal("pid file %s: %m", path);
    fprintf(fp, "%ld\n", (long) getpid());
    if (fclose(fp) != 0)
        msg_fatal("pid file %s: %m", path);
}

void lmtp_drop_privileges(const char *user)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return;
    if ((pw = getpwnam(user)) == NULL)
        msg_fatal("user %s: no such user", user);
    if (pw->pw_uid == 0)
        msg_fatal("user %s: refusing to run as root", user);
    if (setgid(pw->pw_gid) < 0 || initgroups(user, pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
        msg_fatal("cannot become user %s: %m", user);
    if (setuid(0) == 0)
        msg_fatal("privileges not dropped: setuid(0) still works");
}
