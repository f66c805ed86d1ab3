/* t_cdbfile.c - unit tests for maps/util/cdbwrite.c and cdbread.c: atomic writes,
 * duplicate keys, interoperability with tinycdb, and hostile files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cdb.h>

#include "cdbfile.h"
#include "cidr.h"
#include "tap.h"

static char dir[] = "/tmp/t_cdbfile.XXXXXX";
static char path[600];

static int entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' || (e->d_name[1] && e->d_name[1] != '.');
    if (d)
        closedir(d);
    return n;
}

static int value_is(const struct cdbr *r, const char *key, const char *want)
{
    const char *v;
    size_t len;

    return cdbr_find(r, key, strlen(key), &v, &len) == 1 && len == strlen(want) && memcmp(v, want, len) == 0;
}

static int ndups;
static char dupkeys[256];

static void on_dup(void *ctx, const char *key, size_t klen)
{
    (void) ctx;
    ndups++;
    {
        size_t used = strlen(dupkeys);

        snprintf(dupkeys + used, sizeof(dupkeys) - used, "%.*s", (int) klen, key);
    }
}

static void writer(void)
{
    struct cdbw *w;
    struct cdbr *r;
    struct cdb c;
    int fd;
    char v[16];

    ok((w = cdbw_begin(path)) != NULL, "begin");
    is_int(cdbw_put(w, "a", 1, "1", 1), 0, "put a");
    is_int(cdbw_put(w, "b", 1, "2", 1), 0, "put b");
    is_int(cdbw_put(w, "a", 1, "x", 1), 0, "put a again");
    is_int(cdbw_put(w, "b", 1, "3", 1), 0, "put b again");
    is_int(cdbw_put(w, "b", 1, "4", 1), 0, "put b a third time");
    is_int(cdbw_put(w, "", 0, "empty", 5), 0, "empty key allowed");
    is_int(cdbw_count(w), 6, "six records");
    is_int(entries(), 1, "only the temporary file exists before commit");
    is_int(cdbw_finish(w, CDBW_DUP_ERROR, on_dup, NULL), 3, "finish finds 3 extra records");
    is_int(ndups, 3, "... reported one by one");
    ok(strcmp(dupkeys, "abb") == 0 || strcmp(dupkeys, "bba") == 0, "... naming their keys (%s)", dupkeys);
    is_int(cdbw_commit(w), 0, "commit");
    is_int(entries(), 1, "after commit: just the map, no temporary file");
    ok((r = cdbr_open(path, NULL)) != NULL, "reader opens it");
    ok(value_is(r, "a", "1"), "first value found (default and -w)");
    ok(value_is(r, "b", "2"), "first value of b");
    ok(value_is(r, "", "empty"), "empty key");
    ok(!value_is(r, "c", ""), "absent key");
    cdbr_close(r);

    w = cdbw_begin(path);
    cdbw_put(w, "a", 1, "1", 1);
    cdbw_put(w, "b", 1, "2", 1);
    cdbw_put(w, "a", 1, "x", 1);
    cdbw_put(w, "b", 1, "3", 1);
    cdbw_put(w, "b", 1, "4", 1);
    is_int(cdbw_finish(w, CDBW_DUP_REPLACE, NULL, NULL), 3, "-r: 3 extra records");
    is_int(cdbw_commit(w), 0, "commit");
    ok((r = cdbr_open(path, NULL)) != NULL && value_is(r, "a", "x") && value_is(r, "b", "4"),
       "-r: the last value is the one found");
    cdbr_close(r);
    fd = open(path, O_RDONLY);
    ok(cdb_init(&c, fd) == 0 && cdb_find(&c, "b", 1) == 1 && cdb_datalen(&c) == 1
       && cdb_read(&c, v, 1, cdb_datapos(&c)) == 0 && v[0] == '4', "tinycdb's own reader agrees on -r");
    cdb_free(&c);
    close(fd);

    ok((w = cdbw_begin(path)) != NULL, "second writer");
    cdbw_put(w, "z", 1, "9", 1);
    cdbw_abort(w);
    is_int(entries(), 1, "abort removes the temporary file");
    ok((r = cdbr_open(path, NULL)) != NULL && value_is(r, "a", "x") && !value_is(r, "z", "9"),
       "abort leaves the old map as it was");
    cdbr_close(r);
    ok(cdbw_begin("/nonexistent/dir/x.cdb") == NULL && errno == ENOENT, "begin in a missing dir: ENOENT");
    ok(cdb_errno_temporary(ENOSPC) && cdb_errno_temporary(EACCES) && !cdb_errno_temporary(ENOENT),
       "ENOSPC and EACCES are temporary, ENOENT is not");
}

static void many(void)
{
    struct cdbw *w = cdbw_begin(path);
    struct cdbr *r;
    char k[32], v[32];
    int i, found = 0;

    for (i = 0; i < 200000; i++) {
        snprintf(k, sizeof(k), "key%d", i);
        cdbw_put(w, k, strlen(k), k, strlen(k));
    }
    for (i = 0; i < 200000; i += 1000) {
        snprintf(k, sizeof(k), "key%d", i);
        cdbw_put(w, k, strlen(k), "new", 3);
    }
    ndups = 0;
    dupkeys[0] = 0;
    is_int(cdbw_finish(w, CDBW_DUP_REPLACE, on_dup, NULL), 200, "200000 keys + 200 repeats: exactly 200 found");
    is_int(cdbw_commit(w), 0, "commit");
    r = cdbr_open(path, NULL);
    for (i = 0; r && i < 200000; i += 7) {
        snprintf(k, sizeof(k), "key%d", i);
        snprintf(v, sizeof(v), "%s", i % 1000 ? k : "new");
        found += value_is(r, k, v);
    }
    is_int(found, (200000 + 6) / 7, "every sampled key reads back its (last) value");
    cdbr_close(r);
}

/* A valid small CDB image in memory, to damage. */
static unsigned char *image(size_t *len)
{
    struct cdbw *w = cdbw_begin(path);
    unsigned char *mem;
    FILE *fp;

    cdbw_put(w, "key", 3, "value", 5);
    cdbw_commit(w);
    fp = fopen(path, "rb");
    mem = malloc(4096);
    *len = fread(mem, 1, 4096, fp);
    fclose(fp);
    return mem;
}

