/* stat_out.h - the report of pogate-stat(1): one row per postoffice, the
 * MTA's queue grouped per postoffice and direction with its deferral
 * reasons counted, as text or JSON. */
#ifndef POGATE_STAT_OUT_H
#define POGATE_STAT_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "podir.h"
#include "mtaq.h"
#include "stat_store.h"

struct stat_po {
    struct po po;               /* strings in the snapshot */
    int mailboxes;              /* in the maps */
    struct stat_store store;
    uint64_t delivered, deferred, bounced;      /* counters_file */
    uint64_t accepted, rejected;
};

struct stat_reason {
    char *text;
    int rcpts;
};

/* The queued mail of one postoffice in one direction. */
struct stat_group {
    char po[PODIR_NAME_MAX + 1];        /* "" for mail of no postoffice */
    const char *direction;              /* inbound, outbound, other */
    int messages, rcpts;
    long long oldest;
    int active, deferred, hold;
    struct stat_reason *reasons;
    int nreasons;
};

struct stat_report {
    long long now, since;
    const char *counters_file, *queue_command;
    struct stat_po *po;
    int npo;
    int have_queue;
    struct mtaq queue;
    struct stat_group *groups;
    int ngroups;
};

/* Sort the queue of R into groups: a recipient at a postoffice domain is
 * that postoffice's inbound mail, one of a sender at a postoffice mailbox its
 * outbound mail, the rest "other". */
void stat_group(struct podir *d, struct stat_report *r);

void stat_print_text(const struct stat_report *r, FILE *fp);
void stat_print_json(const struct stat_report *r, FILE *fp);
void stat_report_free(struct stat_report *r);

#endif
