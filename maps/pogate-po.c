/* pogate-po.c - pause and resume a postoffice's directions; show its state.
 *
 * pause and resume change state= of the postoffice in CONFDIR/postoffices
 * (poedit.c: the rest of the file stays as written), compile the directory
 * as pogate-map does, and put the old text back when that fails, so the maps
 * on disk always compile. A resume of the outbound direction then releases
 * the mail held for the postoffice and for each downstream postoffice whose
 * outbound direction now flows (po_release.c). One pogate-po at a time
 * (a lock file in CONFDIR). See pogate-po(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "po_release.h"
#include "podir.h"
#include "podir_build.h"
#include "poedit.h"
#include "pogate_conf.h"
#include "replace_file.h"

enum verb { SHOW, PAUSE, RESUME };

struct tool {
    const char *confdir;
    struct pogate_conf conf;
    struct mta mta;
    buf_t map;                  /* CONFDIR/postoffices */
    char name[PODIR_NAME_MAX + 1];
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-po [-c DIR] pause|resume|show NAME [inbound|outbound]\n");
    exit(1);
}

/* The whole file at PATH into TEXT; its status into *st. -1 with errno. */
static int slurp(const char *path, buf_t *text, struct stat *st)
{
    char chunk[65536];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    if (fstat(fd, st) < 0) {
        close(fd);
        return -1;
    }
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(text, chunk, (size_t) n);
    int saved = errno;

    close(fd);
    errno = saved;
    if (text->data == NULL)
        buf_reserve(text, 1), text->data[0] = 0;
    return n < 0 ? -1 : 0;
}

