/* obpolicy.c - outbound header policy: auto-reply markers, address rewriting; see obpolicy.h.
 *
 * Auto-reply markers, and why each is (or is not) one:
 *  - Auto-Submitted: any value but "no" (RFC 3834 section 5; RFC 5436 adds
 *    auto-notified). The standard, and what current responders write.
 *  - X-Autoreply: and X-Autorespond: with a value other than no/false/0:
 *    written by vacation programs and autoresponders that predate RFC 3834.
 *  - Precedence: auto_reply: the value older vacation programs put on their
 *    replies.
 * Deliberately not markers:
 *  - X-Auto-Response-Suppress: a request to others not to answer, which
 *    Microsoft mailers put on ordinary mail too (meeting requests, bulk).
 *  - Precedence: bulk, junk or list: mass mail, not replies; PO users may
 *    legitimately send it, and autoreply=no is about replies only.
 *  - Subjects like "Out of Office": language-dependent guesswork.
 */
#include <string.h>

#include "addr.h"
#include "hdraddr.h"
#include "obpolicy.h"
#include "utf8.h"

static int name_is(const char *name, const char *want)
{
    size_t n = strlen(want);

    return strlen(name) == n && ascii_ncaseeq(name, want, n);
}

/* The first token of a structured value: after blanks, folding and comments,
 * up to a blank, ';' or '('. Written into TOK (lowercased, possibly cut). */
static void first_token(const char *v, char *tok, size_t size)
{
    size_t n = 0;
    int depth = 0;

    for (; *v; v++) {
        if (*v == '(')
            depth++;
        else if (*v == ')' && depth > 0)
            depth--;
        else if (depth == 0 && !strchr(" \t\r\n", *v))
            break;
    }
    for (; *v && !strchr(" \t\r\n;(", *v) && n + 1 < size; v++)
        tok[n++] = (char) ascii_lower((unsigned char) *v);
    tok[n] = 0;
}

const char *ob_autoreply_marker(const char *name, const char *value)
{
    char tok[32];

    first_token(value, tok, sizeof(tok));
    if (name_is(name, "Auto-Submitted"))
        return tok[0] && strcmp(tok, "no") != 0 ? "Auto-Submitted" : NULL;
    if (name_is(name, "X-Autoreply") || name_is(name, "X-Autorespond"))
        return tok[0] && strcmp(tok, "no") != 0 && strcmp(tok, "false") != 0 && strcmp(tok, "0") != 0
            ? (name_is(name, "X-Autoreply") ? "X-Autoreply" : "X-Autorespond") : NULL;
    if (name_is(name, "Precedence"))
        return strcmp(tok, "auto_reply") == 0 ? "Precedence: auto_reply" : NULL;
    return NULL;
}

const char *ob_is_autoreply(const struct ob_header *h, size_t n)
{
    const char *m;

    for (size_t i = 0; i < n; i++) {
        if ((m = ob_autoreply_marker(h[i].name, h[i].value)) != NULL)
            return m;
    }
    return NULL;
}

int ob_rewrites_header(const char *name)
{
    return name_is(name, "From") || name_is(name, "Sender") || name_is(name, "Reply-To");
}

struct lookup {
    ob_sender_fn *fn;
    struct podir *d;
    struct mbx mbx;             /* the strings handed to hdraddr live here */
};

/* hdraddr_map_fn: a PO mailbox becomes its public address and map name (or,
 * when the map has no name, the name the header had). */
static int map_mailbox(void *arg, const struct hdraddr_mailbox *mb, struct hdraddr_new *to)
{
    struct lookup *lk = arg;
    struct addr a;
    struct po po;

    if (addr_parse(mb->addr, strlen(mb->addr), 0, &a) != ADDR_OK)
        return 0;                               /* not an address pogate could own */
    switch (lk->fn(lk->d, a.key, &po, &lk->mbx)) {
    case PODIR_ERROR:
        return -1;
    case PODIR_FOUND:
        break;
    default:
        return 0;
    }
    to->display = lk->mbx.display_name[0] ? lk->mbx.display_name : mb->display;
    to->addr = lk->mbx.address;
    return 1;
}

enum ob_rewrite ob_rewrite_header(ob_sender_fn *lookup, struct podir *d, const char *name,
                                  const char *value, buf_t *out, const char **why)
{
    struct lookup lk = { lookup, d, { .po = "" } };
    int rc;

    buf_reset(out);
    if (!ob_rewrites_header(name))
        return OB_KEEP;
    rc = hdraddr_rewrite(value, strlen(value), map_mailbox, &lk, out, why);
    if (rc == HDRADDR_ERR_MAP)
        return OB_TEMPFAIL;
    if (rc < 0)
        return OB_UNPARSEABLE;
    if (rc == 0 || (out->len == strlen(value) && memcmp(out->data, value, out->len) == 0))
        return OB_KEEP;
    return OB_CHANGED;
}
