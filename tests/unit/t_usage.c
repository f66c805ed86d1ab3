/* t_usage.c - unit tests for maps/global/usage.c and usage_bag.c: what a
 * Maildir, a postoffice and a downstream postoffice's share of its hub's
 * mailbag hold, as the quota check, pogate-stat and pogate-notify count it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "envblock.h"
#include "tap.h"
#include "usage.h"

static char root[256];

static void mkdirs(const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    for (char *s = p + strlen(root) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0700);
            *s = '/';
        }
    mkdir(p, 0700);
}

/* The file REL of LEN bytes (an envelope naming PO first, when PO is not
 * NULL), its mtime WHEN when not 0. */
static void put(const char *rel, size_t len, const char *po, time_t when)
{
    char p[512];
    buf_t b = BUF_INIT;
    struct envblock e = { .sender = "a@example.org", .po = po };
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    if (po)
        envblock_write(&b, &e);
    while (b.len < len)
        buf_puts(&b, "x");
    if ((f = fopen(p, "w")) == NULL || fwrite(b.data, 1, len, f) != len || fclose(f) != 0)
        abort();
    buf_free(&b);
    if (when) {
        struct timespec t[2] = { { when, 0 }, { when, 0 } };

        utimensat(AT_FDCWD, p, t, 0);
    }
}

