/* conf_all.c - every parameter of every program (pogate_conf.h).
 *
 * conf_all.inc is extracted at build time from the CONF_PARAM lines of each
 * owner's table (maps/global/Makefile.am lists the files), as Postfix's
 * postconf extracts its tables from the daemons' sources: one definition of
 * each parameter, beside the code that uses it, and still one list that
 * every program checks pogate.conf against.
 */
#include "config.h"
#include "pogate_conf.h"

const struct conf_param conf_all[] = {
#include "conf_all.inc"
};
const size_t conf_nall = sizeof(conf_all) / sizeof(conf_all[0]);
