/* t_podir.c - unit tests for maps/global/podir.c and podir_cache.c: lookups on a compiled
 * directory, snapshots, the daemons' cache, and corrupt or missing index files. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "podir.h"
#include "podir_fixture.h"
#include "tap.h"

static void resolve(struct podir *d)
{
    struct po po;
    struct mbx mbx;

    is_int(podir_resolve(d, "john.smith@sales.example.com", &po, &mbx), PODIR_FOUND, "public address resolves");
    is_str(mbx.po, "sales", "... PO name lowercase");
    is_str(mbx.name, "jsmith", "... mailbox name lowercase");
    is_str(mbx.address, "john.smith@sales.example.com", "... canonical address");
    is_str(mbx.display_name, "John Smith", "... display name");
    is_int(mbx.quota, 500LL << 20, "... mailbox quota 500M");
    is_str(po.name, "sales", "... with its PO");
    is_int(po.maxsize, 10LL << 20, "... PO maxsize");
    is_int(po.quota, 2LL << 30, "... PO quota");
    is_str(po.alias_domains, "sales.example.org s.example", "... alias domains");
    is_str(po.internal, "sales.po", "... internal domain");
    is_int(po.autoreply, 0, "... autoreply=no");
    is_int(po.outbound, 1, "... outbound default yes");
    is_int(po.store, PO_STORE_MAILDIR, "... store default maildir");
    is_int(po.state, PO_ACTIVE, "... state default active");
    is_int(po.paused + po.held, 0, "... neither direction stopped");
    is_int(podir_resolve(d, "JOHN.Smith@Sales.Example.COM", NULL, &mbx), PODIR_FOUND, "lookup is case-insensitive");
    is_int(podir_resolve(d, "js@sales.example.com", &po, &mbx), PODIR_FOUND, "alias resolves");
    is_str(mbx.name, "jsmith", "... to its mailbox");
    is_int(podir_resolve(d, "anything@sales.example.org", &po, &mbx), PODIR_FOUND, "catch-all alias");
    is_str(mbx.name, "inbox", "... to the catch-all mailbox");
    is_int(podir_resolve(d, "nobody@sales.example.com", &po, &mbx), PODIR_NO_MAILBOX, "unknown user at a PO domain");
    is_int(podir_resolve(d, "user@example.net", &po, &mbx), PODIR_NOT_PO, "other domains are not ours");
    is_int(podir_resolve(d, "postmaster", &po, &mbx), PODIR_NOT_PO, "a bare local name is not ours");
    is_int(podir_resolve(d, "jsmith@sales.po", &po, &mbx), PODIR_FOUND, "internal address resolves inbound");
    is_int(podir_resolve(d, "postmaster@sales.example.org", &po, &mbx), PODIR_FOUND, "postmaster@ alias domain");
    is_str(mbx.name, "postmaster", "... before the catch-all");
    is_int(podir_resolve(d, "postmaster@s.example", &po, &mbx), PODIR_FOUND, "explicit postmaster alias");
    is_str(mbx.name, "jsmith", "... wins over the default");
    is_int(podir_resolve(d, "postmaster@hub.example.com", &po, &mbx), PODIR_FOUND, "postmaster= attribute");
    is_str(mbx.name, "admin", "... names the mailbox");
    is_str(mbx.display_name, "Hub Admin \xc3\xa9", "UTF-8 display name kept");
    is_int(po.state, PO_PAUSED, "state=paused");
    is_int(po.paused, 1, "... inbound stopped");
    is_int(po.held, 1, "... outbound held");
    is_int(po.store, PO_STORE_MAILBAG, "store=mailbag");
    is_int(podir_resolve(d, "postmaster@branch.example.com", &po, &mbx), PODIR_FOUND, "default postmaster mailbox");
    is_str(po.via, "hub", "via=HUB");
    is_int(po.state, PO_ACTIVE, "downstream PO: its own state active");
    is_int(po.paused, 1, "... inbound stopped by its paused hub");
    is_int(po.held, 1, "... outbound held by its paused hub");
    is_int(po.outbound, 0, "outbound=no");
}

static void sender_and_domain(struct podir *d)
{
    struct po po;
    struct mbx mbx;

    is_int(podir_sender(d, "jsmith@sales.po", &po, &mbx), PODIR_FOUND, "internal sender address");
    is_str(mbx.address, "john.smith@sales.example.com", "... gives the public address");
    is_int(podir_sender(d, "John.Smith@sales.example.com", &po, &mbx), PODIR_FOUND, "public sender address");
    is_int(podir_sender(d, "inbox@sales.example.com", &po, &mbx), PODIR_FOUND, "another mailbox");
    is_int(mbx.outbound, 0, "... with outbound=no");
    is_int(podir_sender(d, "js@sales.example.com", &po, &mbx), PODIR_NO_MAILBOX, "an alias is not a sender");
    is_int(podir_sender(d, "x@sales.example.org", &po, &mbx), PODIR_NO_MAILBOX, "no catch-all for senders");
    is_int(podir_sender(d, "x@example.net", &po, &mbx), PODIR_NOT_PO, "foreign sender");
    is_int(podir_domain(d, "SALES.example.ORG", &po), PODIR_FOUND, "alias domain -> PO");
    is_str(po.name, "sales", "... sales");
    is_int(podir_domain(d, "sales.po", NULL), PODIR_FOUND, "internal domain, membership only");
    is_int(podir_domain(d, "example.net", &po), PODIR_NOT_PO, "foreign domain");
    is_int(podir_po(d, "HUB", &po), PODIR_FOUND, "PO by name, any case");
    is_str(po.domain, "hub.example.com", "... its domain");
    is_int(podir_po(d, "nope", &po), PODIR_NOT_PO, "unknown PO name");
    is_int(podir_max_size(d), 0, "max size 0 when some PO has no limit");
    is_int(podir_po_count(d), 3, "three POs");
    is_int(podir_po_at(d, 2, &po), PODIR_FOUND, "third PO");
    is_str(po.name, "branch", "... in file order");
    is_int(podir_po_at(d, 3, &po), PODIR_NOT_PO, "past the end");
}

static enum podir_access sa4(struct podir *d, const char *ip)
{
    struct sockaddr_in sin = { 0 };

    sin.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &sin.sin_addr);
    return podir_access_sa(d, (struct sockaddr *) &sin);
}

static enum podir_access sa6(struct podir *d, const char *ip)
{
    struct sockaddr_in6 sin6 = { 0 };

    sin6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &sin6.sin6_addr);
    return podir_access_sa(d, (struct sockaddr *) &sin6);
}

static void access_map(struct podir *d)
{
    is_int(podir_access(d, "192.0.2.1"), ACCESS_TRUST, "v4 in /24");
    is_int(podir_access(d, "192.0.2.200"), ACCESS_REJECT, "v4 in the longer /25 wins");
    is_int(podir_access(d, "203.0.113.7"), ACCESS_OK, "exact v4 address");
    is_int(podir_access(d, "203.0.113.8"), ACCESS_NONE, "neighbour not listed");
    is_int(podir_access(d, "2001:db8:ffff::1"), ACCESS_REJECT, "v6 in /32");
    is_int(podir_access(d, "2001:DB8:1::25"), ACCESS_TRUST, "v6 in the longer /48 wins");
    is_int(podir_access(d, "::ffff:192.0.2.5"), ACCESS_TRUST, "v4-mapped v6 treated as v4");
    is_int(podir_access(d, "not an ip"), ACCESS_NONE, "garbage is no match");
    is_int(sa4(d, "192.0.2.130"), ACCESS_REJECT, "sockaddr_in");
    is_int(sa6(d, "2001:db8:1::1"), ACCESS_TRUST, "sockaddr_in6");
    is_int(sa6(d, "::ffff:203.0.113.7"), ACCESS_OK, "v4-mapped sockaddr_in6");
}

static char index_path[600];

static void corrupt(void)
{
    char buf[8192];
    int fd;
    ssize_t n;
    struct podir *d;

    snprintf(index_path, sizeof(index_path), "%s/index.cdb", fixture_dir);
    fd = open(index_path, O_RDWR);
    n = read(fd, buf, sizeof(buf));
    ok(n > 2048, "index read");
    ok(ftruncate(fd, 1000) == 0, "truncated to 1000 bytes");
    ok(podir_open(fixture_dir) == NULL && errno == EPROTO, "truncated index refused (EPROTO)");
    ok(ftruncate(fd, n - 10) == 0, "truncated inside the hash tables");
    ok(podir_open(fixture_dir) == NULL, "tables outside the file refused");
    memset(buf + 2048, 0xff, 64);       /* first record's lengths and key: garbage */
    ok(ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t) n, 0) == n, "records overwritten");
    d = podir_open(fixture_dir);
    ok(d == NULL, "index whose version record is garbage refused");
    podir_close(d);
    close(fd);
    unlink(index_path);
    ok(podir_open(fixture_dir) == NULL && errno == ENOENT, "missing index: NULL, ENOENT");
    fixture_write("index.cdb", "");
    ok(podir_open(fixture_dir) == NULL, "empty index refused");
}

