/* t_notify.c - unit tests for pogate-notify's state file
 * (maps/notify_state.c) and its notice mail (maps/notify_text.c): the file
 * read back as written, every kind of damage a fresh start, and a notice's
 * headers and text; and the quota condition of a downstream postoffice
 * (maps/notify_find.c), its files in its hub's mailbag, as pogate-stat's
 * stat_store_scan counts them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envblock.h"
#include "log.h"
#include "notify.h"
#include "notify_conf.h"
#include "notify_state.h"
#include "podir_fixture.h"
#include "stat_store.h"
#include "tap.h"

static int parse(struct nstate *s, const char *text)
{
    return nstate_parse(s, text, strlen(text), "state");
}

static void round_trip(void)
{
    struct nstate s = { 0 }, t = { 0 };
    buf_t out = BUF_INIT;
    struct nstate_entry *e;

    e = nstate_get(&s, "paused:sales", 1000);
    is_int((int) e->first, 1000, "a new condition: first seen now");
    e->sent = 1500;
    nstate_get(&s, "maps", 2000);
    nstate_format(&s, &out);
    is_str(out.data, "pogate-notify state 1\npaused:sales 1000 1500\nmaps 2000 0\n", "the file's text");
    is_int(parse(&t, out.data), 0, "read back");
    is_int(t.n, 2, "... both entries");
    e = nstate_get(&t, "paused:sales", 9999);
    ok(e->first == 1000 && e->sent == 1500, "... with their times");
    buf_reset(&out);
    nstate_format(&t, &out);
    is_str(out.data, "pogate-notify state 1\npaused:sales 1000 1500\n", "an entry not seen at this run is dropped");
    is_int(parse(&t, ""), 0, "an empty file is an empty state");
    is_int(t.n, 0, "... nothing in it");
    buf_free(&out);
    nstate_free(&s), nstate_free(&t);
}

static void damaged(void)
{
#define S(x) { x, sizeof(x) - 1 }
    static const struct { const char *s; size_t len; } bad[] = {
        S("garbage\n"),
        S("pogate-notify state 2\nmaps 1 0\n"),
        S("pogate-notify state 1x\n"),
        S("pogate-notify state 1\nmaps 1 0"),                 /* cut short */
        S("pogate-notify state 1\nmaps 1\n"),
        S("pogate-notify state 1\nmaps 1 0 7\n"),
        S("pogate-notify state 1\nMaps 1 0\n"),                /* not a key this program writes */
        S("pogate-notify state 1\nmaps -1 0\n"),
        S("pogate-notify state 1\nmaps 1 0\nmaps 2 0\n"),      /* the same key twice */
        S("pogate-notify state 1\nmaps 1\0 0\n"),
        S("pogate-notify state 1\nmaps 1234567890123456789 0\n"),
        S("pogate-notify state"),
    };
    struct nstate s = { 0 };

    msg_set_level(MSG_LEVEL_ERROR);     /* the warnings are the point, not the output */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(&s, "pogate-notify state 1\nold 1 1\n");
        is_int(nstate_parse(&s, bad[i].s, bad[i].len, "state"), -1, "damaged state %zu refused", i);
        is_int(s.n, 0, "... a fresh start");
    }
    msg_set_level(MSG_LEVEL_INFO);
    nstate_free(&s);
#undef S
}

static void load_save(void)
{
    char dir[] = "/tmp/t_notify.XXXXXX", path[64];
    struct nstate s = { 0 };

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof(path), "%s/state", dir);
    is_int(nstate_load(&s, path), 0, "a missing file: an empty state");
    nstate_get(&s, "quota:hr", 42)->sent = 43;
    is_int(nstate_save(&s, path), 0, "saved");
    nstate_free(&s);
    is_int(nstate_load(&s, path), 0, "loaded");
    ok(s.n == 1 && strcmp(s.e[0].key, "quota:hr") == 0 && s.e[0].sent == 43, "... as saved");
    nstate_free(&s);
    unlink(path);
    rmdir(dir);
}

static void duration(void)
{
    char d[32];

    notice_duration(12, d, sizeof(d));
    is_str(d, "12s", "12 s");
    notice_duration(40 * 60 + 5, d, sizeof(d));
    is_str(d, "40m", "40 min");
    notice_duration(5 * 3600 + 12 * 60, d, sizeof(d));
    is_str(d, "5h 12m", "5 h 12 min");
    notice_duration(2 * 86400 + 3 * 3600 + 59, d, sizeof(d));
    is_str(d, "2d 3h", "2 days 3 h");
    notice_duration(-5, d, sizeof(d));
    is_str(d, "0s", "a clock gone back: 0 s");
}