static int lock(const struct tool *t)
{
    buf_t p = BUF_INIT;
    int fd;

    buf_printf(&p, "%s/.pogate-po.lock", t->confdir);
    if ((fd = open(p.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || flock(fd, LOCK_EX) < 0)
        msg_error("%s: cannot lock: %m", p.data), fd = -1;
    buf_free(&p);
    return fd;
}

/* Release the held mail of PO; print what was done. 0, or 75. */
static int release_one(struct tool *t, const char *po)
{
    struct po_release r;

    if (po_release(&t->mta, t->conf.hold_dir, po, &r) < 0) {
        msg_error("%s: the held mail was not released (run pogate-po resume again)", po);
        return 75;
    }
    printf("%s: released %d held message%s", po, r.released, r.released == 1 ? "" : "s");
    if (r.stale)
        printf(" (%d record%s of mail no longer held dropped)", r.stale, r.stale == 1 ? "" : "s");
    printf("\n");
    return 0;
}

/* After a resume: NAME and its downstream postoffices whose outbound now flows. */
static int release(struct tool *t)
{
    struct podir *d = podir_open(t->confdir);
    struct po po;
    int rc = 0;

    if (d == NULL)
        return 75;
    for (int i = 0; i < podir_po_count(d); i++) {
        if (podir_po_at(d, i, &po) != PODIR_FOUND)
            continue;
        if ((strcmp(po.name, t->name) == 0 || strcmp(po.via, t->name) == 0) && !po.held)
            rc = release_one(t, po.name) ? 75 : rc;
    }
    podir_close(d);
    return rc;
}

/* Write state NEW into the map (the text is T->map, as read) and compile. */
static int change(struct tool *t, const struct stat *st, enum po_state new)
{
    buf_t edited = BUF_INIT;
    const char *why = "";
    int line, rc;

    if (poedit_set(t->map.data, t->map.len, t->name, "state", postate_name(new), &edited, &line, &why) < 0) {
        msg_error("%s/postoffices:%d: cannot change the state: %s (%s)", t->confdir, line, why, t->name);
        return 1;
    }
    buf_t path = BUF_INIT;

    buf_printf(&path, "%s/postoffices", t->confdir);
    if (replace_file(path.data, edited.data, edited.len, st) < 0) {    /* its mode and owner kept */
        msg_error("%s: cannot write: %m", path.data);
        rc = 75;
    } else if ((rc = podir_build_dir(t->confdir, 0)) != 0) {
        msg_error("%s: the maps do not compile: the old text is put back, nothing changed", path.data);
        if (replace_file(path.data, t->map.data, t->map.len, st) < 0)
            msg_error("%s: cannot put the old text back: %m", path.data);
    }
    buf_free(&path), buf_free(&edited);
    return rc;
}

static int pause_resume(struct tool *t, enum verb verb, int dirs)
{
    buf_t path = BUF_INIT, value = BUF_INIT;
    const char *why = "";
    enum po_state cur = PO_ACTIVE, new;
    struct stat st;
    int line, rc = 0, fd = lock(t);

    if (fd < 0)
        return 75;
    buf_printf(&path, "%s/postoffices", t->confdir);
    if (slurp(path.data, &t->map, &st) < 0) {
        msg_error("%s: %m", path.data);
        rc = errno == ENOENT ? 1 : 75;
    } else if ((rc = poedit_get(t->map.data, t->map.len, t->name, "state", &value, &line, &why)) < 0) {
        if (rc == POEDIT_NO_RECORD)
            msg_error("%s: no postoffice %s", path.data, t->name);
        else
            msg_error("%s:%d: %s (%s)", path.data, line, why, t->name);
        rc = 1;
    } else if (value.len && postate_parse(value.data, &cur) < 0) {
        msg_error("%s:%d: state must be active, paused, inbound-only or outbound-only (%s)",
                  path.data, line, value.data);
        rc = 1;
    } else {
        new = verb == PAUSE ? postate_pause(cur, dirs) : postate_resume(cur, dirs);
        if (new == cur && value.len) {
            printf("%s: %s already\n", t->name, postate_name(cur));
            rc = 0;
        } else if ((rc = change(t, &st, new)) == 0) {
            printf("%s: %s -> %s\n", t->name, postate_name(cur), postate_name(new));
        }
        if (rc == 0 && verb == RESUME && (dirs & PO_DIR_OUT))
            rc = release(t);
    }
    close(fd);
    buf_free(&path), buf_free(&value);
    return rc;
}

static const char *flow(int stopped, const char *how)
{
    return stopped ? how : "flows";
}

static int show(struct tool *t)
{
    struct podir *d = podir_open(t->confdir);
    struct po po, hub;
    time_t oldest;
    int n;

    if (d == NULL)
        return 75;
    if (podir_po(d, t->name, &po) != PODIR_FOUND) {
        msg_error("%s/index.cdb: no postoffice %s", t->confdir, t->name);
        podir_close(d);
        return 1;
    }
    printf("postoffice %s: state=%s\n", po.name, postate_name(po.state));
    if (po.via[0] && podir_po(d, po.via, &hub) == PODIR_FOUND)
        printf("hub %s: state=%s\n", hub.name, postate_name(hub.state));
    printf("inbound: %s\n", flow(po.paused, "deferred (4.2.1), the mail waits in the MTA queue"));
    printf("outbound: %s\n", flow(po.held, "held in the MTA"));
    n = po_held_count(&t->mta, t->conf.hold_dir, po.name, &oldest);
    if (n < 0) {
        printf("held messages: unknown (the MTA's queue could not be read)\n");
    } else {
        printf("held messages: %d", n);
        if (n) {
            char when[64];
            struct tm tm;

            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime_r(&oldest, &tm));
            printf(" (oldest held since %s)", when);
        }
        printf("\n");
    }
    podir_close(d);
    return 0;
}

int main(int argc, char **argv)
{
    struct tool t = { .confdir = POGATE_CONFDIR };
    enum verb verb;
    int ch, dirs = PO_DIR_BOTH, rc;

    msg_open("pogate-po", MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:")) != -1) {
        if (ch != 'c')
            usage();
        t.confdir = optarg;
    }
    argc -= optind, argv += optind;
    if (argc < 2 || argc > 3)
        usage();
    if (strcmp(argv[0], "show") == 0)
        verb = SHOW;
    else if (strcmp(argv[0], "pause") == 0)
        verb = PAUSE;
    else if (strcmp(argv[0], "resume") == 0)
        verb = RESUME;
    else
        usage();
    if (argc == 3)
        dirs = strcmp(argv[2], "inbound") == 0 ? PO_DIR_IN : strcmp(argv[2], "outbound") == 0 ? PO_DIR_OUT : 0;
    if (dirs == 0 || (verb == SHOW && argc == 3))
        usage();
    str_copy(t.name, argv[1], sizeof(t.name));
    str_lower(t.name);
    if (strlen(argv[1]) > PODIR_NAME_MAX || !podir_name_ok(t.name)) {
        msg_error("not a postoffice name (%s)", argv[1]);
        return 1;
    }
    if (pogate_conf_load(&t.conf, t.confdir, NULL, 0) != 0)
        return 1;
    t.mta = (struct mta) { (enum mta_kind) t.conf.mta, t.conf.mta_config, t.conf.mta_command_directory,
                           t.conf.sendmail_path };
    rc = verb == SHOW ? show(&t) : pause_resume(&t, verb, dirs);
    buf_free(&t.map);
    pogate_conf_free(&t.conf, NULL, 0);
    if (fflush(stdout) != 0)
        rc = 75;
    return rc;
}
