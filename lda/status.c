/* status.c - delivery status codes and their exit and reply codes; see status.h.
 *
 * The mapping lives in one place so that the LDA's exit code, its first
 * output line and the LMTP reply for the same failure cannot disagree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "status.h"

static int code_ex(const char *code)
{
    if (code[0] == '2')
        return EX_OK;
    if (code[0] == '5')
        return strncmp(code, "5.1.1", 5) == 0 ? EX_NOUSER : EX_UNAVAILABLE;
    return EX_TEMPFAIL;         /* 4.X.X, and anything malformed: never bounce by accident */
}

void dstatus_set(struct dstatus *s, const char *code, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    s->ex = code_ex(code);
    n = str_copy(s->text, code, sizeof(s->text));
    if (n + 1 < sizeof(s->text)) {
        s->text[n++] = ' ';
        va_start(ap, fmt);
        vsnprintf(s->text + n, sizeof(s->text) - n, fmt, ap);
        va_end(ap);
    }
    /* The text becomes one output line and one log field: no line breaks. */
    for (char *p = s->text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

void dstatus_errno(struct dstatus *s, int err)
{
    const char *code;

    switch (err) {
    case ENOSPC:
        code = "4.3.1";         /* mail system full */
        break;
    case EDQUOT:
        code = "4.2.2";         /* mailbox full (file system quota) */
        break;
    case EFBIG:
        code = "4.3.4";         /* message too big for the system (RLIMIT_FSIZE) */
        break;
    default:
        code = "4.3.0";
        break;
    }
    dstatus_set(s, code, "store: %s", strerror(err));
}

void dstatus_pending(struct dstatus *s)
{
    s->ex = DSTATUS_PENDING;
    s->text[0] = 0;
}

int dstatus_is_pending(const struct dstatus *s)
{
    return s->ex == DSTATUS_PENDING;
}

int dstatus_is_ok(const struct dstatus *s)
{
    return s->ex == EX_OK;
}

int dstatus_is_temp(const struct dstatus *s)
{
    return s->ex == EX_TEMPFAIL;
}

int dstatus_is_perm(const struct dstatus *s)
{
    return s->ex == EX_NOUSER || s->ex == EX_UNAVAILABLE;
}

int dstatus_reply_code(const struct dstatus *s)
{
    const char *t = s->text;

    if (s->ex == EX_OK)
        return 250;
    if (s->ex == EX_TEMPFAIL)
        return strncmp(t, "4.2.2", 5) == 0 || strncmp(t, "4.3.1", 5) == 0 ? 452 : 451;
    if (strncmp(t, "5.1.", 4) == 0 || strncmp(t, "5.7.", 4) == 0)
        return 550;
    if (strncmp(t, "5.2.2", 5) == 0 || strncmp(t, "5.3.4", 5) == 0)
        return 552;
    if (strncmp(t, "5.6.7", 5) == 0)   /* RFC 6531 3.7.4.1: an address that cannot be stored */
        return 553;
    return 554;
}
