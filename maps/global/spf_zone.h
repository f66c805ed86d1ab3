/* spf_zone.h - the zone file of spf_zone_file: libspf2's in-memory DNS layer
 * filled from a text file, so that SPF checks never touch the network (tests,
 * offline checks, the RFC 7208 test suite).
 *
 * One record a line, NAME TYPE DATA; '#' starts a comment line. TYPE is TXT,
 * SPF, A, AAAA, MX, PTR, or ANY (with an error only: every question for NAME).
 * DATA is the record's text, or !TRY_AGAIN, !HOST_NOT_FOUND, !NO_DATA,
 * !NO_RECOVERY for a DNS failure. Text in double quotes may hold \" \\ and
 * \DDD (a byte in decimal, as in RFC 1035 master files; \000 ends the text,
 * as a NUL does for libspf2 reading DNS), and NAME may hold \DDD, so a record
 * can carry the blanks, control characters and 8-bit bytes that test records
 * use on purpose. A line over 4094 bytes is an error, never cut.
 */
#ifndef POGATE_MILTER_SPF_ZONE_H
#define POGATE_MILTER_SPF_ZONE_H

#include <stdio.h>

/* libspf2's DNS layer, by its struct name: spf2/spf.h wants a prologue of
 * network headers (with _DEFAULT_SOURCE) that its includers should not need. */
struct SPF_dns_server_struct;

/* The zone of PATH, or NULL after logging each bad line as FILE:LINE: reason. */
struct SPF_dns_server_struct *spf_zone_load(const char *path);

/* The same from FP, whose lines the errors name as PATH:LINE. */
struct SPF_dns_server_struct *spf_zone_read(FILE *fp, const char *path);

#endif
