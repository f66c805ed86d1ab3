/* mapops.c - compile, update, query and dump one map (mapops.h).
 *
 * The text map is read once and streamed into the CDB writer; duplicate
 * keys are found by the writer in the finished file (cdbwrite.c), so memory
 * stays what tinycdb needs (8 bytes a key) whatever the map's size. Only when
 * there are duplicates is the text read a second time, to name their lines.
 * The compiled file replaces the old one only when the whole text was good.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "idna.h"
#include "log.h"
#include "mapops.h"
#include "maptext.h"
#include "mem.h"
#include "podir.h"
#include "strmap.h"

/* MAP -> the compiled file's path (caller frees). */
static char *cdb_path(const char *map)
{
    size_t n;
    buf_t p = BUF_INIT;

    if (strncmp(map, "cdb:", 4) == 0)
        map += 4;
    n = strlen(map);
    buf_puts(&p, map);
    if (n < 4 || strcmp(map + n - 4, ".cdb") != 0)
        buf_puts(&p, ".cdb");
    return buf_steal(&p);
}

static int status_of_errno(int err)
{
    return cdb_errno_temporary(err) ? 75 : 1;
}

/* Put the records of M into W. Returns -1 on a read or write error. */
static int put_records(struct maptext *m, struct cdbw *w, const char *out)
{
    struct maprec r;
    int n;

    while ((n = maptext_next(m, &r)) > 0) {
        if (cdbw_put(w, r.key, r.klen, r.value, r.vlen) < 0) {
            msg_error("%s: write error: %m", out);
            return -1;
        }
    }
    if (n < 0) {
        msg_error("%s: read error: %m", maptext_name(m));
        return -1;
    }
    return 0;
}

/* -n still finds duplicates, so it writes a scratch file it throws away. */
static const char *scratch_path(void)
{
    static char path[1024];
    const char *tmp = getenv("TMPDIR");

    snprintf(path, sizeof(path), "%s/pogate-map-check.cdb", tmp && *tmp ? tmp : "/tmp");
    return path;
}

static void collect_dup(void *ctx, const char *key, size_t klen)
{
    char *k = xstrndup(key, klen);

    strmap_add(ctx, k, (void *) 1);
    free(k);
}

/* Read TEXT again and report each repeated key of DUPS at its line. */
static int report_dups(const char *text, const struct mapopts *o, struct strmap *dups)
{
    struct maptext *m = maptext_open(text, o->fold ? 0 : MAPTEXT_NO_FOLD);
    struct strmap *first = strmap_new();
    struct maprec r;
    int *line, *seen, errors = 0;

    while (m && maptext_next(m, &r) > 0) {
        if (strmap_get(dups, r.key) == NULL)
            continue;
        line = xmalloc(sizeof(*line));
        *line = r.line;
        if ((seen = strmap_add(first, r.key, line)) != NULL) {
            maptext_error(m, r.line, "duplicate key (%s), first at line %d: use -r to keep the last "
                          "value or -w the first", r.key, *seen);
            free(line);
        }
    }
    if (m)
        errors = maptext_errors(m);
    maptext_close(m);
    strmap_free_values(first);
    return errors;
}

/* Complete W after M was read: duplicates, then commit when all was good (and not -n).
 * TEXT is the text file, or NULL when the records came from stdin (-i). */
static int finish(struct maptext *m, struct cdbw *w, int failed, const char *out,
                  const struct mapopts *o, const char *text)
{
    int errors = maptext_errors(m);
    struct strmap *dups = strmap_new();
    long n = 0;

    if (!failed && !errors && (n = cdbw_finish(w, o->dup, collect_dup, dups)) < 0) {
        msg_error("%s: write error: %m", out);
        failed = 1;
    }
    if (n > 0 && o->dup == CDBW_DUP_ERROR) {
        if (text == NULL || (errors = report_dups(text, o, dups)) == 0)
            msg_error("%s: %ld duplicate key%s: use -r to keep the last value or -w the first",
                      text ? text : maptext_name(m), n, n == 1 ? "" : "s");
        errors = errors ? errors : (int) n;
    }
    strmap_free(dups);
    if (failed || errors || o->dry_run) {
        cdbw_abort(w);
        if (errors)
            msg_error("%s: %d error%s, %s not written", text ? text : maptext_name(m), errors,
                      errors == 1 ? "" : "s", out);
        return failed ? 75 : errors ? 1 : 0;
    }
    if (cdbw_commit(w) < 0) {
        msg_error("%s: cannot write: %m", out);
        return 75;
    }
    return 0;
}

