/* t_lmtp_proto.c - unit tests of the LMTP engine (lda/lmtp_proto.c, lmtp_io.c, lmtp_parse.c).
 *
 * Each case writes a whole client conversation into one end of a socketpair
 * (as a PIPELINING client would), runs lmtp_serve() on the other end with a
 * small recording handler, then compares the server's replies byte for byte
 * and the message as the handler read it (from memory or the spool file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "lmtp_proto.h"
#include "tap.h"

/* Each test runs three times: every message spooled (0), every one in
 * memory, and spilled to the spool file after 16 bytes. */
static long long mem_max;

static struct rec {
    long long max;
    int data_calls;
    int resets;
    int nrcpt;
    char rcpts[8][64];
    buf_t body;
} rec;

static long long h_max(void *ctx)
{
    (void) ctx;
    return rec.max;
}

static int h_mail(void *ctx, const char *sender, long long size, buf_t *reply)
{
    (void) ctx;
    (void) size;
    if (strcmp(sender, "tempfail@x") == 0) {
        buf_puts(reply, "451 4.3.0 maps unavailable");
        return 451;
    }
    buf_puts(reply, "250 2.1.0 Ok");
    return 250;
}

static int h_rcpt(void *ctx, const char *rcpt, buf_t *reply)
{
    (void) ctx;
    if (strncmp(rcpt, "unknown@", 8) == 0) {
        buf_printf(reply, "550 5.1.1 <%s>: no such mailbox", rcpt);
        return 550;
    }
    if (rec.nrcpt < 8)
        snprintf(rec.rcpts[rec.nrcpt++], 64, "%s", rcpt);
    buf_puts(reply, "250 2.1.5 Ok");
    return 250;
}

static void h_data(void *ctx, const struct lmtp_msg *msg, int nrcpt, buf_t *replies)
{
    char tmp[4096];
    ssize_t n;

    (void) ctx;
    rec.data_calls++;
    buf_reset(&rec.body);
    if ((msg->data == NULL) == (msg->fd < 0))
        buf_puts(&rec.body, "[NOT ONE SOURCE]");
    else if (msg->data != NULL)
        buf_append(&rec.body, msg->data, (size_t) msg->size);
    while (msg->fd >= 0 && (n = read(msg->fd, tmp, sizeof(tmp))) > 0)
        buf_append(&rec.body, tmp, (size_t) n);
    if (msg->data != NULL ? (long long) rec.body.len > mem_max : (long long) rec.body.len <= mem_max)
        buf_puts(&rec.body, "[IN THE WRONG PLACE]");
    if ((long long) rec.body.len != msg->size)
        buf_puts(&rec.body, "[SIZE MISMATCH]");
    for (int i = 0; i < nrcpt; i++) {
        if (strncmp(rec.rcpts[i], "fail@", 5) == 0)
            buf_printf(&replies[i], "452 4.2.2 <%s>: mailbox full", rec.rcpts[i]);
        else
            buf_printf(&replies[i], "250 2.0.0 <%s> delivered", rec.rcpts[i]);
    }
}

static void h_reset(void *ctx)
{
    (void) ctx;
    rec.resets++;
    rec.nrcpt = 0;
}

static const struct lmtp_handler handler = { h_max, h_mail, h_rcpt, h_data, h_reset };

/* Run one conversation; the server's replies end up in OUT. */
static enum lmtp_end converse(const char *in, size_t inlen, int close_input, int idle, buf_t *out)
{
    struct lmtp_params p = { "test.example", "/tmp", idle, 5, -1, (size_t) mem_max };
    int sv[2];
    enum lmtp_end end;
    char tmp[4096];
    ssize_t n;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return LMTP_END_IO;
    if (write(sv[0], in, inlen) != (ssize_t) inlen)
        return LMTP_END_IO;
    if (close_input)
        shutdown(sv[0], SHUT_WR);
    end = lmtp_serve(&p, &handler, NULL, sv[1], sv[1]);
    close(sv[1]);
    buf_reset(out);
    while ((n = read(sv[0], tmp, sizeof(tmp))) > 0)
        buf_append(out, tmp, (size_t) n);
    close(sv[0]);
    if (out->data == NULL)
        buf_puts(out, "");
    return end;
}

#define CONVERSE(in, out) converse((in), strlen(in), 1, 5, (out))

static const char *LHLO_REPLY =
    "220 test.example LMTP pogate ready\r\n"
    "250-test.example\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    "250 SIZE 100000\r\n";

