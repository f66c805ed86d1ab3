/* t_statq.c - unit tests for maps/stat_queue.c: postqueue -j's lines and
 * sendmail's mailq listing, and what is left of broken ones. */
#include <stdlib.h>
#include <string.h>

#include "stat_queue.h"
#include "tap.h"

int main(void)
{
    struct statq q;
    static const char pq[] =
        "{\"queue_name\": \"deferred\", \"queue_id\": \"4F9D195432C\", \"arrival_time\": 1796238231, \"message_size\": 2066, "
        "\"forced_expire\": false, \"sender\": \"someone@internet.example\", \"recipients\": [{\"address\": "
        "\"gate@legacy.example.net\", \"delay_reason\": \"deferred transport\"}]}\n"
        "{\"queue_name\": \"active\", \"queue_id\": \"5A1B2C3D4E\", \"arrival_time\": 1796238300, \"message_size\": 1, "
        "\"sender\": \"\", \"recipients\": [{\"address\": \"a@x\"}, {\"address\": \"b@x\"}]}\n"
        "{\"broken\n";
    static const char mq[] =
        "\t\t/var/spool/mqueue (3 requests)\n"
        "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
        "6B2LrhlI016255      236 Wed Dec  2 21:53 <other@internet.example>\n"
        "                 (Deferred: pogate mailer exited with EX_TEMPFAIL)\n"
        "\t\t\t\t\t <anna@legacy.example.net>\n"
        "6B2LrhlI016256*     100 Wed Dec  2 21:54 <x@y>\n"
        "\t\t\t\t\t <a@b>\n"
        "\t\t\t\t\t <c@d>\n"
        "6B2LrhlI016257!      50 Wed Dec  2 21:55:07 MAILER-DAEMON\n"
        "\t\t\t\t\t postmaster\n"
        "\t\tTotal requests: 3\n";

    setenv("TZ", "UTC", 1);
    statq_parse(pq, strlen(pq), (time_t) 1796258400, &q);
    is_int(q.nmsg, 2, "postqueue -j: two messages");
    is_int(q.bad, 1, "... one broken line counted");
    is_str(q.msg[0].qid, "4F9D195432C", "... queue id");
    is_str(q.msg[0].queue, "deferred", "... queue");
    is_int(q.msg[0].arrival, 1796238231, "... arrival");
    is_str(q.msg[0].rcpt[0].reason, "deferred transport", "... the reason");
    ok(q.msg[1].nrcpt == 2 && q.msg[1].rcpt[1].reason == NULL && strcmp(q.msg[1].sender, "") == 0,
       "... two recipients without a reason, the null sender");
    statq_free(&q);

    statq_parse(mq, strlen(mq), (time_t) 1796258400, &q);
    is_int(q.nmsg, 3, "mailq: three messages");
    is_int(q.bad, 0, "... every line understood");
    is_str(q.msg[0].qid, "6B2LrhlI016255", "... queue id");
    is_str(q.msg[0].sender, "other@internet.example", "... sender");
    is_int(q.msg[0].size, 236, "... size");
    is_int(q.msg[0].arrival, 1796248380, "... the time (this year)");
    ok(q.msg[0].nrcpt == 1 && strcmp(q.msg[0].rcpt[0].address, "anna@legacy.example.net") == 0
       && strcmp(q.msg[0].rcpt[0].reason, "Deferred: pogate mailer exited with EX_TEMPFAIL") == 0, "... the recipient and its reason");
    ok(strcmp(q.msg[1].queue, "active") == 0 && q.msg[1].nrcpt == 2, "'*': being delivered, two recipients");
    ok(strcmp(q.msg[2].queue, "hold") == 0 && q.msg[2].arrival == 1796248507,
       "'!': on hold; a time with seconds");
    statq_free(&q);
    statq_parse("Mail queue is empty\n", 20, 0, &q);
    ok(q.nmsg == 0 && q.bad == 0, "an empty queue");
    statq_free(&q);
    statq_parse("\x01\x02\xff garbage\n{", 14, 0, &q);
    ok(q.nmsg == 0, "garbage: nothing");
    statq_free(&q);
    return done_testing();
}
