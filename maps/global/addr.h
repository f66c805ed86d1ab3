/* addr.h - RFC 5321 envelope addresses, as MTAs hand them over.
 *
 * The milter sees MAIL FROM and RCPT TO arguments (`<user@domain>`, `<>`,
 * source routes, quoted local parts); pogate-lda and pogate-lmtp see
 * recipients on their command line or in LMTP. addr_parse() is the one gate
 * those strings pass before they become map keys, log text or paths: it
 * refuses what cannot be safe (NUL, CR, LF, control characters, over-long
 * parts, missing or empty domain) and what RFC 5321 and RFC 1035 rule out
 * (local part over 64 octets, domain over 255, path over 256, labels that
 * break the letter-digit-hyphen rule) and says why, naming the rule; and it
 * hands back a canonical form: quotes only where needed, domain lowercased,
 * and a lowercased whole address as the key for map lookups. The maps' and
 * the header readers' addresses pass the same checks (addr_check_domain()).
 * The RFC 5322 atext set is here too, once, for the envelope parser, the
 * milter's header tokenizer and its display name writer (addr_atext()).
 */
#ifndef POGATE_ADDR_H
#define POGATE_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX 64       /* RFC 5321 4.5.3.1.1, octets of the canonical local part */
#define ADDR_DOMAIN_MAX 255     /* RFC 5321 4.5.3.1.2 */
#define ADDR_MAX 320            /* local + "@" + domain, with room (podir.h PODIR_ADDR_MAX) */

#define ADDR_PATH_MAX 256       /* RFC 5321 4.5.3.1.3: "<", any source route, the address, ">" */
#define ADDR_LABEL_MAX 63       /* RFC 1035 2.3.4 */

/* Flags of addr_parse() and addr_check_domain(). */
#define ADDR_NULL_OK    (1 << 0)  /* accept the null sender <> (MAIL FROM) */
#define ADDR_LOCAL_OK   (1 << 1)  /* accept a bare local name without @domain (RCPT TO:<postmaster>) */
#define ADDR_NO_LITERAL (1 << 2)  /* refuse an [address literal]: a postoffice's domains are names */

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
    ADDR_ERR_LOCAL_LONG,        /* local part over 64 octets, as written or canonical */
    ADDR_ERR_DOMAIN_LONG,       /* domain over 255 octets */
    ADDR_ERR_TOO_LONG,          /* path over 256 octets */
    ADDR_ERR_LABEL_EMPTY,       /* "a..b", ".a", "a." */
    ADDR_ERR_LABEL_LONG,        /* a label over 63 octets */
    ADDR_ERR_LABEL_HYPHEN,      /* a label that starts or ends with '-' */
    ADDR_ERR_LABEL_CHAR,        /* an ASCII label octet that is not a letter, digit or '-' */
    ADDR_ERR_ALABEL,            /* "xn--" and no Punycode after it (punycode.h) */
    ADDR_ERR_LITERAL,           /* [...] that is no IPv4 or RFC 5321 IPv6 literal */
    ADDR_ERR_LITERAL_TAG,       /* [tag:...] with a tag other than IPv6 */
    ADDR_ERR_LITERAL_HERE       /* an address literal where ADDR_NO_LITERAL or RFC 5321 refuse it */
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

/* The one domain check (RFC 5321 4.1.2, RFC 1035 2.3.1, RFC 5890 2.3.1) of
 * LEN octets at S, as addr_parse() applies it: at most 255 octets; labels of
 * 1 to 63 octets, letters, digits and hyphens, not starting or ending with a
 * hyphen, an "xn--" label an A-label (Punycode after the prefix); a label
 * with 8-bit octets is a U-label, whose UTF-8 addr_parse() judges; or, unless FLAGS has ADDR_NO_LITERAL, an IPv4 or IPv6 address
 * literal. Limits are octets, whatever the encoding. */
enum addr_status addr_check_domain(const char *s, size_t len, unsigned flags);

/* 1 if octet C is RFC 5322 3.2.3 atext: a letter, a digit or one of
 * ! # $ % & ' * + - / = ? ^ _ ` { | } ~. An octet >= 0x80 is atext when UTF8
 * is nonzero (RFC 6531 3.3, RFC 6532 3.2: UTF8-non-ascii), never otherwise. */
int addr_atext(unsigned char c, int utf8);

/* A short English reason for a status, naming the rule ("local part longer
 * than 64 octets (RFC 5321 4.5.3.1.1)"). */
const char *addr_strerror(enum addr_status st);

#endif