int mapops_compile(const char *map, const struct mapopts *o)
{
    char *out = cdb_path(map);
    struct maptext *m;
    struct cdbw *w = NULL;
    int rc, failed;

    if ((m = maptext_open(map, o->fold ? 0 : MAPTEXT_NO_FOLD)) == NULL) {
        msg_error("%s: cannot open: %m", map);
        rc = errno == ENOENT ? 1 : status_of_errno(errno);
        free(out);
        return rc;
    }
    if ((w = cdbw_begin(o->dry_run ? scratch_path() : out)) == NULL) {
        msg_error("%s: cannot create: %m", out);
        maptext_close(m);
        free(out);
        return 75;
    }
    failed = put_records(m, w, out) < 0;
    rc = finish(m, w, failed, out, o, map);
    maptext_close(m);
    free(out);
    return rc;
}

/* Copy the live records of the existing compiled map into W. */
static int copy_existing(const char *path, struct cdbw *w)
{
    const char *why = NULL, *k, *v, *lv;
    size_t pos = 0, kl, vl, lvl;
    struct cdbr *r = cdbr_open(path, &why);
    int n = 0;

    if (r == NULL) {
        if (errno == ENOENT)
            return 0;
        msg_error("%s: %s", path, why ? why : strerror(errno));
        return why ? 1 : status_of_errno(errno);
    }
    while ((n = cdbr_next(r, &pos, &k, &kl, &v, &vl)) > 0) {
        if (cdbr_find(r, k, kl, &lv, &lvl) != 1 || lv != v)
            continue;           /* replaced by a later record */
        if (cdbw_put(w, k, kl, v, vl) < 0)
            break;
    }
    cdbr_close(r);
    if (n != 0) {
        msg_error("%s: %s", path, n < 0 ? "corrupt map" : strerror(errno));
        return n < 0 ? 1 : 75;
    }
    return 0;
}

int mapops_update(const char *map, FILE *in, const struct mapopts *o)
{
    char *out = cdb_path(map);
    struct maptext *m;
    struct cdbw *w;
    int rc, failed;

    if ((w = cdbw_begin(out)) == NULL) {
        msg_error("%s: cannot create: %m", out);
        free(out);
        return 75;
    }
    if ((rc = copy_existing(out, w)) != 0) {
        cdbw_abort(w);
        free(out);
        return rc;
    }
    m = maptext_stream(in, "-", o->fold ? 0 : MAPTEXT_NO_FOLD);
    failed = put_records(m, w, out) < 0;
    rc = finish(m, w, failed, out, o, NULL);
    maptext_close(m);
    free(out);
    return rc;
}

static struct cdbr *open_compiled(const char *map, int *rc)
{
    char *path = cdb_path(map);
    const char *why = NULL;
    struct cdbr *r = cdbr_open(path, &why);

    if (r == NULL) {
        msg_error("%s: %s", path, why ? why : strerror(errno));
        *rc = why || errno == ENOENT ? 1 : status_of_errno(errno);
    }
    free(path);
    return r;
}

/* KEY as a lookup key: lowercased unless -f, and a domain in U-labels
 * (bücher.example, user@BÜCHER.example) made A-labels, which every map
 * holds (idna.h); what is no IDNA2008 name is looked up as it is. */
static char *lookup_key(const char *key, const struct mapopts *o)
{
    char a[IDNA_DOMAIN_MAX + PODIR_ADDR_MAX + 2], *k;
    const char *why;

    k = xstrdup(o->fold && idna_is_8bit(key) && idna_key(key, a, sizeof(a), &why) == 0 ? a : key);
    if (o->fold)
        str_lower(k);
    return k;
}

