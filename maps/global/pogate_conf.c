/* pogate_conf.c - the shared parameters and the loading of pogate.conf; see
 * pogate_conf.h. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "buf.h"
#include "log.h"
#include "mem.h"
#include "pogate_conf.h"

const struct conf_param pogate_params[] = {
    CONF_PARAM(store, CONF_STR, "/var/spool/pogate", NULL, struct pogate_conf, store),
    CONF_PARAM(user, CONF_STR, "pogate", NULL, struct pogate_conf, user),
    CONF_PARAM(socket_mode, CONF_MODE, "0660", NULL, struct pogate_conf, socket_mode),
    CONF_PARAM(socket_group, CONF_STR, "", NULL, struct pogate_conf, socket_group),
    CONF_PARAM(log_level, CONF_ENUM, "info", "error|warning|info|debug", struct pogate_conf, log_level),
    CONF_PARAM(log_file, CONF_STR, "", NULL, struct pogate_conf, log_file),
    CONF_PARAM(hold_dir, CONF_STR, "/var/lib/pogate/hold", NULL, struct pogate_conf, hold_dir),
    CONF_PARAM(mta, CONF_ENUM, "postfix", "postfix|sendmail", struct pogate_conf, mta),
    CONF_PARAM(mta_config, CONF_STR, "", NULL, struct pogate_conf, mta_config),
    CONF_PARAM(mta_command_directory, CONF_STR, "/usr/sbin", NULL, struct pogate_conf, mta_command_directory),
    CONF_PARAM(sendmail_path, CONF_STR, "/usr/sbin/sendmail", NULL, struct pogate_conf, sendmail_path),
    CONF_PARAM(counters_file, CONF_STR, POGATE_RUNDIR "/counters", NULL, struct pogate_conf, counters_file),
};
const size_t pogate_nparams = sizeof(pogate_params) / sizeof(pogate_params[0]);

/* The shared table first, then the program's. */
static struct conf_schema schema(struct pogate_conf *c, const struct conf_table *own, int n)
{
    struct conf_table *t = xcalloc((size_t) n + 1, sizeof(*t));

    t[0] = (struct conf_table) { pogate_params, pogate_nparams, c };
    if (n > 0)
        memcpy(t + 1, own, (size_t) n * sizeof(*t));
    return (struct conf_schema) { t, n + 1, conf_all, conf_nall, c->others };
}

int pogate_conf_load(struct pogate_conf *c, const char *confdir, const struct conf_table *own, int n)
{
    struct conf_schema s = schema(c, own, n);
    buf_t path = BUF_INIT;
    int errors;

    memset(c, 0, sizeof(*c));
    c->confdir = xstrdup(confdir);
    c->others = xcalloc(conf_nall, sizeof(*c->others));
    s.other_text = c->others;
    conf_defaults(&s);
    buf_printf(&path, "%s/pogate.conf", confdir);
    errors = conf_read(&s, path.data);
    buf_free(&path);
    msg_set_level((enum msg_level) c->log_level);
    free((void *) s.tables);
    return errors;
}

const char *pogate_conf_other(const struct pogate_conf *c, const char *name)
{
    struct conf_schema s = { NULL, 0, conf_all, conf_nall, c->others };

    return conf_other(&s, name);
}

void pogate_conf_free(struct pogate_conf *c, const struct conf_table *own, int n)
{
    struct conf_schema s = schema(c, own, n);

    conf_free(&s);
    free(c->others);
    free(c->confdir);
    c->confdir = NULL;
    c->others = NULL;
    free((void *) s.tables);
}
