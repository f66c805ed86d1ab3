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
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

void daemon_socket_perms(const char *path, const struct daemon_sockopt *o, int own_by_user)
{
    struct passwd *pw = own_by_user && geteuid() == 0 ? getpwnam(o->user) : NULL;
    struct group *gr;
    struct stat st;
    uid_t uid = pw ? pw->pw_uid : (uid_t) -1;
    gid_t gid = pw ? pw->pw_gid : (gid_t) -1;

    if (o->group[0] != '\0') {
        if ((gr = getgrnam(o->group)) == NULL)
            msg_fatal("socket_group %s: no such group", o->group);
        gid = gr->gr_gid;
    }
    /* A socket made in a set-group-ID directory of socket_group has its group
     * already: no chown, which the systemd units' system call filter refuses. */
    if (lstat(path, &st) == 0) {
        if (uid == st.st_uid)
            uid = (uid_t) -1;
        if (gid == st.st_gid)
            gid = (gid_t) -1;
    }
    if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid) < 0)
        msg_fatal("chown %s: %m", path);
    if (chmod(path, (mode_t) o->mode) < 0)
        msg_fatal("chmod %s: %m", path);
}

/* The host part of an inet spec: [ADDR] and [IPv6:ADDR] are numeric, as
 * libmilter writes them; anything else goes to getaddrinfo() as it is. */
static int inet_host(const char *in, char *host, size_t size)
{
    size_t len = strlen(in);

    if (in[0] != '[')
        return str_copy(host, in, size) < size ? 0 : -1;
    if (len < 3 || in[len - 1] != ']')
        return -1;
    in++, len -= 2;
    if (len > 5 && strncasecmp(in, "IPv6:", 5) == 0)
        in += 5, len -= 5;
    if (len >= size)
        return -1;
    memcpy(host, in, len);
    host[len] = '\0';
    return AI_NUMERICHOST;
}

int daemon_inet_resolve(const char *what, const char *spec, struct daemon_inet_addr *addrs)
{
    int v6only = strncmp(spec, "inet6:", 6) == 0;
    const char *portat = spec + (v6only ? 6 : 5);
    const char *at = strchr(portat, '@');
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res, *ai;
    char port[8], host[256];
    int err, flags, n = 0;

    if (at == NULL || at == portat || (size_t) (at - portat) >= sizeof(port)
        || strspn(portat, "0123456789") != (size_t) (at - portat)
        || (flags = inet_host(at + 1, host, sizeof(host))) < 0 || host[0] == '\0')
        msg_fatal("%s socket %s: expected inet:PORT@HOST or inet6:PORT@HOST", what, spec);
    memcpy(port, portat, (size_t) (at - portat));
    port[at - portat] = '\0';
    hints.ai_family = v6only ? AF_INET6 : AF_UNSPEC;
    hints.ai_flags |= flags;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0)
        msg_fatal("%s socket %s: %s", what, spec, err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
    for (ai = res; ai != NULL && n < DAEMON_INET_MAX; ai = ai->ai_next) {
        struct daemon_inet_addr *a = addrs + n;
        int dup = 0;

        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) || ai->ai_addrlen > sizeof(a->sa))
            continue;
        for (int i = 0; i < n && !dup; i++)
            dup = addrs[i].len == ai->ai_addrlen && memcmp(&addrs[i].sa, ai->ai_addr, ai->ai_addrlen) == 0;
        if (dup)
            continue;
        memset(a, 0, sizeof(*a));
        memcpy(&a->sa, ai->ai_addr, ai->ai_addrlen);
        a->len = ai->ai_addrlen;
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a->host, sizeof(a->host), NULL, 0, NI_NUMERICHOST) != 0)
            continue;
        str_copy(a->port, port, sizeof(a->port));
        n++;
    }
    freeaddrinfo(res);
    if (n == 0)
        msg_fatal("%s socket %s: no IPv4 or IPv6 address", what, spec);
    return n;
}