static void test_pipelined_transaction(buf_t *out)
{
    buf_t want = BUF_INIT;
    enum lmtp_end end;

    end = CONVERSE("LHLO client\r\n"
                   "MAIL FROM:<s@x> SIZE=120 BODY=8BITMIME\r\nRCPT TO:<a@x>\r\n"
                   "RCPT TO:<unknown@x>\r\nrcpt to:<fail@x>\r\nRCPT TO: <@r1,@r2:b@x>\r\nDATA\r\n"
                   "Subject: t\r\n\r\n..hidden dot\r\nbare lf\n.\r\n"
                   "QUIT\r\n", out);
    buf_puts(&want, LHLO_REPLY);
    buf_puts(&want, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <unknown@x>: no such mailbox\r\n"
             "250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
             "250 2.0.0 <a@x> delivered\r\n452 4.2.2 <fail@x>: mailbox full\r\n"
             "250 2.0.0 <b@x> delivered\r\n221 2.0.0 Bye\r\n");
    is_str(out->data, want.data, "pipelined LHLO/MAIL/RCPT/DATA: one reply per recipient, in order");
    is_str(rec.body.data, "Subject: t\n\n.hidden dot\nbare lf\n",
           "message spooled dot-unstuffed with LF line ends, bare LF accepted");
    is_int(end, LMTP_END_QUIT, "conversation ended by QUIT");
    buf_free(&want);
}

static void test_sequence_errors(buf_t *out)
{
    int calls = rec.data_calls;

    CONVERSE("MAIL FROM:<s@x>\r\nHELO x\r\nEHLO x\r\nLHLO\r\nLHLO c\r\nRCPT TO:<a@x>\r\nDATA\r\n"
             "MAIL FROM:<s@x>\r\nMAIL FROM:<s@x>\r\nDATA\r\nRCPT TO:<unknown@x>\r\nDATA\r\n"
             "MAIL FROM:s@x\r\nRSET\r\nMAIL FROM:<tempfail@x>\r\nRCPT TO:<a@x>\r\n"
             "XYZZ\r\nVRFY a\r\nNOOP\r\n", out);
    is_str(out->data, "220 test.example LMTP pogate ready\r\n"
           "503 5.5.1 Error: send LHLO first\r\n"
           "500 5.5.1 Error: this is LMTP, send LHLO\r\n"
           "500 5.5.1 Error: this is LMTP, send LHLO\r\n"
           "501 5.5.4 Syntax: LHLO hostname\r\n"
           "250-test.example\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
           "250 SIZE 100000\r\n"
           "503 5.5.1 Error: need MAIL command\r\n"
           "503 5.5.1 Error: need MAIL command\r\n"
           "250 2.1.0 Ok\r\n"
           "503 5.5.1 Error: nested MAIL command\r\n"
           "503 5.5.1 Error: no valid recipients\r\n"
           "550 5.1.1 <unknown@x>: no such mailbox\r\n"
           "503 5.5.1 Error: no valid recipients\r\n"
           "503 5.5.1 Error: nested MAIL command\r\n"
           "250 2.0.0 Ok\r\n"
           "451 4.3.0 maps unavailable\r\n"
           "503 5.5.1 Error: need MAIL command\r\n"
           "500 5.5.2 Error: command not recognized\r\n"
           "502 5.5.1 Error: command not implemented\r\n"
           "250 2.0.0 Ok\r\n",
           "commands out of sequence get 503 5.5.1, HELO/EHLO 500, unknown 500 5.5.2");
    is_int(rec.data_calls, calls, "no delivery without a valid recipient");
}

