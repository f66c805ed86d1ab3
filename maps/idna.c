/* idna.c - domain names to and from A-labels; see idna.h. */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "idna.h"

int idna_is_8bit(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s >= 0x80)
            return 1;
    return 0;
}

static int put(const char *s, size_t len, char *out, size_t size, const char **why)
{
    if (len >= size || len > IDNA_DOMAIN_MAX) {
        *why = "domain too long";
        return -1;
    }
    memcpy(out, s, len);
    out[len] = 0;
    str_lower(out);
    return 0;
}

int idna_ascii(const char *domain, size_t len, char *out, size_t size, const char **why)
{
    char in[IDNA_DOMAIN_MAX + 1];
    char *a = NULL;
    int rc;

    if (put(domain, len, in, sizeof(in), why) < 0)
        return -1;
    if (!idna_is_8bit(in))
        return put(in, len, out, size, why);
    if (in[0] == '[') {
        *why = "an address literal with non-ASCII bytes";
        return -1;
    }
    if ((rc = idn2_lookup_u8((const uint8_t *) in, (uint8_t **) &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL))
        != IDN2_OK) {
        *why = idn2_strerror(rc);
        return -1;
    }
    rc = put(a, strlen(a), out, size, why);
    idn2_free(a);
    return rc;
}

/* An A-label is valid only as the exact A-label form of what it decodes to
 * (RFC 5891 5.4): xn--bca decodes, but its U-label's A-label is xn--7ca, and
 * the two keys pogate-map writes must name one domain. */
int idna_unicode(const char *domain, char *out, size_t size, const char **why)
{
    char lc[IDNA_DOMAIN_MAX + 1], back[IDNA_DOMAIN_MAX + 1];
    char *u = NULL;
    int rc;

    if (put(domain, strlen(domain), lc, sizeof(lc), why) < 0)
        return -1;
    if (strncmp(lc, "xn--", 4) != 0 && strstr(lc, ".xn--") == NULL)
        return put(lc, strlen(lc), out, size, why) < 0 ? -1 : 0;
    if ((rc = idn2_to_unicode_8z8z(lc, &u, 0)) != IDN2_OK) {
        *why = idn2_strerror(rc);
        return -1;
    }
    rc = put(u, strlen(u), out, size, why);
    idn2_free(u);
    if (rc < 0 || idna_ascii(out, strlen(out), back, sizeof(back), why) < 0)
        return -1;
    if (strcmp(back, lc) != 0) {
        *why = "an A-label that is not the A-label form of its U-label";
        return -1;
    }
    return strcmp(out, domain) != 0;
}

int idna_key(const char *key, char *out, size_t size, const char **why)
{
    const char *at = strrchr(key, '@');
    size_t local = at ? (size_t) (at + 1 - key) : 0;

    if (local >= size) {
        *why = "address too long";
        return -1;
    }
    memcpy(out, key, local);
    return idna_ascii(key + local, strlen(key + local), out + local, size - local, why);
}

int idna_key_unicode(const char *key, char *out, size_t size)
{
    const char *at = strrchr(key, '@'), *why;
    size_t local = at ? (size_t) (at + 1 - key) : 0;

    if (local >= size)
        return -1;
    memcpy(out, key, local);
    return idna_unicode(key + local, out + local, size - local, &why);
}