static void hostile(void)
{
    size_t len, pos = 0, kl, vl;
    unsigned char *m = image(&len), *copy = malloc(len);
    const char *why = "", *k, *v;
    struct cdbr *r;

    ok(len == 2048 + 8 + 3 + 5 + 256 * 0 + 16, "image is TOC + one record + one 2-slot table");
    ok((r = cdbr_mem(m, len, &why)) != NULL, "image opens from memory");
    ok(r && cdbr_next(r, &pos, &k, &kl, &v, &vl) == 1 && kl == 3 && vl == 5, "iterate: the record");
    ok(r && cdbr_next(r, &pos, &k, &kl, &v, &vl) == 0, "iterate: the end");
    cdbr_close(r);
    ok(cdbr_mem(m, 2047, &why) == NULL && errno == EPROTO, "shorter than the TOC refused");
    ok(strstr(why, "truncated") != NULL, "... reason says truncated");
    ok(cdbr_mem(m, len - 1, &why) == NULL, "table cut short refused");
    memcpy(copy, m, len);
    copy[2048 + 3] = 0x7f;      /* key length 0x7f000003: past the end */
    r = cdbr_mem(copy, len, &why);
    ok(r != NULL, "damaged record: TOC still fine");
    ok(r && cdbr_find(r, "key", 3, &k, &kl) == -1 && errno == EPROTO, "lookup says corrupt, reads nothing");
    pos = 0;
    ok(r && cdbr_next(r, &pos, &k, &kl, &v, &vl) == -1, "iteration says corrupt");
    cdbr_close(r);
    memcpy(copy, m, len);
    copy[0] = 0xff, copy[1] = 0xff, copy[2] = 0xff, copy[3] = 0x7f;
    ok(cdbr_mem(copy, len, &why) == NULL, "TOC pointing past the end refused");
    memcpy(copy, m, len);
    copy[4] = 0xff, copy[5] = 0xff, copy[6] = 0xff, copy[7] = 0xff;
    ok(cdbr_mem(copy, len, &why) == NULL, "TOC with a huge slot count refused");
    free(copy);
    free(m);
}

