/* t_maildir.c - unit tests of the delivery core's store writer (lda/deliver.c
 * with maildir.c, mailbag.c, storefs.c, quota.c), without the maps: the
 * recipients are filled in by hand, as pogate-lmtp does after RCPT.
 *
 * Every check looks at the store on disk: file contents byte for byte, one
 * file per delivery, nothing left in tmp/, hard links shared, symlinks refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "deliver.h"
#include "lda_conf.h"
#include "log.h"
#include "mem.h"
#include "quota.h"
#include "storefs.h"
#include "tap.h"
#include "usage.h"

static char store[256];
static const char msg1[] = "From: a@example.org\nSubject: hi\n\nbody line 1\n.\nlast line without newline";

/* A pipe that delivers LEN bytes of DATA from a child process (pogate-lda's stdin). */
static int feed(const char *data, size_t len, pid_t *pid)
{
    int p[2];

    if (pipe(p) < 0)
        abort();
    if ((*pid = fork()) == 0) {
        close(p[0]);
        while (len > 0) {
            ssize_t w = write(p[1], data, len);

            if (w <= 0)
                _exit(1);
            data += w;
            len -= (size_t) w;
        }
        _exit(0);
    }
    close(p[1]);
    return p[0];
}

static char *slurp(const char *path, size_t *len)
{
    buf_t b = BUF_INIT;
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return NULL;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(&b, chunk, (size_t) n);
    close(fd);
    *len = b.len;
    buf_putc(&b, 0);
    return buf_steal(&b);
}

/* Number of entries in DIR (relative to the store); the last name in NAME. */
static int entries(const char *dir, char *name, size_t size)
{
    char path[512];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(path, sizeof(path), "%s/%s", store, dir);
    if ((d = opendir(path)) == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            n++;
            if (name)
                str_copy(name, e->d_name, size);
        }
    closedir(d);
    return n;
}

/* Contents of the one file in DIR, or NULL. */
static char *only_file(const char *dir, size_t *len)
{
    char name[256], path[800];

    if (entries(dir, name, sizeof(name)) != 1)
        return NULL;
    snprintf(path, sizeof(path), "%s/%s/%s", store, dir, name);
    return slurp(path, len);
}

static struct po po_sales = { .name = "sales", .domain = "sales.example.com", .alias_domains = "",
    .internal = "", .store = PO_STORE_MAILDIR, .postmaster = "admin", .via = "" };
static struct po po_bag = { .name = "legacy", .domain = "legacy.example.com", .alias_domains = "",
    .internal = "", .store = PO_STORE_MAILBAG, .postmaster = "admin", .via = "" };
static struct po po_down = { .name = "branch", .domain = "branch.example.com", .alias_domains = "",
    .internal = "", .store = PO_STORE_MAILBAG, .postmaster = "admin", .via = "legacy" };

static void rcpt(struct deliver_rcpt *r, const char *address, const struct po *po, const char *mbx)
{
    struct mbx m;

    memset(&m, 0, sizeof(m));
    str_copy(m.po, po->name, sizeof(m.po));
    str_copy(m.name, mbx, sizeof(m.name));
    snprintf(m.address, sizeof(m.address), "%s@%s", mbx, po->domain);
    deliver_rcpt_init(r, address, po, &m);
}

static struct deliver_params params(unsigned flags)
{
    return (struct deliver_params) { .store = store, .sender = "alice@example.org", .queue_id = "QID1",
        .quota_action = QUOTA_DEFER, .flags = flags };
}

static int deliver_pipe(const char *m, size_t len, struct deliver_rcpt *r, int n, unsigned flags)
{
    struct deliver_params p = params(flags);
    pid_t pid;
    int fd = feed(m, len, &pid), got;

    got = deliver_message(&p, fd, r, n);
    close(fd);
    waitpid(pid, NULL, 0);
    return got;
}

static void clean(void)
{
    char cmd[400];

    snprintf(cmd, sizeof(cmd), "rm -rf %s/* 2>/dev/null", store);
    if (system(cmd) != 0)
        abort();
}