static void test_bad_command_lines(buf_t *out)
{
    buf_t in = BUF_INIT;
    static const char nul_cmd[] = "NOOP\0x\r\n";

    buf_puts(&in, "LHLO c\r\n");
    buf_append(&in, nul_cmd, sizeof(nul_cmd) - 1);
    buf_puts(&in, "NOOP ");
    for (int i = 0; i < 1500; i++)
        buf_putc(&in, 'a');
    buf_puts(&in, "\r\nNOOP ");
    for (int i = 0; i < 993; i++)       /* 998 bytes + CRLF: the longest allowed */
        buf_putc(&in, 'b');
    buf_puts(&in, "\r\nQUIT\r\n");
    converse(in.data, in.len, 1, 5, out);
    buf_reset(&in);
    buf_puts(&in, LHLO_REPLY);
    buf_puts(&in, "500 5.5.2 Error: NUL character in command\r\n"
             "500 5.5.2 Error: command line too long\r\n250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
    is_str(out->data, in.data,
           "NUL and over-long command lines get 500 5.5.2; a 1000-byte line is fine; the session goes on");
    buf_free(&in);
}

static void data_case(buf_t *out, const char *what, const char *body, size_t bodylen,
                      const char *want_reply)
{
    buf_t in = BUF_INIT;
    buf_t want = BUF_INIT;
    int calls = rec.data_calls;

    buf_puts(&in, "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
    buf_append(&in, body, bodylen);
    buf_puts(&in, ".\r\nNOOP\r\n");
    converse(in.data, in.len, 1, 5, out);
    buf_puts(&want, LHLO_REPLY);
    buf_printf(&want, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
               "354 End data with <CR><LF>.<CR><LF>\r\n%s\r\n%s\r\n250 2.0.0 Ok\r\n",
               want_reply, want_reply);
    is_str(out->data, want.data, "%s", what);
    is_int(rec.data_calls, calls, "%s: nothing delivered", what);
    buf_free(&in);
    buf_free(&want);
}

static void test_bad_data(buf_t *out)
{
    static const char nul_body[] = "a\r\nb\0c\r\n";
    buf_t body = BUF_INIT;

    data_case(out, "NUL in the message: 554 5.6.0 per recipient", nul_body, sizeof(nul_body) - 1,
              "554 5.6.0 Error: message contains NUL characters");
    for (int i = 0; i < LMTP_DATA_LINE_MAX + 10; i++)
        buf_putc(&body, 'x');
    buf_puts(&body, "\r\nmore\r\n");
    data_case(out, "over-long message line: 554 5.6.0 per recipient", body.data, body.len,
              "554 5.6.0 Error: message line longer than 65536 bytes");
    buf_reset(&body);
    for (int i = 0; i < 2000; i++)
        buf_puts(&body, "0123456789012345678901234567890123456789012345678901234567890123\r\n");
    data_case(out, "message over SIZE: 552 5.3.4 per recipient", body.data, body.len,
              "552 5.3.4 Error: message size exceeds fixed limit");
    buf_free(&body);
}

static void test_limits_and_timeouts(buf_t *out)
{
    buf_t in = BUF_INIT;
    enum lmtp_end end;

    CONVERSE("LHLO c\r\nMAIL FROM:<s@x> SIZE=100001\r\nMAIL FROM:<s@x> SIZE=1x\r\n"
             "MAIL FROM:<s@x> BODY=BINARYMIME\r\n", out);
    ok(strstr(out->data, "552 5.3.4 Message size exceeds fixed limit\r\n"
              "501 5.5.4 Error: bad SIZE parameter\r\n"
              "501 5.5.4 Error: unsupported BODY parameter\r\n") != NULL,
       "MAIL SIZE= over the limit 552 5.3.4; bad SIZE/BODY 501 5.5.4");
    for (int i = 0; i < LMTP_MAX_ERRORS + 5; i++)
        buf_puts(&in, "BOGUS\r\n");
    end = converse(in.data, in.len, 1, 5, out);
    ok(strstr(out->data, "421 4.7.0 Error: too many errors\r\n") != NULL && end == LMTP_END_ERRORS,
       "a client sending garbage is cut off with 421 4.7.0");
    end = converse("LHLO c\r\n", 8, 0, 1, out);
    ok(strstr(out->data, "421 4.4.2 Error: timeout exceeded\r\n") != NULL && end == LMTP_END_TIMEOUT,
       "idle client: 421 4.4.2 after the idle timeout");
    int resets = rec.resets, calls = rec.data_calls;
    const char *cut = "LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\nhalf a message\r\n";
    end = converse(cut, strlen(cut), 1, 5, out);
    ok(end == LMTP_END_EOF && rec.data_calls == calls && rec.resets == resets + 1,
       "connection lost in DATA: nothing delivered, transaction reset");
    buf_free(&in);
}

/* RFC 5321 and RFC 1035 limits, through addr_parse(), the rule in the reply. */
static void path_limits(buf_t *a)
{
    char arg[600];
    const char *why = NULL;

    snprintf(arg, sizeof(arg), "<%064d@example.com>", 0);
    ok(lmtp_parse_path(arg, a, 0, &why) != NULL, "64-octet local part taken");
    snprintf(arg, sizeof(arg), "<%065d@example.com>", 0);
    ok(lmtp_parse_path(arg, a, 0, &why) == NULL, "65-octet local part refused");
    is_str(why, "501 5.1.3 Error: local part longer than 64 octets (RFC 5321 4.5.3.1.1)", "... the rule named");
    ok(lmtp_parse_path("<u@ex_ample.com>", a, 1, &why) == NULL, "MAIL: underscore in a label refused");
    is_str(why, "501 5.1.7 Error: domain label not made of letters, digits and hyphens (RFC 1035 2.3.1)",
           "... 5.1.7 for the sender");
    snprintf(arg, sizeof(arg), "<@%063d.%063d.%063d.%060d:u@d.example>", 0, 0, 0, 0);
    ok(lmtp_parse_path(arg, a, 0, &why) == NULL, "a source route that takes the path past 256 octets");
    is_str(why, "501 5.1.3 Error: path longer than 256 octets (RFC 5321 4.5.3.1.3)", "... refused as a path");
    ok(lmtp_parse_path("<u@[IPv6:1:2:3:4:5:6::8]>", a, 0, &why) == NULL, "IPv6 '::' for one group refused");
    ok(lmtp_parse_path("<postmaster>", a, 0, &why) != NULL, "a bare local name passes to the recipient check");
}

static void test_parse(void)
{
    buf_t a = BUF_INIT;
    const char *why = NULL;
    const char *rest;
    long long size;

    rest = lmtp_parse_path("<A@B.example> SIZE=5", &a, 0, &why);
    ok(rest && strcmp(a.data, "A@B.example") == 0 && strcmp(rest, "SIZE=5") == 0, "path and params");
    rest = lmtp_parse_path("<>", &a, 1, &why);
    ok(rest && a.len == 0, "null sender allowed for MAIL");
    ok(lmtp_parse_path("<>", &a, 0, &why) == NULL, "null recipient refused");
    rest = lmtp_parse_path("<@r1,@r2:u@d>", &a, 0, &why);
    ok(rest && strcmp(a.data, "u@d") == 0, "source route dropped");
    rest = lmtp_parse_path("<\"x> y\"@d>", &a, 0, &why);
    ok(rest && strcmp(a.data, "\"x> y\"@d") == 0, "quoted '>' kept inside the local part");
    ok(lmtp_parse_path("u@d", &a, 0, &why) == NULL && strncmp(why, "501 5.1.7", 9) == 0,
       "no angle brackets: 501 5.1.7");
    ok(lmtp_parse_path("<u\x01@d>", &a, 0, &why) == NULL && strncmp(why, "501 5.1.3", 9) == 0,
       "control character: 501 5.1.3");
    ok(lmtp_parse_path("<u@d", &a, 0, &why) == NULL, "unterminated path refused");
    ok(lmtp_parse_path("<u@d>x", &a, 0, &why) == NULL, "garbage after path refused");
    path_limits(&a);
    ok(lmtp_parse_mail_params("SIZE=123 BODY=8BITMIME RET=HDRS", &size, &why) == 0 && size == 123,
       "SIZE, BODY and other parameters accepted");
    ok(lmtp_parse_mail_params("", &size, &why) == 0 && size == -1, "no parameters");
    ok(lmtp_parse_mail_params("=x", &size, &why) < 0, "empty keyword refused");
    ok(lmtp_parse_mail_params("SIZE=9 SMTPUTF8", &size, &why) == 0 && size == 9, "SMTPUTF8 accepted");
    ok(lmtp_parse_mail_params("SMTPUTF8=yes", &size, &why) < 0 && strstr(why, "SMTPUTF8 takes no value"),
       "SMTPUTF8 with a value refused");
    buf_free(&a);
}

int main(void)
{
    buf_t out = BUF_INIT;

    rec.max = 100000;
    buf_init(&rec.body);
    for (int pass = 0; pass < 3; pass++) {
        mem_max = pass == 0 ? 0 : pass == 1 ? LMTP_MEM_MAX : 16;
        printf("# messages %s\n", pass == 0 ? "spooled" : pass == 1 ? "in memory" : "spooled past 16 bytes");
        test_pipelined_transaction(&out);
        test_sequence_errors(&out);
        test_bad_command_lines(&out);
        test_bad_data(&out);
        test_limits_and_timeouts(&out);
    }
    test_parse();
    buf_free(&out);
    buf_free(&rec.body);
    return done_testing();
}
