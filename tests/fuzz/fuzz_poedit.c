/* fuzz_poedit.c - libFuzzer target for pogate-po's map editor (maps/poedit.c).
 *
 * Input: a postoffices text map as an administrator might have left it. The
 * state= of record "sales" is set to "paused". A change must touch one place
 * only (the rest of the text byte for byte), the edited text must then say
 * state=paused for that record, and editing it again must change nothing;
 * a refusal writes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "poedit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *) data, *why = "";
    buf_t out = BUF_INIT, again = BUF_INIT, got = BUF_INIT;
    int line;
    enum poedit_result r = poedit_set(text, size, "sales", "state", "paused", &out, &line, &why);

    if (r == POEDIT_SAME && (out.len != size || memcmp(out.data, text, size) != 0))
        abort();
    if (r < 0 && out.len != 0)
        abort();
    if (r == POEDIT_CHANGED) {
        size_t pre = 0, suf = 0;

        while (pre < size && pre < out.len && text[pre] == out.data[pre])
            pre++;
        while (suf < size - pre && suf < out.len - pre && text[size - 1 - suf] == out.data[out.len - 1 - suf])
            suf++;
        if (out.len - pre - suf > strlen(" state=paused"))
            abort();            /* more than the value or the one added attribute changed */
        if (poedit_get(out.data, out.len, "sales", "state", &got, &line, &why) != POEDIT_CHANGED
            || strcmp(got.data, "paused") != 0)
            abort();
        if (poedit_set(out.data, out.len, "sales", "state", "paused", &again, &line, &why) != POEDIT_SAME
            || again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
            abort();
    }
    buf_free(&out), buf_free(&again), buf_free(&got);
    return 0;
}
