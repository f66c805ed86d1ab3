/* addr.h - RFC 5321 envelope addresses, as MTAs hand them over.
 *
 * The milter sees MAIL FROM and RCPT TO arguments (`<user@domain>`, `<>`,
 * source routes, quoted local parts); pogate-lda and pogate-lmtp see
 * recipients on their command line or in LMTP. addr_parse() is the one gate
 * those strings pass before they become map keys, log text or paths: it
 * refuses what cannot be safe (NUL, CR, LF, control characters, over-long
 * parts, missing or empty domain) and says why, and it hands back a canonical
 * form: quotes only where needed, domain lowercased, and a lowercased whole
 * address as the key for map lookups.
 */
#ifndef POGATE_ADDR_H
#define POGATE_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX 64       /* RFC 5321 4.5.3.1.1, octets of the canonical local part */
#define ADDR_DOMAIN_MAX 255     /* RFC 5321 4.5.3.1.2 */
#define ADDR_MAX 320            /* local + "@" + domain, with room (podir.h PODIR_ADDR_MAX) */

/* Flags of addr_parse(). */
#define ADDR_NULL_OK    (1 << 0)  /* accept the null sender <> (MAIL FROM) */
#define ADDR_LOCAL_OK   (1 << 1)  /* accept a bare local name without @domain (RCPT TO:<postmaster>) */

enum addr_status {
    ADDR_OK = 0,
    ADDR_ERR_EMPTY,             /* nothing, or <> where the null sender is not allowed */
    ADDR_ERR_CONTROL,           /* NUL, CR, LF or another control character */
    ADDR_ERR_SYNTAX,            /* unbalanced <>, bad quoting, stray characters */
    ADDR_ERR_8BIT,              /* bytes >= 0x80 that are not UTF-8 */
    ADDR_ERR_ROUTE,             /* malformed source route */
    ADDR_ERR_NO_DOMAIN,         /* no @domain */
    ADDR_ERR_EMPTY_LOCAL,       /* @domain with nothing before it */
    ADDR_ERR_EMPTY_DOMAIN,      /* user@ */
    ADDR_ERR_DOMAIN,            /* domain is not a host name or address literal */
    ADDR_ERR_LOCAL_LONG,        /* local part over 64 octets */
    ADDR_ERR_DOMAIN_LONG,       /* domain over 255 octets, or a label over 63 */
    ADDR_ERR_TOO_LONG           /* whole address over 320 octets */
};

struct addr {
    char local[ADDR_LOCAL_MAX + 3];     /* canonical: dot-atom as is, else a quoted string */
    char domain[ADDR_DOMAIN_MAX + 1];   /* lowercased (ASCII letters); "" for the null sender or a local name */
    char addr[ADDR_MAX + 1];            /* local@domain (canonical; "" for the null sender) */
    char key[ADDR_MAX + 1];             /* addr lowercased entirely: the map lookup key */
    int null;                           /* 1: the null sender <> */
};

/* Parse LEN bytes at S (a MAIL/RCPT argument or a bare address). On ADDR_OK,
 * *A is filled; on an error *A is zeroed. */
enum addr_status addr_parse(const char *s, size_t len, unsigned flags, struct addr *a);

/* A short English reason for a status ("local part longer than 64 octets"). */
const char *addr_strerror(enum addr_status st);

#endif
