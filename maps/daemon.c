/* daemon.c - socket, pid file, background and privileges; see daemon.h.
 *
 * initgroups() is a BSD/glibc interface outside POSIX; it is what makes
 * socket_group and the store's group permissions work for the server user.
 */
#define _DEFAULT_SOURCE         /* initgroups(3) */

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
#include "daemon.h"
#include "log.h"

const char *daemon_socket_path(const char *what, const char *spec)
{
    const char *path;

    if (strncmp(spec, "unix:", 5) == 0)
        path = spec + 5;
    else if (strncmp(spec, "local:", 6) == 0)
        path = spec + 6;
    else if (spec[0] == '/')
        path = spec;
    else if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0)
        return NULL;
    else
        msg_fatal("%s socket %s: expected unix:PATH or inet:PORT@HOST", what, spec);
    if (*path != '/')
        msg_fatal("%s socket %s: the path must be absolute", what, spec);
    if (strlen(path) >= sizeof(((struct sockaddr_un *) 0)->sun_path))
        msg_fatal("%s socket %s: path too long", what, spec);
    return path;
}

void daemon_remove_stale(const char *path, const char *who)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct stat st;
    int fd, live;

    if (lstat(path, &st) < 0)
        return;
    if (!S_ISSOCK(st.st_mode))
        msg_fatal("%s exists and is not a socket: not removing it", path);
    str_copy(sun.sun_path, path, sizeof(sun.sun_path));
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
        msg_fatal("socket: %m");
    live = connect(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0;
    close(fd);
    if (live)
        msg_fatal("%s: another %s is listening there", path, who);
    if (unlink(path) < 0 && errno != ENOENT)
        msg_fatal("remove stale socket %s: %m", path);
    msg_info("removed stale socket %s", path);
}

void daemon_socket_perms(const char *path, const struct pogate_conf *conf, int own_by_user)
{
    struct passwd *pw = own_by_user && geteuid() == 0 ? getpwnam(conf->user) : NULL;
    struct group *gr;
    uid_t uid = pw ? pw->pw_uid : (uid_t) -1;
    gid_t gid = pw ? pw->pw_gid : (gid_t) -1;

    if (conf->socket_group[0] != '\0') {
        if ((gr = getgrnam(conf->socket_group)) == NULL)
            msg_fatal("socket_group %s: no such group", conf->socket_group);
        gid = gr->gr_gid;
    }
    if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid) < 0)
        msg_fatal("chown %s: %m", path);
    if (chmod(path, (mode_t) conf->socket_mode) < 0)
        msg_fatal("chmod %s: %m", path);
}

int daemon_listen_inet(const char *what, const char *spec)
{
    const char *portat = spec + (strncmp(spec, "inet6:", 6) == 0 ? 6 : 5);
    const char *at = strchr(portat, '@');
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res;
    char port[32], host[256];
    int fd, on = 1, err;

    if (at == NULL || at == portat || (size_t) (at - portat) >= sizeof(port))
        msg_fatal("%s socket %s: expected inet:PORT@HOST", what, spec);
    memcpy(port, portat, (size_t) (at - portat));
    port[at - portat] = '\0';
    str_copy(host, at + 1, sizeof(host));
    hints.ai_family = portat == spec + 6 ? AF_INET6 : AF_UNSPEC;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0)
        msg_fatal("%s socket %s: %s", what, spec, gai_strerror(err));
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

static int listen_unix(const char *path, const struct pogate_conf *conf)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    str_copy(sun.sun_path, path, sizeof(sun.sun_path));
    daemon_remove_stale(path, "server");
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        msg_fatal("socket: %m");
    if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
        msg_fatal("bind %s: %m (is the directory there?)", path);
    daemon_socket_perms(path, conf, 0);
    return fd;
}

int daemon_listen(const char *what, const char *spec, const struct pogate_conf *conf,
                  int backlog, char *path, size_t size)
{
    const char *upath = daemon_socket_path(what, spec);
    int fd;

    path[0] = '\0';
    if (upath) {
        fd = listen_unix(upath, conf);
        str_copy(path, upath, size);
    } else {
        fd = daemon_listen_inet(what, spec);
    }
    if (listen(fd, backlog) < 0)
        msg_fatal("listen %s: %m", spec);
    return fd;
}

int daemon_background(void)
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

void daemon_pid_file(const char *path)
{
    char text[32];
    int fd, n;

    if (path[0] == '\0')
        return;
    /* Written as root, often in a directory the daemon's user owns: a symlink
     * planted there must not make root truncate another file. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
        msg_fatal("pid file %s: %m", path);
    n = snprintf(text, sizeof(text), "%ld\n", (long) getpid());
    if (write(fd, text, (size_t) n) != n || close(fd) < 0)
        msg_fatal("pid file %s: %m", path);
}

void daemon_drop_privileges(const char *user)
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
