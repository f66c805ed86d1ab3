/* hdrlex.h - RFC 5322 structured-header tokens, for hdraddr.c (internal).
 *
 * A header value becomes an array of tokens (atoms, quoted strings, domain
 * literals, specials) with the comments and folding white space between
 * them dropped but remembered, so the parser can look ahead freely and still
 * know every token's byte span in the original value.
 */
#ifndef POGATE_HDRLEX_H
#define POGATE_HDRLEX_H

#include <stddef.h>

enum hdrtok_type { TOK_END, TOK_ATOM, TOK_QSTR, TOK_LITERAL, TOK_SPECIAL };

struct hdrtok {
    enum hdrtok_type type;
    char special;               /* TOK_SPECIAL: one of < > : ; @ , . */
    size_t cfws_start;          /* where the CFWS before this token starts */
    size_t start, end;          /* the token's own bytes */
};

struct hdrlex {
    struct hdrtok *tok;
    size_t count, cap;
};

#define HDRLEX_MAX_LEN (256 * 1024)     /* no legitimate address header is longer */
#define HDRLEX_MAX_DEPTH 64             /* comment nesting */

/* Tokenize S (LEN bytes); the last token is TOK_END. Returns 0, or -1 with a
 * reason in *WHY (bare CR or LF, NUL, unbalanced comment or quote, ...). */
int hdrlex_run(struct hdrlex *lx, const char *s, size_t len, const char **why);
void hdrlex_free(struct hdrlex *lx);

#endif
