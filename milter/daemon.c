/* daemon.c - socket, daemonizing and privileges for pogate-milter; see daemon.h.
 *
 * libmilter creates and owns the listening socket (smfi_opensocket) but
 * does not hand out its descriptor; TCP_NODELAY is set by finding the one
 * listening inet socket among our descriptors (accepted sockets inherit the
 * option on Linux and the BSDs), because a milter conversation is a string
 * of small request/reply packets that Nagle plus delayed ACKs would stall.
 */
#define _DEFAULT_SOURCE         /* initgroups(3) is not POSIX */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "daemon.h"
#include "log.h"

/* The path of a unix-socket SPEC, or NULL for an inet one. */
static const char *unix_path(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    if (spec[0] == '/')
        return spec;
    return NULL;
}

/* Remove a socket nobody listens on; refuse to steal a live one. */
static void remove_stale(const char *path)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd, live;

    if (lstat(path, &st) < 0)
        return;
    if (!S_ISSOCK(st.st_mode))
        msg_fatal("%s: exists and is not a socket", path);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    str_copy(sun.sun_path, path, sizeof(sun.sun_path));
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
        msg_fatal("socket: %m");
    live = connect(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0;
    close(fd);
    if (live)
        msg_fatal("%s: another milter is listening there", path);
    if (unlink(path) < 0)
        msg_fatal("remove stale socket %s: %m", path);
    msg_info("removed stale socket %s", path);
}

static void set_owner_mode(const char *path, const struct pogate_conf *conf)
{
    struct passwd *pw = getpwnam(conf->user);
    struct group *gr;
    uid_t uid = (uid_t) -1;
    gid_t gid = (gid_t) -1;

    if (*conf->socket_group) {
        if ((gr = getgrnam(conf->socket_group)) == NULL)
            msg_fatal("socket_group %s: no such group", conf->socket_group);
        gid = gr->gr_gid;
    } else if (pw && geteuid() == 0) {
        gid = pw->pw_gid;
    }
    if (pw && geteuid() == 0)
        uid = pw->pw_uid;
    if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid) < 0)
        msg_fatal("chown %s: %m", path);
    if (chmod(path, (mode_t) conf->socket_mode) < 0)
        msg_fatal("chmod %s: %m", path);
}

/* Set TCP_NODELAY on every listening TCP socket we hold (libmilter's one). */
static void set_nodelay(void)
{
    int on = 1, found = 0;

    for (int fd = 3; fd < 1024; fd++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int acc = 0;
        socklen_t alen = sizeof(acc);

        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0
            || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
            || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &alen) < 0 || !acc)
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
            msg_warn("TCP_NODELAY on the milter socket: %m");
        else
            found++;
    }
    if (!found)
        msg_warn("could not set TCP_NODELAY: listening socket not found");
}

void listen_open(const char *spec, const struct pogate_conf *conf, struct listen_info *li)
{
    const char *path = unix_path(spec);
    buf_t conn = BUF_INIT;

    li->path[0] = 0;
    if (path) {
        if (*path != '/')
            msg_fatal("milter socket %s: the path must be absolute", spec);
        if (str_copy(li->path, path, sizeof(li->path)) >= sizeof(li->path)
            || strlen(path) >= sizeof(((struct sockaddr_un *) 0)->sun_path))
            msg_fatal("milter socket %s: path too long", spec);
        remove_stale(path);
        buf_printf(&conn, "unix:%s", path);
    } else if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
        buf_puts(&conn, spec);
    } else {
        msg_fatal("milter socket %s: expected unix:PATH or inet:PORT@HOST", spec);
    }
    if (smfi_setconn(conn.data) != MI_SUCCESS)
        msg_fatal("smfi_setconn(%s) failed", conn.data);
    if (smfi_opensocket(1) != MI_SUCCESS)
        msg_fatal("cannot listen on %s (see the messages above; is the directory there?)", conn.data);
    buf_free(&conn);
    if (path)
        set_owner_mode(path, conf);
    else
        set_nodelay();
}

void listen_close(const struct listen_info *li)
{
    /* After privileges are dropped this may fail; a later start removes it. */
    if (li->path[0] && unlink(li->path) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", li->path);
}

int daemonize(void)
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

void drop_privileges(const char *user)
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
