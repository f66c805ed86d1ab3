/* t_mtaq.c - unit tests for maps/global/mtaq_parse.c: the queue listings of
 * Postfix (postqueue -j, mailq) and sendmail (sendmail -bp), held messages,
 * the reasons mail waits, and lines that are not what they should be. */
#include <stdlib.h>
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
    is_int(q.msg[0].size, 612, "message_size");
    is_str(q.msg[1].queue, "deferred", "queue_name");
    ok(q.msg[0].reasons[0] == NULL && strcmp(q.msg[0].reasons[1], "x") == 0, "delay_reason per recipient");
    is_int(q.bad, 3, "three lines not understood");
    mtaq_free(&q);
    j = "{\"queue_name\": \"deferred\", \"queue_id\": \"4F9D195432C\", \"arrival_time\": 1.8e53, "
        "\"message_size\": -1e300, \"sender\": \"s@x\", \"recipients\": [{\"address\": \"j\u00f6rg@x\"}]}\n";
    is_int(mtaq_parse_postqueue(&q, j, strlen(j)), 1, "numbers out of range");
    ok(q.msg[0].arrival == 0 && q.msg[0].size == -1, "... read as absent");
    is_str(q.msg[0].rcpts[0], "j\xc3\xb6rg@x", "... a \\u escape beyond ASCII as UTF-8");
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
    is_str(q.msg[1].reasons[0], "Deferred: Connection refused", "... which is its reason");
    ok(q.msg[0].reasons[0] == NULL && q.msg[0].size == 612, "no reason where none was given; the size");
    mtaq_free(&q);
    is_int(mtaq_parse_mailq(&q, l, strlen(l), 0, now), 2, "the same listing not from -qQ");
    ok(q.msg[0].held && strcmp(q.msg[0].queue, "hold") == 0 && !q.msg[1].held,
       "... the quarantined one held by its QUARANTINE: line");
    mtaq_free(&q);
    is_int(mtaq_parse_mailq(&q, l, strlen(l) - 40, 0, now), 2, "a listing cut short");
    mtaq_free(&q);
    is_int(mtaq_parse_mailq(&q, "Mail queue is empty\n", 20, 0, now), 0, "empty queue");
    mtaq_free(&q);
}

/* Either listing by its first byte, as pogate-stat reads them: Postfix's own
 * mailq with its marks, times with seconds. */
static void either(void)
{
    struct mtaq q = { 0 };
    time_t now = 1796258400;    /* 2026-12-03 06:40 UTC */
    static const char pq[] =
        "\n{\"queue_name\": \"deferred\", \"queue_id\": \"4F9D195432C\", \"arrival_time\": 1796238231, "
        "\"message_size\": 2066, \"sender\": \"someone@internet.example\", \"recipients\": [{\"address\": "
        "\"gate@legacy.example.net\", \"delay_reason\": \"deferred transport\"}]}\n"
        "{\"broken\n";
    static const char mq[] =
        "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
        "6B2LrhlI016255      236 Wed Dec  2 21:53 <other@internet.example>\n"
        "                 (Deferred: pogate mailer exited with EX_TEMPFAIL)\n"
        "\t\t\t\t\t <anna@legacy.example.net>\n"
        "\n"
        "6B2LrhlI016256*     100 Wed Dec  2 21:54 <x@y>\n"
        "\t\t\t\t\t <a@b>\n"
        "\t\t\t\t\t <c@d>\n"
        "6B2LrhlI016257!      50 Wed Dec  2 21:55:07 MAILER-DAEMON\n"
        "\t\t\t\t\t postmaster\n"
        "-- 1 Kbytes in 3 Requests.\n";

    setenv("TZ", "UTC", 1);
    tzset();
    is_int(mtaq_parse(&q, pq, strlen(pq), now), 1, "'{': postqueue -j");
    ok(q.bad == 1 && q.msg[0].arrival == 1796238231, "... the broken line counted");
    mtaq_free(&q);
    is_int(mtaq_parse(&q, mq, strlen(mq), now), 3, "else a mailq table (Postfix's)");
    ok(q.bad == 0 && q.msg[0].arrival == 1796248380 && q.msg[0].size == 236, "... every line understood, the time");
    ok(strcmp(q.msg[1].queue, "active") == 0 && q.msg[1].nrcpt == 2, "... '*': being delivered, two recipients");
    ok(q.msg[2].held && strcmp(q.msg[2].queue, "hold") == 0 && q.msg[2].arrival == 1796248507,
       "... '!': on hold; a time with seconds");
    is_str(q.msg[2].sender, "MAILER-DAEMON", "... a sender without <>");
    mtaq_free(&q);
    ok(mtaq_parse(&q, "Mail queue is empty\n", 20, now) == 0 && q.bad == 0, "an empty queue");
    mtaq_free(&q);
    ok(mtaq_parse(&q, "\x01\x02\xff garbage\n{", 14, now) == 0, "garbage: nothing");
    mtaq_free(&q);
}

int main(void)
{
    postqueue();
    mailq();
    either();
    return done_testing();
}