static void *reader(void *arg)
{
    struct podir_cache *c = arg;
    struct podir *d;
    int i, bad = 0;

    for (i = 0; i < 2000; i++) {
        if ((d = podir_get(c)) == NULL || podir_domain(d, "sales.example.com", NULL) != PODIR_FOUND)
            bad++;
        podir_put(d);
    }
    return (void *) (long) bad;
}

static void cache(void)
{
    struct podir_cache *c;
    struct podir *old, *cur;
    struct mbx mbx;
    pthread_t t[4];
    void *bad;
    long total = 0;
    int i;

    is_int(fixture_build(0), 0, "fresh build");
    c = podir_cache_new(fixture_dir);
    old = podir_get(c);
    ok(old != NULL, "cache gives a snapshot");
    ok(podir_get(c) == old, "same snapshot while the file is unchanged");
    podir_put(old);
    fixture_write("aliases", "new@sales.example.com SALES/JSMITH\n");
    is_int(fixture_build(0), 0, "rebuild with a new alias");
    podir_cache_reload(c);
    cur = podir_get(c);
    ok(cur != NULL && cur != old, "after reload: a new snapshot");
    is_int(podir_resolve(cur, "new@sales.example.com", NULL, &mbx), PODIR_FOUND, "new snapshot sees the new alias");
    is_int(podir_resolve(old, "new@sales.example.com", NULL, &mbx), PODIR_NO_MAILBOX, "old snapshot is unchanged");
    is_int(podir_resolve(old, "js@sales.example.com", NULL, &mbx), PODIR_FOUND, "old snapshot still readable");
    podir_put(old);
    podir_put(cur);
    for (i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, reader, c);
    for (i = 0; i < 3; i++) {
        fixture_build(0);
        podir_cache_reload(c);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], &bad);
        total += (long) bad;
    }
    is_int(total, 0, "4 threads x 2000 lookups during rebuilds: no failure");
    unlink(index_path);
    fixture_write("index.cdb", "garbage");
    podir_cache_reload(c);
    cur = podir_get(c);
    ok(cur != NULL, "broken new index: the cache keeps the last good snapshot");
    podir_put(cur);
    podir_cache_free(c);
    c = podir_cache_new(fixture_dir);
    ok(podir_get(c) == NULL, "no good index at all: NULL");
    podir_cache_free(c);
}

int main(void)
{
    struct podir *d;
    int saved = dup(2), null = open("/dev/null", O_WRONLY);

    msg_open("t_podir", MSG_TO_STDERR);
    fixture_init();
    is_int(fixture_build(0), 0, "fixture directory compiles");
    ok((d = podir_open(fixture_dir)) != NULL, "podir_open");
    if (d == NULL)
        return done_testing();
    resolve(d);
    sender_and_domain(d);
    access_map(d);
    podir_close(d);
    dup2(null, 2);
    corrupt();
    cache();
    dup2(saved, 2);
    is_int(podir_name_ok("sales-1.x_y"), 1, "safe name");
    is_int(podir_name_ok(".hidden"), 0, "leading dot refused");
    is_int(podir_name_ok("a/b"), 0, "slash refused");
    is_int(podir_name_ok("Upper"), 0, "uppercase refused (names are lowercase on disk)");
    is_int(podir_name_ok(""), 0, "empty refused");
    is_int(podir_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0, "65 bytes refused");
    fixture_cleanup();
    return done_testing();
}
