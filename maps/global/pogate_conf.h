/* pogate_conf.h - pogate.conf: the parameters every program shares, and the
 * list of every program's parameters.
 *
 * The shared ones (store, user, sockets' group and mode, logging, the held
 * mail records and how the admin tools reach the MTA) are here;
 * each program keeps its own beside its code (milter/milter_conf.h,
 * lda/lda_conf.h, lda/lmtp_conf.h, maps/map_conf.h) and hands its tables to
 * pogate_conf_load(). conf_all is every parameter of every program, built
 * from those tables (see Makefile.am): a program stores only what it uses,
 * but refuses a name no program has and a bad value of any of them, so one
 * pogate.conf is checked the same by every program that reads it.
 */
#ifndef POGATE_POGATE_CONF_H
#define POGATE_POGATE_CONF_H

#include "conf.h"

struct pogate_conf {
    char *confdir;              /* -c DIR; not a parameter */
    char *store;                /* store root */
    char *user;                 /* unprivileged user the daemons run as */
    int socket_mode;            /* permissions of unix sockets */
    char *socket_group;         /* group of unix sockets ("" = the user's) */
    int log_level;              /* enum msg_level */
    char *log_file;             /* "" = syslog */
    char *hold_dir;             /* records of held outbound mail (held.h) */
    int mta;                    /* enum mta_kind: the MTA the admin tools ask */
    char *mta_config;           /* its config directory (Postfix) or .cf (sendmail); "" = default */
    char *mta_command_directory;        /* where Postfix's postqueue and postsuper are */
    char *sendmail_path;        /* the MTA's sendmail(1) command */
    char *counters_file;        /* the host's shared counters (metrics.h), "" = none */
    char **others;              /* text of other programs' parameters (pogate_conf_other) */
};

extern const struct conf_param pogate_params[];
extern const size_t pogate_nparams;

/* Every parameter of every program, with its type and default. */
extern const struct conf_param conf_all[];
extern const size_t conf_nall;

/* Read CONFDIR/pogate.conf into C and the program's own tables OWN[0..N-1]
 * (fresh structs: what they held is not freed), over the defaults; sets the log
 * level. Logs each error; returns their count. */
int pogate_conf_load(struct pogate_conf *c, const char *confdir, const struct conf_table *own, int n);

/* The text of another program's parameter NAME as pogate.conf sets it, else
 * its default (pogate-map writes the MTA's tables from the milter's
 * trusted_networks and spf, say); NULL for an unknown name. */
const char *pogate_conf_other(const struct pogate_conf *c, const char *name);

/* Free what pogate_conf_load filled in, in C and OWN. */
void pogate_conf_free(struct pogate_conf *c, const struct conf_table *own, int n);

#endif
