/* fuzz_hdraddr.c - libFuzzer target for milter/hdraddr.c (parse + rewrite).
 *
 * Input: one octet N, N octets of display name, then the header value. The
 * parse must give ordered spans inside the value and clean display names;
 * the rewrite (every mailbox with a valid address becomes NAME <pub@...>)
 * must add no NUL and no line break that is not folding, must leave the value
 * byte-identical when nothing is replaced, and must parse again to the same
 * number of mailboxes with the new address and display name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hdraddr.h"
#include "utf8.h"

#define NEW_ADDR "pub@sales.example.com"

struct fz { const char *name; size_t name_len; char *mark; size_t n; };

static int map_fn(void *arg, const struct hdraddr_mailbox *mb, struct hdraddr_new *to)
{
    struct fz *f = arg;
    struct addr a;
    static char name[256];

    f->mark[f->n] = addr_parse(mb->addr, strlen(mb->addr), 0, &a) == ADDR_OK;
    if (!f->mark[f->n++])
        return 0;
    memcpy(name, f->name, f->name_len);         /* display names are C strings */
    name[f->name_len] = 0;
    to->display = name;
    to->addr = NEW_ADDR;
    return 1;
}

static void check_list(const struct hdraddr_list *l, size_t len)
{
    size_t prev_end = 0;

    for (size_t i = 0; i < hdraddr_count(l); i++) {
        const struct hdraddr_mailbox *mb = hdraddr_at(l, i);

        if (mb->start < prev_end || mb->start >= mb->end || mb->end > len || strpbrk(mb->addr, "\r\n"))
            abort();
        for (const char *d = mb->display; *d; d++) {
            if ((unsigned char) *d < 0x20 || *d == 0x7f)
                abort();
        }
        prev_end = mb->end;
    }
}

/* No NUL; every CR is CRLF and every LF is followed by a blank; no more
 * line breaks than the input had. */
static void check_output(const buf_t *out, const char *in, size_t len)
{
    size_t breaks_in = 0, breaks_out = 0;

    for (size_t i = 0; i < len; i++)
        breaks_in += in[i] == '\n';
    for (size_t i = 0; i < out->len; i++) {
        char c = out->data[i];

        if (c == 0 || (c == '\r' && (i + 1 >= out->len || out->data[i + 1] != '\n')))
            abort();
        if (c == '\n' && (i + 1 >= out->len || (out->data[i + 1] != ' ' && out->data[i + 1] != '\t')))
            abort();
        breaks_out += c == '\n';
    }
    if (breaks_out > breaks_in)
        abort();
}

static void check_reparse(const buf_t *out, const struct fz *f, size_t count)
{
    const char *why;
    struct hdraddr_list *l = hdraddr_parse(out->data, out->len, &why);
    buf_t want = BUF_INIT;
    size_t i;

    if (l == NULL || hdraddr_count(l) != count)
        abort();
    utf8_clean(&want, f->name, strnlen(f->name, f->name_len));
    for (i = 0; i < want.len && want.data[i] == ' '; i++)
        ;
    if (i == want.len)
        buf_reset(&want);
    for (i = 0; i < count; i++) {
        const struct hdraddr_mailbox *mb = hdraddr_at(l, i);

        if (f->mark[i] && (strcmp(mb->addr, NEW_ADDR) != 0 || strcmp(mb->display, want.data ? want.data : "") != 0))
            abort();
    }
    buf_free(&want);
    hdraddr_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { 0 };
    const char *v, *why;
    size_t vlen, count;
    struct hdraddr_list *l;
    buf_t out = BUF_INIT;
    int rc;

    if (size == 0 || (size_t) data[0] + 1 > size)
        return 0;
    f.name = (const char *) data + 1;
    f.name_len = data[0];
    v = f.name + f.name_len;
    vlen = size - 1 - f.name_len;
    if ((l = hdraddr_parse(v, vlen, &why)) == NULL)
        return 0;
    check_list(l, vlen);
    count = hdraddr_count(l);
    hdraddr_free(l);
    f.mark = calloc(count + 1, 1);
    rc = hdraddr_rewrite(v, vlen, map_fn, &f, &out, &why);
    if (rc < 0 || f.n != count)
        abort();
    check_output(&out, v, vlen);
    if (rc == 0 && (out.len != vlen || memcmp(out.data, v, vlen) != 0))
        abort();
    check_reparse(&out, &f, count);
    free(f.mark);
    buf_free(&out);
    return 0;
}
