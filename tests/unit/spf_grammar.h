/* spf_grammar.h - a reader of the Received-SPF field value of RFC 7208
 * section 9.1, for the tests: result, FWS, an optional comment, and
 * key=value pairs (dot-atom or quoted-string) separated by ';'. Independent
 * of the writer (milter/spf_header.c) so that the one checks the other.
 */
#ifndef POGATE_TEST_SPF_GRAMMAR_H
#define POGATE_TEST_SPF_GRAMMAR_H

#include <stdio.h>
#include <string.h>

static int g_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Skip a comment at *P (at its '('); 0, or -1 when it is not well formed. */
static int g_comment(const char **p)
{
    int depth = 0;

    for (const char *s = *p; *s; s++) {
        if (*s == '\\') {
            if (s[1] < 0x20 || s[1] > 0x7e)
                return -1;
            s++;
        } else if (*s == '(') {
            depth++;
        } else if (*s == ')') {
            if (--depth == 0)
                return *p = s + 1, 0;
        } else if (*s < 0x20 || *s > 0x7e) {
            return -1;
        }
    }
    return -1;
}

/* Skip a value at *P: a quoted-string or a dot-atom. */
static int g_value(const char **p)
{
    const char *s = *p;

    if (*s == '"') {
        for (s++; *s != '"'; s++) {
            if (*s == '\\' && s[1] >= 0x20 && s[1] <= 0x7e)
                s++;
            else if (*s == 0 || *s == '\\' || *s < 0x20 || *s > 0x7e)
                return -1;
        }
        return *p = s + 1, 0;
    }
    if (!g_atext(*s))
        return -1;
    while (g_atext(*s) || (*s == '.' && g_atext(s[1])))
        s++;
    return *p = s, 0;
}

/* NULL when V is a well-formed Received-SPF value whose keys include every
 * one of REQUIRED (space separated); else what is wrong. */
static const char *received_spf_check(const char *v, const char *required)
{
    static const char *const results[] = {
        "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"
    };
    const char *p = v;
    char keys[512] = " ";
    size_t i, n;

    for (i = 0; i < 7; i++)
        if (strncmp(p, results[i], n = strlen(results[i])) == 0 && p[n] == ' ')
            break;
    if (i == 7)
        return "no result word followed by a space";
    p += n + 1;
    if (*p == '(' && (g_comment(&p) < 0 || *p++ != ' '))
        return "comment not well formed or not followed by a space";
    while (*p) {
        const char *k = p;

        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return "a key does not start with a letter";
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
               || *p == '-' || *p == '_' || *p == '.')
            p++;
        if (*p != '=')
            return "a key without '='";
        {
            size_t used = strlen(keys);

            snprintf(keys + used, sizeof(keys) - used, "%.*s ", (int) (p - k), k);
        }
        p++;
        if (g_value(&p) < 0)
            return "a value neither dot-atom nor quoted-string";
        if (*p == ';')
            p++;
        else if (*p)
            return "pairs not separated by ';'";
        while (*p == ' ')
            p++;
    }
    for (const char *r = required; *r; r += strcspn(r, " "), r += *r == ' ') {
        char want[64];

        n = strcspn(r, " ");
        if (n + 3 > sizeof(want))
            return "required key too long";
        want[0] = ' ', memcpy(want + 1, r, n), want[n + 1] = ' ', want[n + 2] = 0;
        if (strstr(keys, want) == NULL)
            return "a required key is missing";
    }
    return NULL;
}

#endif
