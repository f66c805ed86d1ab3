/* mime7.c - mime7_convert(): the two passes of the 7-bit converter (see
 * mime7.h) and the one line that says what became of the message.
 */
#include <errno.h>

#include "log.h"
#include "mime7_int.h"

static enum mime7_result copy_all(const struct mime7_src *src, struct m7out *o)
{
    if (m7_copy(src, 0, src->len, o) < 0 || m7out_flush(o) < 0)
        return MIME7_FAILED;
    return MIME7_UNCHANGED;
}

static int reencoded(const struct m7scan *s)
{
    int n = 0;

    for (int i = 0; i < s->nedits; i++)
        n += (s->edits[i].flags & E_REENCODE) != 0;
    return n;
}

enum mime7_result mime7_convert(const struct mime7_policy *policy, const struct mime7_src *src,
                                int outfd, long long *written)
{
    struct m7scan s;
    struct m7out o;
    enum mime7_result rc;
    int saved;

    m7out_init(&o, outfd);
    if (m7_scan(policy, src, &s) < 0) {
        rc = MIME7_FAILED;
    } else if (s.bad != NULL) {
        msg_warn("content 7bit: %s (byte %lld): message stored as received", s.bad, s.bad_at);
        rc = copy_all(src, &o) == MIME7_FAILED ? MIME7_FAILED : MIME7_AS_RECEIVED;
    } else if (s.nedits == 0) {
        rc = copy_all(src, &o);
    } else if (m7_write(policy, src, &s, &o) < 0 || m7out_flush(&o) < 0) {
        rc = MIME7_FAILED;
    } else {
        msg_info("content 7bit: %d parts re-encoded, %d header blocks rewritten, %lld -> %lld bytes",
                 reencoded(&s), s.nedits, src->len, o.total);
        rc = MIME7_CONVERTED;
    }
    saved = errno;
    *written = o.total;
    m7_scan_free(&s);
    m7out_free(&o);
    errno = saved;
    return rc;
}
