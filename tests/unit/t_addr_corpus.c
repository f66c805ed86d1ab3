/* t_addr_corpus.c - addr_parse() over Dominic Sayers' is_email test set.
 *
 * tests/unit/data/isemail/tests.xml (is_email 3.05, BSD 3-Clause licence,
 * its LICENSE beside it) holds 164 addresses, each with the category its
 * author judged: VALID, DNSWARN (valid, DNS aside) and RFC5321 (valid in an
 * SMTP envelope, though unusual: quoted strings, address literals, a numeric
 * or lone TLD) are addresses an envelope may carry; CFWS and DEPREC (comments,
 * folding white space, obsolete syntax: RFC 5322 headers only), RFC5322
 * (valid in a header but past RFC 5321's limits or literal rules) and ERR
 * are not. addr_parse() reads envelope addresses, so it should accept the
 * first three and refuse the rest. The cases where it knowingly does
 * otherwise are listed below with the reason; each must still deviate, so
 * the list cannot outlive the behaviour it excuses.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "tap.h"
#include "utf8.h"

struct deviation {
    int id;
    const char *why;
};

static const struct deviation deviations[] = {
    { 15, "a leading dot in an unquoted local part is taken and quoted (addr.c's leniency: MTAs pass it on)" },
    { 16, "a trailing dot in an unquoted local part is taken and quoted (the same leniency)" },
    { 43, "the empty quoted local part \"\" is refused: no mailbox can have it" },
    { 157, "a blank before the address is dropped (MTAs hand over 'MAIL FROM: <a@b>' so)" },
    { 158, "a blank after the address is dropped (the same leniency)" },
};

static const char *deviation(int id)
{
    for (size_t i = 0; i < sizeof(deviations) / sizeof(deviations[0]); i++)
        if (deviations[i].id == id)
            return deviations[i].why;
    return NULL;
}

/* The text between <TAG> and </TAG> in [S, END), or NULL (also for <TAG/>). */
static const char *element(const char *s, const char *end, const char *tag, size_t *len)
{
    char open[32], close[32];
    const char *a, *b;

    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    if ((a = strstr(s, open)) == NULL || a > end || (b = strstr(a, close)) == NULL || b > end)
        return NULL;
    a += strlen(open);
    *len = (size_t) (b - a);
    return a;
}

/* XML character references and entities; U+2400..U+241F stand for the
 * control characters 0..31 and U+2421 for DEL (the set's own convention). */
static void decode(const char *s, size_t len, buf_t *out)
{
    static const char *const ent[][2] = {
        { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" },
    };

    buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        size_t k;

        if (s[i] != '&') {
            buf_putc(out, s[i]);
            continue;
        }
        if (s[i + 1] == '#') {
            char *e;
            unsigned long cp = s[i + 2] == 'x' ? strtoul(s + i + 3, &e, 16) : strtoul(s + i + 2, &e, 10);

            if (cp >= 0x2400 && cp <= 0x241F)
                buf_putc(out, (char) (cp - 0x2400));
            else if (cp == 0x2421)
                buf_putc(out, 0x7f);
            else
                utf8_put(out, cp);
            i = (size_t) (e - s);
            continue;
        }
        for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++)
            if (strncmp(s + i, ent[k][0], strlen(ent[k][0])) == 0)
                break;
        if (k == sizeof(ent) / sizeof(ent[0])) {
            buf_putc(out, '&');
            continue;
        }
        buf_puts(out, ent[k][1]);
        i += strlen(ent[k][0]) - 1;
    }
}

static int envelope_ok(const char *cat, size_t len)
{
    return (len == 22 && memcmp(cat, "ISEMAIL_VALID_CATEGORY", len) == 0)
        || (len == 15 && memcmp(cat, "ISEMAIL_DNSWARN", len) == 0)
        || (len == 15 && memcmp(cat, "ISEMAIL_RFC5321", len) == 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    buf_t b = BUF_INIT;
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

/* One <test>: 1 if addr_parse() agrees with the set. */
static int one(const char *t, const char *end, int *total, int *deviated)
{
    int id = atoi(t + strlen("<test id=\""));
    size_t alen = 0, clen = 0, dlen = 0;
    const char *a = element(t, end, "address", &alen), *c = element(t, end, "category", &clen);
    const char *d = element(t, end, "diagnosis", &dlen), *dev = deviation(id);
    buf_t addr = BUF_INIT;
    struct addr parsed;
    enum addr_status st;
    int want, got;

    decode(a ? a : "", alen, &addr);
    st = addr_parse(addr.data ? addr.data : "", addr.len, 0, &parsed);
    want = c && envelope_ok(c, clen);
    got = st == ADDR_OK;
    (*total)++;
    if (dev) {
        (*deviated)++;
        ok(got != want, "#%d %.*s: %s, a known deviation: %s", id, (int) dlen, d ? d : "", got ? "accepted" : "refused",
           dev);
    } else {
        ok(got == want, "#%d %.*s: %s (%s)", id, (int) dlen, d ? d : "", got ? "accepted" : "refused",
           addr_strerror(st));
    }
    buf_free(&addr);
    return got == want;
}

int main(void)
{
    const char *src = getenv("SRCDIR");
    buf_t path = BUF_INIT;
    char *xml;
    const char *t, *end;
    int total = 0, agree = 0, deviated = 0;

    buf_printf(&path, "%s/tests/unit/data/isemail/tests.xml", src ? src : "../..");
    if ((xml = slurp(path.data)) == NULL) {
        ok(0, "%s: cannot read", path.data);
        return done_testing();
    }
    for (t = strstr(xml, "<test id=\""); t; t = strstr(end, "<test id=\"")) {
        if ((end = strstr(t, "</test>")) == NULL)
            break;
        agree += one(t, end, &total, &deviated);
    }
    is_int(total, 164, "the set's 164 cases read");
    printf("# %d of %d as the corpus expects; %d known deviations\n", agree, total, deviated);
    is_int(agree, total - deviated, "every other case as the corpus expects");
    free(xml);
    buf_free(&path);
    return done_testing();
}
