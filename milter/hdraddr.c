/* hdraddr.c - RFC 5322 address-list parsing and mailbox rewriting; see hdraddr.h.
 *
 * Grammar: RFC 5322 3.4 (address-list, group, mailbox, name-addr, angle-addr,
 * addr-spec) with the obsolete forms of section 4.4 that section 4 requires
 * readers to accept: empty list elements, obs-phrase (dots in display names),
 * obs-local-part and obs-domain (CFWS around the dots), obs-route in angle
 * addresses (dropped, as RFC 5322 says). Tokenizing is hdrlex.c's job.
 * What is refused: anything else, notably bare CR/LF, NUL, unbalanced
 * quotes/comments/brackets, "a..b@x" local parts and mailboxes with no
 * addr-spec; the milter then leaves the header untouched.
 *
 * Why not GMime. GMime 3.2.13 (Debian libgmime-3.0-dev) and this parser were
 * run over 43 headers: the RFC 5322 appendix A examples, odd-but-legal and
 * malformed values (those of tests/unit/t_hdraddr.c). Both agree on all of
 * appendix A and the legal cases. GMime guesses where this parser refuses:
 * "<a@b", "Name <a@b", "a@b)", an unterminated quote or group, "a@b c@d"
 * and "Name <a@b> <c@d>" (two mailboxes), nested groups; it reads
 * "a@b\r\nBcc: x@y" and "a@b\nBcc: x@y" as two mailboxes (so an injected
 * line would be rewritten, not refused), stops silently at a NUL, and decodes
 * =0D=0A in an encoded-word into a real CR LF in the display name. Above all
 * it reports no byte offsets, so "replace this mailbox, keep every other byte"
 * would mean re-serializing the whole header. Where GMime is kinder (a
 * trailing comment as display name, encoded-words inside quotes) nothing
 * here needs it. So: no new dependency.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hdraddr.h"
#include "hdrlex.h"
#include "mem.h"
#include "rfc2047.h"
#include "utf8.h"

#define HDRADDR_MAX_MAILBOXES 10000

struct hdraddr_list {
    struct hdraddr_mailbox *mb;
    size_t count, cap;
};

struct parser {
    const char *s;
    const struct hdrtok *t;
    size_t i;                   /* current token */
    int in_group;
    const char *why;
    struct hdraddr_list *l;
};

static int special_at(const struct parser *p, size_t i, char c)
{
    return p->t[i].type == TOK_SPECIAL && p->t[i].special == c;
}

static int is_word(const struct hdrtok *t)
{
    return t->type == TOK_ATOM || t->type == TOK_QSTR;
}

static int fail(struct parser *p, const char *why)
{
    p->why = why;
    return -1;
}

/* Token bytes without the CR and LF of folding. */
static void put_unfolded(buf_t *out, const char *s, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++) {
        if (s[i] != '\r' && s[i] != '\n')
            buf_putc(out, s[i]);
    }
}

/* local-part = word *("." word), dot-atom and quoted-string included. */
static int parse_local(struct parser *p, buf_t *out)
{
    for (;;) {
        const struct hdrtok *t = &p->t[p->i];

        if (!is_word(t))
            return fail(p, "malformed local part");
        put_unfolded(out, p->s, t->start, t->end);
        p->i++;
        if (!special_at(p, p->i, '.'))
            return 0;
        buf_putc(out, '.');
        p->i++;
    }
}

/* domain = domain-literal / atom *("." atom) */
static int parse_domain(struct parser *p, buf_t *out)
{
    const struct hdrtok *t = &p->t[p->i];

    if (t->type == TOK_LITERAL) {
        put_unfolded(out, p->s, t->start, t->end);
        p->i++;
        return 0;
    }
    for (;;) {
        t = &p->t[p->i];
        if (t->type != TOK_ATOM)
            return fail(p, "malformed domain");
        put_unfolded(out, p->s, t->start, t->end);
        p->i++;
        if (!special_at(p, p->i, '.'))
            return 0;
        buf_putc(out, '.');
        p->i++;
    }
}

static int parse_addr_spec(struct parser *p, buf_t *out)
{
    if (parse_local(p, out) < 0)
        return -1;
    if (!special_at(p, p->i, '@'))
        return fail(p, "missing @ in address");
    buf_putc(out, '@');
    p->i++;
    return parse_domain(p, out);
}

