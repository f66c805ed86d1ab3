/* hdrlex.c - RFC 5322 structured-header tokens; see hdrlex.h.
 *
 * Folding is CRLF or a bare LF (MTAs hand milters either) followed by WSP;
 * any other CR or LF, and any NUL, makes the value unparseable. Comments nest
 * up to HDRLEX_MAX_DEPTH and take quoted-pairs. Octets >= 0x80 count as atext,
 * qtext, ctext and dtext (RFC 6532); other control characters are refused,
 * except the obsolete ones inside quoted strings and comments, which the
 * parser accepts but display names never carry (utf8_clean).
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hdrlex.h"
#include "mem.h"

static int is_wsp(char c) { return c == ' ' || c == '\t'; }

/* Length of a fold (CRLF WSP or LF WSP) at S[I], 0 if none; -1 for a bare CR/LF. */
static int fold_len(const char *s, size_t len, size_t i)
{
    size_t n = s[i] == '\r' ? 1 : 0;

    if (s[i] != '\r' && s[i] != '\n')
        return 0;
    if (i + n >= len || s[i + n] != '\n' || i + n + 1 >= len || !is_wsp(s[i + n + 1]))
        return -1;
    return (int) n + 1;
}

/* A comment starting at S[*I] == '('. */
static int skip_comment(const char *s, size_t len, size_t *ip, const char **why)
{
    size_t i = *ip + 1;
    int depth = 1, f;

    while (depth > 0) {
        if (i >= len)
            return *why = "unbalanced comment", -1;
        if (s[i] == '(' && ++depth > HDRLEX_MAX_DEPTH)
            return *why = "comments nested too deeply", -1;
        if (s[i] == ')')
            depth--;
        if (s[i] == '\\' && ++i >= len)
            return *why = "unbalanced comment", -1;
        if (s[i] == 0)
            return *why = "NUL in header", -1;
        if ((f = fold_len(s, len, i)) < 0)
            return *why = "bare CR or LF in comment", -1;
        i += f ? (size_t) f : 1;
    }
    *ip = i;
    return 0;
}

/* Skip CFWS at *I. */
static int skip_cfws(const char *s, size_t len, size_t *ip, const char **why)
{
    size_t i = *ip;
    int f;

    while (i < len) {
        if (is_wsp(s[i])) {
            i++;
        } else if ((f = fold_len(s, len, i)) != 0) {
            if (f < 0)
                return *why = "bare CR or LF in header", -1;
            i += (size_t) f;
        } else if (s[i] == '(') {
            if (skip_comment(s, len, &i, why) < 0)
                return -1;
        } else {
            break;
        }
    }
    *ip = i;
    return 0;
}

/* A quoted string or domain literal from S[*I] to its closing CLOSE. */
static int skip_quoted(const char *s, size_t len, size_t *ip, char close, const char **why)
{
    size_t i = *ip + 1;
    int f;

    for (;;) {
        if (i >= len)
            return *why = close == '"' ? "unbalanced quote" : "unbalanced [", -1;
        if (s[i] == close)
            break;
        if (close == ']' && s[i] == '[')
            return *why = "[ inside domain literal", -1;
        if (s[i] == '\\' && ++i >= len)
            return *why = "unbalanced quote", -1;
        if (s[i] == 0)
            return *why = "NUL in header", -1;
        if ((f = fold_len(s, len, i)) < 0)
            return *why = "bare CR or LF in quoted text", -1;
        i += f ? (size_t) f : 1;
    }
    *ip = i + 1;
    return 0;
}

static void push(struct hdrlex *lx, enum hdrtok_type t, char c, size_t cfws, size_t start, size_t end)
{
    if (lx->count == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 32;
        lx->tok = xrealloc(lx->tok, lx->cap * sizeof(*lx->tok));
    }
    lx->tok[lx->count++] = (struct hdrtok) { t, c, cfws, start, end };
}

/* One token at *I (CFWS already skipped). */
static int one_token(struct hdrlex *lx, const char *s, size_t len, size_t cfws, size_t *ip, const char **why)
{
    size_t i = *ip, start = i;
    unsigned char c = (unsigned char) s[i];

    if (c == '"' || c == '[') {
        if (skip_quoted(s, len, &i, c == '"' ? '"' : ']', why) < 0)
            return -1;
        push(lx, c == '"' ? TOK_QSTR : TOK_LITERAL, 0, cfws, start, i);
    } else if (addr_atext(c, 1)) {          /* 8-bit octets too: RFC 6532 3.2 */
        while (i < len && addr_atext((unsigned char) s[i], 1))
            i++;
        push(lx, TOK_ATOM, 0, cfws, start, i);
    } else if (c != 0 && strchr("<>:;@,.", c)) {
        push(lx, TOK_SPECIAL, (char) c, cfws, start, ++i);
    } else {
        return *why = c == 0 ? "NUL in header" : c == ')' ? "unbalanced comment"
            : c < 0x20 || c == 0x7f ? "control character in header" : "stray special character", -1;
    }
    *ip = i;
    return 0;
}

int hdrlex_run(struct hdrlex *lx, const char *s, size_t len, const char **why)
{
    size_t i = 0, cfws;

    memset(lx, 0, sizeof(*lx));
    if (len > HDRLEX_MAX_LEN)
        return *why = "header too long", -1;
    for (;;) {
        cfws = i;
        if (skip_cfws(s, len, &i, why) < 0)
            return -1;
        if (i >= len)
            break;
        if (one_token(lx, s, len, cfws, &i, why) < 0)
            return -1;
    }
    push(lx, TOK_END, 0, cfws, len, len);
    return 0;
}

void hdrlex_free(struct hdrlex *lx)
{
    free(lx->tok);
    memset(lx, 0, sizeof(*lx));
}