static void test_single(void)
{
    struct deliver_rcpt r;
    char *f, want[512], name[256];
    size_t len;

    rcpt(&r, "John.Smith@sales.example.com", &po_sales, "jsmith");
    is_int(deliver_pipe(msg1, strlen(msg1), &r, 1, 0), 1, "single: delivered");
    is_str(r.st.text, "2.0.0 delivered to sales/jsmith", "single: status text");
    is_int(r.st.ex, 0, "single: exit 0");
    snprintf(want, sizeof(want), "Return-Path: <alice@example.org>\nDelivered-To: jsmith@sales.example.com\n%s", msg1);
    f = only_file("sales/mailboxes/jsmith/new", &len);
    ok(f && len == strlen(want) && memcmp(f, want, len) == 0, "single: file is Return-Path, Delivered-To, body byte-exact");
    is_int(entries("sales/mailboxes/jsmith/tmp", NULL, 0), 0, "single: tmp/ empty");
    is_int(entries("sales/mailboxes/jsmith/cur", NULL, 0), 0, "single: cur/ created, empty");
    entries("sales/mailboxes/jsmith/new", name, sizeof(name));
    is_int(usage_name_size(name), (long long) len, "single: ,S= in the name is the file size");
    is_int(r.size, (long long) strlen(msg1), "single: size is the message size");
    ok(strstr(r.file, name) != NULL, "single: file name reported");
    free(f);
    clean();
}

static void test_big_stream(void)
{
    size_t big = 3 * 1024 * 1024 + 17, len;
    char *m = xmalloc(big), *f;
    struct deliver_rcpt r[2];
    const char *hdr = "Subject: big\n\n";

    memcpy(m, hdr, strlen(hdr));
    for (size_t i = strlen(hdr); i < big; i++)
        m[i] = (char) (i % 251 == 0 ? '\n' : 'a' + i % 26);
    rcpt(&r[0], "jsmith@sales.example.com", &po_sales, "jsmith");
    rcpt(&r[1], "x@legacy.example.com", &po_bag, "x");
    is_int(deliver_pipe(m, big, r, 2, 0), 2, "3 MB from a pipe to two postoffices: both delivered");
    f = only_file("sales/mailboxes/jsmith/new", &len);
    ok(f && len > big && memcmp(f + len - big, m, big) == 0, "3 MB: Maildir copy byte-exact");
    free(f);
    f = only_file("legacy/mailbag/new", &len);
    ok(f && len > big && memcmp(f + len - big, m, big) == 0, "3 MB: mailbag copy (made from the first copy) byte-exact");
    free(f);
    free(m);
    clean();
}

static void test_links(void)
{
    struct deliver_rcpt r[3];
    char n1[256], n2[256], p1[600], p2[600], *f;
    struct stat s1, s2;
    size_t len;

    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    rcpt(&r[1], "b@sales.example.com", &po_sales, "bob");
    rcpt(&r[2], "bob.alias@sales.example.com", &po_sales, "bob");
    is_int(deliver_pipe(msg1, strlen(msg1), r, 3, 0), 3, "one PO, three recipients (two the same mailbox): all delivered");
    is_int(entries("sales/mailboxes/anna/new", n1, sizeof(n1)), 1, "links: one file for anna");
    is_int(entries("sales/mailboxes/bob/new", n2, sizeof(n2)), 1, "links: one file for bob, though named twice");
    snprintf(p1, sizeof(p1), "%s/sales/mailboxes/anna/new/%s", store, n1);
    snprintf(p2, sizeof(p2), "%s/sales/mailboxes/bob/new/%s", store, n2);
    ok(stat(p1, &s1) == 0 && stat(p2, &s2) == 0 && s1.st_ino == s2.st_ino && s1.st_nlink == 2,
       "links: written once, hard-linked (same inode, 2 links)");
    f = slurp(p1, &len);
    ok(f && strstr(f, "Delivered-To:") == NULL && strncmp(f, "Return-Path: <alice@example.org>\n", 33) == 0,
       "links: Return-Path, no Delivered-To (would show Bcc recipients)");
    free(f);
    is_int(entries("sales/mailboxes/anna/tmp", NULL, 0) + entries("sales/mailboxes/bob/tmp", NULL, 0), 0,
           "links: tmp/ empty");
    is_str(r[2].st.text, "2.0.0 delivered to sales/bob", "links: the twin is reported delivered");
    clean();
}

