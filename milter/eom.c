/* eom.c - the message stages of pogate-milter: headers, body, end of message.
 *
 * Headers and body are only counted (and headers passed to the outbound
 * direction); every change happens at end of message, the one stage where
 * libmilter allows envelope changes: the size check against each PO's
 * maxsize, Received-SPF, the outbound rewrites, and the recipient rewrite to
 * the mailboxes' canonical public addresses. Each message ends with one
 * tracking line carrying the MTA queue id.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "context.h"
#include "log.h"
#include "outbound.h"
#include "stages.h"

sfsistat mlfi_header(SMFICTX *m, char *name, char *value)
{
    struct ctx *c = ctx_get(m);

    if (c) {
        c->size += (long long) (strlen(name) + strlen(value) + 4);    /* ": " and CRLF */
        if (c->ob)
            outbound_header(c, name, value);
    }
    return c && (c->steps & SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

sfsistat mlfi_body(SMFICTX *m, unsigned char *chunk, size_t len)
{
    struct ctx *c = ctx_get(m);

    (void) chunk;
    if (c)
        c->size += (long long) len;
    return c && (c->steps & SMFIP_NR_BODY) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* One line per message: client, sender, each recipient -> PO/MBX, size, verdict. */
static void track(struct ctx *c, const char *verdict)
{
    buf_t line = BUF_INIT;
    const char *summary = outbound_summary(c);

    buf_reserve(&line, 256);
    buf_puts(&line, "client=");
    buf_puts(&line, c->client.label);
    buf_puts(&line, " from=<");
    buf_puts(&line, c->sender ? c->sender : "");
    buf_printf(&line, "> size=%lld spf=%s", c->size, c->spf_checked ? spf_result_name(c->spf) : "-");
    for (int i = 0; i < c->nrcpt; i++) {
        struct rcpt *r = &c->rcpts[i];

        buf_puts(&line, " to=<");
        buf_puts(&line, r->addr);
        buf_putc(&line, '>');
        if (r->canonical == NULL)
            continue;
        buf_puts(&line, "->");
        buf_puts(&line, r->where);
        if (strcasecmp(r->addr, r->canonical) != 0) {
            buf_puts(&line, "=<");
            buf_puts(&line, r->canonical);
            buf_putc(&line, '>');
        }
    }
    if (*summary) {
        buf_putc(&line, ' ');
        buf_puts(&line, summary);
    }
    buf_puts(&line, " verdict=");
    buf_puts(&line, verdict);
    msg_info("%s", line.data);
    buf_free(&line);
}

/* The PO limit the counted size breaks, or NULL. */
static struct rcpt *too_big(struct ctx *c)
{
    for (int i = 0; i < c->nrcpt; i++)
        if (c->rcpts[i].maxsize && c->size > c->rcpts[i].maxsize)
            return &c->rcpts[i];
    return NULL;
}

/* 1 if ADDR is already an envelope recipient that stays, or one added before I. */
static int already_present(struct ctx *c, int i, const char *addr)
{
    for (int j = 0; j < c->nrcpt; j++) {
        struct rcpt *r = &c->rcpts[j];
        int rewritten = r->canonical && strcasecmp(r->addr, r->canonical) != 0;

        if (!rewritten && strcasecmp(r->addr, addr) == 0)
            return 1;
        if (rewritten && j < i && strcasecmp(r->canonical, addr) == 0)
            return 1;
    }
    return 0;
}

/* Replace each recipient whose canonical address differs; -1 if the MTA refuses. */
static int rewrite_recipients(SMFICTX *m, struct ctx *c)
{
    char arg[PODIR_ADDR_MAX + 3];

    for (int i = 0; i < c->nrcpt; i++) {
        struct rcpt *r = &c->rcpts[i];

        if (r->canonical == NULL || strcasecmp(r->addr, r->canonical) == 0)
            continue;
        if (smfi_delrcpt(m, r->arg) != MI_SUCCESS) {
            msg_error("smfi_delrcpt(%s) failed", r->arg);
            return -1;
        }
        if (already_present(c, i, r->canonical))
            continue;
        snprintf(arg, sizeof(arg), "<%s>", r->canonical);
        if (smfi_addrcpt(m, arg) != MI_SUCCESS) {
            msg_error("smfi_addrcpt(%s) failed", arg);
            return -1;
        }
    }
    return 0;
}

static sfsistat finish(struct ctx *c, sfsistat st, const char *verdict)
{
    track(c, verdict);
    ctx_msg_reset(c);
    return st;
}

sfsistat mlfi_eom(SMFICTX *m)
{
    struct ctx *c = ctx_get(m);
    struct rcpt *r;
    sfsistat st;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_take_qid(c, m);
    c->size += 2;               /* the empty line after the headers */
    if ((r = too_big(c)) != NULL) {
        ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_REJECT, "552", "5.3.4",
                  "message of %lld bytes exceeds the maximum message size of %s", c->size, r->where);
        return finish(c, SMFIS_REJECT, "reject-size");
    }
    if (c->ob && (st = outbound_eom(m, c)) != SMFIS_CONTINUE)
        return finish(c, st, st == SMFIS_TEMPFAIL ? "defer" : st == SMFIS_DISCARD ? "discard" : "reject");
    if (c->spf_checked && c->spf_header.len
        && smfi_insheader(m, 0, "Received-SPF", c->spf_header.data) != MI_SUCCESS) {
        msg_error("smfi_insheader(Received-SPF) failed");
        ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0", "header insert failed");
        return finish(c, SMFIS_TEMPFAIL, "defer");
    }
    if (rewrite_recipients(m, c) < 0) {
        ctx_reply(m, c, "END-OF-MESSAGE", SMFIS_TEMPFAIL, "451", "4.3.0",
                  "recipient rewrite failed");
        return finish(c, SMFIS_TEMPFAIL, "defer");
    }
    return finish(c, SMFIS_CONTINUE, "accept");
}
