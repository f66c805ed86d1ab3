/* lmtp_proto.c - the LMTP protocol engine (RFC 2033); see lmtp_proto.h.
 *
 * The state is small: whether LHLO was seen, whether a MAIL transaction is
 * open, how many recipients it has accepted. Replies follow Postfix's smtpd
 * wording where one exists, so operators recognise them in the MTA's logs.
 * Parsing of paths and parameters lives in lmtp_parse.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "lmtp_io.h"
#include "lmtp_proto.h"
#include "log.h"
#include "mem.h"

struct session {
    const struct lmtp_params *p;
    const struct lmtp_handler *h;
    void *ctx;
    struct lmtp_io *io;
    int lhlo;                   /* LHLO seen */
    int in_mail;                /* MAIL accepted, transaction open */
    int nrcpt;                  /* recipients accepted in this transaction */
    int errors;
    int spool_fd;               /* reused by every transaction of the connection */
    buf_t body;                 /* likewise: the message while it fits in memory */
    buf_t line;
    buf_t addr;
    buf_t reply;
};

/* Returned by a command: keep going, or end the conversation this way. */
#define CONTINUE (-1)

static void reply(struct session *s, const char *text)
{
    lmtp_io_put(s->io, text, strlen(text));
    lmtp_io_put(s->io, "\r\n", 2);
}

/* A protocol error: counted, so a client sending garbage is cut off. */
static void reply_error(struct session *s, const char *text)
{
    reply(s, text);
    s->errors++;
}

static void end_transaction(struct session *s)
{
    if (s->in_mail && s->h->reset != NULL)
        s->h->reset(s->ctx);
    s->in_mail = 0;
    s->nrcpt = 0;
}

static int cmd_lhlo(struct session *s, const char *arg)
{
    long long max;
    char line[128];

    if (*arg == '\0') {
        reply_error(s, "501 5.5.4 Syntax: LHLO hostname");
        return CONTINUE;
    }
    end_transaction(s);
    s->lhlo = 1;
    max = s->h->max_size(s->ctx);
    snprintf(line, sizeof(line), "250-%s", s->p->hostname);
    reply(s, line);
    reply(s, "250-PIPELINING");
    reply(s, "250-ENHANCEDSTATUSCODES");
    reply(s, "250-8BITMIME");
    reply(s, "250-SMTPUTF8");
    if (max > 0) {
        snprintf(line, sizeof(line), "250 SIZE %lld", max);
        reply(s, line);
    } else {
        reply(s, "250 SIZE");
    }
    return CONTINUE;
}