static void test_mailbag(void)
{
    struct deliver_rcpt r[3];
    char want[1024], *f;
    size_t len;
    int fd;

    rcpt(&r[0], "x@legacy.example.com", &po_bag, "x");
    rcpt(&r[1], "y@legacy.example.com", &po_bag, "y");
    rcpt(&r[2], "z@branch.example.com", &po_down, "z");
    {                           /* a regular-file source, as pogate-lmtp's spool */
        char spool[300];
        struct deliver_params p = params(0);

        snprintf(spool, sizeof(spool), "%s/spool", store);
        fd = open(spool, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (write(fd, msg1, strlen(msg1)) != (ssize_t) strlen(msg1))
            abort();
        unlink(spool);
        is_int(deliver_message(&p, fd, r, 3), 3, "mailbag from a spool file: 3 delivered");
        close(fd);
    }
    is_int(entries("legacy/mailbag/new", NULL, 0), 2, "mailbag: one file per PO (legacy, and branch via legacy)");
    ok(entries("branch", NULL, 0) < 0, "via=legacy: nothing under the downstream PO's own directory");
    snprintf(want, sizeof(want), "X-Pogate-Envelope: 1\nX-Pogate-Sender: <alice@example.org>\n"
             "X-Pogate-Postoffice: legacy\nX-Pogate-Recipient: <x@legacy.example.com> mailbox=x\n"
             "X-Pogate-Recipient: <y@legacy.example.com> mailbox=y\nX-Pogate-Queue-Id: QID1\n\n"
             "Return-Path: <alice@example.org>\n%s", msg1);
    ok(strstr(r[0].file, ",S=") != NULL, "mailbag: name carries ,S=");
    {
        char path[DELIVER_PATH_MAX + 300];

        snprintf(path, sizeof(path), "%s/%s", r[0].syncdir, r[0].file);
        f = slurp(path, &len);
        ok(f && len == strlen(want) && memcmp(f, want, len) == 0, "mailbag: envelope block, blank line, message byte-exact");
        free(f);
        snprintf(path, sizeof(path), "%s/%s", r[2].syncdir, r[2].file);
        f = slurp(path, &len);
        ok(f && strstr(f, "X-Pogate-Postoffice: branch\nX-Pogate-Recipient: <z@branch.example.com> mailbox=z\n")
           && strstr(f, "Delivered-To: z@branch.example.com\n"), "via hub: envelope names the downstream PO");
        free(f);
    }
    is_int(entries("legacy/mailbag/tmp", NULL, 0), 0, "mailbag: tmp/ empty");
    clean();
}

static void test_loop(void)
{
    const char *m = "Received: x\nDelivered-To:\n <JSmith@Sales.Example.com> \nSubject: loop\n\nbody\n";
    const char *inbody = "Subject: no loop\n\nDelivered-To: jsmith@sales.example.com\n";
    struct deliver_rcpt r;

    rcpt(&r, "jsmith@sales.example.com", &po_sales, "jsmith");
    is_int(deliver_pipe(m, strlen(m), &r, 1, 0), 0, "loop: not delivered");
    ok(strncmp(r.st.text, "5.4.6 ", 6) == 0 && r.st.ex == 69, "loop: 5.4.6, exit 69 (%s)", r.st.text);
    is_int(entries("sales/mailboxes/jsmith/new", NULL, 0) + entries("sales/mailboxes/jsmith/tmp", NULL, 0), 0,
           "loop: nothing in new/ or tmp/");
    rcpt(&r, "jsmith@sales.example.com", &po_sales, "jsmith");
    is_int(deliver_pipe(inbody, strlen(inbody), &r, 1, 0), 1, "Delivered-To in the body is no loop");
    clean();
}

static void test_unsafe(void)
{
    struct deliver_rcpt r;
    char path[400], outside[300];

    rcpt(&r, "x@sales.example.com", &po_sales, "../x");
    is_int(deliver_pipe(msg1, strlen(msg1), &r, 1, 0), 0, "mailbox name ../x: not delivered");
    ok(strncmp(r.st.text, "4.3.0 ", 6) == 0 && r.st.ex == 75, "mailbox ../x: 4.3.0, exit 75 (%s)", r.st.text);
    snprintf(path, sizeof(path), "%s/sales/x", store);
    ok(access(path, F_OK) < 0, "mailbox ../x: nothing created beside mailboxes/");
    rcpt(&r, "x@sales.example.com", &po_sales, "a/b");
    deliver_pipe(msg1, strlen(msg1), &r, 1, 0);
    ok(r.st.ex == 75, "mailbox a/b: exit 75");

    /* A symbolic link planted in the store is never followed. */
    snprintf(outside, sizeof(outside), "%s.outside", store);
    mkdir(outside, 0700);
    snprintf(path, sizeof(path), "%s/sales/mailboxes", store);
    mkdir(store, 0700);
    snprintf(path, sizeof(path), "%s/sales", store);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/sales/mailboxes", store);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/sales/mailboxes/evil", store);
    if (symlink(outside, path) < 0)
        abort();
    rcpt(&r, "evil@sales.example.com", &po_sales, "evil");
    deliver_pipe(msg1, strlen(msg1), &r, 1, 0);
    ok(r.st.ex == 75 && strncmp(r.st.text, "4.3.0 store: ", 13) == 0, "symlinked mailbox: 4.3.0 (%s)", r.st.text);
    snprintf(path, sizeof(path), "%s/new", outside);
    ok(access(path, F_OK) < 0, "symlinked mailbox: nothing written through the link");
    rmdir(outside);
    clean();
}

