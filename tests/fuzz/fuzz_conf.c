/* fuzz_conf.c - libFuzzer target for maps/util/conf.c (the pogate.conf parser).
 *
 * Any input: no crash, no read outside it, no leak (ASan). Whatever the
 * parser made of it, with or without errors, conf_print writes a file that
 * parses again without an error to the same settings, over every
 * program's table at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lda_conf.h"
#include "lmtp_conf.h"
#include "log.h"
#include "map_conf.h"
#include "milter_conf.h"
#include "pogate_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every owner's table, as pogate.conf(5) lists them, over one set of structs. */
struct every {
    struct pogate_conf c;
    struct milter_conf mc;
    struct lda_conf dc;
    struct lmtp_conf lc;
    struct map_conf pc;
    struct conf_table t[5];
    struct conf_schema s;
};

static void every_init(struct every *e)
{
    memset(e, 0, sizeof(*e));
    e->t[0] = (struct conf_table) { pogate_params, pogate_nparams, &e->c };
    e->t[1] = (struct conf_table) { milter_params, milter_nparams, &e->mc };
    e->t[2] = (struct conf_table) { lda_params, lda_nparams, &e->dc };
    e->t[3] = (struct conf_table) { lmtp_params, lmtp_nparams, &e->lc };
    e->t[4] = (struct conf_table) { map_params, map_nparams, &e->pc };
    e->s = (struct conf_schema) { e->t, 5, conf_all, conf_nall, NULL };
    conf_defaults(&e->s);
}

/* The settings as conf_print writes them; the caller frees. */
static char *printed(const struct conf_schema *s, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);

    if (out == NULL)
        abort();
    conf_print(s, out);
    if (fclose(out) != 0)
        abort();
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int opened;
    static struct every c, again;
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
    every_init(&c);
    (void) conf_parse_stream(&c.s, fp, "fuzz");
    fclose(fp);
    first = printed(&c.s, &len1);

    every_init(&again);
    if ((fp = fmemopen(first, len1, "r")) == NULL)
        abort();
    if (conf_parse_stream(&again.s, fp, "printed") != 0)
        abort();
    fclose(fp);
    second = printed(&again.s, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0)
        abort();
    free(first);
    free(second);
    conf_free(&c.s);
    conf_free(&again.s);
    return 0;
}
