/* envblock.c - write and read the envelope block; the format is in
 * envblock.h, pogate-lda(8) and pogate-pickup(8).
 *
 * The reader is strict because what it reads comes from a postoffice's own
 * software: a line it does not know may be a field a newer writer added or
 * a message whose envelope was forgotten, and either way guessing would send
 * mail somewhere nobody asked for.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envblock.h"
#include "mem.h"
#include "podir.h"

#define MAGIC "X-Pogate-Envelope: 1"
#define PO_FIELD "X-Pogate-Postoffice: "

void envblock_safe(buf_t *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, (unsigned char) *s < ' ' || *s == 127 ? '?' : *s);
}

void envblock_write(buf_t *b, const struct envblock *e)
{
    buf_puts(b, MAGIC "\nX-Pogate-Sender: <");
    envblock_safe(b, e->sender);
    buf_puts(b, ">\n");
    if (e->po) {
        buf_puts(b, "X-Pogate-Postoffice: ");
        envblock_safe(b, e->po);
        buf_putc(b, '\n');
    }
    for (int i = 0; i < e->nrcpt; i++) {
        buf_puts(b, "X-Pogate-Recipient: <");
        envblock_safe(b, e->rcpt[i].address);
        buf_putc(b, '>');
        if (e->rcpt[i].mailbox && e->rcpt[i].mailbox[0]) {
            buf_puts(b, " mailbox=");
            envblock_safe(b, e->rcpt[i].mailbox);
        }
        buf_putc(b, '\n');
    }
    if (e->queue_id && e->queue_id[0]) {
        buf_puts(b, "X-Pogate-Queue-Id: ");
        envblock_safe(b, e->queue_id);
        buf_putc(b, '\n');
    }
    buf_putc(b, '\n');
}

/* The reader's state: where it is and what it has seen. */
struct rd {
    struct envblock_read *r;
    buf_t *why;
    int line, sender, cap;
};

static int bad(struct rd *x, const char *what, const char *v, size_t n)
{
    buf_printf(x->why, "line %d: %s", x->line, what);
    if (v) {
        buf_puts(x->why, " (");
        for (size_t i = 0; i < n && i < 60; i++)
            buf_putc(x->why, (unsigned char) v[i] < ' ' || (unsigned char) v[i] >= 127 ? '?' : v[i]);
        buf_puts(x->why, n > 60 ? "...)" : ")");
    }
    return -1;
}

/* "<address>" at V (N bytes) into *A. */
static int path(struct rd *x, const char *v, size_t n, unsigned flags, struct addr *a)
{
    enum addr_status st;

    if (n < 2 || v[0] != '<' || v[n - 1] != '>')
        return bad(x, "address not in angle brackets", v, n);
    if ((st = addr_parse(v, n, flags, a)) != ADDR_OK) {
        bad(x, addr_strerror(st), v, n);
        return -1;
    }
    return 0;
}

/* A PO or mailbox name: a safe name, lowercased. */
static int name(struct rd *x, const char *what, const char *v, size_t n, char *out)
{
    char tmp[ENVBLOCK_FIELD_MAX + 1];

    if (n > PODIR_NAME_MAX || memchr(v, 0, n))
        return bad(x, what, v, n);
    memcpy(tmp, v, n);
    tmp[n] = 0;
    str_lower(tmp);
    if (!podir_name_ok(tmp))
        return bad(x, what, v, n);
    memcpy(out, tmp, n + 1);
    return 0;
}

static int recipient(struct rd *x, const char *v, size_t n)
{
    const char *m = NULL, *p;
    char mbx[ENVBLOCK_FIELD_MAX + 1];
    struct envblock_read *r = x->r;
    size_t an = n;

    for (p = v; (p = memchr(p, '>', (size_t) (v + n - p))) != NULL; p++)
        if ((size_t) (v + n - p) > 9 && memcmp(p, "> mailbox=", 10) == 0)
            m = p + 10, an = (size_t) (p + 1 - v);
    if (m && name(x, "mailbox= is not a safe name", m, (size_t) (v + n - m), mbx) < 0)
        return -1;
    if (r->nrcpt == ENVBLOCK_RCPT_MAX)
        return bad(x, "more than 1000 recipients", NULL, 0);
    if (r->nrcpt == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 8;
        r->rcpt = xrealloc(r->rcpt, (size_t) x->cap * sizeof(*r->rcpt));
    }
    if (path(x, v, an, 0, &r->rcpt[r->nrcpt]) < 0)
        return -1;
    r->nrcpt++;
    return 0;
}