static void test_limits(void)
{
    struct po small = po_sales;
    struct deliver_rcpt r;
    struct deliver_params p;
    pid_t pid;
    int fd;

    small.maxsize = 10;
    rcpt(&r, "jsmith@sales.example.com", &small, "jsmith");
    deliver_pipe(msg1, strlen(msg1), &r, 1, 0);
    ok(strncmp(r.st.text, "5.3.4 ", 6) == 0 && r.st.ex == 69, "maxsize: 5.3.4, exit 69 (%s)", r.st.text);

    small.maxsize = 0;
    rcpt(&r, "jsmith@sales.example.com", &small, "jsmith");
    r.mbx.quota = 200;
    is_int(deliver_pipe(msg1, strlen(msg1), &r, 1, 0), 1, "quota: first message fits");
    rcpt(&r, "jsmith@sales.example.com", &small, "jsmith");
    r.mbx.quota = 200;
    deliver_pipe(msg1, strlen(msg1), &r, 1, 0);
    ok(strncmp(r.st.text, "4.2.2 ", 6) == 0 && r.st.ex == 75, "mailbox quota, quota_action=defer: 4.2.2 (%s)", r.st.text);
    rcpt(&r, "jsmith@sales.example.com", &small, "jsmith");
    r.mbx.quota = 200;
    p = params(0);
    p.quota_action = QUOTA_BOUNCE;
    fd = feed(msg1, strlen(msg1), &pid);
    deliver_message(&p, fd, &r, 1);
    close(fd);
    waitpid(pid, NULL, 0);
    ok(strncmp(r.st.text, "5.2.2 ", 6) == 0 && r.st.ex == 69, "mailbox quota, quota_action=bounce: 5.2.2, exit 69 (%s)", r.st.text);
    small.quota = 150;
    rcpt(&r, "other@sales.example.com", &small, "other");
    deliver_pipe(msg1, strlen(msg1), &r, 1, 0);
    ok(strncmp(r.st.text, "4.2.2 ", 6) == 0 && strstr(r.st.text, "postoffice sales full"), "PO quota counts the other mailboxes (%s)", r.st.text);
    is_int(entries("sales/mailboxes/jsmith/new", NULL, 0), 1, "quota: only the first message stored");
    clean();
}

static int sync_calls, sync_fail;
static int my_sync(const char *dir)
{
    (void) dir;
    sync_calls++;
    if (sync_fail) {
        errno = EIO;
        return -1;
    }
    return 0;
}

