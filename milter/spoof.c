/* spoof.c - the spoofing hooks of pogate-milter; see spoof.h.
 *
 * Headers arrive one by one and only From:, Sender:, Reply-To: and the
 * first Subject: are kept. A message that needs nothing but the check is
 * decided at end of headers (decide_eoh.h), and a tag decided there is kept
 * for end of message; every other message is decided at end of message.
 * Either way the tracking word and the metrics come from the one decision,
 * and the header changes are made at end of message, the only stage where
 * libmilter allows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "context.h"
#include "decide_eoh.h"
#include "decide_spoof.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "spoof.h"
#include "state.h"

struct spoof_msg {
    struct spoof_hdr *hdrs;     /* name and value copies */
    size_t nhdr, cap;
    char *subject;              /* the first Subject:, NULL if none */
    int decided;                /* at end of headers: OUT holds the decision */
    struct spoof_out out;
    char summary[SPOOF_MAX_HITS * (PODIR_ADDR_MAX + 20) + 16];
};

static struct spoof_msg *msg_of(struct ctx *c)
{
    if (c->spoof == NULL)
        c->spoof = xcalloc(1, sizeof(*c->spoof));
    return c->spoof;
}

int spoof_wanted(const struct ctx *c)
{
    return c->ob == NULL && !c->trust.trusted && podir_spoof_any(c->maps);
}

void spoof_header(struct ctx *c, const char *name, const char *value)
{
    struct spoof_msg *s = msg_of(c);

    if (strcasecmp(name, "Subject") == 0 && s->subject == NULL)
        s->subject = xstrdup(value);
    if (!spoof_header_name(name))
        return;
    if (s->nhdr == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4;
        s->hdrs = xrealloc(s->hdrs, s->cap * sizeof(*s->hdrs));
    }
    s->hdrs[s->nhdr].name = xstrdup(name);
    s->hdrs[s->nhdr++].value = xstrdup(value);
}

/* SPF for the forged ADDR's DOMAIN: the envelope's own result when the
 * sender is at DOMAIN, else one more check with ADDR as the sender identity
 * (none when spf = off). */
static int spf_pass(void *arg, const char *addr, const char *domain)
{
    struct ctx *c = arg;
    const char *at = c->sender ? strrchr(c->sender, '@') : NULL;
    buf_t header = BUF_INIT, why = BUF_INIT;
    enum spf_result r;

    if (at && strcasecmp(at + 1, domain) == 0 && c->spf_checked)
        return c->spf == SPFR_PASS;
    if (c->gen->spf == NULL || !c->client.have_sa)
        return 0;
    r = spf_check(c->gen->spf, client_addr(&c->client), c->helo ? c->helo : "", addr, &header, &why);
    msg_debug("spoof: SPF for <%s> from %s: %s", addr, c->client.label, spf_result_name(r));
    buf_free(&header);
    buf_free(&why);
    return r == SPFR_PASS;
}

/* spoof=tag: X-Pogate-Spoof per forged address, then the subject prefix. */
static int tag(SMFICTX *m, const struct spoof_msg *s, const struct spoof_out *out, const char *prefix)
{
    buf_t v = BUF_INIT;
    int rc = 0;

    for (size_t i = 0; i < out->nhit && rc == 0; i++) {
        buf_reset(&v);
        buf_printf(&v, "%s <%s>", out->hit[i].name, out->hit[i].addr);
        if (smfi_addheader(m, "X-Pogate-Spoof", v.data) != MI_SUCCESS)
            rc = -1;
    }
    if (rc == 0 && *prefix) {
        buf_reset(&v);
        buf_printf(&v, "%s%s%s", prefix, s->subject ? " " : "", s->subject ? s->subject : "");
        if ((s->subject ? smfi_chgheader(m, "Subject", 1, v.data) : smfi_addheader(m, "Subject", v.data))
            != MI_SUCCESS)
            rc = -1;
    }
    buf_free(&v);
    return rc;
}

/* Once per forged postoffice and message. */
static void count(const struct spoof_out *out)
{
    for (size_t i = 0; i < out->nhit; i++) {
        size_t j;

        for (j = 0; j < i && strcmp(out->hit[j].po, out->hit[i].po) != 0; j++)
            ;
        if (j == i)
            metrics_spoofed(out->hit[i].po, podir_spoof_name(out->hit[i].spoof));
    }
}

/* What decide_spoof reads: the kept headers of the message. */
static struct spoof_in input(struct ctx *c, const struct spoof_msg *s)
{
    struct spoof_in in = {
        .trusted = c->trust.trusted, .spf_pass = spf_pass, .spf_arg = c, .maps = c->maps,
        .hdrs = s ? s->hdrs : NULL, .nhdr = s ? s->nhdr : 0,
    };

    return in;
}

/* Once per message, whichever stage decided: the tracking word and the metrics. */
static void decided(struct spoof_msg *s)
{
    s->decided = 1;
    spoof_summary(&s->out, s->summary, sizeof(s->summary));
    count(&s->out);
}

sfsistat spoof_eoh(SMFICTX *m, struct ctx *c, const struct data_in *data)
{
    struct spoof_in sin = input(c, c->spoof);
    struct eoh_in in = { data, &sin };
    struct spoof_out out;
    struct verdict v;
    const char *why;
    enum eoh_action a = decide_eoh(&in, &out, &v, &why);
    struct spoof_msg *s;

    if (a == EOH_ON) {
        msg_debug("END-OF-HEADERS: on to end of message: %s", why);
        return SMFIS_CONTINUE;
    }
    s = msg_of(c);              /* a message without a header was decided too */
    s->out = out;
    decided(s);
    msg_debug("END-OF-HEADERS: spoof check: %s", why);
    if (a == EOH_REPLY)
        return ctx_apply(m, c, "END-OF-HEADERS", &v);
    return a == EOH_ACCEPT ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

sfsistat spoof_eom(SMFICTX *m, struct ctx *c)
{
    struct spoof_msg *s = c->spoof;
    struct verdict v;

    if (s == NULL)
        return SMFIS_CONTINUE;
    if (!s->decided) {
        struct spoof_in in = input(c, s);

        decide_spoof(&in, &s->out, &v);
        decided(s);
        if (v.action != VERDICT_CONTINUE)
            return ctx_apply(m, c, "END-OF-MESSAGE", &v);
    }
    if (s->out.action == PO_SPOOF_TAG && tag(m, s, &s->out, c->gen->mc.spoof_subject_prefix) < 0) {
        msg_error("smfi_addheader(X-Pogate-Spoof) or the Subject: prefix failed");
        return ctx_tempfail(m, c, "END-OF-MESSAGE", "header insert failed");
    }
    return SMFIS_CONTINUE;
}

const char *spoof_summary_of(const struct ctx *c)
{
    return c->spoof ? c->spoof->summary : "";
}

void spoof_reset(struct ctx *c)
{
    struct spoof_msg *s = c->spoof;

    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nhdr; i++) {
        free((char *) s->hdrs[i].name);
        free((char *) s->hdrs[i].value);
    }
    free(s->hdrs);
    free(s->subject);
    free(s);
    c->spoof = NULL;
}