static int dir(const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    return open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void test_name(void)
{
    is_int(usage_name_size("1700000000.Q4AB_0011.host,S=1234"), 1234, ",S= at the end");
    is_int(usage_name_size("1700000000.Q4AB_0011.host,S=1234:2,S"), 1234, ",S= before the flags (:2,S is no size)");
    is_int(usage_name_size("1700000000.M1P2.host:2,S"), -1, "no ,S=: none");
    is_int(usage_name_size("x,S=abc"), -1, ",S= without digits: none");
}

static void test_maildir(void)
{
    struct usage u;
    int fd;

    mkdirs("md/new"), mkdirs("md/cur"), mkdirs("md/tmp");
    put("md/new/1.Q1.h,S=100", 100, NULL, 1000);
    put("md/new/2.M2.h", 40, NULL, 2000);       /* other software's name: its size */
    put("md/cur/3.Q3.h,S=30:2,S", 30, NULL, 0);
    put("md/tmp/4.Q4.h,S=500", 500, NULL, 0);
    put("md/cur/.hidden,S=7", 7, NULL, 0);
    /* The name is trusted over the file: the delivery core writes ,S= as the
     * file's size and checks a quota from names alone; pogate-stat counts
     * the same. A file changed in place afterwards keeps its name's size. */
    put("md/cur/5.Q5.h,S=900", 9, NULL, 0);
    mkdirs("md/cur/notafile");
    {
        char p[512];

        snprintf(p, sizeof(p), "%s/md/cur/link", root);
        symlink("/etc/passwd", p);
    }
    fd = dir("md");
    usage_maildir(fd, 0, &u);
    is_int(u.bytes, 100 + 40 + 30 + 900, "maildir: new/ and cur/ by ,S= or size; not tmp/, dot files, links, folders");
    is_int(u.errors, 0, "... no error");
    is_int(u.waiting, 2, "... two waiting in new/");
    is_int(u.waiting_bytes, 140, "... of 140 bytes");
    is_int(u.oldest, 0, "... no oldest without USAGE_OLDEST");
    usage_maildir(fd, USAGE_OLDEST, &u);
    is_int(u.bytes, 1070, "USAGE_OLDEST: the same bytes");
    is_int(u.oldest, 1000, "... and the oldest mtime in new/");
    close(fd);

    mkdirs("empty");
    fd = dir("empty");
    usage_maildir(fd, 0, &u);
    ok(u.bytes == 0 && u.errors == 0, "maildir without new/ and cur/: 0, no error");
    put("empty/new", 5, NULL, 0);
    usage_maildir(fd, 0, &u);
    ok(u.errors == 1 && u.err == ENOTDIR, "new/ that is no folder: an error (%d, %s)", u.errors, strerror(u.err));
    close(fd);
}

static void test_po(void)
{
    struct usage u;
    int fd;

    mkdirs("sales/mailboxes/anna/new"), mkdirs("sales/mailboxes/anna/cur");
    mkdirs("sales/mailboxes/bob/cur");
    mkdirs("sales/mailboxes/Not A Mailbox/new");
    mkdirs("sales/mailbag/new");
    put("sales/mailboxes/anna/new/1.Q1.h,S=10", 10, NULL, 3000);
    put("sales/mailboxes/anna/cur/2.Q2.h,S=20:2,S", 20, NULL, 0);
    put("sales/mailboxes/bob/cur/3.Q3.h,S=300:2,", 300, NULL, 0);
    put("sales/mailboxes/Not A Mailbox/new/4.Q4.h,S=4000", 4000, NULL, 0);
    put("sales/mailbag/new/5.Q5.h,S=50000", 50000, NULL, 2500);
    fd = dir("sales");
    usage_po(fd, USAGE_OLDEST, &u);
    is_int(u.bytes, 10 + 20 + 300 + 50000, "postoffice: every mailbox and the mailbag's new/");
    is_int(u.mailboxes, 2, "... two mailboxes (a folder no mailbox may be named is none)");
    is_int(u.waiting, 2, "... two files waiting");
    is_int(u.oldest, 2500, "... the oldest the mailbag's");
    is_int(u.errors, 0, "... no error");
    close(fd);
    mkdirs("nothing");
    fd = dir("nothing");
    usage_po(fd, 0, &u);
    ok(u.bytes == 0 && u.errors == 0 && u.mailboxes == 0, "an empty postoffice: 0, no error");
    close(fd);
}

static void test_downstream(void)
{
    struct usage u;
    int fd;

    mkdirs("hub/mailbag/new"), mkdirs("hub/mailbag/cur");
    put("hub/mailbag/new/1.Q1.h,S=700", 700, "down", 4000);
    put("hub/mailbag/new/2.Q2.h,S=800", 800, "down", 3000);
    put("hub/mailbag/new/3.Q3.h,S=900", 900, "other", 1000);
    put("hub/mailbag/new/4.Q4.h,S=1000", 1000, "hub", 0);
    put("hub/mailbag/new/5.M5.h", 600, "down", 5000);           /* no ,S=: its size */
    put("hub/mailbag/new/6.Q6.h,S=100", 100, NULL, 0);          /* no envelope: no one's */
    put("hub/mailbag/cur/7.Q7.h,S=100", 300, "down", 0);        /* taken: not counted */
    fd = dir("hub");
    usage_downstream(fd, "down", USAGE_OLDEST, &u);
    is_int(u.bytes, 700 + 800 + 600, "downstream: the files of the hub's bag whose envelope names it");
    is_int(u.waiting, 3, "... three waiting");
    is_int(u.oldest, 3000, "... the oldest of its own");
    is_int(u.errors, 0, "... no error");
    usage_downstream(fd, "other", 0, &u);
    is_int(u.bytes, 900, "another downstream postoffice: its own");
    usage_downstream(fd, "nobody", 0, &u);
    ok(u.bytes == 0 && u.waiting == 0, "a postoffice with nothing in the bag: 0");
    close(fd);
    fd = dir("nothing");
    usage_downstream(fd, "down", 0, &u);
    ok(u.bytes == 0 && u.errors == 0, "a hub without a mailbag: 0, no error");
    close(fd);
}

/* The process keeps what it read of a bag (usage_bag.c): a file is read
 * once per name and inode, a new one when it appears, and a name with
 * another inode again. */
static void test_kept(void)
{
    char from[512], to[512];
    struct usage u;
    int fd;

    mkdirs("keep/mailbag/new");
    put("keep/mailbag/new/1.Q1.h,S=100", 100, "down", 0);
    put("keep/mailbag/new/2.Q2.h,S=200", 200, "down", 0);
    fd = dir("keep");
    usage_downstream(fd, "down", 0, &u);
    is_int(u.bytes, 300, "kept: first scan reads both files");
    /* Rewritten in place (same name, same inode): not read again. No
     * delivery does this; it shows the envelope is not opened twice. */
    put("keep/mailbag/new/1.Q1.h,S=100", 100, "other", 0);
    usage_downstream(fd, "down", 0, &u);
    is_int(u.bytes, 300, "kept: a file seen before is not read again");
    usage_downstream(fd, "other", 0, &u);
    is_int(u.bytes, 0, "... for any postoffice");
    put("keep/mailbag/new/3.Q3.h,S=400", 400, "down", 0);
    usage_downstream(fd, "down", 0, &u);
    is_int(u.bytes, 700, "kept: a new file is read");
    /* The same name, another file (another inode): read again. */
    put("keep/mailbag/new/x", 200, "other", 0);
    snprintf(from, sizeof(from), "%s/keep/mailbag/new/x", root);
    snprintf(to, sizeof(to), "%s/keep/mailbag/new/2.Q2.h,S=200", root);
    ok(rename(from, to) == 0, "... a file replaced under the same name");
    usage_downstream(fd, "down", 0, &u);
    is_int(u.bytes, 500, "kept: a name with another inode is read again");
    usage_downstream(fd, "other", 0, &u);
    is_int(u.bytes, 200, "... and counts for its own postoffice");
    unlink(to);
    usage_downstream(fd, "other", 0, &u);
    ok(u.bytes == 0 && u.waiting == 0, "kept: a file the importer took counts no more");
    close(fd);
}

struct racer {
    int fd;
    long long bytes;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct usage u;

    r->bytes = 0;
    for (int i = 0; i < 200; i++) {
        usage_downstream(r->fd, "down", 0, &u);
        if (i == 0 || u.bytes != r->bytes)
            r->bytes = i == 0 ? u.bytes : -1;
    }
    return NULL;
}

/* pogate-lmtp measures from many threads at once: one table, one figure. */
static void test_threads(void)
{
    pthread_t t[8];
    struct racer r[8];
    char name[64];
    int fd, same = 1;

    mkdirs("many/mailbag/new");
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "many/mailbag/new/%d.Q%d.h,S=%d", i, i, 100 + i);
        put(name, (size_t) (100 + i), i % 3 ? "hub" : "down", 0);
    }
    fd = dir("many");
    for (int i = 0; i < 8; i++) {
        r[i].fd = fd;
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        same &= r[i].bytes == r[0].bytes;
    }
    {
        long long want = 0;

        for (int i = 0; i < 300; i += 3)
            want += 100 + i;
        ok(same && r[0].bytes == want, "8 threads x 200 scans of 300 files: every one %lld bytes (%lld)", want,
           r[0].bytes);
    }
    close(fd);
}

int main(void)
{
    const char *tmp = getenv("TESTTMP");
    char cmd[600];

    snprintf(root, sizeof(root), "%s/t_usage.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(root) == NULL)
        abort();
    test_name();
    test_maildir();
    test_po();
    test_downstream();
    test_kept();
    test_threads();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ok(system(cmd) == 0, "the test's directory removed");
    return done_testing();
}
