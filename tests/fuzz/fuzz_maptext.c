/* fuzz_maptext.c - libFuzzer target for maps/maptext.c (the text-map parser).
 *
 * Input: one flags octet, then map text. Invariants for every record handed
 * out: a non-empty key with no blank, no byte below 0x20 (TAB included) or
 * 0x7f in key or value, lengths that match the strings, keys lowercase unless
 * -f, line numbers that only grow; attribute parsing of the value never
 * yields an uppercase or empty name and never reads past the value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "maptext.h"
#include "mem.h"

static void check_text(const char *s, size_t len, int key, int fold)
{
    size_t i;

    if (strlen(s) != len)
        abort();
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if ((c < 0x20 && !(c == '\t' && !key)) || c == 0x7f || (key && c == ' '))
            abort();
        if (key && fold && c >= 'A' && c <= 'Z')
            abort();
    }
}

static void check_attrs(const char *value)
{
    struct mapattr a[16];
    const char *why;
    char *copy = xstrdup(value);
    int n = maptext_attrs(copy, a, 16, &why), i;

    for (i = 0; i < n; i++) {
        if (a[i].name[0] == 0 || strpbrk(a[i].name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ= \t\""))
            abort();
        if (a[i].value < copy || a[i].value > copy + strlen(value))
            abort();
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int opened;
    struct maptext *m;
    struct maprec r;
    FILE *fp;
    int flags, last = 0, fold;

    if (!opened) {
        msg_open("fuzz_maptext", MSG_TO_STDERR);
        msg_set_level(MSG_LEVEL_ERROR);
        opened = 1;
    }
    if (size < 2)
        return 0;
    flags = data[0] & (MAPTEXT_NO_FOLD | MAPTEXT_VALUE_OPTIONAL);
    fold = !(flags & MAPTEXT_NO_FOLD);
    if ((fp = fmemopen((void *) (data + 1), size - 1, "r")) == NULL)
        return 0;
    m = maptext_stream(fp, "fuzz", flags);
    while (maptext_next(m, &r) > 0) {
        if (r.klen == 0 || r.line <= last)
            abort();
        last = r.line;
        check_text(r.key, r.klen, 1, fold);
        check_text(r.value, r.vlen, 0, 0);
        if (r.vlen == 0 && !(flags & MAPTEXT_VALUE_OPTIONAL))
            abort();
        check_attrs(r.value);
    }
    maptext_close(m);
    fclose(fp);
    return 0;
}