static void test_deferred_sync(void)
{
    struct deliver_rcpt r[3];
    struct deliver_params p = params(DELIVER_DEFER_DIRSYNC);
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    rcpt(&r[1], "x@legacy.example.com", &po_bag, "x");
    rcpt(&r[2], "y@legacy.example.com", &po_bag, "y");
    is_int(deliver_pipe(msg1, strlen(msg1), r, 3, DELIVER_DEFER_DIRSYNC), 3, "deferred sync: 3 linked");
    ok(r[0].sync_pending && r[1].sync_pending && dstatus_is_pending(&r[0].st), "deferred sync: pending, no status yet");
    is_int(entries("sales/mailboxes/anna/new", NULL, 0), 1, "deferred sync: visible in new/");
    sync_calls = sync_fail = 0;
    is_int(deliver_sync(&p, r, 3, my_sync), 3, "deferred sync: settled by the caller's sync");
    is_int(sync_calls, 2, "deferred sync: one call per distinct directory");
    is_str(r[1].st.text, "2.0.0 delivered to legacy/x", "deferred sync: 2.0.0 after the sync");
    clean();
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msg1, strlen(msg1), r, 1, DELIVER_DEFER_DIRSYNC);
    sync_fail = 1;
    is_int(deliver_sync(&p, r, 1, my_sync), 0, "failed sync: not delivered");
    ok(strncmp(r[0].st.text, "4.3.0 store: ", 13) == 0, "failed sync: 4.3.0 (%s)", r[0].st.text);
    is_int(entries("sales/mailboxes/anna/new", NULL, 0), 0, "failed sync: the link is removed again");
    clean();
}

static void test_all_or_nothing(void)
{
    struct deliver_rcpt r[2];
    struct dstatus st;
    char path[400];

    snprintf(path, sizeof(path), "%s/sales", store);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/sales/mailboxes", store);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/sales/mailboxes/bad", store);
    if (symlink("/", path) < 0)
        abort();
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    rcpt(&r[1], "bad@legacy.example.com", &po_sales, "bad");
    is_int(deliver_pipe(msg1, strlen(msg1), r, 2, DELIVER_ALL_OR_NOTHING), 0, "all or nothing: none delivered");
    ok(entries("sales/mailboxes/anna/new", NULL, 0) <= 0, "all or nothing: nothing in the good mailbox");
    deliver_exit(r, 2, &st);
    ok(st.ex == 75 && strncmp(st.text, "4.3.0 ", 6) == 0, "all or nothing: one status, 75 (%s)", st.text);
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    rcpt(&r[1], "nobody@sales.example.com", &po_sales, "nobody");
    dstatus_set(&r[1].st, "5.1.1", "<nobody@sales.example.com>: no such mailbox");
    deliver_pipe(msg1, strlen(msg1), r, 2, DELIVER_ALL_OR_NOTHING);
    deliver_exit(r, 2, &st);
    ok(st.ex == 75 && strncmp(st.text, "4.3.5 5.1.1 ", 12) == 0, "unknown + good: 4.3.5, nothing delivered (%s)", st.text);
    ok(entries("sales/mailboxes/anna/new", NULL, 0) <= 0, "unknown + good: good mailbox untouched");
    deliver_exit(&r[1], 1, &st);
    is_int(st.ex, 67, "unknown alone: 67");
    clean();
}

/* Exactly once across retries: the same message with the same queue id, a
 * second time as the MTA's retry after a crash would bring it. */
static const char msgq[] = "Received: from c (c [192.0.2.1])\n\tby relay (Postfix) with ESMTP id QID1\n"
    "\tfor <a@sales.example.com>; Wed, 25 Nov 2026 10:57:09 +0000 (UTC)\nSubject: once\n\nbody\n";

