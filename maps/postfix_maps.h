/* postfix_maps.h - the tables Postfix reads itself for the native inbound
 * path (recipients, aliases, client access, trusted clients, sender
 * anti-spoofing, which clients the milter sees); see postfix_maps.c.
 */
#ifndef POGATE_POSTFIX_MAPS_H
#define POGATE_POSTFIX_MAPS_H

#include "podir_build.h"

/* What pogate.conf says that the tables depend on: pogate-milter's
 * trusted_networks and whether it checks SPF (then it must see every client). */
struct postfix_maps_opts {
    const char *trusted_networks;
    int spf_on;
};

/* Write every table into B's directory, each atomically. 0; 1 with the
 * reason logged when trusted_networks is bad; 75 when a file cannot be
 * written (logged). */
int postfix_maps_write(const struct bdir *b, const struct postfix_maps_opts *po);

#endif
