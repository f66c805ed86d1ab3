/* envarg.c - the MAIL and RCPT arguments; see envarg.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envarg.h"

void envarg_address(const char *arg, buf_t *out)
{
    const char *p = arg, *end;
    size_t n = strlen(arg);

    buf_reset(out);
    if (n >= 2 && p[0] == '<' && p[n - 1] == '>')
        p++, n -= 2;
    end = p + n;
    /* "@a,@b:user@dom": the route is obsolete and ignored (RFC 5321 4.1.1.3). */
    if (n && *p == '@') {
        const char *colon = memchr(p, ':', n);

        if (colon)
            p = colon + 1;
    }
    buf_append(out, p, (size_t) (end - p));
}

long long envarg_size(char *const *argv)
{
    for (int i = 1; argv[i]; i++) {
        if (strncasecmp(argv[i], "SIZE=", 5) == 0) {
            char *end;
            long long n;

            errno = 0;
            n = strtoll(argv[i] + 5, &end, 10);
            return errno || *end || n < 0 ? 0 : n;
        }
    }
    return 0;
}

int envarg_smtputf8(char *const *argv)
{
    for (int i = 1; argv[i]; i++)
        if (strcasecmp(argv[i], "SMTPUTF8") == 0)
            return 1;
    return 0;
}