static void test_exactly_once(void)
{
    struct deliver_rcpt r[2];
    struct deliver_params p = params(DELIVER_DEFER_DIRSYNC);
    char first[256], name[256];

    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    is_int(deliver_pipe(msgq, strlen(msgq), r, 1, 0), 1, "once: first attempt delivered");
    entries("sales/mailboxes/anna/new", first, sizeof(first));
    ok(strncmp(first, "1795604229.QQID1_", 17) == 0, "once: deterministic name (%s)", first);
    ok(!r[0].existed, "once: first attempt stored it");
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    is_int(deliver_pipe(msgq, strlen(msgq), r, 1, 0), 1, "once: the retry counts as delivered");
    ok(r[0].existed, "once: the retry found the file");
    is_str(r[0].st.text, "2.0.0 delivered to sales/anna (already there: an earlier attempt stored it)",
           "once: status says so");
    is_int(entries("sales/mailboxes/anna/new", name, sizeof(name)), 1, "once: still one file in new/");
    is_str(name, first, "once: the same file");
    is_int(entries("sales/mailboxes/anna/tmp", NULL, 0), 0, "once: the retry's tmp file is gone");
    /* Quota: the file already there is not counted a second time. */
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    r[0].mbx.quota = usage_name_size(first) + 10;
    is_int(deliver_pipe(msgq, strlen(msgq), r, 1, 0), 1, "once: a retry near the quota is delivered");
    ok(r[0].existed, "once: ... because the file is there (%s)", r[0].st.text);
    /* Another message with the same queue id and date: a different hash. */
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msgq, strlen(msgq) - 2, r, 1, 0);
    is_int(entries("sales/mailboxes/anna/new", NULL, 0), 2, "once: other bytes, same id: a second file");
    clean();

    /* Mailbag: the same recipients, one file; a subset, a file of its own. */
    rcpt(&r[0], "x@legacy.example.com", &po_bag, "x");
    rcpt(&r[1], "y@legacy.example.com", &po_bag, "y");
    deliver_pipe(msgq, strlen(msgq), r, 2, 0);
    rcpt(&r[0], "x@legacy.example.com", &po_bag, "x");
    rcpt(&r[1], "y@legacy.example.com", &po_bag, "y");
    is_int(deliver_pipe(msgq, strlen(msgq), r, 2, 0), 2, "once: mailbag retry delivered");
    ok(r[0].existed && r[1].existed, "once: mailbag retry found the file for both");
    is_int(entries("legacy/mailbag/new", NULL, 0), 1, "once: one mailbag file");
    rcpt(&r[0], "x@legacy.example.com", &po_bag, "x");
    deliver_pipe(msgq, strlen(msgq), r, 1, 0);
    is_int(entries("legacy/mailbag/new", NULL, 0), 2, "once: a retry for a subset gets its own bag file");
    clean();

    /* Group commit: a failed sync never removes a file that was there before. */
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msgq, strlen(msgq), r, 1, 0);
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msgq, strlen(msgq), r, 1, DELIVER_DEFER_DIRSYNC);
    ok(r[0].sync_pending && r[0].existed, "once, deferred sync: found, still to be synced");
    sync_calls = 0;
    sync_fail = 1;
    is_int(deliver_sync(&p, r, 1, my_sync), 0, "once, failed sync: not reported delivered");
    is_int(sync_calls, 1, "once: new/ is fsynced even though the file was there");
    is_int(entries("sales/mailboxes/anna/new", NULL, 0), 1, "once, failed sync: the earlier file stays");
    sync_fail = 0;
    clean();

    /* No Received header naming the id: unique names, a second copy. */
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msg1, strlen(msg1), r, 1, 0);
    rcpt(&r[0], "a@sales.example.com", &po_sales, "anna");
    deliver_pipe(msg1, strlen(msg1), r, 1, 0);
    is_int(entries("sales/mailboxes/anna/new", NULL, 0), 2, "no Received with the id: at-least-once, two files");
    clean();
}

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static struct timespec tmp_mtime(const char *dir)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", store, dir);
    if (stat(path, &st) < 0)
        return (struct timespec) { 0, 0 };
    return st.st_mtim;
}

/* A delivery agent killed while it writes: the child reads a message that
 * never ends from a pipe, and dies by SIGKILL once it has its file. What
 * it leaves in tmp/. */
static int killed_leaves(void)
{
    static char chunk[256 * 1024];
    int p[2];
    pid_t pid;

    memset(chunk, 'x', sizeof(chunk));
    chunk[0] = '\n';
    if (pipe(p) < 0)
        abort();
    if ((pid = fork()) == 0) {
        struct deliver_rcpt r;
        struct deliver_params dp = params(0);

        close(p[1]);
        rcpt(&r, "jsmith@sales.example.com", &po_sales, "jsmith");
        deliver_message(&dp, p[0], &r, 1);
        _exit(0);
    }
    close(p[0]);
    /* More than a pipe holds: once written, the child is reading into its file. */
    if (write(p[1], chunk, sizeof(chunk)) != (ssize_t) sizeof(chunk))
        abort();
    pause_ms(50);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(p[1]);
    return entries("sales/mailboxes/jsmith/tmp", NULL, 0);
}

