/* poindex.h - the layout of index.cdb, the one file every program reads.
 *
 * pogate-map writes it (maps/podir_index.c), podir.c and podir_cache.c read
 * it; this header is the only place its keys are spelled, as tinycdb's cdb.h
 * is for the cdb layout. Every key is a one-letter prefix and a colon, then
 * the key proper, so that one CDB holds every index:
 *
 *   V:              format version, POINDEX_VERSION
 *   S:count         number of postoffices;  S:maxsize  largest maxsize (0: none)
 *   S:spoof         number of postoffices with spoof= other than off
 *   P:po            PO record: POINDEX_PO_FIELDS NUL-terminated fields, in
 *                   order name, domain, alias domains, internal, store,
 *                   maxsize, quota, outbound, autoreply, state (as written),
 *                   inbound stopped and outbound stopped (0/1: its state or
 *                   its hub's), postmaster, via, content (raw or 7bit),
 *                   max_line, charset ("": none), pickup (0/1: outbag read
 *                   by pogate-pickup), utf8 (0/1: UTF-8 addresses stored),
 *                   spoof (off, tag, reject)
 *   O:i             name of the i-th PO, 0 <= i < S:count
 *   D:domain        PO name, for public, alias and internal domains
 *   M:po/mbx        mailbox record: NUL-terminated fields
 *   A:address       "po/mbx" inbound: public, internal, alias addresses,
 *                   @domain catch-alls, postmaster@ every PO domain
 *   F:address       "po/mbx" outbound senders: public and internal addresses
 *   N:addr/len      access action (OK, REJECT, TRUST) of one network
 *   X:4, X:6        the prefix lengths in use, one byte each, longest first
 *
 * A reader that finds another version refuses the file (the programs then
 * tempfail: run the pogate-map that matches them). Bump the version with any
 * change a reader of the old layout would misread.
 */
#ifndef POGATE_POINDEX_H
#define POGATE_POINDEX_H

#define POINDEX_VERSION         "pogate-index 4"
#define POINDEX_PO_FIELDS       20

#define POINDEX_KEY_VERSION     "V:"
#define POINDEX_KEY_COUNT       "S:count"
#define POINDEX_KEY_MAXSIZE     "S:maxsize"
#define POINDEX_KEY_SPOOF       "S:spoof"
#define POINDEX_PO              "P:"
#define POINDEX_PO_AT           "O:"
#define POINDEX_DOMAIN          "D:"
#define POINDEX_MAILBOX         "M:"
#define POINDEX_INBOUND         "A:"
#define POINDEX_SENDER          "F:"
#define POINDEX_NETWORK         "N:"
#define POINDEX_KEY_PREFIX4     "X:4"
#define POINDEX_KEY_PREFIX6     "X:6"

#endif
