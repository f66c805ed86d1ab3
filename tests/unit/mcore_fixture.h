/* mcore_fixture.h - what the unit tests of the milter's decisions share: the
 * compiled postoffice directory of podir_fixture.h opened as a snapshot, a
 * copy of its index with one record spoilt (a map the reader finds corrupt:
 * the decisions must tempfail, never reject), and socket addresses from text.
 */
#ifndef POGATE_MCORE_FIXTURE_H
#define POGATE_MCORE_FIXTURE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cdbfile.h"
#include "log.h"
#include "podir.h"
#include "podir_fixture.h"
#include "poindex.h"

/* The fixture directory, with map MAP holding TEXT instead when MAP is not
 * NULL, compiled and opened; exits when it does not compile. */
__attribute__((unused)) static struct podir *mcore_maps(const char *map, const char *text)
{
    struct podir *d;

    msg_open("t_mcore", MSG_TO_STDERR);
    fixture_init();
    if (map)
        fixture_write(map, text);
    if (fixture_build(0) != 0 || (d = podir_open(fixture_dir)) == NULL) {
        fprintf(stderr, "the fixture directory does not compile\n");
        fixture_cleanup();
        exit(2);
    }
    return d;
}

/* A snapshot of a copy of the fixture's index in which the record KEY (a
 * poindex.h prefix and its key, e.g. "M:sales/jsmith") holds VALUE instead;
 * NULL when it cannot be made. Its errors go to stderr, as the daemon logs them. */
__attribute__((unused)) static struct podir *mcore_spoilt(const char *key, const char *value)
{
    static int n;
    char dir[600], path[700], from[700];
    struct cdbr *r;
    struct cdbw *w;
    const char *k, *v, *why;
    size_t klen, vlen, pos = 0;
    int rc;

    snprintf(from, sizeof(from), "%s/index.cdb", fixture_dir);
    snprintf(dir, sizeof(dir), "%s/spoilt%d", fixture_dir, ++n);
    snprintf(path, sizeof(path), "%s/index.cdb", dir);
    if (mkdir(dir, 0700) != 0 || (r = cdbr_open(from, &why)) == NULL || (w = cdbw_begin(path)) == NULL)
        return NULL;
    while ((rc = cdbr_next(r, &pos, &k, &klen, &v, &vlen)) == 1) {
        if (klen == strlen(key) && memcmp(k, key, klen) == 0)
            v = value, vlen = strlen(value);
        cdbw_put(w, k, klen, v, vlen);
    }
    cdbr_close(r);
    if (rc < 0 || cdbw_commit(w) != 0)
        return NULL;
    return podir_open(dir);
}

/* IP (IPv4 or IPv6 text) as a socket address in *SS. */
__attribute__((unused)) static const struct sockaddr *sa_of(const char *ip, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) (void *) ss;

        s6->sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
            return NULL;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *) (void *) ss;

        s4->sin_family = AF_INET;
        if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
            return NULL;
    }
    return (const struct sockaddr *) ss;
}

#endif
