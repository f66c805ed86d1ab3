/* pickup_file.c - one outbag file from new/ to the MTA; see pickup.h.
 *
 * Everything that can be judged without the MTA is judged while the file is
 * still in new/ (its kind, its envelope, its sender): a file refused there
 * was never near the MTA. Only then is it claimed by the rename into cur/,
 * and the descriptor opened before the rename is checked to be the file
 * claimed, so a file swapped in between is never sent under another's
 * envelope.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "envblock.h"
#include "log.h"
#include "mem.h"
#include "pickup_int.h"
#include "runcmd.h"

#define REASON_OUTPUT_MAX 2000  /* of what sendmail said, kept in the reason */

static int sync_dirs(const struct outbag *o, int a, int b)
{
    if (fsync(a) < 0 || (b >= 0 && fsync(b) < 0)) {
        msg_error("outbag of %s: fsync: %m", o->po);
        return -1;
    }
    return 0;
}

/* The envelope block of FD, read from the start. 1 read, -1 refused (WHY),
 * -2 unreadable (logged: try again later). */
static int read_envelope(int fd, const struct stat *st, struct envblock_read *r, buf_t *why)
{
    size_t want = (size_t) st->st_size < ENVBLOCK_MAX ? (size_t) st->st_size : ENVBLOCK_MAX;
    char *head = xmalloc(want + 1);
    size_t got = 0;
    int rc;

    while (got < want) {
        ssize_t k = pread(fd, head + got, want - got, (off_t) got);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t) k;
    }
    if (got < want) {
        msg_error("read: %m");
        free(head);
        return -2;
    }
    if ((rc = envblock_parse(head, got, r, why)) == 0) {
        buf_puts(why, got ? "the file ends inside its envelope (no empty line after it)"
                 : "an empty file: no envelope");
        rc = -1;
    }
    free(head);
    return rc;
}

/* A postoffice sends only as its own users: the sender is a mailbox of PO
 * (internal or public address), and a Postoffice line names PO. */
static int sender_ok(const struct pickup_env *e, const struct po *po, const struct envblock_read *r,
                     buf_t *why)
{
    struct po spo;
    struct mbx m;
    enum podir_result res;

    if (r->po[0] && strcmp(r->po, po->name) != 0) {
        buf_printf(why, "X-Pogate-Postoffice names %s, not %s, whose outbag this is", r->po, po->name);
        return -1;
    }
    if (r->sender.null) {
        buf_puts(why, "the null sender <>: a postoffice sends only as its own users");
        return -1;
    }
    res = podir_sender(e->d, r->sender.key, &spo, &m);
    if (res == PODIR_ERROR)
        return -2;
    if (res != PODIR_FOUND || strcmp(spo.name, po->name) != 0) {
        buf_printf(why, "sender <%s> is not a mailbox of postoffice %s: a postoffice sends only "
                   "as its own users", r->sender.addr, po->name);
        return -1;
    }
    return 0;
}

/* sendmail -oi -f SENDER -- RCPT... with the message from FD's offset. */
static int submit(const struct pickup_env *e, const struct envblock_read *r, int fd, buf_t *out)
{
    char **argv = xcalloc((size_t) r->nrcpt + 6, sizeof(char *));
    int n = 0, rc;

    argv[n++] = (char *) e->sendmail_path;
    argv[n++] = "-oi";
    argv[n++] = "-f";
    argv[n++] = (char *) r->sender.addr;
    argv[n++] = "--";
    for (int i = 0; i < r->nrcpt; i++)
        argv[n++] = r->rcpt[i].addr;
    if (lseek(fd, (off_t) r->body, SEEK_SET) < 0)
        rc = -1;
    else
        rc = runcmd_fd(argv, fd, out, e->timeout);
    free(argv);
    return rc;
}

/* The name of a sysexits(3) status, "" for another. */
static const char *exit_name(int rc)
{
    static const char *const names[] = { "USAGE", "DATAERR", "NOINPUT", "NOUSER", "NOHOST", "UNAVAILABLE",
                                         "SOFTWARE", "OSERR", "OSFILE", "CANTCREAT", "IOERR", "TEMPFAIL",
                                         "PROTOCOL", "NOPERM", "CONFIG" };

    return rc >= EX__BASE && rc <= EX__MAX ? names[rc - EX__BASE] : "";
}

/* What sendmail printed, one line, for the log and the reason file. */
static void said(buf_t *why, const buf_t *out)
{
    size_t n = out->len > REASON_OUTPUT_MAX ? REASON_OUTPUT_MAX : out->len;

    if (n)
        buf_puts(why, ": ");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) out->data[i];

        buf_putc(why, c == '\n' ? ' ' : c < ' ' || c == 127 ? '?' : c);
    }
    while (why->len && why->data[why->len - 1] == ' ')
        why->len--, why->data[why->len] = 0;
}

/* The MTA did not take the file (EX_TEMPFAIL, or the command never ran): back
 * to new/ for the next pass. */
static enum pickup_result not_taken(const struct pickup_env *e, const struct outbag *o, const char *name,
                                    const char *cname, int rc, const char *err, const buf_t *out)
{
    buf_t why = BUF_INIT;

    said(&why, out);
    msg_warn("%s %s%s%s%s; it waits in new/", e->sendmail_path,
             err ? "could not be run" : rc == 127 ? "could not be executed" : "failed temporarily",
             err ? ": " : "", err ? err : "", why.data ? why.data : "");
    if (renameat(o->cur, cname, o->new, name) < 0 || sync_dirs(o, o->new, o->cur) < 0)
        msg_error("cur/%s: cannot move back to new/: %m", cname);
    buf_free(&why);
    return PICKUP_WAIT;
}

