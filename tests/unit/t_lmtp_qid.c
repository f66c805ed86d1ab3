/* t_lmtp_qid.c - unit tests of lda/lmtp_qid.c: the MTA queue id from the
 * first Received header of a message received over LMTP. */
#include <string.h>

#include "lmtp_qid.h"
#include "tap.h"

static const char *qid(const char *msg)
{
    static char q[64];

    if (lmtp_queue_id_buf(msg, strlen(msg), q, sizeof(q)) < 0)
        return "(none)";
    return q;
}

int main(void)
{
    is_str(qid("Received: from client (client [192.0.2.1])\n"
               "\tby relay.example (Postfix) with ESMTP id 4ABC123XYZ\n"
               "\tfor <a@b>; Wed, 25 Nov 2026 06:00:00 +0000 (UTC)\n"
               "Received: by other.example with SMTP id OLDER1;\n\nbody id NOTME\n"),
           "4ABC123XYZ", "Postfix: id of the first, folded Received header");
    is_str(qid("Return-Path: <x@y>\nReceived: from h by relay (8.17.1/8.17.1) with ESMTP id 5APxYz0012345;"
               " Wed, 25 Nov 2026\n\n"), "5APxYz0012345", "sendmail: id followed by ';'");
    is_str(qid("Subject: no received\n\nReceived: by x id BODY\n"), "(none)",
           "a Received line in the body does not count");
    is_str(qid("Received: from h by relay with LMTP; Wed\n\n"), "(none)", "no id");
    is_str(qid("Received: by relay id 4ABC/../x\n\n"), "(none)", "an id with odd characters is ignored");
    is_str(qid("Received: by relay with ESMTP idle 4ABC\n\n"), "(none)", "'idle' is not 'id'");
    return done_testing();
}
