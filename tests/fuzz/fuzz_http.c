/* fuzz_http.c - libFuzzer target for the request reader of the metrics
 * socket (maps/util/httpd.c: http_request_parse).
 *
 * Input: the bytes a client sent. Any input: no crash, no read outside it
 * (ASan); the answer is one of the statuses the reader may give; a complete
 * request is no longer than the input, its method GET or HEAD, its path
 * starting with '/' (or "*") and without a control character; and a prefix
 * of the input never says "complete" with another length, nor "bad" when
 * the whole input is a good request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_request r, p;
    int st = http_request_parse((const char *) data, size, &r), sp;

    if (st != 0 && st != 200 && st != 400 && st != 405 && st != 414 && st != 431 && st != 505)
        abort();
    if (st == 200) {
        if (r.length > size || r.length > HTTPD_REQ_MAX || (r.path[0] != '/' && r.path[0] != '*'))
            abort();
        if (strcmp(r.method, "GET") != 0 && strcmp(r.method, "HEAD") != 0)
            abort();
        for (const char *c = r.path; *c; c++)
            if ((unsigned char) *c <= 0x20 || *c == 0x7f)
                abort();
        /* Every prefix is either incomplete or this same request. */
        for (size_t n = 0; n < size; n += 1 + n / 8) {
            sp = http_request_parse((const char *) data, n, &p);
            if (sp == 200 ? p.length != r.length : sp != 0)
                abort();
        }
    }
    return 0;
}