static int cmd_mail(struct session *s, const char *arg)
{
    const char *params;
    const char *why = NULL;
    long long size = -1;
    long long max;

    if (!s->lhlo) {
        reply_error(s, "503 5.5.1 Error: send LHLO first");
        return CONTINUE;
    }
    if (s->in_mail) {
        reply_error(s, "503 5.5.1 Error: nested MAIL command");
        return CONTINUE;
    }
    if (strncasecmp(arg, "FROM:", 5) != 0) {
        reply_error(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
        return CONTINUE;
    }
    if ((params = lmtp_parse_path(arg + 5, &s->addr, 1, &why)) == NULL
        || lmtp_parse_mail_params(params, &size, &why) < 0) {
        reply_error(s, why);
        return CONTINUE;
    }
    max = s->h->max_size(s->ctx);
    if (max > 0 && size > max) {
        reply(s, "552 5.3.4 Message size exceeds fixed limit");
        return CONTINUE;
    }
    buf_reset(&s->reply);
    if (s->h->mail(s->ctx, s->addr.data, size, &s->reply) / 100 == 2)
        s->in_mail = 1;
    reply(s, s->reply.data);
    return CONTINUE;
}

static int cmd_rcpt(struct session *s, const char *arg)
{
    const char *params;
    const char *why = NULL;

    if (!s->in_mail) {
        reply_error(s, "503 5.5.1 Error: need MAIL command");
        return CONTINUE;
    }
    if (strncasecmp(arg, "TO:", 3) != 0) {
        reply_error(s, "501 5.5.4 Syntax: RCPT TO:<address>");
        return CONTINUE;
    }
    /* RCPT parameters (ORCPT, NOTIFY) are not advertised; tolerated, ignored. */
    if ((params = lmtp_parse_path(arg + 3, &s->addr, 0, &why)) == NULL) {
        reply_error(s, why);
        return CONTINUE;
    }
    if (s->nrcpt >= LMTP_MAX_RCPT) {
        reply(s, "452 4.5.3 Error: too many recipients");
        return CONTINUE;
    }
    buf_reset(&s->reply);
    if (s->h->rcpt(s->ctx, s->addr.data, &s->reply) / 100 == 2)
        s->nrcpt++;
    reply(s, s->reply.data);
    return CONTINUE;
}

/* Why a message read to its final dot cannot be delivered. */
enum data_fault { DATA_OK, DATA_NUL, DATA_LONG, DATA_SIZE, DATA_SPOOL };

/* The message being read: in WBUF while it fits in mem_max; past that
 * WBUF is the write buffer of the spool file FD. */
struct spool {
    int fd;                     /* -1 while the message is in memory */
    long long size;             /* bytes of message so far */
    long long max;              /* 0 = no limit */
    enum data_fault fault;
    int error;                  /* errno for DATA_SPOOL */
    buf_t wbuf;
};

static void spool_write(struct spool *sp)
{
    size_t done = 0;

    while (sp->fault == DATA_OK && done < sp->wbuf.len) {
        ssize_t n = write(sp->fd, sp->wbuf.data + done, sp->wbuf.len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sp->fault = DATA_SPOOL;
            sp->error = n < 0 ? errno : EIO;
        } else {
            done += (size_t) n;
        }
    }
    buf_reset(&sp->wbuf);
}

static int open_spool(struct session *s);

/* Too big for memory: on into the connection's spool file. */
static void spill(struct session *s, struct spool *sp)
{
    if ((sp->fd = open_spool(s)) < 0) {
        msg_warn("cannot create spool file in %s: %m", s->p->spool_dir);
        sp->fault = DATA_SPOOL;
        sp->error = errno;
        return;
    }
    spool_write(sp);
}

/* One message line, dot-unstuffed, into the spool. */
static void spool_line(struct spool *sp, const buf_t *line, int has_nul)
{
    const char *d = line->data;
    size_t n = line->len;

    if (sp->fault != DATA_OK)
        return;
    if (has_nul) {
        sp->fault = DATA_NUL;
        return;
    }
    if (n > 0 && d[0] == '.')
        d++, n--;
    sp->size += (long long) n + 1;
    if (sp->max > 0 && sp->size > sp->max) {
        sp->fault = DATA_SIZE;
        return;
    }
    buf_append(&sp->wbuf, d, n);
    buf_putc(&sp->wbuf, '\n');
    if (sp->fd >= 0 && sp->wbuf.len >= 65536)
        spool_write(sp);
}

/* Read the message to its final dot; CONTINUE, or how the conversation ended. */
static int read_message(struct session *s, struct spool *sp)
{
    for (;;) {
        int has_nul;
        enum lmtp_io_status st = lmtp_io_getline(s->io, &s->line, LMTP_DATA_LINE_MAX,
                                                 s->p->command_timeout, 0, &has_nul);

        if (st == LMTP_IO_TOOLONG) {
            if (sp->fault == DATA_OK)
                sp->fault = DATA_LONG;
            continue;
        }
        if (st == LMTP_IO_TIMEOUT) {
            reply(s, "421 4.4.2 Error: timeout exceeded");
            return LMTP_END_TIMEOUT;
        }
        if (st != LMTP_IO_LINE)
            return st == LMTP_IO_EOF ? LMTP_END_EOF : LMTP_END_IO;
        if (s->line.len == 1 && s->line.data[0] == '.')
            break;
        spool_line(sp, &s->line, has_nul);
        if (sp->fd < 0 && sp->fault == DATA_OK && sp->wbuf.len > s->p->mem_max)
            spill(s, sp);
    }
    if (sp->fd < 0)
        return CONTINUE;
    spool_write(sp);
    if (sp->fault == DATA_OK && lseek(sp->fd, 0, SEEK_SET) < 0) {
        sp->fault = DATA_SPOOL;
        sp->error = errno;
    }
    return CONTINUE;
}

static void fault_reply(struct session *s, const struct spool *sp, buf_t *out)
{
    switch (sp->fault) {
    case DATA_NUL:
        buf_puts(out, "554 5.6.0 Error: message contains NUL characters");
        break;
    case DATA_LONG:
        buf_printf(out, "554 5.6.0 Error: message line longer than %d bytes", LMTP_DATA_LINE_MAX);
        break;
    case DATA_SIZE:
        buf_puts(out, "552 5.3.4 Error: message size exceeds fixed limit");
        break;
    default:
        buf_printf(out, "451 4.3.0 Error: spool file: %s", strerror(sp->error));
        break;
    }
    (void) s;
}

static void data_replies(struct session *s, struct spool *sp)
{
    buf_t *replies = xcalloc((size_t) s->nrcpt, sizeof(buf_t));
    buf_t fault = BUF_INIT;

    if (sp->fault == DATA_OK) {
        struct lmtp_msg msg = { sp->fd < 0 ? sp->wbuf.data : NULL, sp->fd, sp->size };

        if (msg.data == NULL && sp->fd < 0)
            msg.data = "";      /* an empty message never grew the buffer */
        s->h->data(s->ctx, &msg, s->nrcpt, replies);
    } else {
        fault_reply(s, sp, &fault);
        msg_info("message refused: %s", fault.data);
    }
    for (int i = 0; i < s->nrcpt; i++) {
        if (fault.len > 0)
            reply(s, fault.data);
        else if (replies[i].len > 3)
            reply(s, replies[i].data);
        else
            reply(s, "451 4.3.0 Error: internal error, no delivery status");
        buf_free(&replies[i]);
    }
    free(replies);
    buf_free(&fault);
}

/* The connection's spool file, emptied, for messages too big for memory:
 * one unlinked file per connection, not one per message, saves a create and
 * an unlink per delivery. */
static int open_spool(struct session *s)
{
    buf_t path = BUF_INIT;

    if (s->spool_fd >= 0) {
        if (ftruncate(s->spool_fd, 0) == 0 && lseek(s->spool_fd, 0, SEEK_SET) == 0)
            return s->spool_fd;
        (void) close(s->spool_fd);
    }
    buf_printf(&path, "%s/pogate-lmtp.XXXXXX", s->p->spool_dir);
    if ((s->spool_fd = mkstemp(path.data)) >= 0)
        (void) unlink(path.data);
    buf_free(&path);
    return s->spool_fd;
}

static int cmd_data(struct session *s, const char *arg)
{
    struct spool sp = { .fd = -1 };
    int end;

    if (!s->in_mail || s->nrcpt == 0) {
        reply_error(s, s->in_mail ? "503 5.5.1 Error: no valid recipients"
                                  : "503 5.5.1 Error: need MAIL command");
        return CONTINUE;
    }
    if (*arg != '\0') {
        reply_error(s, "501 5.5.4 Syntax: DATA");
        return CONTINUE;
    }
    sp.max = s->h->max_size(s->ctx);
    sp.wbuf = s->body;          /* the connection's buffer, grown once */
    buf_reset(&sp.wbuf);
    reply(s, "354 End data with <CR><LF>.<CR><LF>");
    if ((end = read_message(s, &sp)) == CONTINUE)
        data_replies(s, &sp);
    s->body = sp.wbuf;
    end_transaction(s);
    return end;
}

static int cmd_rset(struct session *s, const char *arg)
{
    (void) arg;
    end_transaction(s);
    reply(s, "250 2.0.0 Ok");
    return CONTINUE;
}

static int cmd_noop(struct session *s, const char *arg)
{
    (void) arg;
    reply(s, "250 2.0.0 Ok");
    return CONTINUE;
}

static int cmd_quit(struct session *s, const char *arg)
{
    (void) arg;
    end_transaction(s);
    reply(s, "221 2.0.0 Bye");
    return LMTP_END_QUIT;
}

static int cmd_helo(struct session *s, const char *arg)
{
    (void) arg;
    reply_error(s, "500 5.5.1 Error: this is LMTP, send LHLO");
    return CONTINUE;
}

static int cmd_vrfy(struct session *s, const char *arg)
{
    (void) arg;
    reply(s, "502 5.5.1 Error: command not implemented");
    return CONTINUE;
}

static const struct command {
    const char *name;
    int (*fn)(struct session *, const char *);
} commands[] = {
    { "LHLO", cmd_lhlo }, { "MAIL", cmd_mail }, { "RCPT", cmd_rcpt },
    { "DATA", cmd_data }, { "RSET", cmd_rset }, { "NOOP", cmd_noop },
    { "QUIT", cmd_quit }, { "HELO", cmd_helo }, { "EHLO", cmd_helo },
    { "VRFY", cmd_vrfy }, { "EXPN", cmd_vrfy },
};

static int dispatch(struct session *s)
{
    char *cmd = s->line.data;
    size_t n = strcspn(cmd, " ");
    const char *arg = cmd + n;

    while (*arg == ' ')
        arg++;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (n == 4 && strncasecmp(cmd, commands[i].name, 4) == 0)
            return commands[i].fn(s, arg);
    reply_error(s, "500 5.5.2 Error: command not recognized");
    return CONTINUE;
}

/* SIGTERM seen? Checked before every command, so a busy connection, whose
 * next command is always already there, stops too. */
static int stop_requested(const struct session *s)
{
    struct pollfd pfd = { s->p->stop_fd, POLLIN, 0 };

    return s->p->stop_fd >= 0 && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Read and run one command; CONTINUE or how the conversation ended. */
static int one_command(struct session *s)
{
    int has_nul;
    int timeout = s->in_mail ? s->p->command_timeout : s->p->idle_timeout;
    enum lmtp_io_status st;

    if (stop_requested(s))
        st = LMTP_IO_STOP;
    else
        st = lmtp_io_getline(s->io, &s->line, LMTP_CMD_LINE_MAX, timeout, 1, &has_nul);
    switch (st) {
    case LMTP_IO_LINE:
        if (has_nul) {
            reply_error(s, "500 5.5.2 Error: NUL character in command");
            return CONTINUE;
        }
        return dispatch(s);
    case LMTP_IO_TOOLONG:
        reply_error(s, "500 5.5.2 Error: command line too long");
        return CONTINUE;
    case LMTP_IO_TIMEOUT:
        reply(s, "421 4.4.2 Error: timeout exceeded");
        return LMTP_END_TIMEOUT;
    case LMTP_IO_STOP:
        reply(s, "421 4.3.2 Service shutting down, try again later");
        return LMTP_END_STOP;
    case LMTP_IO_EOF:
        return LMTP_END_EOF;
    default:
        return LMTP_END_IO;
    }
}

enum lmtp_end lmtp_serve(const struct lmtp_params *p, const struct lmtp_handler *h, void *ctx,
                         int in_fd, int out_fd)
{
    struct session s = { .p = p, .h = h, .ctx = ctx, .spool_fd = -1 };
    char greeting[300];
    int end;

    s.io = lmtp_io_new(in_fd, out_fd, p->stop_fd);
    buf_init(&s.body);
    buf_init(&s.line);
    buf_init(&s.addr);
    buf_init(&s.reply);
    snprintf(greeting, sizeof(greeting), "220 %s LMTP pogate ready", p->hostname);
    reply(&s, greeting);
    while ((end = one_command(&s)) == CONTINUE) {
        if (s.errors >= LMTP_MAX_ERRORS) {
            reply(&s, "421 4.7.0 Error: too many errors");
            end = LMTP_END_ERRORS;
            break;
        }
    }
    end_transaction(&s);
    if (end != LMTP_END_EOF && end != LMTP_END_IO)
        (void) lmtp_io_flush(s.io, p->command_timeout);
    lmtp_io_free(s.io);
    if (s.spool_fd >= 0)
        (void) close(s.spool_fd);
    buf_free(&s.body);
    buf_free(&s.line);
    buf_free(&s.addr);
    buf_free(&s.reply);
    return (enum lmtp_end) end;
}

const char *lmtp_end_str(enum lmtp_end e)
{
    static const char *names[] = { "quit", "lost connection", "timeout", "too many errors",
                                   "shutdown", "I/O error" };

    return (unsigned) e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}
