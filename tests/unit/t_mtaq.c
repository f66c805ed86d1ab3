/* t_mtaq.c - unit tests for maps/global/mtaq_parse.c: the queue listings of
 * Postfix (postqueue -j) and sendmail (sendmail -bp), held messages, and
 * lines that are not what they should be. */
#include <string.h>
#include <time.h>

#include "mtaq.h"
#include "tap.h"

static void postqueue(void)
{
    struct mtaq q = { 0 };
    const char *j =
        "{\"queue_name\": \"hold\", \"queue_id\": \"4B2D3C1A2F\", \"arrival_time\": 1764709200, "
        "\"message_size\": 612, \"forced_expire\": false, \"sender\": \"john@sales.example.com\", "
        "\"recipients\": [{\"address\": \"a@example.org\"}, {\"address\": \"b\\u0040example.net\", "
        "\"delay_reason\": \"x\"}]}\n"
        "{\"queue_name\": \"deferred\", \"queue_id\": \"ABC123\", \"sender\": \"\", \"recipients\": [], "
        "\"extra\": {\"deep\": [1, 2.5e3, null, true]}}\n"
        "{\"queue_name\": \"active\", \"queue_id\": \"../x\"}\n"
        "{\"queue_id\": \"ZZZ\" trailing}\n"
        "not json\n";

    is_int(mtaq_parse_postqueue(&q, j, strlen(j)), 2, "two messages, bad lines skipped");
    is_str(q.msg[0].qid, "4B2D3C1A2F", "queue id");
    is_int(q.msg[0].held, 1, "... in the hold queue");
    is_int(q.msg[0].arrival, 1764709200, "... arrival time");
    is_str(q.msg[0].sender, "john@sales.example.com", "... sender");
    is_int(q.msg[0].nrcpt, 2, "... two recipients");
    is_str(q.msg[0].rcpts[1], "b@example.net", "... \\u escape decoded");
    is_int(q.msg[1].held, 0, "deferred is not held");
    is_str(q.msg[1].sender, "", "null sender");
    mtaq_free(&q);
}

static void mailq(void)
{
    struct mtaq q = { 0 };
    time_t now = 1764709200;    /* 2025-12-02 */
    const char *l =
        "\t\t/var/spool/mqueue (2 requests)\n"
        "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
        "5B2LBqpx012345      612 Tue Dec  2 20:11 <john@sales.example.com>\n"
        "     QUARANTINE: pogate: postoffice sales outbound paused\n"
        "\t\t\t\t\t <a@example.org>\n"
        "\t\t\t\t\t <b@example.net>\n"
        "5B2LBqpy012346*     100 Wed Dec 31 23:59 <>\n"
        "                 (Deferred: Connection refused)\n"
        "\t\t\t\t\t <c@example.org>\n"
        "\t\tTotal requests: 2\n";

    is_int(mtaq_parse_mailq(&q, l, strlen(l), 1, now), 2, "two messages");
    is_str(q.msg[0].qid, "5B2LBqpx012345", "queue id");
    is_int(q.msg[0].held, 1, "... held as the listing says");
    is_int(q.msg[0].nrcpt, 2, "... two recipients, status lines skipped");
    is_str(q.msg[0].rcpts[0], "a@example.org", "... without <>");
    is_str(q.msg[0].sender, "john@sales.example.com", "... sender");
    is_str(q.msg[1].qid, "5B2LBqpy012346", "a queue id marked * (being processed)");
    ok(q.msg[1].arrival < now, "a time that would be in the future is last year's");
    is_int(q.msg[1].nrcpt, 1, "... one recipient after the (Deferred) line");
    mtaq_free(&q);
    is_int(mtaq_parse_mailq(&q, "Mail queue is empty\n", 20, 0, now), 0, "empty queue");
    mtaq_free(&q);
}

int main(void)
{
    postqueue();
    mailq();
    return done_testing();
}