/* obs-route = obs-domain-list ":" ; the route is read and dropped. */
static int skip_route(struct parser *p)
{
    buf_t junk = BUF_INIT;
    int rc = 0;

    while (special_at(p, p->i, ','))
        p->i++;
    if (!special_at(p, p->i, '@'))
        return 0;
    for (;;) {
        if (special_at(p, p->i, '@')) {
            p->i++;
            if ((rc = parse_domain(p, &junk)) < 0)
                break;
        }
        if (!special_at(p, p->i, ','))
            break;
        p->i++;
    }
    buf_free(&junk);
    if (rc == 0 && !special_at(p, p->i, ':'))
        rc = fail(p, "malformed source route");
    p->i += rc == 0;
    return rc;
}

/* angle-addr = "<" [obs-route] addr-spec ">" */
static int parse_angle(struct parser *p, buf_t *out)
{
    p->i++;                                     /* the '<' */
    if (special_at(p, p->i, '>'))
        return fail(p, "empty <> address");
    if (skip_route(p) < 0 || parse_addr_spec(p, out) < 0)
        return -1;
    if (!special_at(p, p->i, '>'))
        return fail(p, "missing > after address");
    p->i++;
    return 0;
}

/* A quoted string's text: quotes, quoted-pair backslashes and folding removed. */
static void put_qstr(buf_t *out, const char *s, const struct hdrtok *t)
{
    buf_t raw = BUF_INIT;

    for (size_t i = t->start + 1; i + 1 < t->end; i++) {
        if (s[i] == '\\')
            i++;
        if (s[i] != '\r' && s[i] != '\n')
            buf_putc(&raw, s[i]);
    }
    utf8_clean(out, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
}

/* The display name of tokens FROM..TO as UTF-8: words joined by one space
 * where the value had CFWS, none between adjacent encoded-words. */
static void display_name(const struct parser *p, size_t from, size_t to, buf_t *out)
{
    buf_t word = BUF_INIT;
    int prev_encoded = 0;

    for (size_t k = from; k < to; k++) {
        const struct hdrtok *t = &p->t[k];
        int encoded = 0;

        buf_reset(&word);
        if (t->type == TOK_ATOM)
            encoded = rfc2047_decode_word(&word, p->s + t->start, t->end - t->start);
        if (k > from && t->cfws_start < t->start && !(encoded && prev_encoded))
            buf_putc(out, ' ');
        if (encoded)
            buf_append(out, word.data, word.len);
        else if (t->type == TOK_QSTR)
            put_qstr(out, p->s, t);
        else
            utf8_clean(out, p->s + t->start, t->end - t->start);
        prev_encoded = encoded;
    }
    buf_free(&word);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Record the mailbox whose tokens are FIRST..p->i (exclusive). */
static int add_mailbox(struct parser *p, size_t first, buf_t *display, buf_t *addr)
{
    struct hdraddr_list *l = p->l;
    struct hdraddr_mailbox *mb;
    size_t start = p->t[first].cfws_start, end = p->t[p->i].start;

    if (l->count >= HDRADDR_MAX_MAILBOXES)
        return fail(p, "too many addresses");
    while (start < p->t[first].start && is_blank(p->s[start]))
        start++;
    while (end > p->t[p->i - 1].end && is_blank(p->s[end - 1]))
        end--;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->mb = xrealloc(l->mb, l->cap * sizeof(*l->mb));
    }
    mb = &l->mb[l->count++];
    mb->display = buf_steal(display);
    mb->addr = buf_steal(addr);
    mb->start = start;
    mb->end = end;
    mb->in_group = p->in_group;
    return 0;
}

/* mailbox = name-addr / addr-spec */
static int parse_mailbox(struct parser *p)
{
    buf_t display = BUF_INIT, addr = BUF_INIT;
    size_t first = p->i, j = p->i;
    int rc;

    while (is_word(&p->t[j]) || special_at(p, j, '.'))
        j++;
    if (special_at(p, j, '<')) {
        display_name(p, first, j, &display);
        p->i = j;
        rc = parse_angle(p, &addr);
    } else if (special_at(p, j, '@') && j > first) {
        rc = parse_addr_spec(p, &addr);
    } else {
        rc = fail(p, j > first ? "display name without an address" : "expected an address");
    }
    if (rc == 0)
        rc = add_mailbox(p, first, &display, &addr);
    buf_free(&display);
    buf_free(&addr);
    return rc;
}

/* group = display-name ":" [group-list] ";" ; p->i is at the ':' */
static int parse_group(struct parser *p)
{
    p->i++;
    p->in_group = 1;
    for (;;) {
        if (special_at(p, p->i, ';'))
            break;
        if (special_at(p, p->i, ',')) {         /* obs-group-list, obs-mbox-list */
            p->i++;
            continue;
        }
        if (parse_mailbox(p) < 0)
            return -1;
        if (!special_at(p, p->i, ',') && !special_at(p, p->i, ';'))
            return fail(p, "expected , or ; in group");
    }
    p->i++;
    p->in_group = 0;
    return 0;
}

/* address = mailbox / group */
static int parse_address(struct parser *p)
{
    size_t j = p->i;

    while (is_word(&p->t[j]) || special_at(p, j, '.'))
        j++;
    if (special_at(p, j, ':') && j > p->i) {
        p->i = j;
        return parse_group(p);
    }
    return parse_mailbox(p);
}

static int parse_list(struct parser *p)
{
    int elements = 0;

    for (;;) {
        while (special_at(p, p->i, ','))        /* obs-addr-list: empty elements */
            p->i++;
        if (p->t[p->i].type == TOK_END)
            break;
        if (parse_address(p) < 0)
            return -1;
        elements++;
        if (p->t[p->i].type == TOK_END)
            break;
        if (!special_at(p, p->i, ','))
            return fail(p, "expected , between addresses");
    }
    return elements ? 0 : fail(p, "no address");
}

struct hdraddr_list *hdraddr_parse(const char *value, size_t len, const char **why)
{
    struct hdrlex lx;
    struct parser p = { 0 };

    if (hdrlex_run(&lx, value, len, why) < 0) {
        hdrlex_free(&lx);
        return NULL;
    }
    p.s = value;
    p.t = lx.tok;
    p.l = xcalloc(1, sizeof(*p.l));
    if (parse_list(&p) < 0) {
        *why = p.why;
        hdraddr_free(p.l);
        p.l = NULL;
    }
    hdrlex_free(&lx);
    return p.l;
}

size_t hdraddr_count(const struct hdraddr_list *l)
{
    return l->count;
}

const struct hdraddr_mailbox *hdraddr_at(const struct hdraddr_list *l, size_t i)
{
    return i < l->count ? &l->mb[i] : NULL;
}

void hdraddr_free(struct hdraddr_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free((void *) l->mb[i].display);
        free((void *) l->mb[i].addr);
    }
    free(l->mb);
    free(l);
}

