/* t_envblock.c - unit tests for maps/global/envblock.c: the envelope block of
 * mailbag and outbag files, written and read back, and every refusal named. */
#include <stdlib.h>
#include <string.h>

#include "envblock.h"
#include "tap.h"

/* Parse S; 1/0/-1 as envblock_parse, the reason in WHY (caller frees). */
static int parse(const char *s, struct envblock_read *r, buf_t *why)
{
    buf_reset(why);
    return envblock_parse(s, strlen(s), r, why);
}

static void test_round_trip(void)
{
    const struct envblock_rcpt rc[] = { { "x@legacy.example.net", "x" }, { "\"a b\"@example.org", NULL } };
    struct envblock e = { "anna@legacy.po", "legacy", "4F9D195432C", rc, 2 };
    struct envblock_read r;
    buf_t b = BUF_INIT, why = BUF_INIT;

    envblock_write(&b, &e);
    is_str(b.data, "X-Pogate-Envelope: 1\nX-Pogate-Sender: <anna@legacy.po>\nX-Pogate-Postoffice: legacy\n"
           "X-Pogate-Recipient: <x@legacy.example.net> mailbox=x\nX-Pogate-Recipient: <\"a b\"@example.org>\n"
           "X-Pogate-Queue-Id: 4F9D195432C\n\n", "the block as the mailbag writer has always written it");
    buf_puts(&b, "Subject: hi\n\nbody\n");
    is_int(envblock_parse(b.data, b.len, &r, &why), 1, "read back");
    is_str(r.sender.addr, "anna@legacy.po", "... the sender");
    is_str(r.po, "legacy", "... the postoffice");
    is_str(r.queue_id, "4F9D195432C", "... the queue id");
    is_int(r.nrcpt, 2, "... two recipients");
    is_str(r.rcpt[0].addr, "x@legacy.example.net", "... the first, mailbox= not part of it");
    is_str(r.rcpt[1].addr, "\"a b\"@example.org", "... the quoted one");
    is_str(b.data + r.body, "Subject: hi\n\nbody\n", "... the message starts after the empty line");
    envblock_read_free(&r);
    buf_free(&b), buf_free(&why);
}

static void test_forms(void)
{
    struct envblock_read r;
    buf_t why = BUF_INIT;

    is_int(parse("X-Pogate-Envelope: 1\r\nX-Pogate-Sender: <>\r\nx-pogate-recipient: <a@b.example>\r\n\r\nM", &r,
                 &why), 1, "CRLF lines, the null sender, a field name in lower case");
    ok(r.sender.null, "... the null sender read as such");
    envblock_read_free(&r);
    is_str(parse("X-Pogate-Envelope: 1\r\nX-Pogate-Sender: <>\r\nX-Pogate-Recipient: <a@b.example>\r\n\r\nM", &r,
                 &why) == 1 ? "M" : "", "M", "... the body after CRLF CRLF");
    envblock_read_free(&r);
    is_int(parse("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\nX-Pogate-Recip", &r, &why), 0,
           "a block cut short: read more");
    is_int(parse("", &r, &why), 0, "nothing yet: read more");
    buf_free(&why);
}

static void refused(const char *s, const char *want, const char *what)
{
    struct envblock_read r;
    buf_t why = BUF_INIT;

    is_int(parse(s, &r, &why), -1, "%s: refused", what);
    ok(why.data && strstr(why.data, want) != NULL, "%s: says '%s' (%s)", what, want, why.data ? why.data : "");
    ok(r.rcpt == NULL && r.nrcpt == 0, "%s: nothing kept", what);
    buf_free(&why);
}

static void test_refusals(void)
{
    char *big;

    refused("From: a@b.example\n\nbody\n", "line 1: no envelope", "a message without envelope");
    refused("X-Pogate-Envelope: 2\nX-Pogate-Sender: <a@b.example>\n\n", "line 1: no envelope", "another version");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Recipient: <a@b.example>\n\n", "no X-Pogate-Sender", "no sender");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\n\n", "no X-Pogate-Recipient", "no recipient");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\nX-Pogate-Sender: <c@b.example>\n\n",
            "line 3: X-Pogate-Sender twice", "two senders");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Postoffice: a\nX-Pogate-Postoffice: b\n\n",
            "line 3: X-Pogate-Postoffice twice", "two postoffices");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\nSubject: hi\n\n",
            "line 3: not an envelope field (Subject: hi)", "a header in the envelope");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: a@b.example\n\n", "line 2: address not in angle brackets",
            "a sender without brackets");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\nX-Pogate-Recipient: <>\n\n", "line 3:",
            "the null recipient");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a\x01@b.example>\n\n", "line 2: ", "a control character");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Postoffice: ../etc\n\n", "not a safe name", "an unsafe postoffice");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\nX-Pogate-Recipient: <c@b.example> mailbox=a/b\n\n",
            "mailbox= is not a safe name", "an unsafe mailbox");
    refused("X-Pogate-Envelope: 1\nX-Pogate-Queue-Id: A B\n\n", "X-Pogate-Queue-Id holds a blank", "a queue id with a blank");
    big = malloc(ENVBLOCK_MAX + 100);
    memset(big, 'x', ENVBLOCK_MAX + 99);
    big[ENVBLOCK_MAX + 99] = 0;
    memcpy(big, "X-Pogate-Envelope: 1\n", 21);
    refused(big, "no empty line within the first 64 KB", "64 KB without an empty line");
    free(big);
}

static void test_many(void)
{
    buf_t b = BUF_INIT, why = BUF_INIT;
    struct envblock_read r;

    buf_puts(&b, "X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@b.example>\n");
    for (int i = 0; i < ENVBLOCK_RCPT_MAX; i++)
        buf_printf(&b, "X-Pogate-Recipient: <r%d@b.example>\n", i);
    buf_puts(&b, "\n");
    is_int(envblock_parse(b.data, b.len, &r, &why), 1, "%d recipients read", ENVBLOCK_RCPT_MAX);
    is_int(r.nrcpt, ENVBLOCK_RCPT_MAX, "... all of them");
    envblock_read_free(&r);
    buf_truncate(&b, b.len - 1);
    buf_puts(&b, "X-Pogate-Recipient: <one-more@b.example>\n\n");
    is_int(envblock_parse(b.data, b.len, &r, &why), -1, "one more: refused");
    ok(why.data && strstr(why.data, "more than 1000 recipients"), "... says so (%s)", why.data);
    buf_free(&b), buf_free(&why);
}

int main(void)
{
    test_round_trip();
    test_forms();
    test_refusals();
    test_many();
    return done_testing();
}
