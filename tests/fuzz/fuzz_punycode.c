/* fuzz_punycode.c - libFuzzer target for maps/util/punycode.c (RFC 3492
 * decoding, the A-label check of addr.c).
 *
 * Any input: no crash, no overflow (UBSan), no read outside it (ASan). The
 * answer does not depend on letter case, as Punycode's digits do not; an
 * input with an octet that is neither ASCII letter, digit nor '-' after its
 * last '-' is never valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "punycode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_digit36(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *up = malloc(size + 1);
    const uint8_t *dash = NULL;
    int valid = punycode_valid((const char *) data, size);

    if (up == NULL)
        abort();
    for (size_t i = 0; i < size; i++) {
        up[i] = (char) (data[i] >= 'a' && data[i] <= 'z' ? data[i] - 32 : data[i]);
        if (data[i] == '-')
            dash = data + i;
    }
    if (punycode_valid(up, size) != valid)
        abort();
    for (const uint8_t *p = dash ? dash + 1 : data; valid && p < data + size; p++)
        if (!is_digit36(*p))
            abort();
    free(up);
    return 0;
}
