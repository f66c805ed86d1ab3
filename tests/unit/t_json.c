/* t_json.c - unit tests for maps/util/json.c: the writer never emits what
 * does not parse back, the reader takes postqueue -j's lines and refuses
 * what is not one JSON value. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

int main(void)
{
    buf_t b = BUF_INIT;
    struct json *j;
    const struct json *r;
    const char *why;
    static const char pq[] =
        "{\"queue_name\": \"deferred\", \"queue_id\": \"4F9D195432C\", \"arrival_time\": 1796238231, "
        "\"message_size\": 2066, \"forced_expire\": false, \"sender\": \"someone@internet.example\", "
        "\"recipients\": [{\"address\": \"gate@legacy.example.net\", \"delay_reason\": "
        "\"delivery temporarily suspended: postoffice legacy paused\"}, {\"address\": \"b@x\"}]}";

    json_put_str(&b, "a\"b\\c\n\x01\xc3\xa9\xff", 10);
    is_str(b.data, "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\\ufffd\"", "writer: escapes, keeps UTF-8, replaces a bad byte");
    j = json_parse(b.data, b.len, &why);
    ok(j && j->type == JSON_STRING && strcmp(j->str, "a\"b\\c\n\x01\xc3\xa9\xef\xbf\xbd") == 0,
       "what the writer wrote parses back");
    json_free(j);
    buf_reset(&b);
    json_put_cstr(&b, NULL);
    is_str(b.data, "null", "NULL is null");

    j = json_parse(pq, strlen(pq), &why);
    ok(j != NULL, "a line of postqueue -j");
    is_str(json_get_str(j, "queue_id"), "4F9D195432C", "queue_id");
    ok(json_get(j, "arrival_time") && json_get(j, "arrival_time")->num == 1796238231.0, "arrival_time");
    ok(json_get(j, "forced_expire")->type == JSON_FALSE, "false");
    r = json_get(j, "recipients");
    ok(r && r->type == JSON_ARRAY && r->child && r->child->next && !r->child->next->next, "two recipients");
    is_str(json_get_str(r->child, "delay_reason"), "delivery temporarily suspended: postoffice legacy paused",
           "delay_reason");
    ok(json_get_str(r->child->next, "delay_reason") == NULL, "absent member");
    json_free(j);
    {
        static const char sp[] = "[\"\\ud83d\\ude00\", \"\\u0000\"]";

        j = json_parse(sp, strlen(sp), &why);
    }
    ok(j && strcmp(j->child->str, "\xf0\x9f\x98\x80") == 0 && strcmp(j->child->next->str, "\xef\xbf\xbd") == 0,
       "surrogate pairs joined, \\u0000 replaced");
    json_free(j);

    ok(json_parse("{\"a\": 1", 7, &why) == NULL && why, "unterminated object refused (%s)", why);
    ok(json_parse("{\"a\": 1} x", 10, &why) == NULL, "text after the value refused");
    ok(json_parse("[1,]", 4, &why) == NULL, "a trailing comma refused");
    ok(json_parse("\"a\x01\"", 4, &why) == NULL, "a control character in a string refused");
    ok(json_parse("\"\xff\"", 3, &why) == NULL, "malformed UTF-8 refused");
    ok(json_parse("", 0, &why) == NULL, "nothing refused");
    {
        char deep[200];

        memset(deep, '[', sizeof(deep));
        ok(json_parse(deep, sizeof(deep), &why) == NULL && strstr(why, "deep"), "nesting too deep refused (%s)", why);
    }
    {
        static const char nums[] = "{\"t\": 1796238231, \"big\": 1e300, \"neg\": -9.3e18, \"s\": \"12\", "
                                   "\"edge\": 9223372036854775807}";

        j = json_parse(nums, strlen(nums), &why);
        ok(j && json_get_ll(j, "t", 0) == 1796238231LL, "json_get_ll: a whole number");
        ok(j && json_get_ll(j, "big", -1) == -1 && json_get_ll(j, "neg", -1) == -1,
           "json_get_ll: out of range gives the default");
        ok(j && json_get_ll(j, "s", -1) == -1 && json_get_ll(j, "none", 7) == 7,
           "json_get_ll: a string or an absent member gives the default");
        /* 9223372036854775807 reads as the double 2^63, which is out of range */
        ok(j && json_get_ll(j, "edge", -1) == -1, "json_get_ll: 2^63 gives the default");
        json_free(j);
    }
    buf_free(&b);
    return done_testing();
}
