/* eom.c - the message stages of pogate-milter: DATA, headers, end of
 * headers, body, end of message.
 *
 * At DATA a message that needs nothing more is accepted (decide_data.c).
 * At end of headers a message that needs nothing but the inbound spoofing
 * check of From:, Sender: and Reply-To: is checked (decide_eoh.c, spoof.c):
 * accepted there when nothing is forged, refused there at a spoof=reject
 * postoffice, on to end of message for a spoof=tag one. A message that ends
 * at either stage gets its tracking line then, with size=- as its size was
 * not counted. For the others, headers and body are only counted (and
 * headers passed to the outbound direction); every change happens at end of
 * message, the one stage where libmilter allows header and envelope
 * changes: the size check against each PO's maxsize (decide_size.c),
 * Received-SPF, the outbound rewrites, the spoofing check and its tag, and
 * the recipient rewrite to the mailboxes' canonical public addresses
 * (decide_rcpt.c). Each message ends with one tracking line carrying the MTA
 * queue id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "context.h"
#include "decide_data.h"
#include "decide_eoh.h"
#include "decide_rcpt.h"
#include "decide_size.h"
#include "log.h"
#include "mem.h"
#include "outbound.h"
#include "spoof.h"
#include "stages.h"

static sfsistat finish(struct ctx *c, sfsistat st, const char *verdict);

/* What DATA and end of headers decide on. */
static void data_state(struct ctx *c, struct data_in *in)
{
    in->outbound = c->ob != NULL;
    in->spf_header = c->spf_checked && c->spf_header.len > 0;
    in->spoof_check = spoof_wanted(c);
    in->rcpt_refused = c->rcpt_refused;
    in->rcpts = c->rcpts;
    in->nrcpt = c->nrcpt;
}

sfsistat mlfi_data(SMFICTX *m)
{
    struct ctx *c = ctx_get(m);
    struct data_in in;
    const char *why;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_take_qid(c, m);
    data_state(c, &in);
    if (!decide_data(&in, &why)) {
        msg_debug("DATA: on to end of message: %s", why);
        return SMFIS_CONTINUE;
    }
    c->uncounted = 1;
    return finish(c, SMFIS_ACCEPT, "accept");
}

sfsistat mlfi_header(SMFICTX *m, char *name, char *value)
{
    struct ctx *c = ctx_get(m);

    if (c) {
        c->size += (long long) (strlen(name) + strlen(value) + 4);    /* ": " and CRLF */
        if (c->ob)
            outbound_header(c, name, value);
        else if (spoof_wanted(c))
            spoof_header(c, name, value);
    }
    return c && (c->steps & SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

sfsistat mlfi_eoh(SMFICTX *m)
{
    struct ctx *c = ctx_get(m);
    struct data_in in;
    sfsistat st;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_take_qid(c, m);
    data_state(c, &in);
    if ((st = spoof_eoh(m, c, &in)) == SMFIS_CONTINUE)
        return st;
    c->uncounted = 1;           /* the body is never sent: no size to speak of */
    return finish(c, st, st == SMFIS_ACCEPT ? "accept" : st == SMFIS_TEMPFAIL ? "defer" : "reject-spoof");
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
    const char *summary = outbound_summary(c), *spoofed = spoof_summary_of(c);

    buf_reserve(&line, 256);
    buf_puts(&line, "client=");
    buf_puts(&line, c->client.label);
    buf_puts(&line, " from=<");
    buf_puts(&line, c->sender ? c->sender : "");
    if (c->uncounted)
        buf_puts(&line, "> size=-");
    else
        buf_printf(&line, "> size=%lld", c->size);
    buf_printf(&line, " spf=%s", c->spf_checked ? spf_result_name(c->spf) : "-");
    for (size_t i = 0; i < c->nrcpt; i++) {
        struct rcpt *r = &c->rcpts[i];

        buf_puts(&line, " to=<");
        buf_puts(&line, r->addr);
        buf_putc(&line, '>');
        if (!r->to.ours)
            continue;
        buf_puts(&line, "->");
        buf_puts(&line, r->to.where);
        if (strcasecmp(r->addr, r->to.canonical) != 0) {
            buf_puts(&line, "=<");
            buf_puts(&line, r->to.canonical);
            buf_putc(&line, '>');
        }
    }
    if (*summary) {
        buf_putc(&line, ' ');
        buf_puts(&line, summary);
    }
    if (*spoofed) {
        buf_putc(&line, ' ');
        buf_puts(&line, spoofed);
    }
    buf_puts(&line, " verdict=");
    buf_puts(&line, verdict);
    msg_info("%s", line.data);
    buf_free(&line);
}

/* Replace each recipient whose canonical address differs; -1 if the MTA refuses. */
static int rewrite_recipients(SMFICTX *m, struct ctx *c)
{
    struct rcpt_change *ch = xcalloc(2 * c->nrcpt + 1, sizeof(*ch));
    size_t n = rcpt_rewrites(c->rcpts, c->nrcpt, ch);
    char arg[PODIR_ADDR_MAX + 3];
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        char *what = (char *) ch[i].addr;       /* libmilter's prototypes take char * */

        if (ch[i].add) {
            snprintf(arg, sizeof(arg), "<%s>", ch[i].addr);
            what = arg;
        }
        if ((ch[i].add ? smfi_addrcpt(m, what) : smfi_delrcpt(m, what)) != MI_SUCCESS) {
            msg_error("smfi_%s(%s) failed", ch[i].add ? "addrcpt" : "delrcpt", what);
            rc = -1;
        }
    }
    free(ch);
    return rc;
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
    struct verdict v;
    sfsistat st;

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    ctx_take_qid(c, m);
    if (c->rcpt_refused)        /* Postfix cannot refuse a recipient of sendmail(1) mail */
        return finish(c, ctx_apply(m, c, "END-OF-MESSAGE", &c->rcpt_refusal), "reject");
    c->size += 2;               /* the empty line after the headers */
    if (decide_size_rcpts(c->size, c->rcpts, c->nrcpt, &v) != VERDICT_CONTINUE)
        return finish(c, ctx_apply(m, c, "END-OF-MESSAGE", &v), "reject-size");
    if (c->ob && (st = outbound_eom(m, c)) != SMFIS_CONTINUE)
        return finish(c, st, st == SMFIS_TEMPFAIL ? "defer" : st == SMFIS_DISCARD ? "discard" : "reject");
    if ((st = spoof_eom(m, c)) != SMFIS_CONTINUE)
        return finish(c, st, st == SMFIS_TEMPFAIL ? "defer" : "reject-spoof");
    if (c->spf_checked && c->spf_header.len
        && smfi_insheader(m, 0, "Received-SPF", c->spf_header.data) != MI_SUCCESS) {
        msg_error("smfi_insheader(Received-SPF) failed");
        return finish(c, ctx_tempfail(m, c, "END-OF-MESSAGE", "header insert failed"), "defer");
    }
    if (rewrite_recipients(m, c) < 0)
        return finish(c, ctx_tempfail(m, c, "END-OF-MESSAGE", "recipient rewrite failed"), "defer");
    return finish(c, SMFIS_CONTINUE, outbound_held(c) ? "hold" : "accept");
}
