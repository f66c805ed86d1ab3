/* fuzz_rfc2047.c - libFuzzer target for milter/rfc2047.c.
 *
 * Decoding any input gives well-formed UTF-8 without control characters.
 * Encoding any input as a phrase gives no control characters, no word over 75
 * octets, and reads back as the cleaned input (bare, quoted or encoded).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encword.h"
#include "rfc2047.h"
#include "utf8.h"

static void check_text(const buf_t *b)
{
    if (b->len && !utf8_valid(b->data, b->len))
        abort();
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char) b->data[i];

        if (c < 0x20 || c == 0x7f || (c == 0xC2 && i + 1 < b->len && (unsigned char) b->data[i + 1] < 0xA0))
            abort();
    }
}

/* What a reader makes of the phrase PH: the text it stands for. */
static void read_phrase(const buf_t *ph, buf_t *out)
{
    if (ph->len && ph->data[0] == '"') {
        for (size_t i = 1; i + 1 < ph->len; i++) {
            if (ph->data[i] == '\\')
                i++;
            buf_putc(out, ph->data[i]);
        }
    } else {
        rfc2047_decode_text(out, ph->data ? ph->data : "", ph->len);
    }
}

static void check_words(const buf_t *ph)
{
    size_t run = 0;

    if (strncmp(ph->data ? ph->data : "", "=?UTF-8?", 8) != 0)
        return;                                 /* bare atoms or a quoted string: no word limit */
    for (size_t i = 0; i < ph->len; i++) {
        run = ph->data[i] == ' ' ? 0 : run + 1;
        if (run > ENCWORD_MAX)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t dec = BUF_INIT, ph = BUF_INIT, want = BUF_INIT, back = BUF_INIT;
    const char *s = (const char *) data;
    size_t i;

    rfc2047_decode_text(&dec, s, size);
    check_text(&dec);
    if (rfc2047_encode_phrase(&ph, s, size) != ph.len)
        abort();
    for (i = 0; i < ph.len; i++) {
        if ((unsigned char) ph.data[i] < 0x20 || ph.data[i] == 0x7f)
            abort();
    }
    check_words(&ph);
    utf8_clean(&want, s, size);
    for (i = 0; i < want.len && want.data[i] == ' '; i++)
        ;
    read_phrase(&ph, &back);
    if (i < want.len && (back.len != want.len || memcmp(back.data, want.data, want.len) != 0))
        abort();
    if (i == want.len && ph.len != 0)
        abort();
    buf_free(&dec), buf_free(&ph), buf_free(&want), buf_free(&back);
    return 0;
}