static void test_unnamed(void)
{
    struct deliver_rcpt r;
    struct timespec t0, t1;
    const char *tmp = "sales/mailboxes/jsmith/tmp";
    char *f;
    size_t len;

    if (!storefs_anon(1)) {
        ok(1, "# SKIP no O_TMPFILE or /proc here: tmp/ names only");
        return;
    }
    for (int anon = 1; anon >= 0; anon--) {
        const char *how = anon ? "unnamed" : "tmp/ names";

        storefs_anon(anon);
        rcpt(&r, "jsmith@sales.example.com", &po_sales, "jsmith");
        is_int(deliver_pipe(msg1, strlen(msg1), &r, 1, 0), 1, "%s: first delivery", how);
        t0 = tmp_mtime(tmp);
        pause_ms(30);           /* past the file system's clock tick */
        rcpt(&r, "jsmith@sales.example.com", &po_sales, "jsmith");
        is_int(deliver_pipe("Subject: 2\n\nsecond\n", 19, &r, 1, 0), 1, "%s: second delivery", how);
        t1 = tmp_mtime(tmp);
        ok((t0.tv_sec == t1.tv_sec && t0.tv_nsec == t1.tv_nsec) == anon,
           anon ? "unnamed: tmp/ not modified by a delivery" : "tmp/ names: tmp/ modified (created, unlinked)");
        is_int(entries("sales/mailboxes/jsmith/new", NULL, 0), 2, "%s: both in new/", how);
        is_int(entries(tmp, NULL, 0), 0, "%s: tmp/ empty", how);
        clean();
        is_int(killed_leaves(), anon ? 0 : 1,
               anon ? "unnamed: a delivery killed while writing leaves nothing in tmp/"
               : "tmp/ names: a delivery killed while writing leaves its file in tmp/");
        is_int(entries("sales/mailboxes/jsmith/new", NULL, 0), 0, "%s: killed: nothing in new/", how);
        clean();
    }
    /* Several mailboxes of one postoffice share the unnamed file by links. */
    storefs_anon(1);
    {
        struct deliver_rcpt two[2];
        char n1[256], n2[256], p1[600], p2[600];
        struct stat s1, s2;

        rcpt(&two[0], "a@sales.example.com", &po_sales, "anna");
        rcpt(&two[1], "b@sales.example.com", &po_sales, "bob");
        is_int(deliver_pipe(msg1, strlen(msg1), two, 2, 0), 2, "unnamed: two mailboxes delivered");
        entries("sales/mailboxes/anna/new", n1, sizeof(n1));
        entries("sales/mailboxes/bob/new", n2, sizeof(n2));
        snprintf(p1, sizeof(p1), "%s/sales/mailboxes/anna/new/%s", store, n1);
        snprintf(p2, sizeof(p2), "%s/sales/mailboxes/bob/new/%s", store, n2);
        ok(stat(p1, &s1) == 0 && stat(p2, &s2) == 0 && s1.st_ino == s2.st_ino && s1.st_nlink == 2,
           "unnamed: one file, two links, nothing else holds it");
        f = only_file("sales/mailboxes/bob/new", &len);
        ok(f && len > strlen(msg1) && memcmp(f + len - strlen(msg1), msg1, strlen(msg1)) == 0,
           "unnamed: the linked file holds the message");
        free(f);
        is_int(entries("sales/mailboxes/anna/tmp", NULL, 0), 0, "unnamed: tmp/ empty");
        clean();
    }
}

int main(void)
{
    const char *tmp = getenv("TESTTMP");

    msg_open("t_maildir", MSG_TO_STDERR);
    snprintf(store, sizeof(store), "%s/t_maildir.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(store) == NULL)
        abort();
    deliver_init();
    test_single();
    test_big_stream();
    test_links();
    test_mailbag();
    test_loop();
    test_unsafe();
    test_limits();
    test_deferred_sync();
    test_all_or_nothing();
    test_exactly_once();
    test_unnamed();
    rmdir(store);
    return done_testing();
}
