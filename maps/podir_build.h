/* podir_build.h - compile a config directory's maps into index.cdb and the MTA maps.
 *
 * podir_build() reads CONFDIR/postoffices, mailboxes, aliases and access,
 * checks each record and the maps against each other (every error reported as
 * "FILE:LINE: what is wrong (value)"), and only when all is well writes, each
 * atomically: NAME.cdb for each text map, relay_domains.cdb and transport.cdb
 * for Postfix's cdb: type, sendmail/relay-domains and sendmail/mailertable
 * for makemap, and last CONFDIR/index.cdb, the one file podir.h reads.
 *
 * The model below is shared by the loader (podir_build.c, podir_load.c) and the
 * writer (podir_index.c); programs use only podir_build().
 */
#ifndef POGATE_PODIR_BUILD_H
#define POGATE_PODIR_BUILD_H

#include "buf.h"
#include "cidr.h"
#include "podir.h"

struct podir_build_opts {
    const char *confdir;
    const char *transport;      /* pogate.conf mta_transport, e.g. "pogate:" */
    const char *trusted_networks;       /* pogate.conf (pogate-milter's): for Postfix's tables */
    int spf_on;                 /* pogate.conf spf is not off: the milter sees every client */
    int dry_run;                /* -n: check only, write nothing */
    int fold;                   /* lowercase keys (always, for these maps) */
};

/* 0: all written (or checked, with dry_run); 1: bad input, errors reported;
 * 75: temporary trouble (cannot read or write), reported. */
int podir_build(const struct podir_build_opts *o);

/* podir_build() with the options of DIR/pogate.conf (podir_conf.c): what
 * pogate-map does with no FILE. The same exit codes; a bad pogate.conf is 1. */
int podir_build_dir(const char *dir, int dry_run);

/* A build that fails (not a dry run) leaves CONFDIR/build-failed, written
 * atomically, and keeps the index.cdb that was there; the next build that
 * succeeds removes it. Nothing else reports a failed build after the fact,
 * so this is what pogate-notify(8) reads. Its text:
 *     pogate-map build-failed 1 TIME EXIT     (TIME seconds since the epoch;
 *                                              EXIT 1 bad input, 75 trouble)
 *     FILE:LINE: message                      (the first PODIR_FAILED_LINES
 *     ...                                      errors, as they were printed)
 */
#define PODIR_FAILED_FILE "build-failed"
#define PODIR_FAILED_LINES 20

/* Read CONFDIR/build-failed: 1 with *WHEN, *EXIT and the error lines in
 * ERRORS; 0 when there is none; -1 when it cannot be read or is not of the
 * form above (errno EINVAL), with the reason logged. */
int podir_build_failed(const char *confdir, long long *when, int *exit_status, buf_t *errors);

/* ---- the in-memory model (private to the builder) ---- */

struct bpo {
    char *name, *domain, *internal, *postmaster, *via, *charset;
    char **aliases;             /* alias domains */
    int naliases;
    enum po_store store;
    long long maxsize, quota;
    int outbound, autoreply, pickup, utf8;
    enum po_state state;
    enum po_content content;
    int max_line;               /* 0: not given */
    enum po_spoof spoof;
    int line;
    char *key, *value;          /* the raw record, for postoffices.cdb */
};

struct bmbx {
    char *po, *name, *address, *display;
    long long quota;
    int outbound;
    int line;
    char *key, *value;
};

struct balias {
    char *address;              /* "user@domain" or "@domain" */
    char *target;               /* "po/mbx" */
    int line;
};

struct bacc {
    struct cidr net;
    char *key;                  /* canonical "ADDR/LEN" */
    char *raw;                  /* as written */
    char *value;                /* OK, REJECT, TRUST (uppercase) */
    int line;
};

struct bdir {
    const struct podir_build_opts *o;
    char *path[4];              /* postoffices, mailboxes, aliases, access */
    struct bpo *pos;
    int npos;
    struct bmbx *mbxs;
    int nmbxs;
    struct balias *aliases;
    int naliases;
    struct bacc *acc;
    int nacc;
    struct strmap *po_by_name, *mbx_by_key, *domain_po, *addr_owner;
    int errors;
    int temp;                   /* a temporary failure happened */
    int present[4];             /* the text map exists */
    buf_t errtext;              /* the first PODIR_FAILED_LINES error lines, for build-failed */
    int nerrtext;
};

enum { MAP_POSTOFFICES, MAP_MAILBOXES, MAP_ALIASES, MAP_ACCESS };

/* Report "FILE:LINE: ..." for map WHICH and count the error. */
void bdir_error(struct bdir *b, int which, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Read and check the four maps into b (podir_load.c). */
void bdir_load(struct bdir *b);

/* Cross-check the maps (podir_build.c). */
void bdir_check(struct bdir *b);

/* Write every output (podir_index.c): 0; 1 (bad input) or 75 with the
 * reason logged. */
int bdir_write(struct bdir *b);

/* Checks shared by the loader, both addr.h's: NULL when D is a domain a
 * postoffice may have (a name, never an address literal), else the rule it
 * breaks; NULL when ADDRESS (lowercased) is a user@domain a map may hold
 * (the same domain rule, an unquoted local part, RFC 5321's lengths). */
const char *podir_domain_problem(const char *d);
const char *podir_address_problem(const char *address);

#endif