int daemon_listen_addr(const char *what, const char *spec, const struct daemon_inet_addr *a,
                       int backlog, int many)
{
    int v6 = a->sa.ss_family == AF_INET6, fd, on = 1;
    char text[INET6_ADDRSTRLEN + 16];

    snprintf(text, sizeof(text), "%s%s%s:%s", v6 ? "[" : "", a->host, v6 ? "]" : "", a->port);
    if ((fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        if (many && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
            msg_warn("%s socket %s: not listening on %s: %m", what, spec, text);
            return -1;
        }
        msg_fatal("socket: %m");
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    /* [::] is IPv6 only, as written: 0.0.0.0 is an address of its own. */
    if (v6)
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    /* Replies are small and pipelined: Nagle would hold them (MTA-NOTES). */
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (bind(fd, (const struct sockaddr *) &a->sa, a->len) < 0) {
        if (many && errno == EADDRNOTAVAIL) {
            msg_warn("%s socket %s: not listening on %s: %m", what, spec, text);
            close(fd);
            return -1;
        }
        msg_fatal("%s socket %s: bind %s: %m", what, spec, text);
    }
    if (listen(fd, backlog) < 0)
        msg_fatal("listen %s: %m", spec);
    if (many)
        msg_info("%s socket %s: listening on %s", what, spec, text);
    return fd;
}

/* One listening TCP socket per address of an inet:/inet6: SPEC. */
static int listen_inet(const char *what, const char *spec, int backlog, int *fds)
{
    struct daemon_inet_addr addrs[DAEMON_INET_MAX];
    int n = daemon_inet_resolve(what, spec, addrs), nfds = 0;

    for (int i = 0; i < n; i++)
        if ((fds[nfds] = daemon_listen_addr(what, spec, addrs + i, backlog, n > 1)) >= 0)
            nfds++;
    if (nfds == 0)
        msg_fatal("%s socket %s: none of its addresses can be used", what, spec);
    return nfds;
}

/* The unix sockets this process made (its service's, its metrics'),
 * removed at exit (also a fatal one) while each is still the same file. */
#define MADE_MAX 4
static struct {
    char path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    dev_t dev;
    ino_t ino;
} made[MADE_MAX];

static void remove_made(void)
{
    daemon_socket_remove();
}

void daemon_socket_made(const char *path)
{
    static int registered;
    struct stat st;
    int i = 0;

    if (lstat(path, &st) < 0)
        msg_fatal("socket %s: %m", path);
    while (i < MADE_MAX - 1 && made[i].path[0] && strcmp(made[i].path, path) != 0)
        i++;
    str_copy(made[i].path, path, sizeof(made[i].path));
    made[i].dev = st.st_dev;
    made[i].ino = st.st_ino;
    if (!registered++)
        atexit(remove_made);
}

void daemon_socket_remove(void)
{
    struct stat st;

    for (int i = 0; i < MADE_MAX; i++) {
        if (made[i].path[0] == '\0')
            continue;
        if (lstat(made[i].path, &st) == 0 && st.st_dev == made[i].dev && st.st_ino == made[i].ino
            && unlink(made[i].path) < 0 && errno != ENOENT)
            msg_info("cannot remove socket %s (%m): the next start removes it", made[i].path);
        made[i].path[0] = '\0';
    }
}

static int listen_unix(const char *path, const struct daemon_sockopt *o, int backlog)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    mode_t old_mask;
    int fd, rc;

    str_copy(sun.sun_path, path, sizeof(sun.sun_path));
    daemon_remove_stale(path, "server");
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        msg_fatal("socket: %m");
    /* Made with its final mode: a client that connects between bind and the
     * chmod below is refused as not listening yet, not as "Permission denied"
     * (which reads like a configuration error in the MTA's log). Start-up
     * has one thread, so the umask is nobody else's. */
    old_mask = umask(0777 & ~(mode_t) o->mode);
    rc = bind(fd, (struct sockaddr *) &sun, sizeof(sun));
    umask(old_mask);
    if (rc < 0)
        msg_fatal("bind %s: %m (is the directory there?)", path);
    daemon_socket_made(path);
    daemon_socket_perms(path, o, 1);
    if (listen(fd, backlog) < 0)
        msg_fatal("listen %s: %m", path);
    return fd;
}

int daemon_listen(const char *what, const char *spec, const struct daemon_sockopt *o,
                  int backlog, int *fds)
{
    const char *upath = daemon_socket_path(what, spec);

    if (upath) {
        fds[0] = listen_unix(upath, o, backlog);
        return 1;
    }
    return listen_inet(what, spec, backlog, fds);
}

void daemon_check_user(const char *user)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return;
    if ((pw = getpwnam(user)) == NULL)
        msg_fatal("user %s: no such user", user);
    if (pw->pw_uid == 0)
        msg_fatal("user %s: refusing to run as root", user);
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

void daemon_make_rundir(const char *path, const char *user)
{
    char dir[4096];
    char *slash;
    struct passwd *pw;
    struct stat st;

    if (path[0] != '/' || str_copy(dir, path, sizeof(dir)) >= sizeof(dir)
        || (slash = strrchr(dir, '/')) == dir)
        return;
    *slash = '\0';
    if (geteuid() != 0 || lstat(dir, &st) == 0 || errno != ENOENT)
        return;
    if (mkdir(dir, 0755) < 0) {
        if (errno != ENOENT)        /* no parent: the later step says so */
            msg_fatal("runtime directory %s: %m", dir);
        return;
    }
    if ((pw = getpwnam(user)) != NULL && chown(dir, pw->pw_uid, pw->pw_gid) < 0)
        msg_fatal("chown %s: %m", dir);
    msg_info("created runtime directory %s", dir);
}

void daemon_drop_privileges(const char *user)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return;
    daemon_check_user(user);
    if ((pw = getpwnam(user)) == NULL)
        msg_fatal("user %s: no such user", user);
    if (setgid(pw->pw_gid) < 0 || initgroups(user, pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
        msg_fatal("cannot become user %s: %m", user);
    if (setuid(0) == 0)
        msg_fatal("privileges not dropped: setuid(0) still works");
}
