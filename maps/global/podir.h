/* podir.h - the postoffice directory: one consistent, read-only snapshot of all maps.
 *
 * pogate-map compiles the text maps (postoffices, mailboxes, aliases, access)
 * of a config directory, cross-validates them, and writes every index the
 * programs need into ONE file, CONFDIR/index.cdb (tmp, fsync, rename, fsync
 * dir). A snapshot is that one file mapped: a reader sees the old directory or
 * the new one, never a mix, by construction.
 *
 * The daemons hold a podir_cache: podir_get() returns the current snapshot
 * with a reference (re-opened when index.cdb changed on disk, checked at most
 * once a second, or at once after podir_cache_reload()); podir_put() drops
 * it. A session keeps the snapshot it started with until it ends.
 *
 * All strings returned point into the snapshot or into the caller's struct and
 * stay valid until podir_put()/podir_close() of that snapshot.
 */
#ifndef POGATE_PODIR_H
#define POGATE_PODIR_H

#include <sys/socket.h>

#include "postate.h"

#define PODIR_NAME_MAX 64       /* PO and mailbox names: [a-z0-9._-], not starting with '.' */
#define PODIR_ADDR_MAX 320      /* RFC 5321 path limit, with room */

enum po_store { PO_STORE_MAILDIR, PO_STORE_MAILBAG };

/* content=: stored as received, or made 7-bit at delivery (lda/mime7.h). */
enum po_content { PO_CONTENT_RAW, PO_CONTENT_7BIT };
#define PO_LINE_MIN 78          /* max_line: a folded header line must fit */
#define PO_LINE_MAX 998         /* RFC 5322 2.1.1, and the default */
/* spoof=: what pogate-milter does with inbound mail from an untrusted client
 * whose From:, Sender: or Reply-To: names an address at this PO's domains. */
enum po_spoof { PO_SPOOF_OFF, PO_SPOOF_TAG, PO_SPOOF_REJECT };

/* One postoffice (postoffices map). */
struct po {
    const char *name;           /* lowercase, safe as a path component */
    const char *domain;         /* public domain */
    const char *alias_domains;  /* space-separated, "" if none */
    const char *internal;       /* internal domain used by PO software, "" if none */
    enum po_store store;
    long long maxsize;          /* bytes; 0 = no limit */
    long long quota;            /* bytes; 0 = no quota */
    int outbound;               /* 1: users may send to the Internet */
    int autoreply;              /* 1: auto-replies may leave for the Internet */
    enum po_state state;        /* state= of this PO as written (postate.h) */
    int paused;                 /* inbound stopped, by its state or its hub's: deliveries defer (4.2.1) */
    int held;                   /* outbound stopped, by its state or its hub's: outbound mail is held */
    const char *postmaster;     /* mailbox name in this PO that postmaster@ reaches */
    const char *via;            /* hub PO name for a downstream PO, "" if none */
    enum po_content content;
    int max_line;               /* content=7bit: longest line; 0 = the default, 998 */
    const char *charset;        /* content=7bit: convert text to it; "" or NULL: leave it */
    int pickup;                 /* 1: pogate-pickup sends what it leaves in outbag/new */
    int utf8;                   /* 1: its software stores UTF-8 (SMTPUTF8) addresses */
    enum po_spoof spoof;
};

/* One mailbox (mailboxes map), filled in a caller-owned struct. */
struct mbx {
    char po[PODIR_NAME_MAX + 1];
    char name[PODIR_NAME_MAX + 1];
    char address[PODIR_ADDR_MAX + 1];   /* public address */
    char display_name[256];             /* UTF-8, no CR/LF/NUL (pogate-map refuses those) */
    long long quota;            /* bytes; 0 = the PO's quota only */
    int outbound;
};

enum podir_result {
    PODIR_ERROR = -1,           /* map unreadable or corrupt: tempfail, never reject */
    PODIR_NOT_PO = 0,           /* the domain is not a postoffice domain: not pogate's business */
    PODIR_FOUND = 1,
    PODIR_NO_MAILBOX = 2        /* a PO domain, but no such mailbox: 5.1.1 */
};

/* ACCESS_ERROR: the record of the matching network cannot be read (a corrupt
 * index): tempfail, never reject, never trust. */
enum podir_access { ACCESS_NONE, ACCESS_OK, ACCESS_REJECT, ACCESS_TRUST, ACCESS_ERROR };

struct podir;                   /* one snapshot (opaque) */
struct podir_cache;             /* a refcounted "current snapshot" holder for daemons */

/* Open CONFDIR/index.cdb. NULL on error, with errno set and a reason logged. */
struct podir *podir_open(const char *confdir);
void podir_close(struct podir *d);

/* Domain (public, alias or internal) -> PO. po may be NULL to test membership. */
enum podir_result podir_domain(struct podir *d, const char *domain, struct po *po);

/* PO by name. */
enum podir_result podir_po(struct podir *d, const char *name, struct po *po);

/* Inbound recipient -> PO and mailbox: full address (public or alias), then the
 * PO's @domain catch-all alias, then postmaster@ every PO domain. Case-insensitive.
 * PODIR_NO_MAILBOX fills *po with the domain's postoffice (podir_sender too). */
enum podir_result podir_resolve(struct podir *d, const char *address, struct po *po, struct mbx *mbx);

/* Outbound sender (internal or public address of a mailbox) -> PO and mailbox. */
enum podir_result podir_sender(struct podir *d, const char *address, struct po *po, struct mbx *mbx);

/* Client policy for an IP address in text form (v4 or v6): exact, then longest CIDR. */
enum podir_access podir_access(struct podir *d, const char *ip);
enum podir_access podir_access_sa(struct podir *d, const struct sockaddr *sa);

/* Largest maxsize of any PO (0 when some PO has none): the LMTP/SMTP SIZE to announce. */
long long podir_max_size(struct podir *d);

/* 1 when some PO has spoof= other than off: inbound headers must be read. */
int podir_spoof_any(struct podir *d);

/* "off", "tag" or "reject"; podir_spoof_parse: 0, or -1 for another word. */
const char *podir_spoof_name(enum po_spoof s);
int podir_spoof_parse(const char *s, enum po_spoof *out);

/* Number of POs, and the i-th one (0 <= i < count): for listing and mailbag scans. */
int podir_po_count(struct podir *d);
int podir_po_at(struct podir *d, int i, struct po *po);

/* Modification time of the index.cdb the snapshot D is (0 for NULL). */
long long podir_mtime(struct podir *d);

/* Mailboxes of the postoffice named PO (a scan of the whole index: for
 * admin tools, not per message); -1 when the index is corrupt. */
int podir_mailbox_count(struct podir *d, const char *po);

/* Daemon side: the current snapshot, reopened when index.cdb changes. */
struct podir_cache *podir_cache_new(const char *confdir);
struct podir *podir_get(struct podir_cache *c);         /* NULL if no snapshot can be had */
void podir_put(struct podir *d);
void podir_cache_reload(struct podir_cache *c);         /* next podir_get() re-reads (SIGUSR1) */
void podir_cache_free(struct podir_cache *c);

/* 1 if NAME is a safe PO/mailbox name ([a-z0-9._-], 1..64 bytes, not starting with '.'). */
int podir_name_ok(const char *name);

#endif