static int query_one(struct cdbr *r, const char *key, const struct mapopts *o, FILE *out, int tab)
{
    char *k = lookup_key(key, o);
    const char *v;
    size_t vl;
    int n;

    n = cdbr_find(r, k, strlen(k), &v, &vl);
    if (n > 0) {
        if (tab)
            fprintf(out, "%s\t", key);
        fwrite(v, 1, vl, out);
        fputc('\n', out);
    }
    free(k);
    return n;
}

int mapops_query(const char *map, const char *key, const struct mapopts *o, FILE *out)
{
    int rc = 0, n;
    struct cdbr *r = open_compiled(map, &rc);

    if (r == NULL)
        return rc;
    n = query_one(r, key, o, out, 0);
    cdbr_close(r);
    if (n < 0)
        msg_error("%s: corrupt map", map);
    return n > 0 ? 0 : 1;
}

/* Lines of keys read with read(2), so that OUT is flushed only before a
 * read that may wait: a batch of keys is answered at full speed (a flush a
 * key cost one write(2) each), and a program that writes one key and waits
 * for its answer, as with a coprocess, still gets it at once. */
struct keyin {
    int fd;
    size_t pos, end;
    int eof;
    char buf[65536];
};

/* The next line into LINE, without its end: 1, or 0 at the end, -1 on error. */
static int next_key(struct keyin *in, buf_t *line, FILE *out)
{
    buf_reset(line);
    for (;;) {
        const char *p = in->buf + in->pos, *nl = memchr(p, '\n', in->end - in->pos);
        ssize_t n;

        if (nl != NULL) {
            buf_append(line, p, (size_t) (nl - p));
            in->pos += (size_t) (nl - p) + 1;
            return 1;
        }
        buf_append(line, p, in->end - in->pos);
        in->pos = in->end = 0;
        if (in->eof)
            return line->len > 0;
        fflush(out);
        if ((n = read(in->fd, in->buf, sizeof(in->buf))) < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        in->eof = n == 0;
        in->end = (size_t) n;
    }
}

int mapops_query_stream(const char *map, int in_fd, const struct mapopts *o, FILE *out)
{
    int rc = 0, got, n, found = 0;
    struct cdbr *r = open_compiled(map, &rc);
    struct keyin *in;
    buf_t line = BUF_INIT;

    if (r == NULL)
        return rc;
    in = xmalloc(sizeof(*in));
    in->fd = in_fd, in->pos = in->end = 0, in->eof = 0;
    while ((got = next_key(in, &line, out)) > 0) {
        while (line.len > 0 && line.data[line.len - 1] == '\r')
            buf_truncate(&line, line.len - 1);
        if ((n = query_one(r, line.len ? line.data : "", o, out, 1)) < 0) {
            msg_error("%s: corrupt map", map);
            break;
        }
        found += n;
    }
    if (got < 0)
        msg_error("standard input: %m");
    fflush(out);
    buf_free(&line);
    free(in);
    cdbr_close(r);
    return found ? 0 : 1;
}

static void print_escaped(FILE *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f || c == '\\')
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

int mapops_dump(const char *map, FILE *out)
{
    int rc = 0, n;
    struct cdbr *r = open_compiled(map, &rc);
    const char *k, *v, *lv;
    size_t pos = 0, kl, vl, lvl;

    if (r == NULL)
        return rc;
    while ((n = cdbr_next(r, &pos, &k, &kl, &v, &vl)) > 0) {
        if (cdbr_find(r, k, kl, &lv, &lvl) != 1 || lv != v)
            continue;           /* an older value that -r replaced */
        print_escaped(out, k, kl);
        fputc('\t', out);
        print_escaped(out, v, vl);
        fputc('\n', out);
    }
    cdbr_close(r);
    if (n < 0) {
        msg_error("%s: corrupt map", map);
        return 1;
    }
    return 0;
}
