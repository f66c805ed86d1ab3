/* idna.h - internationalised domain names in the maps and their lookups.
 *
 * A domain may be written in U-labels (bücher.example) or A-labels
 * (xn--bcher-kva.example); IDNA2008 (RFC 5891, with UTS #46's
 * non-transitional mapping, through libidn2) says they are one name. pogate
 * keys every domain by its A-label form, lowercase, and pogate-map writes each
 * domain and address key of index.cdb and of the MTA's tables in both forms
 * (the U-labels canonical: lowercase, NFC), so that either finds the same
 * postoffice without the programs that look them up converting anything. An ASCII domain is only lowercased (and
 * an address literal left as it is); the local part of an address is never
 * converted (RFC 6531: it is the receiver's, UTF-8 as it comes).
 */
#ifndef POGATE_IDNA_H
#define POGATE_IDNA_H

#include <stddef.h>

#define IDNA_DOMAIN_MAX 255

/* DOMAIN (LEN bytes) in A-labels, lowercase, into OUT (SIZE bytes). 0, or
 * -1 with *WHY (libidn2's reason, or "too long") when it is no IDNA2008 name. */
int idna_ascii(const char *domain, size_t len, char *out, size_t size, const char **why);

/* DOMAIN in U-labels (for the second key of the MTA's tables), into OUT.
 * 1 when it differs from DOMAIN (it holds an A-label), 0 when it is the
 * same, -1 when an A-label does not decode (*WHY). */
int idna_unicode(const char *domain, char *out, size_t size, const char **why);

/* KEY (an address user@domain, @domain, or a domain) with its domain in
 * A-labels, the rest as it is, into OUT. 0, or -1 (*WHY) as idna_ascii. */
int idna_key(const char *key, char *out, size_t size, const char **why);

/* KEY with its domain in U-labels, the rest as it is, into OUT: 1 when it
 * differs from KEY, 0 when not, -1 when it cannot be made. */
int idna_key_unicode(const char *key, char *out, size_t size);

/* 1 when S holds a byte >= 0x80. */
int idna_is_8bit(const char *s);

#endif
