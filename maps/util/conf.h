/* conf.h - pogate.conf: Postfix-style "name = value" settings shared by every program.
 *
 * One table in conf.c lists every parameter with its type and default; an
 * unknown name, a bad value or a malformed line is an error reported as
 * "FILE:LINE: what is wrong (value)". A missing pogate.conf means all defaults.
 */
#ifndef POGATE_CONF_H
#define POGATE_CONF_H

#include <stdio.h>

enum conf_spf { SPF_OFF, SPF_HEADER, SPF_REJECT };
enum conf_quota_action { QUOTA_DEFER, QUOTA_BOUNCE };
enum conf_autoreply_action { AUTOREPLY_REJECT, AUTOREPLY_DISCARD };

struct pogate_conf {
    char *confdir;              /* -c DIR; not a parameter */
    char *store;                /* store root */
    char *user;                 /* unprivileged user the daemons run as */
    char *milter_socket;        /* unix:PATH or inet:PORT@HOST */
    char *lmtp_socket;
    char *milter_pid_file;
    char *lmtp_pid_file;
    int socket_mode;            /* permissions of unix sockets */
    char *socket_group;         /* group of unix sockets ("" = the user's) */
    char *trusted_networks;     /* outbound clients: IPs and CIDRs */
    char *outbound_services;    /* MTA services ({daemon_name}) whose mail is outbound */
    int spf;                    /* enum conf_spf */
    char *spf_zone_file;        /* "" = real DNS; else SPF DNS answers from this file only */
    int quota_action;           /* enum conf_quota_action */
    int autoreply_action;       /* enum conf_autoreply_action */
    int log_level;              /* enum msg_level */
    char *log_file;             /* "" = syslog */
    char *mta_transport;        /* transport written for PO domains, e.g. "pogate:" */
    long long lda_time_limit;   /* seconds */
    long long lmtp_max_connections;
    long long lmtp_idle_timeout;        /* seconds */
    long long lmtp_command_timeout;     /* seconds */
};

/* Fill in the defaults (also done by conf_load). */
void conf_defaults(struct pogate_conf *c, const char *confdir);

/* Read CONFDIR/pogate.conf over the defaults. Logs each error; returns their count. */
int conf_load(struct pogate_conf *c, const char *confdir);

/* Parse an open stream named NAME over what c holds. Returns the error count. */
int conf_parse_stream(struct pogate_conf *c, FILE *fp, const char *name);

/* Set one parameter from text; on failure returns -1 and a reason in *why. */
int conf_set(struct pogate_conf *c, const char *name, const char *value, const char **why);

/* Print every parameter as "name = value" (pogate-map -n, postconf style). */
void conf_print(const struct pogate_conf *c, FILE *fp);

void conf_free(struct pogate_conf *c);

/* Number parsers shared with the maps: "10M", "2G", "512k", "0" ; "30s", "5m", "1h". */
int conf_parse_size(const char *s, long long *out);
int conf_parse_time(const char *s, long long *out);

#endif