static void mail(void)
{
    struct notice n = { .kind = NOTICE_HELD, .po = "sales", .domain = "sales.example.com", .count = 3 };
    char *to[] = { "postmaster@sales.example.com", "hostmaster@example.com" };
    struct notice_mail m = { "/etc/pogate", "pogate@relay.example.com", "relay.example.com", to, 2,
                             1796316461, 1796316461 - 5 * 3600, 86400, 7 };
    buf_t msg = BUF_INIT;

    notice_format(&n, &m, &msg);
    ok(strstr(msg.data, "\nAuto-Submitted: auto-generated\n") != NULL, "Auto-Submitted: auto-generated");
    ok(strstr(msg.data, "\nDate: Thu, 03 Dec 2026 16:47:41 +0000\n") != NULL, "Date");
    ok(strstr(msg.data, "\nMessage-ID: <1796316461.") != NULL && strstr(msg.data, ".7.notify@relay.example.com>\n"),
       "Message-ID");
    ok(strncmp(msg.data, "From: pogate-notify <pogate@relay.example.com>\n", 47) == 0, "From:");
    ok(strstr(msg.data, "\nTo: <postmaster@sales.example.com>,\n    <hostmaster@example.com>\n") != NULL, "To:");
    ok(strstr(msg.data, "\nSubject: pogate: 3 outbound messages of sales held for 5h 0m\n") != NULL, "Subject:");
    ok(strstr(msg.data, "\nX-Pogate-Notice: held:sales\n") != NULL, "X-Pogate-Notice");
    ok(strstr(msg.data, "\n\n3 outbound messages of postoffice sales are held") != NULL, "the facts");
    ok(strstr(msg.data, "    pogate-po -c /etc/pogate resume sales outbound\n") != NULL, "the command");
    ok(strstr(msg.data, "\r") == NULL, "LF line ends (sendmail -i takes them)");
    buf_reset(&msg);
    n = (struct notice) { .kind = NOTICE_MAPS, .since = 1796316461, .limit = 1 };
    buf_puts(&n.detail, "/etc/pogate/mailboxes:3: display name is not UTF-8 (\xc3\x28)\n");
    m.since = n.since;
    notice_format(&n, &m, &msg);
    ok(strstr(msg.data, "mailboxes:3: display name is not UTF-8 (?()\n") != NULL, "the errors, in US-ASCII");
    ok(strstr(msg.data, "    pogate-map -c /etc/pogate\n") != NULL, "... and the command");
    buf_free(&n.detail);
    buf_free(&msg);
}

/* A file of LEN bytes in DIR whose envelope names PO. */
static void bag_file(const char *dir, const char *name, const char *po, size_t len)
{
    struct envblock e = { .sender = "a@example.org", .po = po };
    buf_t b = BUF_INIT;
    char path[512];
    FILE *fp;

    envblock_write(&b, &e);
    while (b.len < len)
        buf_puts(&b, "x");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((fp = fopen(path, "w")) == NULL || fwrite(b.data, 1, len, fp) != len || fclose(fp) != 0)
        abort();
    buf_free(&b);
}

static int has_notice(const struct notices *l, const char *key)
{
    char k[128];

    for (int i = 0; i < l->n; i++) {
        notice_key(&l->v[i], k, sizeof(k));
        if (strcmp(k, key) == 0)
            return i;
    }
    return -1;
}

/* DOWN (via=HUB, quota=1k) holds 1,100 bytes in HUB's bag: over 90 %;
 * HUB's own file is not DOWN's. */
static void downstream_quota(void)
{
    struct notify_conf nc = { .quota_percent = 90, .backlog_after = 0, .paused_after = 86400 };
    struct notify_in in = { .confdir = fixture_dir, .nc = &nc, .now = time(NULL) };
    struct notices out = { 0 };
    struct stat_store st;
    struct po po;
    char store[600], bag[700], hold[600], cmd[2000];
    int i;

    fixture_init();
    fixture_write("postoffices", "HUB domain=hub.example.com store=mailbag\n"
                  "DOWN domain=down.example.com via=HUB quota=1k\n");
    fixture_write("mailboxes", "HUB/postmaster\nDOWN/postmaster\n");
    fixture_write("aliases", "");
    fixture_write("access", "");
    is_int(fixture_build(0), 0, "downstream: the maps compile");
    snprintf(store, sizeof(store), "%s/store", fixture_dir);
    snprintf(bag, sizeof(bag), "%s/hub/mailbag/new", store);
    snprintf(hold, sizeof(hold), "%s/hold", fixture_dir);
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s'", bag, hold);
    if (system(cmd) != 0)
        abort();
    bag_file(bag, "1.Q1.h,S=600", "down", 600);
    bag_file(bag, "2.Q2.h,S=500", "down", 500);
    bag_file(bag, "3.Q3.h,S=4000", "hub", 4000);
    in.store = store;
    in.hold_dir = hold;
    in.dir = podir_open(fixture_dir);
    ok(in.dir != NULL && podir_po(in.dir, "down", &po) == PODIR_FOUND, "... DOWN is in them");
    stat_store_scan(store, &po, &st);
    ok(st.used == 1100 && st.waiting == 2 && st.errors == 0,
       "pogate-stat: DOWN's used bytes are its files in the hub's bag (%lld, %lld waiting)", st.used, st.waiting);
    is_int(notify_find(&in, &out), 0, "notify_find");
    i = has_notice(&out, "quota:down");
    ok(i >= 0 && out.v[i].used == 1100 && out.v[i].limit == 1024, "a downstream postoffice's quota is noticed, with its own bytes");
    ok(has_notice(&out, "quota:hub") < 0, "... the hub has no quota");
    ok(has_notice(&out, "backlog:down") < 0, "... its waiting files are the hub's backlog, not its own");
    ok(has_notice(&out, "backlog:hub") >= 0, "... noticed there");
    notices_free(&out);
    podir_close(in.dir);
    fixture_cleanup();
}

int main(void)
{
    msg_open("t_notify", MSG_TO_STDERR);
    downstream_quota();
    round_trip();
    damaged();
    load_save();
    duration();
    mail();
    return done_testing();
}
