/* t_status.c - unit tests of lda/status.c: RFC 3463 codes to sysexits codes
 * and LMTP reply codes, errno to status, one line of text. */
#include <errno.h>
#include <string.h>
#include <sysexits.h>

#include "status.h"
#include "tap.h"

int main(void)
{
    struct dstatus s;

    dstatus_set(&s, "2.0.0", "delivered");
    ok(s.ex == 0 && dstatus_is_ok(&s) && dstatus_reply_code(&s) == 250, "2.0.0: exit 0, 250");
    dstatus_set(&s, "4.2.1", "postoffice %s paused", "sales");
    is_str(s.text, "4.2.1 postoffice sales paused", "text is code, blank, reason");
    ok(s.ex == EX_TEMPFAIL && dstatus_is_temp(&s) && dstatus_reply_code(&s) == 451, "4.2.1: 75, 451");
    dstatus_set(&s, "5.1.1", "<x@y>: no such mailbox");
    ok(s.ex == EX_NOUSER && dstatus_reply_code(&s) == 550, "5.1.1: 67, 550");
    dstatus_set(&s, "5.2.2", "full");
    ok(s.ex == EX_UNAVAILABLE && dstatus_is_perm(&s) && dstatus_reply_code(&s) == 552, "5.2.2: 69, 552");
    dstatus_set(&s, "5.4.6", "loop");
    ok(s.ex == EX_UNAVAILABLE && dstatus_reply_code(&s) == 554, "5.4.6: 69, 554");
    dstatus_set(&s, "x.y", "garbage");
    is_int(s.ex, EX_TEMPFAIL, "a malformed code never bounces");
    dstatus_errno(&s, ENOSPC);
    is_str(s.text, "4.3.1 store: No space left on device", "ENOSPC: 4.3.1");
    is_int(dstatus_reply_code(&s), 452, "ENOSPC: 452");
    dstatus_errno(&s, EDQUOT);
    ok(strncmp(s.text, "4.2.2 ", 6) == 0 && s.ex == EX_TEMPFAIL, "EDQUOT: 4.2.2, 75");
    dstatus_errno(&s, EFBIG);
    ok(strncmp(s.text, "4.3.4 ", 6) == 0 && s.ex == EX_TEMPFAIL, "EFBIG: 4.3.4, 75");
    dstatus_errno(&s, ELOOP);
    ok(strncmp(s.text, "4.3.0 ", 6) == 0, "ELOOP: 4.3.0");
    dstatus_set(&s, "5.1.3", "<a\r\nb>: bad");
    ok(strchr(s.text, '\n') == NULL && strchr(s.text, '\r') == NULL, "no line breaks in the text");
    dstatus_pending(&s);
    ok(dstatus_is_pending(&s) && !dstatus_is_ok(&s) && !dstatus_is_temp(&s), "pending is neither");
    return done_testing();
}
