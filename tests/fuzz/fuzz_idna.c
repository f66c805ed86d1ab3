/* fuzz_idna.c - libFuzzer target for maps/idna.c, the conversion of the
 * domains that pogate-map reads from the maps and pogate-map -q is asked.
 *
 * Invariants: a key converted holds no byte >= 0x80 in its domain and fits
 * its buffer; the domain made U-labels and back is the same A-label form
 * (both keys pogate-map writes name one domain); the local part is kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idna.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[600], a[600], u[600], again[600];
    const char *why, *at;

    if (size >= sizeof(in) || memchr(data, 0, size))
        return 0;
    memcpy(in, data, size);
    in[size] = 0;
    if (idna_key(in, a, sizeof(a), &why) < 0)
        return 0;
    at = strrchr(a, '@');
    if (strlen(a) >= sizeof(a) || idna_is_8bit(at ? at + 1 : a))
        abort();
    if (at && strncmp(a, in, (size_t) (at - a)) != 0)
        abort();
    if (idna_key_unicode(a, u, sizeof(u)) == 1
        && (idna_key(u, again, sizeof(again), &why) < 0 || strcmp(again, a) != 0))
        abort();
    return 0;
}
