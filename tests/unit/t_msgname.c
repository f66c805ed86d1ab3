/* t_msgname.c - unit tests of lda/msgname.c: the deterministic name of a
 * delivery file (queue id, Received date, hash). */
#include <string.h>

#include "msgname.h"
#include "tap.h"

static const char *pf = " from client.example.org (client.example.org [192.0.2.1])\n"
    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
    "\tby relay.example.com (Postfix) with ESMTP id 4ABC123\n"
    "\tfor <a@sales.example.com>; Wed, 25 Nov 2026 10:57:09 +0000 (UTC)";

static int recv(const char *v, const char *qid, long long *t)
{
    *t = -1;
    return msgname_received(v, strlen(v), qid, t);
}

int main(void)
{
    long long t;
    char name[256];

    is_int(recv(pf, "4ABC123", &t), 1, "Postfix Received naming the id");
    is_int(t, 1795604229LL, "its date");
    is_int(recv(" from h by relay (8.17.1/8.17.1) with ESMTP id 5APAv9xY012345; Wed, 25 Nov 2026 11:57:09 +0100",
                "5APAv9xY012345", &t), 1, "sendmail: id followed by ';'");
    is_int(t, 1795604229LL, "sendmail: its date, zone applied");
    is_int(recv(pf, "4ABC12", &t), 0, "a prefix of the id is another id");
    is_int(recv(pf, "ABC123", &t), 0, "a suffix of the id is another id");
    is_int(recv(" by relay with ESMTP idle 4ABC123; Wed, 25 Nov 2026 10:57:09 +0000", "4ABC123", &t), 0,
           "'idle' is not 'id'");
    is_int(recv(" by relay with ESMTP id 4ABC123", "4ABC123", &t), 0, "no ';' and date: not a Received date");
    is_int(recv(" from vm ([127.0.0.2])\tby relay.test (8.17.1.9/8.17.1.9) with ESMTP id 6APBYiko027956"
                "\tfor <admin@sales.example.com>; Wed, 25 Nov 2026 10:57:09 GMT", "6APBYiko027956", &t), 1,
           "sendmail as it writes it with TZ=UTC: GMT");
    is_int(t, 1795604229LL, "sendmail GMT: its date");
    is_int(recv(" by relay id 4ABC123; Wed, 25 Nov 26 10:57:09 GMT", "4ABC123", &t), -1,
           "names the id, obsolete date: -1");
    is_int(recv(" by relay; Wed, 25 Nov 2026 10:57:09 +0000 id 4ABC123", "4ABC123", &t), 0,
           "the id after the date does not count");

    ok(msgname_qid_ok("4ABC123") && msgname_qid_ok("5APAv9xY012345"), "queue ids usable in names");
    ok(!msgname_qid_ok(NULL) && !msgname_qid_ok("") && !msgname_qid_ok("a/b") && !msgname_qid_ok("a.b")
       && !msgname_qid_ok("a_b"), "unusable: none, empty, '/', '.', '_'");
    ok(msgname_qid_ok("123456789012345678901234567890123456789012345678901234567890123")
       && !msgname_qid_ok("1234567890123456789012345678901234567890123456789012345678901234"),
       "at most 63 characters");

    is_int((long long) msgname_hash(MSGNAME_HASH_INIT, "", 0), (long long) 0xcbf29ce484222325ULL, "FNV-1a 64 of ''");
    is_int((long long) msgname_hash(MSGNAME_HASH_INIT, "a", 1), (long long) 0xaf63dc4c8601ec8cULL, "FNV-1a 64 of 'a'");
    is_int((long long) msgname_hash(MSGNAME_HASH_INIT, "foobar", 6), (long long) 0x85944171f73967e8ULL,
           "FNV-1a 64 of 'foobar'");
    ok(msgname_hash(msgname_hash(MSGNAME_HASH_INIT, "foo", 3), "bar", 3)
       == msgname_hash(MSGNAME_HASH_INIT, "foobar", 6), "streaming in chunks gives the same hash");
    ok(msgname_hash_str(msgname_hash_str(MSGNAME_HASH_INIT, "ab"), "c")
       != msgname_hash_str(msgname_hash_str(MSGNAME_HASH_INIT, "a"), "bc"), "strings are separated");
    ok(msgname_final(1) != msgname_final(2) && msgname_final(0) == 0, "finaliser");

    is_int(msgname_format(name, sizeof(name), 1795604229LL, "4ABC123", 0x0123456789abcdefULL, "relay", 1234), 0,
           "format");
    is_str(name, "1795604229.Q4ABC123_0123456789abcdef.relay,S=1234", "TIME.QQID_HASH.HOST,S=SIZE");
    is_int(msgname_format(name, 40, 1795604229LL, "4ABC123", 1, "relay", 1234), -1, "too long: -1");
    return done_testing();
}
