/* fuzz_mtaq.c - libFuzzer target for the MTA queue listings
 * (maps/global/mtaq_parse.c), which pogate-po, pogate-notify and pogate-stat
 * read.
 *
 * Input: the first byte chooses the reader (0: postqueue -j, 1: sendmail
 * -bp, 2: sendmail -bp -qQ, 3: by the listing's first byte, as pogate-stat
 * reads; its other bits are ignored), the rest is the listing. Every message
 * found has a queue id of letters and digits, is held exactly when its
 * queue is "hold", and has a sender, recipients and reasons that are
 * strings inside what was allocated; nothing is read
 * outside the input (AddressSanitizer), nothing leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtaq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int parse(struct mtaq *q, int how, const char *text, size_t len)
{
    const time_t now = 1764709200;

    switch (how) {
    case 0: return mtaq_parse_postqueue(q, text, len);
    case 1: return mtaq_parse_mailq(q, text, len, 0, now);
    case 2: return mtaq_parse_mailq(q, text, len, 1, now);
    default: return mtaq_parse(q, text, len, now);
    }
}

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
    n = parse(&q, data[0] & 3, text, size - 1);
    if (n != q.n || q.bad < 0)
        abort();
    for (int i = 0; i < q.n; i++) {
        const struct mtaq_msg *m = &q.msg[i];

        if (!held_qid_ok(m->qid) || m->sender == NULL || m->nrcpt < 0 || strlen(m->queue) >= sizeof(m->queue)
            || m->held != (strcmp(m->queue, "hold") == 0))
            abort();
        (void) strlen(m->sender);
        for (int j = 0; j < m->nrcpt; j++)
            if (strlen(m->rcpts[j]) > size || (m->reasons[j] && strlen(m->reasons[j]) > size))
                abort();
    }
    mtaq_free(&q);
    free(text);
    return 0;
}
