/* fuzz_logline.c - libFuzzer target for pogate-track's reading of a mail
 * log: maps/util/logline.c (the forms of a log line), maps/track_parse.c
 * (what a line says), the message table (track_msg.c, track_apply.c,
 * track_match.c) and the blocks (track_out.c).
 *
 * Input: log lines. Any input: no crash, no read outside it (ASan), no leak;
 * every JSON block parses back (json.c) and every text block holds no
 * control character but the newlines that end its lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "logline.h"
#include "track_msg.h"
#include "track_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Local time is UTC: mktime() then reads no zone file for each new hour. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc, (void) argv;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void emit(const struct tmsg *m, void *arg)
{
    buf_t b = BUF_INIT;
    struct json *j;
    const char *why;

    (void) arg;
    track_out_json(m, &b);
    if ((j = json_parse(b.data, b.len, &why)) == NULL)
        abort();
    json_free(j);
    buf_reset(&b);
    track_out_text(m, &b);
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char) b.data[i] < 0x20 && b.data[i] != '\n')
            abort();
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct tquery q[] = { { TQ_ADDR, "john.smith@sales.example.com" }, { TQ_PO, "legacy" },
                                       { TQ_MAILBOX, "sales/jsmith" }, { TQ_QID, "A497AA728EA" } };
    struct track_opts o = { q, 4, 1, 0, 0, NULL, emit, NULL };
    struct logline_ctx ctx;
    struct track *t;
    char *copy = malloc(size + 1);
    char *p = copy, *end = copy + size;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    logline_init(&ctx, (time_t) 1796238231);
    /* Every query kind at once, or every message (no query): by the first byte. */
    o.nq = size && (data[0] & 1) ? 0 : 4;
    t = track_new(&o);
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        struct logline l;

        for (size_t i = 0; i < n; i++)
            if (p[i] == 0)
                p[i] = '?';     /* as track_input.c hands lines over */
        if (track_line_wanted(t, p, n) && logline_parse(&ctx, p, n, &l))
            track_line(t, &l, p, n);
        p += n + 1;
    }
    track_finish(t);
    track_free(t);
    free(copy);
    return 0;
}