static void cidr(void)
{
    struct cidr c;
    const char *why;
    char key[CIDR_KEY_MAX];

    ok(cidr_parse("192.0.2.0/24", &c, &why) == 0 && c.family == 4 && c.len == 24, "v4 network");
    ok(cidr_parse("2001:DB8:0::/32", &c, &why) == 0 && c.family == 6, "v6 network");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "2001:db8::/32", "canonical v6 key");
    ok(cidr_parse("203.0.113.7", &c, &why) == 0 && c.len == 32, "single address is /32");
    ok(cidr_parse("192.0.2.0/", &c, &why) < 0, "empty prefix length");
    ok(cidr_parse("192.0.2.0/+8", &c, &why) < 0, "signed prefix length");
    ok(cidr_parse("::ffff:192.0.2.1", &c, &why) < 0, "v4-mapped in the map refused (write v4)");
    ok(cidr_parse("0.0.0.0/0", &c, &why) == 0 && c.len == 0, "default route");
    ok(cidr_addr("::ffff:192.0.2.1", &c) == 0 && c.family == 4, "v4-mapped client is v4");
    ok(cidr_addr("1.2.3", &c) < 0, "short v4 refused");

    /* Keys are written by hand, not by printf: every digit count. */
    ok(cidr_parse("10.200.3.0/24", &c, &why) == 0, "v4 with 1-, 2- and 3-digit octets");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "10.200.3.0/24", "v4 key");
    ok(cidr_parse("255.255.255.255", &c, &why) == 0, "v4 all ones");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "255.255.255.255/32", "v4 host key");
    ok(cidr_parse("0.0.0.0/0", &c, &why) == 0, "v4 default");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "0.0.0.0/0", "v4 default key");
    ok(cidr_parse("2001:db8::1", &c, &why) == 0, "v6 host");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "2001:db8::1/128", "v6 three-digit prefix length");
    cidr_key(&c, key, 8);
    is_str(key, "2001:db", "key truncated to the buffer, terminated");

    struct sockaddr_in in4 = { .sin_family = AF_INET };
    struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

    inet_pton(AF_INET, "192.0.2.9", &in4.sin_addr);
    ok(cidr_from_sa((struct sockaddr *) &in4, &c) == 0 && c.family == 4 && c.len == 32, "sockaddr_in");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "192.0.2.9/32", "sockaddr_in key");
    inet_pton(AF_INET6, "::ffff:198.51.100.20", &in6.sin6_addr);
    ok(cidr_from_sa((struct sockaddr *) &in6, &c) == 0 && c.family == 4, "v4-mapped sockaddr_in6 is v4");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "198.51.100.20/32", "v4-mapped key");
    inet_pton(AF_INET6, "2001:db8:0:1::5", &in6.sin6_addr);
    ok(cidr_from_sa((struct sockaddr *) &in6, &c) == 0 && c.family == 6 && c.len == 128, "sockaddr_in6");
    cidr_key(&c, key, sizeof(key));
    is_str(key, "2001:db8:0:1::5/128", "sockaddr_in6 key");
    ok(cidr_from_sa(NULL, &c) < 0, "no sockaddr");

    struct cidr net, a;

    cidr_parse("10.1.0.0/16", &net, &why);
    ok(cidr_addr("10.1.200.3", &a) == 0 && cidr_match(&net, &a), "10.1.200.3 in 10.1.0.0/16");
    ok(cidr_addr("10.2.0.1", &a) == 0 && !cidr_match(&net, &a), "10.2.0.1 not in 10.1.0.0/16");
    ok(cidr_addr("::ffff:10.1.0.9", &a) == 0 && cidr_match(&net, &a), "v4-mapped client in a v4 network");
    cidr_parse("172.16.0.0/12", &net, &why);
    ok(cidr_addr("172.31.255.1", &a) == 0 && cidr_match(&net, &a), "172.31.255.1 in /12 (bits within a byte)");
    ok(cidr_addr("172.32.0.1", &a) == 0 && !cidr_match(&net, &a), "172.32.0.1 not in /12");
    cidr_parse("2001:db8:1::/48", &net, &why);
    ok(cidr_addr("2001:db8:1:ff::1", &a) == 0 && cidr_match(&net, &a), "v6 in /48");
    ok(cidr_addr("2001:db8:2::1", &a) == 0 && !cidr_match(&net, &a), "v6 not in /48");
    ok(cidr_addr("10.1.0.1", &a) == 0 && !cidr_match(&net, &a), "v4 never in a v6 network");
    cidr_parse("0.0.0.0/0", &net, &why);
    ok(cidr_addr("203.0.113.1", &a) == 0 && cidr_match(&net, &a), "everything v4 in 0.0.0.0/0");
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/t.cdb", dir);
    writer();
    many();
    hostile();
    cidr();
    unlink(path);
    rmdir(dir);
    return done_testing();
}
