/* fuzz_rfcdate.c - libFuzzer target for lda/rfcdate.c and the Received
 * header matching of lda/msgname.c.
 *
 * Any input: no crash, no read outside it (ASan). A date that parses is
 * formatted and parsed again to the same instant, and a Received value
 * naming the id followed by it gives that instant too (when the date holds
 * no ';': the date is what follows the last one).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msgname.h"
#include "rfcdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *) data;
    long long t, back, w;
    char buf[64], *v;

    if (rfcdate_parse(s, size, &t) == 0 && memchr(s, ';', size) == NULL) {
        rfcdate_format(t, buf, sizeof(buf));
        if (rfcdate_parse(buf, strlen(buf), &back) != 0 || back != t)
            abort();
        if ((v = malloc(size + 40)) == NULL)
            abort();
        memcpy(v, " by relay with ESMTP id Q1; ", 28);
        memcpy(v + 28, s, size);
        if (msgname_received(v, size + 28, "Q1", &w) != 1 || w != t)
            abort();
        free(v);
    }
    (void) msgname_received(s, size, "4ABC123", &t);
    return 0;
}
