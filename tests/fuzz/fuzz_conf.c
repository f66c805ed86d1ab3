/* fuzz_conf.c - libFuzzer target for maps/util/conf.c (the pogate.conf parser).
 *
 * Any input: no crash, no read outside it, no leak (ASan). Whatever the
 * parser made of it, with or without errors, conf_print writes a file that
 * parses again without an error to the same settings: what pogate-map -n
 * shows an operator is what the daemons would run with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* C as conf_print writes it; the caller frees. */
static char *printed(const struct pogate_conf *c, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);

    if (out == NULL)
        abort();
    conf_print(c, out);
    if (fclose(out) != 0)
        abort();
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int opened;
    struct pogate_conf c, again;
    char *first, *second;
    size_t len1, len2;
    FILE *fp;

    if (!opened) {
        msg_open("fuzz_conf", MSG_TO_STDERR);
        msg_set_level(MSG_LEVEL_ERROR);
        opened = 1;
    }
    if (size == 0 || (fp = fmemopen((void *) data, size, "r")) == NULL)
        return 0;
    conf_defaults(&c, "/nonexistent");
    (void) conf_parse_stream(&c, fp, "fuzz");
    fclose(fp);
    first = printed(&c, &len1);

    conf_defaults(&again, "/nonexistent");
    if ((fp = fmemopen(first, len1, "r")) == NULL)
        abort();
    if (conf_parse_stream(&again, fp, "printed") != 0)
        abort();
    fclose(fp);
    second = printed(&again, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0)
        abort();
    free(first);
    free(second);
    conf_free(&c);
    conf_free(&again);
    return 0;
}