/* Append `phrase <addr>` for *TO, or fail when its address is unsafe. */
static int put_mailbox(buf_t *out, const struct hdraddr_new *to)
{
    struct addr a;
    const char *d = to->display ? to->display : "";

    if (to->addr == NULL || addr_parse(to->addr, strlen(to->addr), 0, &a) != ADDR_OK
        || strpbrk(to->addr, "<>") != NULL)
        return -1;
    if (rfc2047_encode_phrase(out, d, strlen(d)) > 0)
        buf_putc(out, ' ');
    buf_putc(out, '<');
    buf_puts(out, a.addr);
    buf_putc(out, '>');
    return 0;
}

/* Copy the value up to mailbox MB, then write its replacement. */
static int put_mailbox_at(buf_t *out, const char *value, size_t *done, const struct hdraddr_mailbox *mb,
                          const struct hdraddr_new *to)
{
    buf_append(out, value + *done, mb->start - *done);
    *done = mb->end;
    return put_mailbox(out, to);
}

int hdraddr_rewrite(const char *value, size_t len, hdraddr_map_fn *fn, void *arg, buf_t *out,
                    const char **why)
{
    struct hdraddr_list *l = hdraddr_parse(value, len, why);
    size_t done = 0;
    int replaced = 0;

    buf_reset(out);
    if (l == NULL)
        return HDRADDR_ERR_PARSE;
    for (size_t i = 0; i < l->count; i++) {
        struct hdraddr_new to = { NULL, NULL };
        int rc = fn(arg, &l->mb[i], &to);

        if (rc == 0)
            continue;
        if (rc < 0 || put_mailbox_at(out, value, &done, &l->mb[i], &to) < 0) {
            *why = rc < 0 ? "address lookup failed" : "replacement address is not safe to write";
            buf_reset(out);
            hdraddr_free(l);
            return rc < 0 ? HDRADDR_ERR_MAP : HDRADDR_ERR_ADDR;
        }
        replaced++;
    }
    buf_append(out, value + done, len - done);
    hdraddr_free(l);
    return replaced;
}
