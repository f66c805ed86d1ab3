/* fuzz_spf.c - libFuzzer target for milter/spf_zone.c (the spf_zone_file
 * reader) and milter/spf_header.c (the Received-SPF writer).
 *
 * Any input: no crash, no read outside it, no leak (ASan). The input is read
 * as a zone file (through fmemopen, as the milter reads its file). Then its
 * NUL-separated pieces become the comment, client-ip, envelope-from, helo and
 * problem of a Received-SPF value, which must read back as RFC 7208 9.1's
 * (tests/unit/spf_grammar.h) with every key present, on one line, ASCII only.
 */
#define _DEFAULT_SOURCE         /* for the network headers libspf2 wants first */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spf2/spf.h>

#include "log.h"
#include "spf_grammar.h"
#include "spf_header.h"
#include "spf_zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void zone(const uint8_t *data, size_t size)
{
    FILE *fp = size ? fmemopen((void *) (uintptr_t) data, size, "r") : NULL;
    SPF_dns_server_t *z;

    if (fp == NULL)
        return;
    if ((z = spf_zone_read(fp, "fuzz")) != NULL)
        SPF_dns_free(z);
    fclose(fp);
}

static void header(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1), *f[5] = { "", "", "", "", "" }, *p = copy;
    struct spf_header h;
    buf_t out = BUF_INIT;
    const char *bad;

    memcpy(copy, data, size);
    copy[size] = 0;
    for (int i = 0; i < 5 && p < copy + size + 1; i++) {
        f[i] = p;
        p += strlen(p) + 1;
    }
    h = (struct spf_header) { (enum spf_result) (size % 7), f[0], f[1], f[2], f[3], "receiver.test",
                              size % 2 ? "mailfrom" : "helo", f[4] };
    spf_header_write(&out, &h);
    bad = received_spf_check(out.data, *f[3] ? "client-ip envelope-from helo receiver identity"
                                              : "client-ip envelope-from receiver identity");
    if (bad) {
        fprintf(stderr, "Received-SPF: %s: %s\n", out.data, bad);
        abort();
    }
    for (size_t i = 0; i < out.len; i++)
        if ((unsigned char) out.data[i] < 0x20 || (unsigned char) out.data[i] >= 0x7f)
            abort();
    buf_free(&out);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int opened;

    if (!opened) {
        msg_open("fuzz_spf", MSG_TO_STDERR);
        msg_set_level(MSG_LEVEL_ERROR);
        opened = 1;
    }
    zone(data, size);
    header(data, size);
    return 0;
}
