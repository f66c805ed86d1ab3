/* rfcdate.h - a strict RFC 5322 date-time parser.
 *
 * Accepted (the form MTAs write into their Received headers):
 *
 *     [ day-of-week "," ] day month year hour ":" minute [ ":" second ] zone [ comments ]
 *
 * day 1 or 2 digits, month the English three-letter name (case-insensitive),
 * year 4 digits (1900 or later), hour, minute, second 2 digits, zone "+hhmm"
 * or "-hhmm" or one of the obsolete names with a fixed offset ("GMT", as
 * sendmail writes it, "UT", "EST", "EDT", "CST", "CDT", "MST", "MDT",
 * "PST", "PDT"), white space (folding included) between the tokens, and after the
 * zone only white space and parenthesised comments ("(UTC)", nested and
 * quoted-pair allowed; no control characters). The day-of-week, when present, must be the right one.
 * Other obsolete forms (2-digit years, military zone letters) are refused:
 * a caller that needs the same instant every time it reads a header wants no
 * guessing. Second 60 (a leap second) is taken as 59.
 */
#ifndef POGATE_RFCDATE_H
#define POGATE_RFCDATE_H

#include <stddef.h>

/* Parse S[0..LEN-1] as a date-time: 0 and *T the instant in seconds since
 * the epoch (UTC), or -1. */
int rfcdate_parse(const char *s, size_t len, long long *t);

/* Format T as "Www, d Mmm yyyy hh:mm:ss +0000" into BUF (at least 32 bytes). */
void rfcdate_format(long long t, char *buf, size_t size);

#endif
