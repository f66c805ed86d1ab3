/* t_poedit.c - unit tests for maps/poedit.c: one attribute of one record
 * changed or added, everything else byte for byte; records found as the
 * map reader finds them; records that cannot be edited safely refused. */
#include <string.h>

#include "poedit.h"
#include "tap.h"

static enum poedit_result set(const char *text, const char *key, const char *value, buf_t *out, int *line)
{
    const char *why = "";

    return poedit_set(text, strlen(text), key, "state", value, out, line, &why);
}

static void change_and_add(void)
{
    buf_t out = BUF_INIT;
    int line;
    const char *map = "# head\r\nSALES domain=s.example state=active\r\nHR domain=h.example\r\n";

    is_int(set(map, "sales", "paused", &out, &line), POEDIT_CHANGED, "value changed");
    is_str(out.data, "# head\r\nSALES domain=s.example state=paused\r\nHR domain=h.example\r\n",
           "... only the value, CRLF kept");
    is_int(line, 2, "... the record's line");
    is_int(set(map, "HR", "inbound-only", &out, &line), POEDIT_CHANGED, "attribute added");
    is_str(out.data, "# head\r\nSALES domain=s.example state=active\r\nHR domain=h.example state=inbound-only\r\n",
           "... at the end of the record, before the CR");
    is_int(set(map, "sales", "active", &out, &line), POEDIT_SAME, "same value: nothing to do");
    is_str(out.data, map, "... the text as it was");
    is_int(set(map, "nope", "paused", &out, &line), POEDIT_NO_RECORD, "unknown record");
    is_int(set("HUB domain=h.example\n  # a comment\n    maxsize=10M   \n\nB domain=b.example\n", "hub", "paused", &out,
               &line), POEDIT_CHANGED, "record with a continuation line");
    is_str(out.data, "HUB domain=h.example\n  # a comment\n    maxsize=10M state=paused   \n\nB domain=b.example\n",
           "... added to its last line, trailing blanks kept after it");
    is_int(set("A domain=a.example", "a", "paused", &out, &line), POEDIT_CHANGED, "no newline at the end");
    is_str(out.data, "A domain=a.example state=paused", "... still none");
    is_int(set("A\n", "a", "paused", &out, &line), POEDIT_CHANGED, "a key alone");
    is_str(out.data, "A state=paused\n", "... gets the attribute");
    buf_free(&out);
}

static void quoting(void)
{
    buf_t out = BUF_INIT;
    int line;
    const char *why = "";

    is_int(set("A name=\"x state=paused\" domain=a.example\n", "a", "active", &out, &line), POEDIT_CHANGED,
           "state= inside a quoted value is not the attribute");
    is_str(out.data, "A name=\"x state=paused\" domain=a.example state=active\n", "... the attribute is added");
    is_int(set("A name=\"two\n  lines state=x\" STATE=paused\n", "a", "active", &out, &line), POEDIT_CHANGED,
           "a quote running over a line end; names compare case-insensitively");
    is_str(out.data, "A name=\"two\n  lines state=x\" STATE=active\n", "... the right one changed");
    const char *q = "A domain=a name=\"J \\\"x\\\"\"\n";

    is_int(poedit_get(q, strlen(q), "a", "name", &out, &line, &why), POEDIT_CHANGED,
           "get a quoted value");
    is_str(out.data, "J \"x\"", "... unquoted and unescaped");
    is_int(poedit_get("A domain=a\n", 11, "a", "state", &out, &line, &why), POEDIT_CHANGED, "get a missing attribute");
    is_str(out.data, "", "... empty");
    buf_free(&out);
}

static void refused(void)
{
    buf_t out = BUF_INIT;
    int line;

    is_int(set("A domain=a.example\na domain=b.example\n", "a", "paused", &out, &line), POEDIT_BAD,
           "a record given twice");
    is_int(set("A state=paused state=active\n", "a", "paused", &out, &line), POEDIT_BAD, "attribute given twice");
    is_int(set("A domain=a.example junk\n", "a", "paused", &out, &line), POEDIT_BAD, "not name=value");
    is_int(set("A state=\"pa\n  used\"\n", "a", "active", &out, &line), POEDIT_BAD, "the value itself over two lines");
    is_int(set("A domain=a\x01\n", "a", "paused", &out, &line), POEDIT_BAD, "control character");
    is_int(set("A name=\"open\n", "a", "paused", &out, &line), POEDIT_BAD, "unterminated quote");
    is_int(set("A state=\"x\"y\n", "a", "paused", &out, &line), POEDIT_BAD,
           "text after a closing quote (the fuzzer's find: the edit would have glued it on)");
    is_int(set("A domain=a\n", "a", "pa used", &out, &line), POEDIT_BAD, "a value with a blank");
    is_int(out.len, 0, "... no output on refusal");
    buf_free(&out);
}

int main(void)
{
    change_and_add();
    quoting();
    refused();
    return done_testing();
}
