/* fuzz_mtaq.c - libFuzzer target for the MTA queue listings (maps/global/mtaq_parse.c).
 *
 * Input: the first byte chooses the listing (even: postqueue -j, odd:
 * sendmail -bp), the rest is its text. Every message found has a queue id of
 * letters and digits, a sender and recipients that are strings inside what
 * was allocated; nothing is read outside the input (AddressSanitizer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtaq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mtaq q = { 0 };
    char *text;
    int n;

    if (size < 1)
        return 0;
    text = malloc(size);        /* exactly the input: no terminating NUL to lean on */
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    n = data[0] & 1 ? mtaq_parse_mailq(&q, text, size - 1, data[0] & 2, 1764709200)
                    : mtaq_parse_postqueue(&q, text, size - 1);
    if (n != q.n)
        abort();
    for (int i = 0; i < q.n; i++) {
        if (!held_qid_ok(q.msg[i].qid) || q.msg[i].sender == NULL || q.msg[i].nrcpt < 0)
            abort();
        (void) strlen(q.msg[i].sender);
        for (int j = 0; j < q.msg[i].nrcpt; j++)
            (void) strlen(q.msg[i].rcpts[j]);
    }
    mtaq_free(&q);
    free(text);
    return 0;
}