static int queue_id(struct rd *x, const char *v, size_t n)
{
    if (x->r->queue_id[0])
        return bad(x, "X-Pogate-Queue-Id twice", NULL, 0);
    if (n == 0 || n > ENVBLOCK_FIELD_MAX)
        return bad(x, "X-Pogate-Queue-Id empty or too long", NULL, 0);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) v[i] <= ' ' || (unsigned char) v[i] >= 127)
            return bad(x, "X-Pogate-Queue-Id holds a blank or a control or 8-bit byte", v, n);
    memcpy(x->r->queue_id, v, n);
    x->r->queue_id[n] = 0;
    return 0;
}

/* One field line (without its line end) after the first. */
static int field(struct rd *x, const char *s, size_t n)
{
    static const char *names[] = { "X-Pogate-Sender: ", "X-Pogate-Postoffice: ",
                                   "X-Pogate-Recipient: ", "X-Pogate-Queue-Id: " };
    size_t k;
    int i;

    for (i = 0; i < 4; i++)
        if (n >= (k = strlen(names[i])) && strncasecmp(s, names[i], k) == 0)
            break;
    if (i == 4)
        return bad(x, "not an envelope field", s, n);
    s += k, n -= k;
    switch (i) {
    case 0:
        if (x->sender++)
            return bad(x, "X-Pogate-Sender twice", NULL, 0);
        return path(x, s, n, ADDR_NULL_OK, &x->r->sender);
    case 1:
        if (x->r->po[0])
            return bad(x, "X-Pogate-Postoffice twice", NULL, 0);
        return name(x, "X-Pogate-Postoffice is not a safe name", s, n, x->r->po);
    case 2:
        return recipient(x, s, n);
    default:
        return queue_id(x, s, n);
    }
}

/* The line at P (before END) without its LF or CRLF: its length, and *NEXT
 * after it; -1 when no LF ends it. */
static long line_at(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t) (end - p));
    size_t n;

    if (nl == NULL)
        return -1;
    *next = nl + 1;
    n = (size_t) (nl - p);
    if (n && p[n - 1] == '\r')
        n--;
    return (long) n;
}

int envblock_parse(const char *data, size_t len, struct envblock_read *r, buf_t *why)
{
    struct rd x = { r, why, 0, 0, 0 };
    const char *p = data, *end = data + (len > ENVBLOCK_MAX ? ENVBLOCK_MAX : len), *next;
    long n;

    memset(r, 0, sizeof(*r));
    while ((n = line_at(p, end, &next)) >= 0) {
        x.line++;
        if (x.line == 1 && ((size_t) n != strlen(MAGIC) || memcmp(p, MAGIC, (size_t) n) != 0)) {
            bad(&x, "no envelope: the file does not begin with " MAGIC, p, (size_t) n);
            goto fail;
        }
        if (n == 0) {
            r->body = (size_t) (next - data);
            if (!x.sender || r->nrcpt == 0) {
                bad(&x, x.sender ? "no X-Pogate-Recipient before the empty line"
                    : "no X-Pogate-Sender before the empty line", NULL, 0);
                goto fail;
            }
            return 1;
        }
        if (x.line > 1 && field(&x, p, (size_t) n) < 0)
            goto fail;
        p = next;
    }
    if (len < ENVBLOCK_MAX) {
        envblock_read_free(r);
        return 0;
    }
    x.line++;
    bad(&x, "no empty line within the first 64 KB", NULL, 0);
fail:
    envblock_read_free(r);
    return -1;
}

void envblock_read_free(struct envblock_read *r)
{
    free(r->rcpt);
    r->rcpt = NULL;
    r->nrcpt = 0;
}

/* Only the first LEN bytes of a file are at hand (the quota scan reads a
 * few KB of each): no whole-block parse, just the one line. */
int envblock_po(const char *head, size_t len, char *po, size_t size)
{
    const char *p = head, *end = head + len, *nl;

    if (len < sizeof(MAGIC "\n") - 1 || memcmp(head, MAGIC "\n", sizeof(MAGIC "\n") - 1) != 0)
        return -1;
    for (p += sizeof(MAGIC "\n") - 1; p < end && *p != '\n'; p = nl + 1) {
        size_t n;

        if ((nl = memchr(p, '\n', (size_t) (end - p))) == NULL)
            return -1;          /* the line goes on past what was read */
        if ((size_t) (nl - p) <= sizeof(PO_FIELD) - 1 || memcmp(p, PO_FIELD, sizeof(PO_FIELD) - 1) != 0)
            continue;
        n = (size_t) (nl - p) - (sizeof(PO_FIELD) - 1);
        if (n >= size)
            return -1;
        memcpy(po, p + sizeof(PO_FIELD) - 1, n);
        po[n] = 0;
        return 0;
    }
    return -1;                  /* the envelope ended without naming one */
}
