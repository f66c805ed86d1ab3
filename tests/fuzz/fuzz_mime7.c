/* fuzz_mime7.c - libFuzzer target for the content=7bit converter
 * (lda/mime7*.c), the MIME scanner and the writer over any message.
 *
 * Input: one octet choosing the policy (max_line from 78 up, with or
 * without charset=ISO-8859-1), then the message. Any input: no crash, no
 * read outside it (ASan, UBSan), never a failure with a good output file;
 * the output is as long as the converter says; a message it leaves alone
 * or stores as received comes out byte for byte.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "mime7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    struct mime7_policy p;
    struct mime7_src s;
    enum mime7_result rc;
    long long n = 0;
    char *out;

    if (size < 1)
        return 0;
    if (fd < 0) {
        msg_open("fuzz_mime7", MSG_TO_STDERR);
        msg_set_level(MSG_LEVEL_ERROR);
        fd = memfd_create("fuzz_mime7", 0);
    }
    p.max_line = MIME7_LINE_MIN + (data[0] & 0x7f) * 7;
    p.charset = data[0] & 0x80 ? "ISO-8859-1" : NULL;
    s = (struct mime7_src) { .fd = -1, .mem = (const char *) data + 1, .len = (long long) size - 1 };
    if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        abort();
    rc = mime7_convert(&p, &s, fd, &n);
    if (rc == MIME7_FAILED || lseek(fd, 0, SEEK_END) != n)
        abort();
    if (rc == MIME7_UNCHANGED || rc == MIME7_AS_RECEIVED) {
        if (n != s.len || (out = malloc((size_t) n + 1)) == NULL)
            abort();
        if (pread(fd, out, (size_t) n, 0) != n || memcmp(out, s.mem, (size_t) n) != 0)
            abort();
        free(out);
    }
    return 0;
}
