/* pogate-map.c - compile, check, query and dump pogate's maps, postmap style.
 *
 * With no FILE (or a directory) it compiles the whole config directory:
 * the four postoffice maps are cross-checked and index.cdb, the per-map .cdb
 * files and the MTA-facing maps are written (podir_build.c). With FILE it
 * works on that one map (mapops.c). See pogate-map(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mapops.h"
#include "mem.h"
#include "podir_build.h"
#include "pogate_conf.h"

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-map [-c DIR] [-finrw] [FILE | DIR]...\n"
            "       pogate-map [-c DIR] [-f] -q KEY|- [FILE...]\n"
            "       pogate-map [-c DIR] -s [FILE...]\n");
    exit(1);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Keep the worst status: 75 over 1 over 0. */
static int worst(int a, int b)
{
    return a == 75 || b == 75 ? 75 : a > b ? a : b;
}

/* Index keys are "P:name": the prefix stays uppercase, the rest is folded. */
static char *index_key(const char *key)
{
    char *k = xstrdup(key), *colon = strchr(k, ':');

    str_lower(colon ? colon : k);
    for (char *s = k; colon && s < colon; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char) (*s - 'a' + 'A');
    return k;
}

/* -q: the first map holding the key answers, as postmap does. */
static int query(const char *key, char **maps, int n, const struct mapopts *o)
{
    int i, rc = 1;

    for (i = 0; i < n && rc == 1; i++)
        rc = strcmp(key, "-") == 0 ? mapops_query_stream(maps[i], STDIN_FILENO, o, stdout)
            : mapops_query(maps[i], key, o, stdout);
    return rc;
}

int main(int argc, char **argv)
{
    const char *confdir = POGATE_CONFDIR, *key = NULL;
    struct mapopts o = { 1, 0, CDBW_DUP_ERROR };
    int ch, dump = 0, incremental = 0, rc = 0, i;
    buf_t index = BUF_INIT;
    char *index_arg[1], *ikey = NULL;

    msg_open("pogate-map", MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:finq:rsw")) != -1) {
        switch (ch) {
        case 'c': confdir = optarg; break;
        case 'f': o.fold = 0; break;
        case 'i': incremental = 1; break;
        case 'n': o.dry_run = 1; break;
        case 'q': key = optarg; break;
        case 'r': o.dup = CDBW_DUP_REPLACE; break;
        case 's': dump = 1; break;
        case 'w': o.dup = CDBW_DUP_IGNORE; break;
        default: usage();
        }
    }
    argc -= optind, argv += optind;
    if ((key != NULL) + dump + incremental > 1 || (incremental && argc != 1))
        usage();
    if (key || dump) {
        if (argc == 0) {        /* the derived index itself, for diagnosis */
            buf_printf(&index, "%s/index.cdb", confdir);
            index_arg[0] = index.data;
            argv = index_arg, argc = 1;
            if (key && strcmp(key, "-") != 0 && o.fold)
                key = ikey = index_key(key), o.fold = 0;
        }
        if (key)
            rc = query(key, argv, argc, &o);
        for (i = 0; dump && i < argc; i++)
            rc = worst(rc, mapops_dump(argv[i], stdout));
    } else if (incremental) {
        rc = mapops_update(argv[0], stdin, &o);
    } else if (argc == 0) {
        rc = podir_build_dir(confdir, o.dry_run);
    } else {
        for (i = 0; i < argc; i++)
            rc = worst(rc, is_dir(argv[i]) ? podir_build_dir(argv[i], o.dry_run) : mapops_compile(argv[i], &o));
    }
    buf_free(&index);
    free(ikey);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = 75;
    return rc;
}