/* The file is ours in cur/ as CNAME: hand it to the MTA, then end its way.
 * A command killed (by a signal, or by us at pickup_command_timeout) may
 * have handed the message over already: set aside, never sent twice. */
static enum pickup_result send_claimed(const struct pickup_env *e, const struct outbag *o, const char *name,
                                       const char *cname, int fd, const struct envblock_read *r)
{
    buf_t out = BUF_INIT, why = BUF_INIT;
    enum pickup_result res;
    int rc = submit(e, r, fd, &out), timed_out = rc < 0 && errno == ETIMEDOUT;
    const char *err = rc < 0 ? strerror(errno) : NULL;

    if (rc == 0) {
        if (unlinkat(o->cur, cname, 0) < 0 || sync_dirs(o, o->cur, -1) < 0)
            msg_error("cur/%s: sent, but not removed: %m", cname);  /* the next start sets it aside */
        msg_info("sent: po=%s from=<%s> nrcpt=%d to=<%s>%s via %s", o->po, r->sender.addr, r->nrcpt, r->rcpt[0].addr,
                 r->nrcpt > 1 ? ",..." : "", e->sendmail_path);
        res = PICKUP_SENT;
    } else if ((rc < 0 && !timed_out) || rc == EX_TEMPFAIL || rc == 127) {
        res = not_taken(e, o, name, cname, rc, err, &out);
    } else {
        if (timed_out || rc >= 128)
            buf_printf(&why, "%s %s: whether the MTA took it is unknown, so it is not sent again (never "
                       "twice); look for it in the mail log, and move it back to new/ to send it", e->sendmail_path,
                       timed_out ? "did not finish within pickup_command_timeout and was killed" : "was killed");
        else
            buf_printf(&why, "the MTA refused it: %s exited %d%s%s", e->sendmail_path, rc,
                       exit_name(rc)[0] ? " EX_" : "", exit_name(rc));
        said(&why, &out);
        res = pickup_set_aside(o, o->cur, cname, name, why.data) == 0 ? PICKUP_BAD : PICKUP_WAIT;
    }
    buf_free(&out), buf_free(&why);
    return res;
}

/* Claim NAME: new/NAME -> cur/NAME,H=HOST,P=PID, durable, and still FD's file. */
static int claim(const struct outbag *o, const char *name, int fd, buf_t *cname)
{
    struct stat a, b;

    buf_puts(cname, name);
    pickup_owner_tag(cname);
    if (renameat(o->new, name, o->cur, cname->data) < 0) {
        if (errno == ENOENT)
            return 1;           /* another pickup has it */
        msg_error("new/%s: cannot move to cur/: %m", name);
        return -1;
    }
    if (sync_dirs(o, o->cur, o->new) < 0)
        return -1;
    if (fstat(fd, &a) < 0 || fstatat(o->cur, cname->data, &b, AT_SYMLINK_NOFOLLOW) < 0
        || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
        msg_warn("new/%s was replaced while it was read: left for the next pass", name);
        if (renameat(o->cur, cname->data, o->new, name) < 0)
            msg_error("cur/%s: cannot move back to new/: %m", cname->data);
        return 1;
    }
    return 0;
}

/* Open new/NAME for reading, refusing what is no regular file. */
static int open_new(const struct outbag *o, const char *name, struct stat *st, buf_t *why)
{
    int fd = openat(o->new, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ELOOP)
            buf_puts(why, "a symbolic link: refused (an outbag holds only files its postoffice wrote)");
        else if (errno != ENOENT)
            msg_error("new/%s: %m", name);
        return -1;
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        buf_puts(why, "not a regular file: refused");
        close(fd);
        return -1;
    }
    return fd;
}

enum pickup_result pickup_file(const struct pickup_env *e, const struct po *po,
                               const struct outbag *o, const char *name)
{
    struct envblock_read r = { 0 };
    buf_t why = BUF_INIT, cname = BUF_INIT;
    enum pickup_result res = PICKUP_WAIT;
    struct stat st;
    int fd, rc;

    msg_set_queue_id(name);
    if ((fd = open_new(o, name, &st, &why)) < 0) {
        if (why.len)
            res = pickup_set_aside(o, o->new, name, name, why.data) == 0 ? PICKUP_BAD : PICKUP_WAIT;
        else
            res = errno == ENOENT ? PICKUP_GONE : PICKUP_WAIT;
    } else if ((rc = read_envelope(fd, &st, &r, &why)) < 0 || (rc = sender_ok(e, po, &r, &why)) < 0) {
        if (rc == -1)
            res = pickup_set_aside(o, o->new, name, name, why.data) == 0 ? PICKUP_BAD : PICKUP_WAIT;
    } else if ((rc = claim(o, name, fd, &cname)) != 0) {
        res = rc > 0 ? PICKUP_GONE : PICKUP_WAIT;
    } else {
        res = send_claimed(e, o, name, cname.data, fd, &r);
    }
    if (fd >= 0)
        close(fd);
    envblock_read_free(&r);
    buf_free(&why), buf_free(&cname);
    msg_set_queue_id(NULL);
    return res;
}
