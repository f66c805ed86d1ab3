/* fuzz_nstate.c - libFuzzer target for pogate-notify's state file reader
 * (maps/notify_state.c).
 *
 * Input: a state file. Any input: no crash, no read outside it (ASan); a
 * refused file leaves an empty state; an accepted one is written back
 * (every entry seen) and read again to the same entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nstate s = { 0 }, t = { 0 };
    buf_t out = BUF_INIT;

    msg_set_level(MSG_LEVEL_ERROR);
    if (nstate_parse(&s, (const char *) data, size, "fuzz") < 0) {
        if (s.n != 0)
            abort();
    } else {
        for (int i = 0; i < s.n; i++)
            s.e[i].seen = 1;
        nstate_format(&s, &out);
        if (nstate_parse(&t, out.data, out.len, "again") < 0 || t.n != s.n)
            abort();
        for (int i = 0; i < s.n; i++)
            if (strcmp(s.e[i].key, t.e[i].key) != 0 || s.e[i].first != t.e[i].first || s.e[i].sent != t.e[i].sent)
                abort();
    }
    buf_free(&out);
    nstate_free(&s), nstate_free(&t);
    return 0;
}
